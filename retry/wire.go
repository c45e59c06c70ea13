package retry

import (
	"context"
	"crypto/tls"
	"errors"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"sync/atomic"

	"github.com/roundtrip-go/roundtrip/internal/body"
)

// ReplayError is the error of an attempt that net/http set about sending
// again, within that one attempt, more often than the attempt's bound: at
// most once for a request whose method is not idempotent (a POST or PATCH
// without an Idempotency-Key header), at most twice for any other. The
// second send of an idempotent request is net/http's documented single
// resend on a stale kept-alive connection; it stays allowed.
//
// It happens when a server answers a request with an HTTP/2 stream reset
// of type PROTOCOL_ERROR and closes the connection (nginx's "return 444"
// does): net/http's HTTP/2 transport treats that reset as safe to replay,
// for any method, and replays on new connections until the attempt ends
// (golang/go#52459). The replay was stopped before it was sent.
//
// Retryable classifies it as a reset: an idempotent request is retried, a
// POST is returned, since the server may have processed it. It is never a
// timeout.
type ReplayError struct {
	// Method is the request's method.
	Method string
	// Sends is how many times the attempt's request was written to a
	// connection before the replay was stopped.
	Sends int
}

// Error says what the server did and what was stopped. It has no package
// prefix: retry returns it inside an [*Error], which gives one.
func (e *ReplayError) Error() string {
	times := strconv.Itoa(e.Sends) + " times"
	switch e.Sends {
	case 1:
		times = "once"
	case 2:
		times = "twice"
	}
	return "the server reset the " + e.Method + " or closed the connection after it was sent " + times +
		" (an HTTP/2 PROTOCOL_ERROR reset does); net/http began replaying it on a new connection" +
		" and was stopped before sending it again"
}

// sendGuard bounds how often one attempt's request reaches the wire. It is
// an httptrace.ClientTrace on the attempt's context: WroteHeaders counts
// the sends, and GotConn, which net/http calls on the attempt's goroutine
// after it has a connection and before it writes anything to it, stops a
// send that would go over the bound.
//
// Stopping must be certain, not likely: a replay's bytes must never leave.
// Cancelling the attempt's context alone races with net/http's select on
// HTTP/1, where the connection's write loop runs concurrently. So GotConn:
//   - cancels the attempt's context with a cause, before it returns. The
//     HTTP/2 transport checks the context, without blocking, just before it
//     encodes the HEADERS (encodeAndWriteHeaders, under the connection's
//     write lock), so a context cancelled before the send began is always
//     seen there, and nothing is written;
//   - also closes the connection when it is not HTTP/2. An HTTP/1
//     connection carries one request at a time, so it is this attempt's to
//     close, and a closed connection writes no byte: net/http's write fails
//     with nothing written, and its retry loop, which checks the context
//     first, returns. An HTTP/2 connection may carry other requests' streams
//     and is left open. Over TLS, the negotiated protocol tells the two
//     apart; a cleartext connection is taken to be HTTP/1, so over
//     cleartext HTTP/2 (h2c, which a client must enable), a stopped replay
//     also fails the streams that share its connection.
//
// The count is of sends, not of connections: a request net/http moves to
// another connection before writing it (an HTTP/2 connection that had
// become unusable, a stale HTTP/1 connection whose write failed at once)
// has not reached the server. WroteHeaders is called after the headers are
// handed to the connection, a little before they are flushed on HTTP/1, so
// the count errs on the side of a send.
//
// Every send is counted before the next GotConn: net/http returns from a
// failed send only after the goroutine writing it has finished (HTTP/1's
// mapRoundTripError waits for the write loop; HTTP/2's RoundTrip waits for
// the stream's writer after a reset), and a replay starts only after that
// return.
type sendGuard struct {
	body.Wrapper // releases the context when the response body ends

	trace  httptrace.ClientTrace
	ctx    context.Context
	cancel context.CancelCauseFunc
	method string
	limit  int32

	sends   atomic.Int32
	stopped atomic.Bool
}

var _ body.Watcher = (*sendGuard)(nil)

// guardSends returns ctx, the context of an attempt of req, with a
// sendGuard on it, and the guard. The caller sends the attempt with the
// returned context and passes the outcome to [sendGuard.settle].
func guardSends(ctx context.Context, req *http.Request) (context.Context, *sendGuard) {
	g := &sendGuard{method: req.Method, limit: 1}
	if g.method == "" {
		g.method = http.MethodGet
	}
	if idempotent(req.Method) || hasIdempotencyKey(req.Header) {
		g.limit = 2
	}
	g.trace.GotConn = g.gotConn
	g.trace.WroteHeaders = g.wroteHeaders
	g.ctx, g.cancel = context.WithCancelCause(ctx)
	return httptrace.WithClientTrace(g.ctx, &g.trace), g
}

func (g *sendGuard) wroteHeaders() { g.sends.Add(1) }

func (g *sendGuard) gotConn(info httptrace.GotConnInfo) {
	sends := g.sends.Load()
	if sends < g.limit {
		return
	}
	g.stopped.Store(true)
	g.cancel(&ReplayError{Method: g.method, Sends: int(sends)})
	if info.Conn != nil && !http2Conn(info.Conn) {
		_ = info.Conn.Close()
	}
}

// http2Conn reports whether conn negotiated HTTP/2 in its TLS handshake.
// A conn that is not TLS, or wraps TLS without saying so, reports false.
func http2Conn(conn any) bool {
	tc, ok := conn.(interface{ ConnectionState() tls.ConnectionState })
	return ok && tc.ConnectionState().NegotiatedProtocol == "h2"
}

// settle ends the guard with the attempt's outcome. When the guard stopped
// a replay, the error is the *ReplayError, whatever net/http made of the
// cancelled context or the closed connection. The attempt's context is
// released at once on an error, and otherwise when resp's body ends: the
// caller reads the body under it.
func (g *sendGuard) settle(resp *http.Response, err error) (*http.Response, error) {
	if err != nil {
		if g.stopped.Load() {
			var re *ReplayError
			if errors.As(context.Cause(g.ctx), &re) {
				err = re
			}
		}
		g.cancel(nil)
		return resp, err
	}
	g.Watch(resp, g)
	return resp, nil
}

// OnRead passes the body's bytes and errors through.
func (g *sendGuard) OnRead(_ []byte, err error) error { return err }

// OnEnd releases the attempt's context.
func (g *sendGuard) OnEnd() { g.cancel(nil) }
