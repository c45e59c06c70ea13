package retrylog

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/rs/zerolog"

	"github.com/roundtrip-go/roundtrip/logging"
	"github.com/roundtrip-go/roundtrip/logging/internal/event"
	"github.com/roundtrip-go/roundtrip/retry"
)

// The messages of the two events.
const (
	retryMessage  = "retrying request"
	giveUpMessage = "giving up"
)

// New returns one retry option that logs to logger a warn event for every
// retry ([retry.OnRetry]) and an error event for every give-up
// ([retry.OnGiveUp]), with the fields in the package documentation. It
// adds its listeners to any others the retry middleware has.
//
// opts are logging's options; only the redaction ones matter here, so
// pass the same ones as to [logging.New]. A zero or disabled logger logs
// nothing, and a disabled level costs no allocation.
func New(logger zerolog.Logger, opts ...logging.Option) retry.Option {
	return listener{red: logging.NewRedactor(opts...), zl: &logger}.option()
}

// NewSlog is [New] for log/slog: the same events and fields, written with
// LogAttrs and the request's context. A nil logger logs nothing.
func NewSlog(logger *slog.Logger, opts ...logging.Option) retry.Option {
	return listener{red: logging.NewRedactor(opts...), sl: logger}.option()
}

// listener writes retry events to zl, or to sl when zl is nil.
type listener struct {
	red *logging.Redactor
	zl  *zerolog.Logger
	sl  *slog.Logger
}

func (l listener) option() retry.Option {
	return retry.Options(retry.OnRetry(l.retry), retry.OnGiveUp(l.giveUp))
}

func (l listener) retry(ev retry.Event)  { l.write(event.Warn, retryMessage, ev) }
func (l listener) giveUp(ev retry.Event) { l.write(event.Error, giveUpMessage, ev) }

// write writes ev at lvl, building its fields only when lvl is enabled.
func (l listener) write(lvl event.Level, msg string, ev retry.Event) {
	var buf [7]slog.Attr
	if l.zl != nil {
		if e := l.zl.WithLevel(lvl.Zerolog()); e != nil {
			event.AddTo(e, l.fields(buf[:0], ev, lvl == event.Error)).Msg(msg)
		}
		return
	}
	ctx := context.Background()
	if ev.Request != nil {
		ctx = ev.Request.Context()
	}
	if l.sl != nil && l.sl.Enabled(ctx, lvl.Slog()) { // before the fields are built
		l.sl.LogAttrs(ctx, lvl.Slog(), msg, l.fields(buf[:0], ev, lvl == event.Error)...)
	}
}

// fields appends ev's fields to dst: those of a give-up (with the reason)
// when giveUp is set, else those of a retry (with the delay).
func (l listener) fields(dst []slog.Attr, ev retry.Event, giveUp bool) []slog.Attr {
	var u *url.URL
	if req := ev.Request; req != nil {
		m := req.Method
		if m == "" {
			m = http.MethodGet
		}
		u = req.URL
		dst = append(dst, slog.String("method", m), slog.String("url", l.red.URL(u)))
	}
	dst = append(dst, slog.Int("attempt", ev.Attempt))
	if ev.Err != nil {
		dst = append(dst, slog.String("error", l.red.Error(ev.Err, u)))
	} else {
		dst = append(dst, slog.Int("status", ev.StatusCode))
	}
	if giveUp {
		return append(dst, slog.String("reason", ev.Reason))
	}
	return append(dst, event.Millis("delay_ms", ev.Delay))
}
