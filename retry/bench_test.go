package retry

import (
	"net/http"
	"testing"

	"github.com/roundtrip-go/roundtrip/middleware/middlewaretest"
)

// retry.New beside failsafehttp's retry alone is BenchmarkStack in the
// benchmarks module, which keeps the peer libraries out of this go.mod.

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
