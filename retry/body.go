package retry

import (
	"io"
	"net/http"
	"sync"
	"time"
)

// maxDrain bounds how much of a discarded response body is read so that its
// connection can be reused. A longer body is closed unread past this point,
// which costs the connection but not the time to read it.
const maxDrain = 64 << 10

// drainGrace bounds how long draining a discarded response body may take:
// a body that stalls is closed undrained once it has passed, so that a slow
// 503 does not hold the retry for the whole attempt timeout. Tests shorten
// it.
var drainGrace = defaultDrainGrace

// defaultDrainGrace is drainGrace's value: a short grace, well under the
// one second DESIGN allows.
const defaultDrainGrace = 250 * time.Millisecond

// discard drains (at most maxDrain bytes, for at most drainGrace) and closes
// the body of a response that is not returned to the caller.
func discard(resp *http.Response) {
	if resp == nil || resp.Body == nil {
		return
	}
	closeBody := sync.OnceValue(resp.Body.Close)
	stall := time.AfterFunc(drainGrace, func() { _ = closeBody() }) // unblocks the Read
	_, _ = io.CopyN(io.Discard, resp.Body, maxDrain)
	stall.Stop()
	_ = closeBody()
}
