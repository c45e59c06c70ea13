package timeout

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/roundtrip-go/roundtrip/middleware"
)

// New returns a middleware that gives each request passing through it a
// deadline of d, from the moment RoundTrip is called until the response body
// is read to EOF or closed. It is meant to sit below a retry middleware, so
// that every attempt gets the full d.
//
// A d of zero or less disables the deadline: the middleware returns next
// unchanged. A nil next means [http.DefaultTransport]. The caller's own
// context still applies: whichever ends first wins, and only the deadline
// set here produces an [*Error].
func New(d time.Duration) middleware.Middleware {
	return func(next http.RoundTripper) http.RoundTripper {
		if next == nil {
			next = http.DefaultTransport
		}
		if d <= 0 {
			return next
		}
		return &transport{next: next, limit: d}
	}
}

// errFired is the cause of an attempt context whose deadline fired.
var errFired = errors.New("timeout: attempt deadline exceeded")

type transport struct {
	next  http.RoundTripper
	limit time.Duration
}

var _ http.RoundTripper = (*transport)(nil)

// RoundTrip runs one attempt under the deadline. The deadline's resources
// are released when the response body is closed or read to EOF.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithTimeoutCause(req.Context(), t.limit, errFired)
	resp, err := t.next.RoundTrip(req.WithContext(ctx))
	if err != nil {
		err = t.wrap(ctx, err)
		cancel()
		return nil, err
	}
	if resp.Body == nil || resp.Body == http.NoBody {
		cancel()
		return resp, nil
	}
	b := &body{rc: resp.Body, ctx: ctx, cancel: cancel, limit: t.limit}
	if rwc, ok := resp.Body.(io.ReadWriteCloser); ok && resp.StatusCode == http.StatusSwitchingProtocols {
		resp.Body = &writableBody{body: b, w: rwc}
	} else {
		resp.Body = b
	}
	return resp, nil
}

// wrap turns err into an *Error when the attempt deadline, and not the
// caller's context, ended the attempt.
func (t *transport) wrap(ctx context.Context, err error) error {
	return wrapErr(ctx, t.limit, err)
}

func wrapErr(ctx context.Context, limit time.Duration, err error) error {
	if context.Cause(ctx) != errFired {
		return err
	}
	return &Error{Limit: limit, Err: err}
}

// body releases the attempt's deadline when it is read to EOF or closed.
type body struct {
	rc     io.ReadCloser
	ctx    context.Context
	cancel context.CancelFunc // idempotent
	limit  time.Duration
	closed atomic.Bool
}

func (b *body) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	switch {
	case err == io.EOF:
		b.cancel()
	case err != nil:
		err = wrapErr(b.ctx, b.limit, err)
	}
	return n, err
}

// Close closes the underlying body once, then releases the deadline. Later
// calls return nil.
func (b *body) Close() error {
	if !b.closed.CompareAndSwap(false, true) {
		return nil
	}
	err := b.rc.Close()
	b.cancel()
	return err
}

// writableBody keeps the io.Writer of a 101 Switching Protocols body.
type writableBody struct {
	*body
	w io.Writer
}

func (b *writableBody) Write(p []byte) (int, error) {
	return b.w.Write(p)
}

// CloseIdleConnections closes the idle connections of the next
// RoundTripper, so that [http.Client.CloseIdleConnections] reaches the base
// transport through this middleware.
func (t *transport) CloseIdleConnections() { middleware.CloseIdleConnections(t.next) }
