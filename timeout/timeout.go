package timeout

import (
	"io"
	"net/http"
	"time"

	"github.com/roundtrip-go/roundtrip/internal/owned"
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
//
// Each RoundTripper that New returns serves the deadlines of all its
// attempts with one timer. Its pending timer keeps it reachable for at most
// d after its last attempt.
func New(d time.Duration) middleware.Middleware {
	return func(next http.RoundTripper) http.RoundTripper {
		if next == nil {
			next = http.DefaultTransport
		}
		if d <= 0 {
			return next
		}
		return &transport{next: next, q: newQueue(d)}
	}
}

type transport struct {
	next http.RoundTripper
	q    *queue
}

var _ owned.RoundTripper = (*transport)(nil)

// RoundTrip runs one attempt under the deadline. The deadline's resources
// are released when the response body is closed or read to EOF.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	a := t.q.start(req.Context())
	return t.roundTrip(a, req.WithContext(a))
}

// RoundTripOwned is RoundTrip for a request the caller gave up: the
// attempt's context is set on it in place.
func (t *transport) RoundTripOwned(req *http.Request, _ owned.Handoff) (*http.Response, error) {
	a := t.q.start(req.Context())
	*req = *req.WithContext(a) // the copy WithContext makes stays on the stack
	return t.roundTrip(a, req)
}

// roundTrip sends out, which carries a's context and is ours to give up.
func (t *transport) roundTrip(a *attempt, out *http.Request) (*http.Response, error) {
	resp, err := owned.RoundTrip(t.next, out)
	if err != nil {
		err = a.wrap(err)
		a.release()
		return nil, err
	}
	if resp.Body == nil || resp.Body == http.NoBody {
		a.release()
		return resp, nil
	}
	a.rc = resp.Body
	if rwc, ok := resp.Body.(io.ReadWriteCloser); ok && resp.StatusCode == http.StatusSwitchingProtocols {
		resp.Body = &writableBody{attempt: a, w: rwc}
	} else {
		resp.Body = a
	}
	return resp, nil
}

// writableBody keeps the io.Writer of a 101 Switching Protocols body.
type writableBody struct {
	*attempt
	w io.Writer
}

func (b *writableBody) Write(p []byte) (int, error) {
	return b.w.Write(p)
}

// CloseIdleConnections closes the idle connections of the next
// RoundTripper, so that [http.Client.CloseIdleConnections] reaches the base
// transport through this middleware.
func (t *transport) CloseIdleConnections() { middleware.CloseIdleConnections(t.next) }
