package retry

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/failsafe-go/failsafe-go/circuitbreaker"
	"github.com/failsafe-go/failsafe-go/hedgepolicy"
	fstimeout "github.com/failsafe-go/failsafe-go/timeout"
	"golang.org/x/net/http2"

	"github.com/roundtrip-go/roundtrip/middleware/middlewaretest"
)

// wireCase is a request sent to a middlewaretest.ResetServer: the server resets
// every stream with PROTOCOL_ERROR and closes the connection, which
// net/http's HTTP/2 client replays without end (issue 17).
type wireCase struct {
	method, body, header string
	limit                int  // sends allowed per attempt
	retried              bool // whether retry makes further attempts
}

var wireCases = []wireCase{
	{method: "GET", limit: 2, retried: true},
	{method: "PUT", body: "stock", limit: 2, retried: true},
	{method: "POST", body: "order", limit: 1},
	{method: "POST", body: "order", header: "Idempotency-Key", limit: 2, retried: true},
	{method: "PATCH", limit: 1}, // no body: net/http replays it as it is
}

func (c wireCase) name() string {
	n := c.method
	if c.body != "" {
		n += "+body"
	}
	if c.header != "" {
		n += "+" + c.header
	}
	return n
}

// request returns the case's request to url, bounded by a context that
// outlives any run of the guard by far: ending on it would be a failure.
func (c wireCase) request(t *testing.T, url string) *http.Request {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	var body io.Reader
	if c.body != "" {
		body = strings.NewReader(c.body)
	}
	req, err := http.NewRequestWithContext(ctx, c.method, url+"/api/items", body)
	if err != nil {
		t.Fatal(err)
	}
	if c.header != "" {
		req.Header.Set(c.header, "k-1")
	}
	return req
}

// checkReplayError checks that err reports the stopped replay, and not a
// timeout or the cancelled context.
func checkReplayError(t *testing.T, err error) {
	t.Helper()
	var re *ReplayError
	if !errors.As(err, &re) {
		t.Fatalf("error %v (%T); want a *ReplayError", err, err)
	}
	checkNotTimeout(t, err)
	for _, want := range []string{"retry: ", "again", "PROTOCOL_ERROR", "stopped", "Idempotency-Key"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}

// checkNotTimeout checks that err is not reported as a timeout or as the
// cancelled context: the server's reset ended the attempt.
func checkNotTimeout(t *testing.T, err error) {
	t.Helper()
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Errorf("error %q reports a timeout", err)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %q reports a context error", err)
	}
}

// countAttempts returns next counting its calls: each is an attempt the
// library counts.
func countAttempts(next http.RoundTripper, n *atomic.Int32) http.RoundTripper {
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		n.Add(1)
		return next.RoundTrip(r)
	})
}

// TestReplayBoundHTTP2 checks the wire bound against a server that resets
// every stream: net/http's HTTP/2 transport replays such a request on new
// connections until the attempt ends, for any method. Through retry, a
// request reaches the server at most twice per attempt when idempotent,
// and exactly once when not; the error says what happened.
func TestReplayBoundHTTP2(t *testing.T) {
	// x/net/http2's own Transport no longer replays a PROTOCOL_ERROR
	// reset (the bundle in net/http still does): the bound holds there
	// without the guard, and the error is the reset's own.
	bases := map[string]struct {
		new    func(*middlewaretest.ResetServer) http.RoundTripper
		replay bool
	}{
		"net/http": {func(s *middlewaretest.ResetServer) http.RoundTripper { return s.Client().Transport }, true},
		"x/net/http2": {func(s *middlewaretest.ResetServer) http.RoundTripper {
			tr := s.Client().Transport.(*http.Transport)
			return &http2.Transport{TLSClientConfig: tr.TLSClientConfig}
		}, false},
	}
	for baseName, b := range bases {
		for _, c := range wireCases {
			t.Run(baseName+"/"+c.name(), func(t *testing.T) {
				srv := middlewaretest.NewResetServer()
				t.Cleanup(srv.Close)
				base := b.new(srv)
				t.Cleanup(func() { base.(interface{ CloseIdleConnections() }).CloseIdleConnections() })
				var attempts atomic.Int32
				rt := New(opts(WithMaxRetries(2))...)(countAttempts(base, &attempts))

				resp, err := rt.RoundTrip(c.request(t, srv.URL))
				if err == nil {
					resp.Body.Close()
					t.Fatalf("got status %d; want an error", resp.StatusCode)
				}
				if b.replay {
					checkReplayError(t, err)
				} else {
					checkNotTimeout(t, err)
				}
				n, sends := int(attempts.Load()), srv.Sends(c.method)
				want := 1
				if c.retried {
					want = 3
				}
				if n != want {
					t.Errorf("%d attempts; want %d", n, want)
				}
				if sends > c.limit*n || sends < n {
					t.Errorf("server received %d %ss in %d attempts; want %d to %d", sends, c.method, n, n, c.limit*n)
				}
				t.Logf("%d attempts, %d sends, %d connections", n, sends, srv.Conns())
			})
		}
	}
}

