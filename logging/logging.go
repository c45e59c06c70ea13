package logging

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/rs/zerolog"

	"github.com/roundtrip-go/roundtrip/internal/attempt"
	"github.com/roundtrip-go/roundtrip/internal/secret"
	"github.com/roundtrip-go/roundtrip/logging/internal/event"
	"github.com/roundtrip-go/roundtrip/middleware"
)

// message is the message of every event the middleware writes.
const message = "http request"

// New returns a middleware that writes one zerolog event to logger for
// every request (every attempt, below a retry middleware) that passes
// through it. The fields, levels, redaction and timing are described in
// the package documentation.
//
// The logger's level decides what is logged: at info, warn or error only
// the events of those levels, without the debug fields; at debug or trace,
// every event with the debug fields. Note that [zerolog.New] starts at trace
// level: use logger.Level(zerolog.InfoLevel) for plain access logs.
//
// A zero or disabled logger (such as [zerolog.Nop]) is valid and logs
// nothing, at no cost. A nil next means [http.DefaultTransport]. The
// options add to the defaults; nil options are ignored.
func New(logger zerolog.Logger, opts ...Option) middleware.Middleware {
	return newMiddleware(logger, nil, opts)
}

// NewSlog is [New] for log/slog: the same events, with the same fields,
// levels and redaction, written to logger with LogAttrs. The debug fields
// are added when logger is enabled at [slog.LevelDebug]; the headers are
// groups. A nil logger logs nothing, at no cost.
func NewSlog(logger *slog.Logger, opts ...Option) middleware.Middleware {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return newMiddleware(zerolog.Nop(), logger, opts)
}

func newMiddleware(zl zerolog.Logger, sl *slog.Logger, opts []Option) middleware.Middleware {
	c := newConfig(opts)
	red := newRedactor(c.headers, c.params)
	return func(next http.RoundTripper) http.RoundTripper {
		if next == nil {
			next = http.DefaultTransport
		}
		return &transport{next: next, zl: zl, sl: sl, red: red, bodyLimit: c.bodyLimit}
	}
}

// transport writes to zl, or to sl when sl is not nil.
type transport struct {
	next      http.RoundTripper
	zl        zerolog.Logger
	sl        *slog.Logger
	red       *redactor
	bodyLimit int
}

var _ http.RoundTripper = (*transport)(nil)

// enabled reports whether the logger writes events at lvl. For zerolog a
// logger with no writer still says yes: its event is nil (see open).
func (t *transport) enabled(ctx context.Context, lvl event.Level) bool {
	if t.sl != nil {
		return t.sl.Enabled(ctx, lvl.Slog())
	}
	return lvl.Zerolog() >= max(t.zl.GetLevel(), zerolog.GlobalLevel())
}

// level returns the level of an attempt's event: 2xx/3xx info, 4xx warn,
// 5xx and errors error, or warn inside a retry layer, where a failed
// attempt is not yet a failed call.
func level(resp *http.Response, err error, inRetry bool) event.Level {
	switch {
	case err != nil || resp == nil || resp.StatusCode >= 500:
		if inRetry {
			return event.Warn
		}
		return event.Error
	case resp.StatusCode >= 400:
		return event.Warn
	default:
		return event.Info
	}
}

// RoundTrip passes req to the next RoundTripper unchanged and returns its
// result unchanged, apart from the response body, which it wraps to finish
// the event when the body is read to EOF or closed.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if !t.enabled(ctx, event.Error) {
		return t.next.RoundTrip(req)
	}
	start := time.Now()
	resp, err := t.next.RoundTrip(req)

	n := attempt.From(ctx)
	a := t.open(ctx, level(resp, err, n > 0))
	if a == nil {
		return resp, err
	}
	a.start = start
	a.req = req
	debug := t.enabled(ctx, event.Debug)
	a.head(req, resp, n, debug)
	if err != nil || resp == nil || resp.StatusCode == http.StatusSwitchingProtocols {
		// Nothing to wait for: a 101 body is the connection itself.
		a.finish(causeOf(ctx, err))
		return resp, err
	}
	if debug && t.bodyLimit > 0 && resp.Body != nil && resp.Body != http.NoBody {
		a.limit = t.bodyLimit
	}
	a.body.Watch(resp, a)
	return resp, nil
}

