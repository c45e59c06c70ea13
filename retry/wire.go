package retry

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"net/http/httptrace"
	"reflect"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/roundtrip-go/roundtrip/internal/body"
)

// ReplayError is the error of an attempt whose request net/http set about
// sending again, within that one attempt, more often than the attempt's
// bound allows: at most once for a request whose method is not idempotent
// (a POST or PATCH without an Idempotency-Key or X-Idempotency-Key
// header), at most twice for any other. The send over the bound was stopped before any byte of it was
// written.
//
// net/http resends a request within one RoundTrip after some connection
// failures. One of them has no end: its HTTP/2 transport treats a stream
// the server reset with PROTOCOL_ERROR as safe to replay, for any method,
// and replays it on new connections until the attempt ends
// (golang/go#52459); nginx's "return 444" over HTTP/2 is such a reset. The
// others are a GOAWAY that crossed the request, an idempotent request on a
// kept-alive connection that failed, and a request whose write failed at
// once with nothing written (counted over cleartext, where HTTP/1 and h2c
// cannot be told apart); a resend on the same HTTP/2 connection (after the
// server refused the stream, which it then never processed) does not
// count.
//
// [Retryable] classifies it as a reset: an idempotent request is retried,
// a POST is returned, since the server may have processed it (with
// [WithAllMethods] it is retried, as a new attempt). It is never a
// timeout. A GOAWAY whose last stream ID says the server never took the
// request cannot be told apart from the rest: the trace does not say why
// net/http resends, so a POST fails then where net/http alone would have
// resent it.
type ReplayError struct {
	// Method is the request's method.
	Method string
	// Sends is how many of the attempt's sends before the one stopped may
	// have reached the server (the sends the bound counts).
	Sends int
}

// Error says what net/http did and that it was stopped. It has no package
// prefix: retry returns it inside an [*Error], which gives one.
func (e *ReplayError) Error() string {
	times := strconv.Itoa(e.Sends) + " times"
	switch e.Sends {
	case 1:
		times = "once"
	case 2:
		times = "twice"
	}
	return "net/http began to send the " + e.Method + " again within one attempt, after it may have reached the server " + times +
		" (it resends after a stream reset, a GOAWAY or a failed kept-alive connection, and without end after" +
		" an HTTP/2 PROTOCOL_ERROR reset); stopped before it was written. A request that is safe to repeat" +
		" can say so with an Idempotency-Key header or retry.WithAllMethods"
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
//     close, and a closed connection writes no byte of the request (a TLS
//     connection sends its close_notify alert): net/http's write fails with
//     nothing written, and its retry loop, which checks the context first,
//     returns. An HTTP/2 connection may carry other requests' streams and is
//     left open. The TLS handshake's negotiated protocol tells the two
//     apart. A connection that does not show it (cleartext, or a dialer's
//     wrapper without ConnectionState) is taken to be HTTP/1, so over such
//     an HTTP/2 connection (h2c, which a client must enable), a stopped
//     replay also fails the streams that share it.
//
// What counts is a send that may have reached the server:
//   - not a connection: a request net/http moves to another connection
//     before writing it (an HTTP/2 connection that had become unusable) has
//     not reached the server, and WroteHeaders was never called for it;
//   - not a send over HTTP/1 over TLS of a request that net/http's HTTP/1
//     transport never resends once written (any but GET, HEAD, OPTIONS and
//     TRACE, with no Idempotency-Key header, even an empty one): when it
//     resends one, nothing of it was written. WroteHeaders comes before
//     the headers are flushed there, so it cannot tell. Over cleartext,
//     which may be h2c, the send counts;
//   - not a send followed by a resend on the same HTTP/2 connection: net/http
//     resends there only after the server refused the stream
//     (REFUSED_STREAM: not processed, RFC 9113 section 8.7); a PROTOCOL_ERROR
//     reset or a GOAWAY retires the connection first.
//
// Every send is counted before the next GotConn: net/http returns from a
// failed send only after the goroutine writing it has finished (HTTP/1's
// mapRoundTripError waits for the write loop; HTTP/2's RoundTrip waits for
// the stream's writer after a reset), and a resend starts only after that
// return.
//
// The trace sees every request made with the attempt's context, so a
// request that a middleware below sends of its own with it counts too;
// GotConn's state is locked for when such a request runs concurrently.
//
// Guards nest when retry layers do (an executor around a retry loop, or
// one retry middleware over another): the innermost guard, the one around
// the attempts that reach the base, is the one that counts; an outer guard
// stands aside while an inner one runs, so that it does not take the inner
// layer's retries for resends. An inner guard is one for the same method
// and URL: a request of its own that a middleware below makes through a
// retry-wrapped client does not set the outer guard aside.
type sendGuard struct {
	body.Wrapper // releases the context when the response body ends

	trace  httptrace.ClientTrace
	ctx    context.Context
	cancel context.CancelCauseFunc
	method string
	limit  int32
	// h1Safe says that net/http's HTTP/1 transport never resends the
	// request once written.
	h1Safe bool
	req    *http.Request // the attempt's request, to tell nested layers of it
	outer  *sendGuard    // the guard of the enclosing retry layer, if any

	inner  atomic.Int32 // guards of inner retry layers now running
	sends  atomic.Int32
	exempt atomic.Bool // the current connection's send does not count

	// GotConn's own. net/http calls it one send after another on the
	// attempt's goroutine, but a middleware below may send a request of its
	// own with the attempt's context, concurrently.
	mu        sync.Mutex
	lastConn  net.Conn
	lastSends int32
}

var _ body.Watcher = (*sendGuard)(nil)

// guardKey is the context key of the innermost sendGuard.
type guardKey struct{}

// guardSends returns ctx, the context of an attempt of req, with a
// sendGuard on it, and the guard. The caller sends the attempt with the
// returned context and passes the outcome to [sendGuard.settle].
func guardSends(ctx context.Context, req *http.Request) (context.Context, *sendGuard) {
	g := &sendGuard{method: req.Method, limit: 1, req: req}
	if g.method == "" {
		g.method = http.MethodGet
	}
	if idempotent(req.Method) || hasIdempotencyKey(req.Header) {
		g.limit = 2
	}
	switch g.method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
	default:
		// net/http's isReplayable: the key's presence, even with no value.
		_, key := req.Header["Idempotency-Key"]
		_, xkey := req.Header["X-Idempotency-Key"]
		g.h1Safe = !key && !xkey
	}
	if outer, ok := ctx.Value(guardKey{}).(*sendGuard); ok && sameRequest(outer.req, req) {
		g.outer = outer
		outer.inner.Add(1)
	}
	g.trace.GotConn = g.gotConn
	g.trace.WroteHeaders = g.wroteHeaders
	g.ctx, g.cancel = context.WithCancelCause(ctx)
	ctx = httptrace.WithClientTrace(g.ctx, &g.trace)
	return context.WithValue(ctx, guardKey{}, g), g
}

