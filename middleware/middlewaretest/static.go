package middlewaretest

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// Static is an in-memory [http.RoundTripper] that gives every request a
// fresh response with the same status, header and body, and records
// nothing. It is the base to benchmark a middleware on: what is measured
// on top of it is the middleware alone. Use [Transport] to script answers
// or to inspect requests.
//
// The zero value answers 200 OK with no header and an empty body. Header,
// when set, is shared by every response and must not be modified. The
// responses' Status text is left empty, to keep the base cheap. A Static is
// safe for concurrent use. Like a real transport it closes the request
// body, which it never reads.
type Static struct {
	// Status is the status code. Zero means 200 OK.
	Status int
	// Header is the response header, shared by every response. Nil means an
	// empty one.
	Header http.Header
	// Body is the response body. Empty means http.NoBody.
	Body string
}

var _ http.RoundTripper = Static{}

// RoundTrip answers req from memory. It never returns an error.
func (s Static) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		req.Body.Close()
	}
	status := s.Status
	if status == 0 {
		status = http.StatusOK
	}
	h := s.Header
	if h == nil {
		h = http.Header{}
	}
	var body io.ReadCloser = http.NoBody
	if s.Body != "" {
		body = io.NopCloser(strings.NewReader(s.Body))
	}
	return &http.Response{
		StatusCode:    status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		Body:          body,
		ContentLength: int64(len(s.Body)),
		Request:       req,
	}, nil
}

// Benchmark sends req through rt b.N times, reading each response body to
// the end and closing it as a caller would, and reports allocations. It
// fails b on the first error. req is reused, so it must have no body. A nil
// rt means http.DefaultTransport.
func Benchmark(b *testing.B, rt http.RoundTripper, req *http.Request) {
	b.Helper()
	if rt == nil {
		rt = http.DefaultTransport
	}
	b.ReportAllocs()
	for b.Loop() {
		resp, err := rt.RoundTrip(req)
		if err != nil {
			b.Fatal(err)
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil {
			b.Fatal(err)
		}
	}
}
