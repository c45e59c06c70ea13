package retry

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"

	"github.com/failsafe-go/failsafe-go/circuitbreaker"
	fstimeout "github.com/failsafe-go/failsafe-go/timeout"

	"github.com/roundtrip-go/roundtrip/middleware/middlewaretest"
)

var (
	errDial  = &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	errReset = &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}
)

// calls sends one request with method and header through New(opts) over a
// transport that always answers reply, and returns how many calls it made.
func calls(t *testing.T, method string, header http.Header, reply middlewaretest.Reply, o ...Option) int {
	t.Helper()
	base := middlewaretest.NewTransport(reply)
	req, err := http.NewRequest(method, "http://example.test/", strings.NewReader("payload"))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := New(opts(append([]Option{WithMaxRetries(2)}, o...)...)...)(base).RoundTrip(req)
	if err == nil {
		resp.Body.Close()
	}
	if n := base.Unclosed(); n != 0 {
		t.Errorf("got %d unclosed responses; want 0", n)
	}
	return base.Calls()
}

func TestMethodRules(t *testing.T) {
	idem := http.Header{"Idempotency-Key": {"k1"}}
	xidem := http.Header{"X-Idempotency-Key": {"k2"}}
	s503 := middlewaretest.Reply{Status: 503}
	s429 := middlewaretest.Reply{Status: 429}
	tests := []struct {
		give   string
		method string
		header http.Header
		reply  middlewaretest.Reply
		all    bool
		want   int
	}{
		{give: "GET 503", method: "GET", reply: s503, want: 3},
		{give: "HEAD 503", method: "HEAD", reply: s503, want: 3},
		{give: "OPTIONS 503", method: "OPTIONS", reply: s503, want: 3},
		{give: "TRACE 503", method: "TRACE", reply: s503, want: 3},
		{give: "PUT 503", method: "PUT", reply: s503, want: 3},
		{give: "DELETE 503", method: "DELETE", reply: s503, want: 3},
		{give: "GET reset", method: "GET", reply: middlewaretest.Reply{Err: errReset}, want: 3},
		{give: "POST 503", method: "POST", reply: s503, want: 1},
		{give: "PATCH 503", method: "PATCH", reply: s503, want: 1},
		{give: "POST reset", method: "POST", reply: middlewaretest.Reply{Err: errReset}, want: 1},
		{give: "POST EOF", method: "POST", reply: middlewaretest.Reply{Err: io.EOF}, want: 1},
		{give: "POST 429", method: "POST", reply: s429, want: 3},
		{give: "PATCH 429", method: "PATCH", reply: s429, want: 3},
		{give: "POST dial error", method: "POST", reply: middlewaretest.Reply{Err: errDial}, want: 3},
		{give: "POST timed-out dial", method: "POST", reply: middlewaretest.Reply{Err: timeoutErr{err: errDial}}, want: 3},
		{give: "POST Idempotency-Key 503", method: "POST", header: idem, reply: s503, want: 3},
		{give: "POST X-Idempotency-Key reset", method: "POST", header: xidem, reply: middlewaretest.Reply{Err: errReset}, want: 3},
		{give: "POST all methods 503", method: "POST", reply: s503, all: true, want: 3},
		{give: "PATCH all methods EOF", method: "PATCH", reply: middlewaretest.Reply{Err: io.EOF}, all: true, want: 3},
		{give: "POST all methods 404", method: "POST", reply: middlewaretest.Reply{Status: 404}, all: true, want: 1},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			var o []Option
			if tt.all {
				o = append(o, WithAllMethods())
			}
			if got := calls(t, tt.method, tt.header, tt.reply, o...); got != tt.want {
				t.Errorf("got %d attempts; want %d", got, tt.want)
			}
		})
	}
}

func TestStatusRules(t *testing.T) {
	tests := []struct {
		give  int
		codes []int
		want  int
	}{
		{give: 408, want: 3}, {give: 429, want: 3}, {give: 500, want: 3},
		{give: 502, want: 3}, {give: 503, want: 3}, {give: 504, want: 3},
		{give: 200, want: 1}, {give: 204, want: 1}, {give: 304, want: 1},
		{give: 400, want: 1}, {give: 401, want: 1}, {give: 403, want: 1},
		{give: 404, want: 1}, {give: 409, want: 1}, {give: 422, want: 1},
		{give: 501, want: 1}, {give: 505, want: 1},
		{give: 418, codes: []int{418}, want: 3},
		{give: 503, codes: []int{418}, want: 1},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.give, tt.codes), func(t *testing.T) {
			var o []Option
			if tt.codes != nil {
				o = append(o, WithStatusCodes(tt.codes...))
			}
			if got := calls(t, "GET", nil, middlewaretest.Reply{Status: tt.give}, o...); got != tt.want {
				t.Errorf("got %d attempts; want %d", got, tt.want)
			}
		})
	}
}

