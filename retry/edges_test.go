package retry

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/failsafe-go/failsafe-go/failsafehttp"
	"golang.org/x/net/http2"

	"github.com/roundtrip-go/roundtrip/middleware/middlewaretest"
)

// TestNewPolicyFailsClosedUnderFailsafeHTTP checks that a policy from
// NewPolicy, run by failsafehttp, which does not show it the request of an
// attempt that failed with an error, does not replay a POST the server may
// have acted on, yet still retries one that never reached it (issue 13.4).
func TestNewPolicyFailsClosedUnderFailsafeHTTP(t *testing.T) {
	var received atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body)
		received.Add(1)
		// The request was read and maybe acted on: drop the connection.
		if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
			conn.Close()
		}
	}))
	t.Cleanup(srv.Close)
	rt := failsafehttp.NewRoundTripper(newClientTransport(t), NewPolicy(opts(WithMaxRetries(2))...))
	req, _ := http.NewRequest("POST", srv.URL, strings.NewReader("order"))
	resp, err := rt.RoundTrip(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("got status %d; want the dropped connection's error", resp.StatusCode)
	}
	if got := received.Load(); got != 1 {
		t.Errorf("server saw the POST %d times; want once", got)
	}

	// A dial error: the server cannot have seen it, so it is retried.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	var dials atomic.Int32
	counting := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		dials.Add(1)
		return newClientTransport(t).RoundTrip(r)
	})
	rt = failsafehttp.NewRoundTripper(counting, NewPolicy(opts(WithMaxRetries(2))...))
	req, _ = http.NewRequest("POST", "http://"+addr+"/", strings.NewReader("order"))
	if resp, err := rt.RoundTrip(req); err == nil {
		resp.Body.Close()
		t.Fatal("got a response from a closed port")
	}
	if got := dials.Load(); got != 3 {
		t.Errorf("got %d attempts at a refused dial; want 3", got)
	}
}

// newH2Server starts an HTTP/2 TLS server on loopback and returns it with a
// client transport that speaks HTTP/2 to it.
func newH2Server(t *testing.T, h http.HandlerFunc) (*httptest.Server, *http.Transport) {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.EnableHTTP2 = true
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the aborts are expected
	srv.StartTLS()
	t.Cleanup(srv.Close)
	tr := &http.Transport{
		TLSClientConfig:   &tls.Config{RootCAs: srv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs},
		ForceAttemptHTTP2: true,
	}
	t.Cleanup(tr.CloseIdleConnections)
	return srv, tr
}

// TestHTTP2StreamResetRetried checks that a stream the server resets
// (RST_STREAM INTERNAL_ERROR, from a handler that aborts) is retried like a
// connection reset: for an idempotent request, not for a POST (issue 13.5).
func TestHTTP2StreamResetRetried(t *testing.T) {
	tests := []struct {
		method   string
		wantReqs int32
	}{
		{method: "GET", wantReqs: 2},
		{method: "PUT", wantReqs: 2},
		{method: "POST", wantReqs: 1},
	}
	for _, tt := range tests {
		t.Run(tt.method, func(t *testing.T) {
			var n atomic.Int32
			var proto atomic.Value
			srv, tr := newH2Server(t, func(w http.ResponseWriter, r *http.Request) {
				proto.Store(r.Proto)
				io.ReadAll(r.Body)
				if n.Add(1) == 1 {
					panic(http.ErrAbortHandler) // the server resets the stream
				}
				io.WriteString(w, "ok")
			})
			req, _ := http.NewRequest(tt.method, srv.URL, strings.NewReader("x"))
			resp, err := New(fast...)(tr).RoundTrip(req)
			if p := proto.Load(); p != "HTTP/2.0" {
				t.Fatalf("server got %v; want HTTP/2.0", p)
			}
			if tt.wantReqs == 1 {
				var se http2.StreamError
				if err == nil || !errors.As(err, &se) || se.Code != http2.ErrCodeInternal {
					t.Fatalf("got %v; want the stream reset", err)
				}
			} else {
				if err != nil {
					t.Fatalf("got %v; want the retry's 200", err)
				}
				resp.Body.Close()
			}
			if got := n.Load(); got != tt.wantReqs {
				t.Errorf("got %d requests; want %d", got, tt.wantReqs)
			}
		})
	}
}

// TestHTTP2ErrorRules checks the rules for HTTP/2 errors as net/http
// reports them: a refused stream was never processed, so it is retried for
// any method; a GOAWAY or a reset stream only for idempotent requests.
func TestHTTP2ErrorRules(t *testing.T) {
	goAway := errors.New(`http2: server sent GOAWAY and closed the connection; LastStreamID=1, ErrCode=NO_ERROR, debug=""`)
	tests := []struct {
		give   string
		method string
		err    error
		want   int
	}{
		{give: "refused stream POST", method: "POST", err: http2.StreamError{StreamID: 3, Code: http2.ErrCodeRefusedStream}, want: 3},
		{give: "reset stream GET", method: "GET", err: http2.StreamError{StreamID: 3, Code: http2.ErrCodeInternal}, want: 3},
		{give: "reset stream POST", method: "POST", err: http2.StreamError{StreamID: 3, Code: http2.ErrCodeInternal}, want: 1},
		{give: "bundled GOAWAY GET", method: "GET", err: goAway, want: 3},
		{give: "bundled GOAWAY POST", method: "POST", err: goAway, want: 1},
		{give: "x/net GOAWAY GET", method: "GET", err: http2.GoAwayError{LastStreamID: 1}, want: 3},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			if got := calls(t, tt.method, nil, middlewaretest.Reply{Err: tt.err}); got != tt.want {
				t.Errorf("got %d attempts; want %d", got, tt.want)
			}
		})
	}
}

