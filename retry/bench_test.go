package retry

import (
	"net/http"
	"testing"
	"time"

	"github.com/failsafe-go/failsafe-go/failsafehttp"
)

// memTransport answers 200 with no body, in memory: what is measured on top
// of it is the middleware alone.
type memTransport struct{ header http.Header }

func (m memTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: http.StatusOK, Header: m.header, Body: http.NoBody, Request: req}, nil
}

func benchmark(b *testing.B, rt http.RoundTripper) {
	req, err := http.NewRequest(http.MethodGet, "http://example.test/", nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		resp, err := rt.RoundTrip(req)
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
	}
}

func BenchmarkRaw(b *testing.B) {
	benchmark(b, memTransport{header: http.Header{}})
}

func BenchmarkRetryNew(b *testing.B) {
	benchmark(b, New()(memTransport{header: http.Header{}}))
}

func BenchmarkFailsafeHTTP(b *testing.B) {
	policy := failsafehttp.NewRetryPolicyBuilder().
		WithMaxRetries(5).
		WithBackoff(time.Second, 16*time.Second).
		WithJitterFactor(0.25).
		Build()
	benchmark(b, failsafehttp.NewRoundTripper(memTransport{header: http.Header{}}, policy))
}