func TestErrorRules(t *testing.T) {
	certErr := &tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}
	tests := []struct {
		give string
		err  error
		want bool
	}{
		{give: "refused", err: errDial, want: true},
		{give: "reset", err: errReset, want: true},
		{give: "dns", err: &net.OpError{Op: "dial", Err: &net.DNSError{Err: "no such host", Name: "x.test", IsNotFound: true}}, want: true},
		{give: "bare dns", err: &net.DNSError{Err: "server misbehaving", Name: "x.test"}, want: true},
		{give: "EOF", err: io.EOF, want: true},
		{give: "unexpected EOF", err: fmt.Errorf("net/http: transport connection broken: %w", io.ErrUnexpectedEOF), want: true},
		{give: "ECONNRESET", err: fmt.Errorf("write: %w", syscall.ECONNRESET), want: true},
		{give: "attempt timeout", err: timeoutErr{}, want: true},
		{give: "context deadline of the attempt", err: fmt.Errorf("attempt: %w", context.DeadlineExceeded), want: true},
		{give: "failsafe timeout", err: fstimeout.ErrExceeded, want: true},
		{give: "header timeout", err: timeoutErr{}, want: true},
		{give: "certificate", err: certErr, want: false},
		{give: "certificate via proxy", err: &net.OpError{Op: "proxyconnect", Err: certErr}, want: false},
		{give: "unknown authority", err: x509.UnknownAuthorityError{}, want: false},
		{give: "hostname", err: x509.HostnameError{Host: "x.test"}, want: false},
		{give: "invalid certificate", err: x509.CertificateInvalidError{Reason: x509.Expired}, want: false},
		{give: "tls alert", err: &net.OpError{Op: "remote error", Err: errors.New("tls: bad certificate")}, want: false},
		{give: "not tls", err: tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}, want: false},
		{give: "unsupported scheme", err: errors.New(`unsupported protocol scheme "ftp"`), want: false},
		{give: "circuit open", err: circuitbreaker.ErrOpen, want: false},
		{give: "canceled", err: context.Canceled, want: false},
		{give: "other", err: errors.New("something else"), want: false},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			if got := retryableError(tt.err); got != tt.want {
				t.Errorf("got retryable %v; want %v", got, tt.want)
			}
			want := 1
			if tt.want {
				want = 3
			}
			if got := calls(t, "GET", nil, middlewaretest.Reply{Err: tt.err}); got != want {
				t.Errorf("got %d attempts; want %d", got, want)
			}
		})
	}
}

// timeoutErr is an attempt timeout as the timeout package, or net/http's
// response header timeout, reports it: a net.Error with Timeout() true.
type timeoutErr struct{ err error }

func (timeoutErr) Error() string   { return "net/http: timeout awaiting response headers" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }
func (e timeoutErr) Unwrap() error { return e.err }

func TestNeverAfterCallerContextDone(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	base := middlewaretest.NewTransport(middlewaretest.Reply{Status: 503})
	stub := func(req *http.Request) (*http.Response, error) {
		cancel() // the caller gives up while the attempt runs
		return base.RoundTrip(req)
	}
	req, _ := http.NewRequestWithContext(ctx, "GET", "http://example.test/", nil)
	resp, err := New(fast...)(roundTripFunc(stub)).RoundTrip(req)
	if err != nil {
		t.Fatalf("got error %v; want the 503", err)
	}
	resp.Body.Close()
	if got := base.Calls(); got != 1 {
		t.Errorf("got %d attempts; want 1", got)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestRealTransportErrors(t *testing.T) {
	tlsSrv := newTLSServer(t)
	tests := []struct {
		give string
		url  string
		want int
	}{
		{give: "unsupported scheme", url: "ftp://example.test/", want: 1},
		{give: "unknown authority", url: tlsSrv.URL, want: 1},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			n := 0
			counting := roundTripFunc(func(r *http.Request) (*http.Response, error) {
				n++
				return newClientTransport(t).RoundTrip(r)
			})
			req, _ := http.NewRequest("GET", tt.url, nil)
			_, err := New(fast...)(counting).RoundTrip(req)
			if err == nil {
				t.Fatal("got no error; want one")
			}
			if n != tt.want {
				t.Errorf("got %d attempts (%v); want %d", n, err, tt.want)
			}
		})
	}
}
