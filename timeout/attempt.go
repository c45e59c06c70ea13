package timeout

import (
	"context"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/roundtrip-go/roundtrip/internal/body"
)

// attempt is one request under the limit. Its context ends with &cause
// when the limit fires: for New a context.WithTimeoutCause, for Idle a
// context.WithCancelCause that a timer cancels unless progress resets it
// first. It is also the response body's [body.Watcher] and holds the body
// wrapper, so that one allocation holds the attempt's state, both
// callbacks and the wrapper.
type attempt struct {
	ctx    context.Context
	cause  Error                   // &cause is what ctx ends with when the limit fires
	cancel context.CancelFunc      // New only: ends ctx
	expire context.CancelCauseFunc // Idle only: ends ctx with the cause given
	timer  *time.Timer             // Idle only: calls expire(&cause)
	body   body.Wrapper            // the response body, in the same allocation
}

var _ body.Watcher = (*attempt)(nil)

// start begins the attempt of req under limit d and returns it with the
// request to send on: a copy of req that carries the attempt's context and,
// under Idle, a request body whose reads count as progress.
func start(req *http.Request, d time.Duration, idle bool) (*attempt, *http.Request) {
	a := &attempt{cause: Error{Limit: d, Idle: idle}}
	if !idle {
		a.ctx, a.cancel = context.WithTimeoutCause(req.Context(), d, &a.cause)
		return a, req.WithContext(a.ctx)
	}
	a.ctx, a.expire = context.WithCancelCause(req.Context())
	a.timer = time.AfterFunc(d, func() { a.expire(&a.cause) })
	out := req.WithContext(a.ctx)
	out.Body = a.watchBody(req.Body)
	if req.GetBody != nil {
		out.GetBody = func() (io.ReadCloser, error) {
			rc, err := req.GetBody()
			return a.watchBody(rc), err
		}
	}
	return a, out
}

// progress gives an Idle attempt a fresh limit. A late call, after the
// attempt has ended, re-arms a timer whose cancel no longer changes
// anything.
func (a *attempt) progress() {
	if a.timer != nil {
		a.timer.Reset(a.cause.Limit)
	}
}

// release ends the attempt, once its response is done with. It is safe to
// call more than once.
func (a *attempt) release() {
	if a.timer == nil {
		a.cancel()
		return
	}
	a.timer.Stop()
	a.expire(nil)
}

// OnRead is the response body's onRead: bytes are progress, and an error
// caused by the limit becomes an *Error.
func (a *attempt) OnRead(p []byte, err error) error {
	if len(p) > 0 {
		a.progress()
	}
	if err == nil || err == io.EOF {
		return err
	}
	return a.fail(err)
}

// OnEnd releases the attempt when the response body ends.
func (a *attempt) OnEnd() { a.release() }

// fail returns the error the caller gets for err: err itself, unless the
// limit ended the attempt. Then it is an *Error, which keeps err as its
// cause when err says more than that the context ended.
func (a *attempt) fail(err error) error {
	if context.Cause(a.ctx) != error(&a.cause) {
		return err
	}
	if errors.Is(err, &a.cause) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &a.cause
	}
	return &Error{Limit: a.cause.Limit, Idle: a.cause.Idle, Err: err}
}

// watchBody returns rc wrapped so that reads from it are progress, or rc
// itself when it has nothing to read.
func (a *attempt) watchBody(rc io.ReadCloser) io.ReadCloser {
	if rc == nil || rc == http.NoBody {
		return rc
	}
	return &requestBody{ReadCloser: rc, a: a}
}

// requestBody is an Idle request's body: every byte the next RoundTripper
// takes from it is progress. Close is the original's.
type requestBody struct {
	io.ReadCloser
	a *attempt
}

func (b *requestBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if n > 0 {
		b.a.progress()
	}
	return n, err
}