// TestReplayBoundUnderHedging checks the same bound when a hedge policy
// runs several attempts at once: each attempt has a bound of its own. Each
// attempt has a transport of its own, so that each meets the replays on
// connections of its own, as it would on a busy client.
func TestReplayBoundUnderHedging(t *testing.T) {
	const hedges = 2
	for _, c := range []wireCase{wireCases[0], wireCases[2]} {
		t.Run(c.name(), func(t *testing.T) {
			srv := middlewaretest.NewResetServer()
			t.Cleanup(srv.Close)
			var bases [hedges + 1]*http.Transport
			for i := range bases {
				bases[i] = srv.Client().Transport.(*http.Transport).Clone()
				t.Cleanup(bases[i].CloseIdleConnections)
			}
			// Hold each attempt until all have started, so that they
			// reach the server together (bounded in time all the same).
			var attempts atomic.Int32
			all := make(chan struct{})
			gate := roundTripFunc(func(r *http.Request) (*http.Response, error) {
				n := attempts.Add(1)
				if n == hedges+1 {
					close(all)
				}
				select {
				case <-all:
				case <-time.After(5 * time.Second):
					t.Error("the hedges did not start")
				}
				return bases[n-1].RoundTrip(r)
			})
			// Only a success ends the other attempts early: each failed
			// attempt runs to its end.
			hedge := hedgepolicy.NewBuilderWithDelay[*http.Response](time.Millisecond).WithMaxHedges(hedges).
				CancelIf(func(r *http.Response, err error) bool { return err == nil }).Build()
			rt := Failsafe(hedge)(gate)

			resp, err := rt.RoundTrip(c.request(t, srv.URL))
			if err == nil {
				resp.Body.Close()
				t.Fatalf("got status %d; want an error", resp.StatusCode)
			}
			checkReplayError(t, err)
			n, sends := int(attempts.Load()), srv.Sends(c.method)
			if n != hedges+1 {
				t.Errorf("%d attempts; want %d", n, hedges+1)
			}
			if sends > c.limit*n || sends < n {
				t.Errorf("server received %d %ss in %d attempts; want %d to %d", sends, c.method, n, n, c.limit*n)
			}
			t.Logf("%d attempts, %d sends, %d connections", n, sends, srv.Conns())
		})
	}
}

// replayingBase imitates net/http resending a request within one
// RoundTrip: for each of sends, it reports a connection, then writes the
// request unless the context is done by then. Each send has a connection of
// its own, or, with sameConn, all share the first (net/http's resend after
// an HTTP/2 REFUSED_STREAM). It records whether the last connection could
// still be written to after the guard had seen it.
type replayingBase struct {
	conns      []net.Conn
	sameConn   bool
	lastWrites bool
}

func (b *replayingBase) RoundTrip(r *http.Request) (*http.Response, error) {
	trace := httptrace.ContextClientTrace(r.Context())
	var conn net.Conn
	for i := range b.conns {
		conn = b.conns[i]
		if b.sameConn {
			conn = b.conns[0]
		}
		trace.GotConn(httptrace.GotConnInfo{Conn: conn, Reused: i > 0})
		if r.Context().Err() != nil {
			break // net/http's retry loop checks the context first
		}
		trace.WroteHeaders()
	}
	_ = conn.SetWriteDeadline(time.Now().Add(time.Second))
	_, err := conn.Write([]byte("x"))
	b.lastWrites = err == nil
	if err := r.Context().Err(); err != nil {
		return nil, err
	}
	return nil, io.ErrUnexpectedEOF
}

