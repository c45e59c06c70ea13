package logging

import (
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/roundtrip-go/roundtrip/internal/body"
	"github.com/roundtrip-go/roundtrip/logging/internal/event"
)

// attemptLog is the event of one attempt, from RoundTrip to the end of the
// response body. Its fields are built once and written to zerolog or slog
// at the end. At debug it keeps the first limit bytes the caller read.
type attemptLog struct {
	t     *transport
	req   *http.Request
	lvl   event.Level
	ze    *zerolog.Event // the zerolog event, started at RoundTrip; nil for slog
	start time.Time
	limit int // excerpt size; 0 = no excerpt

	mu      sync.Mutex // guards the fields below: Close may race with Read
	done    bool
	excerpt []byte
	readErr error
	fields  []slog.Attr
	buf     [6]slog.Attr // room for an info event's fields

	body body.Wrapper // the response body, in the same allocation
}

var _ body.Watcher = (*attemptLog)(nil)

// OnRead keeps the excerpt and the first read error. The caller gets every
// byte and every error exactly as the original body returns them.
func (a *attemptLog) OnRead(p []byte, err error) error {
	a.mu.Lock()
	if !a.done {
		if room := a.limit - len(a.excerpt); room > 0 && len(p) > 0 {
			a.excerpt = append(a.excerpt, p[:min(len(p), room)]...)
		}
		if err != nil && err != io.EOF && a.readErr == nil {
			a.readErr = err
		}
	}
	a.mu.Unlock()
	return err
}

// OnEnd writes the event when the body ends.
func (a *attemptLog) OnEnd() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.limit > 0 {
		a.fields = append(a.fields, slog.String("response_body", a.t.red.text(string(a.excerpt), a.req.URL)))
	}
	a.finishLocked(a.readErr)
}

// finish writes the event with err, the transport error, if any.
func (a *attemptLog) finish(err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.finishLocked(err)
}

// finishLocked adds the error and the duration and writes the event, once.
func (a *attemptLog) finishLocked(err error) {
	if a.done {
		return
	}
	a.done = true
	if err != nil {
		a.fields = append(a.fields, slog.String("error", a.t.red.errText(err, a.req.URL)))
	}
	a.fields = append(a.fields, event.Millis("duration_ms", time.Since(a.start)))
	if a.ze != nil {
		event.AddTo(a.ze, a.fields).Msg(message)
		return
	}
	event.WriteSlog(a.req.Context(), a.t.sl, a.lvl, message, a.fields)
}
