package timeout_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/roundtrip-go/roundtrip/middleware"
	"github.com/roundtrip-go/roundtrip/middleware/middlewaretest"
	"github.com/roundtrip-go/roundtrip/timeout"
)

// memBase answers every request with 200 and a small body, in memory: what
// is measured on top of it is the timeout middleware alone.
var memBase = middlewaretest.Static{Header: http.Header{"Content-Type": {"application/json"}}, Body: `[]`}

// childBase derives a cancellable child of the request's context and
// watches it, as net/http's Transport does for every request.
var childBase = middleware.Func(func(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithCancelCause(req.Context())
	defer cancel(nil)
	select {
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	default:
	}
	return memBase.RoundTrip(req)
})

func runBench(b *testing.B, ctx context.Context, rt http.RoundTripper) {
	b.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://example.test/api/Products", nil)
	if err != nil {
		b.Fatal(err)
	}
	middlewaretest.Benchmark(b, rt, req)
}

// BenchmarkRaw is the in-memory base alone, the baseline for the rows below.
func BenchmarkRaw(b *testing.B) {
	runBench(b, context.Background(), memBase)
}

// BenchmarkTimeout is a successful request through New over the in-memory
// base, under a caller context that cannot be cancelled.
func BenchmarkTimeout(b *testing.B) {
	runBench(b, context.Background(), timeout.New(30*time.Second)(memBase))
}

// BenchmarkTimeoutCallerCancel is BenchmarkTimeout under a caller context
// that can be cancelled, which the attempt has to follow.
func BenchmarkTimeoutCallerCancel(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	runBench(b, ctx, timeout.New(30*time.Second)(memBase))
}

// BenchmarkTimeoutChildContext is BenchmarkTimeout over a base that derives
// and watches a child context, as net/http's Transport does.
func BenchmarkTimeoutChildContext(b *testing.B) {
	runBench(b, context.Background(), timeout.New(30*time.Second)(childBase))
}

// BenchmarkRawChildContext is childBase alone, the baseline for
// BenchmarkTimeoutChildContext.
func BenchmarkRawChildContext(b *testing.B) {
	runBench(b, context.Background(), childBase)
}