// pipeConns returns n connections whose far ends discard what they get,
// all closed when t ends.
func pipeConns(t *testing.T, n int) []net.Conn {
	conns := make([]net.Conn, n)
	for i := range conns {
		client, server := net.Pipe()
		t.Cleanup(func() { client.Close(); server.Close() })
		go io.Copy(io.Discard, server) //nolint:errcheck // drains until closed
		conns[i] = client
	}
	return conns
}

// TestReplayGuardClosesHTTP1Connection checks how a resend is stopped on a
// connection that is not HTTP/2: the attempt's context is cancelled and
// the connection closed, so that not a byte of it can be written, whatever
// net/http's select picks. Resends on the same connection (after a refused
// stream) do not count.
func TestReplayGuardClosesHTTP1Connection(t *testing.T) {
	for _, c := range []struct {
		method   string
		sends    int // the sends net/http attempts
		sameConn bool
		stops    bool
	}{
		{"POST", 1, false, false},
		{"POST", 2, false, true},
		{"GET", 2, false, false},
		{"GET", 3, false, true},
		{"POST", 3, true, false},
	} {
		t.Run(fmt.Sprintf("%s/%d/same=%v", c.method, c.sends, c.sameConn), func(t *testing.T) {
			base := &replayingBase{conns: pipeConns(t, c.sends), sameConn: c.sameConn}
			req, _ := http.NewRequest(c.method, "http://127.0.0.1/", nil)
			_, err := New(opts(WithMaxRetries(0))...)(base).RoundTrip(req)
			var re *ReplayError
			if got := errors.As(err, &re); got != c.stops {
				t.Fatalf("error %v; want a *ReplayError: %v", err, c.stops)
			}
			if base.lastWrites == c.stops {
				t.Errorf("connection writable after the guard: %v; want %v", base.lastWrites, !c.stops)
			}
			if c.stops && re.Sends != c.sends-1 {
				t.Errorf("ReplayError.Sends = %d; want %d", re.Sends, c.sends-1)
			}
		})
	}
}

// TestReplayGuardKeepsCallerTrace checks that the caller's own
// httptrace.ClientTrace still sees its events through retry.
func TestReplayGuardKeepsCallerTrace(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	t.Cleanup(srv.Close)
	var got, wrote atomic.Int32
	ctx := httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{
		GotConn:      func(httptrace.GotConnInfo) { got.Add(1) },
		WroteHeaders: func() { wrote.Add(1) },
	})
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
	resp, err := New(opts()...)(newClientTransport(t)).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || string(b) != "ok" {
		t.Fatalf("body %q, %v; want ok", b, err)
	}
	if got.Load() != 1 || wrote.Load() != 1 {
		t.Errorf("caller's trace saw %d GotConn and %d WroteHeaders; want 1 and 1", got.Load(), wrote.Load())
	}
}

// TestReplayGuardNests checks that a retry layer around another (a
// failsafe-go executor around retry's loop, or two retry middlewares) does
// not take the inner layer's retries for resends: only the innermost guard
// counts.
func TestReplayGuardNests(t *testing.T) {
	stacks := map[string]func() func(http.RoundTripper) http.RoundTripper{
		"timeout around retry": func() func(http.RoundTripper) http.RoundTripper {
			return Failsafe(fstimeout.New[*http.Response](10*time.Second), NewPolicy(opts(WithMaxRetries(3))...))
		},
		"breaker around retry": func() func(http.RoundTripper) http.RoundTripper {
			cb := circuitbreaker.NewBuilder[*http.Response]().WithFailureThreshold(1000).Build()
			return Failsafe(cb, NewPolicy(opts(WithMaxRetries(3))...))
		},
		"retry around retry": func() func(http.RoundTripper) http.RoundTripper {
			return func(next http.RoundTripper) http.RoundTripper {
				return New(opts(WithMaxRetries(1))...)(New(opts(WithMaxRetries(3))...)(next))
			}
		},
	}
	for name, stack := range stacks {
		t.Run(name, func(t *testing.T) {
			var hits atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if hits.Add(1) < 4 {
					w.WriteHeader(http.StatusServiceUnavailable)
					return
				}
				io.WriteString(w, "ok")
			}))
			t.Cleanup(srv.Close)
			req, _ := http.NewRequest("GET", srv.URL, nil)
			resp, err := stack()(newClientTransport(t)).RoundTrip(req)
			if err != nil {
				t.Fatalf("after %d requests: %v", hits.Load(), err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || hits.Load() != 4 {
				t.Errorf("status %d after %d requests; want 200 after 4", resp.StatusCode, hits.Load())
			}
		})
	}

	// Over the reset server, the inner loop's attempts are each bounded.
	srv := middlewaretest.NewResetServer()
	t.Cleanup(srv.Close)
	base := srv.Client().Transport.(*http.Transport)
	t.Cleanup(base.CloseIdleConnections)
	var attempts atomic.Int32
	rt := Failsafe(fstimeout.New[*http.Response](10*time.Second), NewPolicy(opts(WithMaxRetries(2))...))(countAttempts(base, &attempts))
	_, err := rt.RoundTrip(wireCases[0].request(t, srv.URL))
	checkReplayError(t, err)
	if n, sends := int(attempts.Load()), srv.Sends("GET"); n != 3 || sends != 2*n {
		t.Errorf("%d attempts, %d GETs received; want 3 and 6", n, sends)
	}
}

