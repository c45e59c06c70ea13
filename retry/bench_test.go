package retry

import (
	"net/http"
	"testing"
	"time"

	"github.com/failsafe-go/failsafe-go/failsafehttp"

	"github.com/roundtrip-go/roundtrip/middleware/middlewaretest"
)

// memTransport answers 200 with no body, in memory: what is measured on
// top of it is the middleware alone.
var memTransport = middlewaretest.Static{Header: http.Header{}}

func benchmark(b *testing.B, rt http.RoundTripper) {
	req, err := http.NewRequest(http.MethodGet, "http://example.test/", nil)
	if err != nil {
		b.Fatal(err)
	}
	middlewaretest.Benchmark(b, rt, req)
}

func BenchmarkRaw(b *testing.B) {
	benchmark(b, memTransport)
}

func BenchmarkRetryNew(b *testing.B) {
	benchmark(b, New()(memTransport))
}

func BenchmarkFailsafeHTTP(b *testing.B) {
	policy := failsafehttp.NewRetryPolicyBuilder().
		WithMaxRetries(5).
		WithBackoff(time.Second, 16*time.Second).
		WithJitterFactor(0.25).
		Build()
	benchmark(b, failsafehttp.NewRoundTripper(memTransport, policy))
}
