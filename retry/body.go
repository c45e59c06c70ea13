package retry

import (
	"io"
	"net/http"
	"sync/atomic"
)

// maxDrain bounds how much of a discarded response body is read so that its
// connection can be reused. A longer body is closed unread past this point,
// which costs the connection but not the time to read it.
const maxDrain = 64 << 10

// discard drains (at most maxDrain bytes) and closes the body of a response
// that is not returned to the caller.
func discard(resp *http.Response) {
	if resp == nil || resp.Body == nil {
		return
	}
	_, _ = io.CopyN(io.Discard, resp.Body, maxDrain)
	_ = resp.Body.Close()
}

// hasBody reports whether req carries a body that is consumed by sending it.
func hasBody(req *http.Request) bool {
	return req.Body != nil && req.Body != http.NoBody
}

// releaseBody calls release once, when the body is read to EOF or closed.
type releaseBody struct {
	rc      io.ReadCloser
	release func()
	done    atomic.Bool
}

func (b *releaseBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if err == io.EOF && b.done.CompareAndSwap(false, true) {
		b.release()
	}
	return n, err
}

// Close closes the underlying body, then releases.
func (b *releaseBody) Close() error {
	err := b.rc.Close()
	if b.done.CompareAndSwap(false, true) {
		b.release()
	}
	return err
}

// writableReleaseBody keeps the io.Writer of a 101 Switching Protocols body.
type writableReleaseBody struct {
	*releaseBody
	w io.Writer
}

func (b *writableReleaseBody) Write(p []byte) (int, error) { return b.w.Write(p) }

// withRelease wraps resp's body so that release runs when it is read to EOF
// or closed; a response with no body releases at once.
func withRelease(resp *http.Response, release func()) {
	if resp.Body == nil || resp.Body == http.NoBody {
		release()
		return
	}
	b := &releaseBody{rc: resp.Body, release: release}
	if w, ok := resp.Body.(io.ReadWriteCloser); ok && resp.StatusCode == http.StatusSwitchingProtocols {
		resp.Body = &writableReleaseBody{releaseBody: b, w: w}
		return
	}
	resp.Body = b
}