// newRefusingServer starts an HTTP/2 server that refuses the first stream
// with REFUSED_STREAM (RFC 9113 section 8.7: not processed) and answers 204
// to every later one, on the same connection. heads counts the requests it
// received, answered those it answered.
func newRefusingServer(t *testing.T) (srv *middlewaretest.HTTP2Server, heads, answered *atomic.Int32) {
	heads, answered = new(atomic.Int32), new(atomic.Int32)
	srv = middlewaretest.NewHTTP2Server(func(fr *http2.Framer, f *http2.MetaHeadersFrame) bool {
		if heads.Add(1) == 1 {
			return fr.WriteRSTStream(f.StreamID, http2.ErrCodeRefusedStream) == nil
		}
		answered.Add(1)
		return fr.WriteHeaders(http2.HeadersFrameParam{
			StreamID: f.StreamID, BlockFragment: middlewaretest.StatusBlock(http.StatusNoContent), EndHeaders: true, EndStream: true,
		}) == nil
	})
	t.Cleanup(srv.Close)
	return srv, heads, answered
}

// TestReplayGuardLetsRefusedStreamResend checks that net/http's resend of
// a POST whose stream the server refused, on the same connection, is not
// stopped: the server never processed the refused one.
func TestReplayGuardLetsRefusedStreamResend(t *testing.T) {
	srv, heads, answered := newRefusingServer(t)
	base := srv.Client().Transport.(*http.Transport)
	t.Cleanup(base.CloseIdleConnections)
	req, _ := http.NewRequest("POST", srv.URL, strings.NewReader("order"))
	resp, err := New(opts(WithMaxRetries(0))...)(base).RoundTrip(req)
	if err != nil {
		t.Fatalf("a POST the server refused once: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent || heads.Load() != 2 || answered.Load() != 1 {
		t.Errorf("status %d, %d requests received, %d answered; want 204, 2 and 1", resp.StatusCode, heads.Load(), answered.Load())
	}
}

// failingWrites is a connection whose writes fail at once, with nothing
// written, once fail is set: a connection the peer has reset.
type failingWrites struct {
	net.Conn
	fail *atomic.Bool
}

func (c *failingWrites) Write(p []byte) (int, error) {
	if c.fail.Load() {
		return 0, syscall.ECONNRESET
	}
	return c.Conn.Write(p)
}

// TestReplayGuardLetsHTTP1ResendUnwritten checks that net/http's resend of
// a POST whose write failed with nothing written, on a kept-alive HTTP/1
// connection over TLS, goes through: net/http's HTTP/1 transport resends a
// POST only then, so that send never reached the server.
func TestReplayGuardLetsHTTP1ResendUnwritten(t *testing.T) {
	var posts atomic.Int32
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "POST" {
			posts.Add(1)
		}
		io.Copy(io.Discard, r.Body)
		io.WriteString(w, "ok")
	}))
	t.Cleanup(srv.Close)
	var (
		mu    sync.Mutex
		fails []*atomic.Bool
	)
	base := srv.Client().Transport.(*http.Transport).Clone()
	t.Cleanup(base.CloseIdleConnections)
	var d net.Dialer
	base.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		f := new(atomic.Bool)
		mu.Lock()
		fails = append(fails, f)
		mu.Unlock()
		return &failingWrites{Conn: c, fail: f}, nil
	}
	rt := New(opts(WithMaxRetries(0))...)(base)
	// One request leaves a kept-alive connection in the pool; then the peer
	// "resets" it.
	req, _ := http.NewRequest("GET", srv.URL, nil)
	resp, err := rt.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	mu.Lock()
	for _, f := range fails {
		f.Store(true)
	}
	mu.Unlock()

	req, _ = http.NewRequest("POST", srv.URL, strings.NewReader("order"))
	resp, err = rt.RoundTrip(req)
	if err != nil {
		t.Fatalf("a POST net/http resent with nothing written: %v", err)
	}
	resp.Body.Close()
	if posts.Load() != 1 {
		t.Errorf("server received %d POSTs; want 1", posts.Load())
	}
}

