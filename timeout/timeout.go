package timeout

import (
	"net/http"
	"time"

	"github.com/roundtrip-go/roundtrip/middleware"
)

// New returns a middleware that gives each request passing through it a
// deadline of d, from the moment RoundTrip is called until the response body
// is read to EOF or closed. It is meant to sit below a retry middleware, so
// that every attempt gets the full d. A slow download that is still running
// when d has passed fails; use [Idle] for a limit that only a stall trips.
//
// A d of zero or less disables the deadline: the middleware returns next
// unchanged, and [Override] cannot turn it back on. A nil next means
// [http.DefaultTransport]. The caller's own context still applies:
// whichever ends first wins, and only the deadline set here produces an
// [*Error]. [Override] replaces d for the requests made with its context.
func New(d time.Duration) middleware.Middleware {
	return limit(d, false)
}

// Idle returns a middleware that fails a request once d has passed without
// progress: no request-body bytes taken by the next RoundTripper, no
// response headers, no response-body bytes read. Each of those starts a
// fresh d. This is the meaning of httpx's timeout and of Envoy's
// per_try_idle_timeout: a slow but steady download never fails, however
// long it takes in total, and a stalled one fails d after its last byte.
// The error is the same [*Error] as [New]'s, with Idle set.
//
// The limit covers the request until its response body is read to EOF or
// closed. A d of zero or less disables it: the middleware returns next
// unchanged, and [Override] cannot turn it back on. A nil next means
// [http.DefaultTransport]. The caller's own context still applies, and
// [Override] replaces d for the requests made with its context.
//
// Under Idle the next RoundTripper reads the request body, and calls
// GetBody, through a wrapper that counts the bytes as progress; Close
// reaches the caller's body unchanged.
func Idle(d time.Duration) middleware.Middleware {
	return limit(d, true)
}

// limit is New when idle is false, Idle when it is true.
func limit(d time.Duration, idle bool) middleware.Middleware {
	return func(next http.RoundTripper) http.RoundTripper {
		if next == nil {
			next = http.DefaultTransport
		}
		if d <= 0 {
			return next
		}
		return &transport{next: next, limit: d, idle: idle}
	}
}

type transport struct {
	next  http.RoundTripper
	limit time.Duration
	idle  bool // the limit is on the time without progress
}

var _ http.RoundTripper = (*transport)(nil)

// RoundTrip runs one attempt under the limit, which ends when the response
// body is closed or read to EOF, or at once when there is no body or no
// response.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	d := t.limit
	if o, ok := overridden(req.Context()); ok {
		d = o
	}
	if d <= 0 {
		return t.next.RoundTrip(req)
	}
	a, out := start(req, d, t.idle)
	resp, err := t.next.RoundTrip(out)
	if err != nil {
		err = a.fail(err)
		a.release()
		return nil, err
	}
	a.progress() // the response headers are in
	a.body.Watch(resp, a)
	return resp, nil
}

// CloseIdleConnections closes the idle connections of the next
// RoundTripper, so that [http.Client.CloseIdleConnections] reaches the base
// transport through this middleware.
func (t *transport) CloseIdleConnections() { middleware.CloseIdleConnections(t.next) }