// causeOf returns the error the event reports for err, an attempt's error
// under ctx: when err is ctx's own cancellation or deadline, ctx's cause,
// if it has one, since it says why (a layer above stopped the attempt, a
// timeout's limit) where context.Canceled says only that something did.
// The error returned to the caller is left as it is.
func causeOf(ctx context.Context, err error) error {
	if err == nil || ctx.Err() == nil {
		return err
	}
	if !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if cause := context.Cause(ctx); cause != ctx.Err() {
		return cause
	}
	return err
}

// open returns the state of an event at lvl, or nil when lvl is disabled.
func (t *transport) open(ctx context.Context, lvl event.Level) *attemptLog {
	var ze *zerolog.Event
	if t.sl != nil {
		if !t.sl.Enabled(ctx, lvl.Slog()) {
			return nil
		}
	} else if ze = t.zl.WithLevel(lvl.Zerolog()); ze == nil {
		return nil
	}
	a := &attemptLog{t: t, lvl: lvl, ze: ze}
	a.fields = a.buf[:0]
	return a
}

// head adds the fields known when RoundTrip returns. At debug it adds the
// headers and the request body excerpt too.
func (a *attemptLog) head(req *http.Request, resp *http.Response, n int, debug bool) {
	t := a.t
	a.fields = append(a.fields, slog.String("method", method(req)), slog.String("url", t.red.url(req.URL)))
	if resp != nil {
		a.fields = append(a.fields, slog.Int("status", resp.StatusCode))
	}
	if n > 0 {
		a.fields = append(a.fields, slog.Int("attempt", n))
	}
	if !debug {
		return
	}
	a.fields = append(a.fields, event.Group("request_headers", t.headers(req.Header, req)))
	if x, ok := t.requestExcerpt(req); ok {
		a.fields = append(a.fields, slog.String("request_body", t.red.text(string(x), req.URL)))
	}
	if resp != nil {
		a.fields = append(a.fields, event.Group("response_headers", t.headers(resp.Header, req)))
	}
}

// headers returns h as fields, secrets redacted: the default and added
// secret headers, and those an auth middleware marked as secret on the
// request's context.
func (t *transport) headers(h http.Header, req *http.Request) []slog.Attr {
	fs := make([]slog.Attr, 0, len(h))
	for _, k := range sortedKeys(h) {
		v := redacted
		if !secret.IsHeader(req.Context(), k) {
			v = t.red.headerValue(k, h[k], req.URL)
		}
		fs = append(fs, slog.String(k, v))
	}
	return fs
}

// requestExcerpt reads the first bodyLimit bytes of a fresh copy of the
// request body from req.GetBody. The caller's req.Body is never touched:
// without GetBody there is no excerpt.
func (t *transport) requestExcerpt(req *http.Request) ([]byte, bool) {
	if t.bodyLimit <= 0 || req.GetBody == nil || req.Body == nil || req.Body == http.NoBody {
		return nil, false
	}
	rc, err := req.GetBody()
	if err != nil || rc == nil {
		return nil, false
	}
	defer rc.Close()
	x, err := io.ReadAll(io.LimitReader(rc, int64(t.bodyLimit)))
	if err != nil {
		return nil, false
	}
	return x, true
}

// method returns req's method as net/http sends it: GET when empty.
func method(req *http.Request) string {
	if req.Method == "" {
		return http.MethodGet
	}
	return req.Method
}

// CloseIdleConnections closes the idle connections of the next
// RoundTripper, so that [http.Client.CloseIdleConnections] reaches the base
// transport through this middleware.
func (t *transport) CloseIdleConnections() { middleware.CloseIdleConnections(t.next) }