// TestReplayGuardNilIdempotencyKey checks a POST whose Idempotency-Key is
// present with no value: net/http's HTTP/1 transport takes it as
// replayable and resends it after it was written, so those sends count,
// and a processed POST is not sent a second time within the attempt.
func TestReplayGuardNilIdempotencyKey(t *testing.T) {
	var posts atomic.Int32
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "POST" {
			io.Copy(io.Discard, r.Body)
			if posts.Add(1) == 1 {
				// Processed, then the connection drops before the answer.
				if c, _, err := w.(http.Hijacker).Hijack(); err == nil {
					c.Close()
				}
				return
			}
		}
		io.WriteString(w, "ok")
	}))
	t.Cleanup(srv.Close)
	base := srv.Client().Transport.(*http.Transport).Clone()
	t.Cleanup(base.CloseIdleConnections)
	rt := New(opts(WithMaxRetries(0))...)(base)
	req, _ := http.NewRequest("GET", srv.URL, nil) // a kept-alive connection to resend on
	resp, err := rt.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()

	req, _ = http.NewRequest("POST", srv.URL, strings.NewReader("order"))
	req.Header["Idempotency-Key"] = nil
	resp, err = rt.RoundTrip(req)
	if err == nil {
		resp.Body.Close()
	}
	if n := posts.Load(); n != 1 {
		t.Errorf("server received the POST %d times in one attempt (error %v); want 1", n, err)
	}
}

// TestReplayGuardSideRequests checks requests that a middleware below
// retry makes with the attempt's context: one through a retry-wrapped
// client (a token, say) is not a nested layer of the attempt's request, so
// the attempt stays bounded while its body is open; one made concurrently
// does not race with the attempt's own.
func TestReplayGuardSideRequests(t *testing.T) {
	side := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "t") }))
	t.Cleanup(side.Close)
	sideClient := &http.Client{Transport: New(opts(WithMaxRetries(0))...)(newClientTransport(t))}
	srv := middlewaretest.NewResetServer()
	t.Cleanup(srv.Close)
	base := srv.Client().Transport.(*http.Transport)
	t.Cleanup(base.CloseIdleConnections)
	token := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		tr, _ := http.NewRequestWithContext(r.Context(), "GET", side.URL, nil)
		tok, err := sideClient.Do(tr)
		if err != nil {
			return nil, err
		}
		defer tok.Body.Close()
		return base.RoundTrip(r)
	})
	req := wireCases[0].request(t, srv.URL)
	_, err := New(opts(WithMaxRetries(0))...)(token).RoundTrip(req)
	checkReplayError(t, err)
	if n := srv.Sends("GET"); n > 2 {
		t.Errorf("server received the GET %d times in one attempt; want at most 2", n)
	}

	// Concurrently: the attempt's trace sees both requests at once.
	mirror := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		done := make(chan struct{})
		go func() {
			defer close(done)
			sr, _ := http.NewRequestWithContext(r.Context(), "GET", side.URL+"/shadow", nil)
			if resp, err := sideClient.Transport.RoundTrip(sr); err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}()
		defer func() { <-done }()
		return newClientTransport(t).RoundTrip(r)
	})
	for range 10 {
		req, _ := http.NewRequest("GET", side.URL, nil)
		if resp, err := New(opts(WithMaxRetries(0))...)(mirror).RoundTrip(req); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}
}