// failingBody is a request body whose Read fails with err.
type failingBody struct{ err error }

func (b failingBody) Read([]byte) (int, error) { return 0, b.err }
func (b failingBody) Close() error             { return nil }

// TestCallerBodyErrorNotRetried checks that an error reading the caller's
// own request body is not retried as a network error, however it reaches
// retry (issue 13.6).
func TestCallerBodyErrorNotRetried(t *testing.T) {
	// As net/http returns it, end to end, for bodies whose errors would
	// otherwise look transient.
	for _, bodyErr := range []error{io.ErrUnexpectedEOF, errReset, errors.New("disk gone")} {
		t.Run(fmt.Sprint(bodyErr), func(t *testing.T) {
			srv := newServer(t)
			req, _ := http.NewRequest("PUT", srv.URL, failingBody{bodyErr})
			req.ContentLength = 100
			req.GetBody = func() (io.ReadCloser, error) { return failingBody{bodyErr}, nil }
			var sent atomic.Int32
			counting := roundTripFunc(func(r *http.Request) (*http.Response, error) {
				sent.Add(1)
				return newClientTransport(t).RoundTrip(r)
			})
			resp, err := New(fast...)(counting).RoundTrip(req)
			if err == nil {
				resp.Body.Close()
				t.Fatalf("got status %d; want the body's error", resp.StatusCode)
			}
			if got := sent.Load(); got != 1 {
				t.Errorf("got %d attempts (%v); want 1", got, err)
			}
		})
	}
	// As the error alone shows it.
	readFrom := &net.OpError{Op: "readfrom", Net: "tcp", Err: errors.New("disk gone")}
	if got := calls(t, "GET", nil, middlewaretest.Reply{Err: readFrom}); got != 1 {
		t.Errorf("readfrom with the body's error: got %d attempts; want 1", got)
	}
	connReset := &net.OpError{Op: "readfrom", Net: "tcp", Err: os.NewSyscallError("write", syscall.ECONNRESET)}
	if got := calls(t, "GET", nil, middlewaretest.Reply{Err: connReset}); got != 3 {
		t.Errorf("readfrom with the connection's reset: got %d attempts; want 3", got)
	}
}

// TestRetryAfterTooLargeReturnedAtOnce checks that a Retry-After too large
// for a Duration is longer than the cap, not garbage (issue 13.7).
func TestRetryAfterTooLargeReturnedAtOnce(t *testing.T) {
	var reasons []string
	base := middlewaretest.NewTransport(middlewaretest.Reply{Status: 503, Header: http.Header{"Retry-After": {"9999999999"}}})
	req, _ := http.NewRequest("GET", "http://example.test/", nil)
	resp, err := New(opts(OnGiveUp(func(e Event) { reasons = append(reasons, e.Reason) }))...)(base).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 503 || base.Calls() != 1 || !equal(reasons, []string{ReasonRetryAfter}) {
		t.Errorf("got status %d after %d calls, give-ups %q; want 503 after 1, [retry_after]", resp.StatusCode, base.Calls(), reasons)
	}
}

// stalledBody is a response body that sends nothing until closed.
type stalledBody struct {
	*io.PipeReader
	closes atomic.Int32
}

func (b *stalledBody) Close() error {
	b.closes.Add(1)
	return b.PipeReader.Close()
}

// TestDrainBoundedInTime checks that a discarded body that stalls is closed
// undrained after a short grace, rather than holding the retry (issue
// 13.8).
func TestDrainBoundedInTime(t *testing.T) {
	if defaultDrainGrace > time.Second || drainGrace != defaultDrainGrace {
		t.Errorf("got a drain grace of %v (default %v); want the default, at most 1s", drainGrace, defaultDrainGrace)
	}
	defer func(d time.Duration) { drainGrace = d }(drainGrace)
	drainGrace = 10 * time.Millisecond
	pr, pw := io.Pipe()
	defer pw.Close()
	stalled := &stalledBody{PipeReader: pr}
	var n atomic.Int32
	base := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if n.Add(1) == 1 {
			return &http.Response{StatusCode: 503, Body: stalled, Request: r}, nil
		}
		return &http.Response{StatusCode: 200, Body: http.NoBody, Request: r}, nil
	})
	done := make(chan error, 1)
	go func() {
		req, _ := http.NewRequest("GET", "http://example.test/", nil)
		resp, err := New(fast...)(base).RoundTrip(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(time.Minute): // only a guard against a hang
		t.Fatal("the retry still waits on the stalled body after a minute")
	}
	if got := stalled.closes.Load(); got != 1 {
		t.Errorf("got the stalled body closed %d times; want 1", got)
	}
}