func (g *sendGuard) wroteHeaders() {
	if g.inner.Load() == 0 && !g.exempt.Load() {
		g.sends.Add(1)
	}
}

func (g *sendGuard) gotConn(info httptrace.GotConnInfo) {
	if g.inner.Load() > 0 {
		return
	}
	g.mu.Lock()
	sends := g.sends.Load()
	if info.Reused && sends > g.lastSends && sameConn(info.Conn, g.lastConn) {
		sends = g.sends.Add(-1) // the server refused the last send's stream
	}
	g.lastConn, g.lastSends = info.Conn, sends
	g.mu.Unlock()
	h2 := http2Conn(info.Conn)
	g.exempt.Store(g.h1Safe && http1TLS(info.Conn))
	if sends < g.limit {
		return
	}
	g.cancel(&ReplayError{Method: g.method, Sends: int(sends)})
	if info.Conn != nil && !h2 {
		_ = info.Conn.Close()
	}
}

// sameConn reports whether a and b are the same connection. Connections of
// a type that cannot be compared are taken to be different.
func sameConn(a, b net.Conn) bool {
	if a == nil || b == nil {
		return false
	}
	ta := reflect.TypeOf(a)
	return ta == reflect.TypeOf(b) && ta.Comparable() && a == b
}

// http1TLS reports whether conn is certainly HTTP/1: a *tls.Conn that did
// not negotiate HTTP/2, which is how net/http's Transport chooses. A
// dialer's wrapper may carry HTTP/2 without negotiating it, so it does not
// count.
func http1TLS(conn net.Conn) bool {
	tc, ok := conn.(*tls.Conn)
	return ok && tc.ConnectionState().NegotiatedProtocol != "h2"
}

// sameRequest reports whether b, the request of an inner retry layer, is
// a, the outer layer's request, passed down: the same method and URL. A
// request that a middleware below makes of its own (a token, say) is not.
func sameRequest(a, b *http.Request) bool {
	if a.Method != b.Method {
		return false
	}
	u, v := a.URL, b.URL
	return u == v || u != nil && v != nil &&
		u.Scheme == v.Scheme && u.Host == v.Host && u.Path == v.Path && u.RawQuery == v.RawQuery
}

// http2Conn reports whether conn negotiated HTTP/2 in its TLS handshake,
// by its own word: a connection that may be HTTP/2 is not closed. A conn
// that is not TLS, or wraps TLS without saying so, reports false.
func http2Conn(conn net.Conn) bool {
	tc, ok := conn.(interface{ ConnectionState() tls.ConnectionState })
	return ok && tc.ConnectionState().NegotiatedProtocol == "h2"
}

// settle ends the guard with the attempt's outcome. When the guard stopped
// a resend, the error is the *ReplayError, whatever net/http made of the
// cancelled context or the closed connection. The attempt's context is
// released at once on an error, and otherwise when resp's body ends: the
// caller reads the body under it.
func (g *sendGuard) settle(resp *http.Response, err error) (*http.Response, error) {
	if err != nil {
		if re, ok := context.Cause(g.ctx).(*ReplayError); ok {
			err = re
		}
		g.OnEnd()
		return resp, err
	}
	g.Watch(resp, g)
	return resp, nil
}

// OnRead passes the body's bytes and errors through.
func (g *sendGuard) OnRead(_ []byte, err error) error { return err }

// OnEnd releases the attempt's context and hands the count back to the
// enclosing guard. It runs once: from settle on an error, else when the
// watched body ends.
func (g *sendGuard) OnEnd() {
	g.cancel(nil)
	if g.outer != nil {
		g.outer.inner.Add(-1)
	}
}
