package retry

import (
	"context"
	"io"
	"net/http"
	"sync/atomic"

	"github.com/roundtrip-go/roundtrip/internal/attempt"
)

// Attempt returns the 1-based number of the current attempt of a request
// inside a chain below a retry middleware ([New] or [Failsafe]): 1 for the
// first try, 2 for the first retry, and so on. It returns 0 for a context
// that did not come through retry, including a nil context.
func Attempt(ctx context.Context) int {
	return attempt.From(ctx)
}

// newAttempt returns a shallow copy of req for one attempt under ctx, a
// context of req's, with n set for [Attempt] when n > 0, and the guard that
// bounds its sends on the wire: the caller passes the attempt's outcome to
// the guard's settle. The copy shares req's header map and URL, which
// nothing below may modify (every layer clones before a change); its Body
// is set by the caller.
func newAttempt(req *http.Request, ctx context.Context, n int) (*http.Request, *sendGuard) {
	if n > 0 {
		ctx = attempt.With(ctx, n)
	}
	ctx, g := guardSends(ctx, req)
	return req.WithContext(ctx), g
}

// hasBody reports whether req carries a body that is consumed by sending it.
func hasBody(req *http.Request) bool {
	return req.Body != nil && req.Body != http.NoBody
}

// sentBody is the request body of one attempt. It records whether reading
// it failed: an error of the caller's own body is never retried, however
// the transport wraps it (net/http returns it as it is, or inside a
// *net.OpError with Op "readfrom").
type sentBody struct {
	io.ReadCloser
	failed atomic.Bool
}

func (b *sentBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF {
		b.failed.Store(true)
	}
	return n, err
}

// readFailed reports whether a Read of b returned an error other than EOF;
// a nil b has no body to fail.
func (b *sentBody) readFailed() bool {
	return b != nil && b.failed.Load()
}

// withBody sets rc as the body of r, the request of one attempt, and
// returns it watched, or nil when there is no body.
func withBody(r *http.Request, rc io.ReadCloser) *sentBody {
	if rc == nil || rc == http.NoBody {
		r.Body = rc
		return nil
	}
	b := &sentBody{ReadCloser: rc}
	r.Body = b
	return b
}
