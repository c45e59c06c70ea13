package stocktrim_test

import (
	"io"
	"net/http"
	"testing"

	"github.com/rs/zerolog"

	"github.com/roundtrip-go/roundtrip/auth"
	"github.com/roundtrip-go/roundtrip/internal/testutil"
	"github.com/roundtrip-go/roundtrip/logging"
	"github.com/roundtrip-go/roundtrip/middleware/middlewaretest"
	"github.com/roundtrip-go/roundtrip/retry"
	"github.com/roundtrip-go/roundtrip/stocktrim"
	"github.com/roundtrip-go/roundtrip/timeout"
)

// memBase answers every request with 200 and a small JSON body, in
// memory: what is measured on top of it is the stack alone.
var memBase = middlewaretest.Static{Header: http.Header{"Content-Type": {"application/json"}}, Body: `[]`}

// BenchmarkStack measures, in one run, a successful request through the
// raw in-memory base, through the whole default stack (retry, timeout,
// auth, and logging at info to io.Discard), and through each layer of it
// on its own. The stack beside failsafehttp doing the same work is
// BenchmarkStack in the benchmarks module, which keeps the peer libraries
// out of this go.mod.
func BenchmarkStack(b *testing.B) {
	testutil.ClearEnv(b, testutil.StocktrimEnvPrefix)
	logger := zerolog.New(io.Discard).Level(zerolog.InfoLevel)
	stack, err := stocktrim.NewTransport(
		stocktrim.WithCredentials("bench-id", "bench-signature"),
		stocktrim.WithLogger(logger),
		stocktrim.WithTransport(memBase),
	)
	if err != nil {
		b.Fatal(err)
	}
	rows := []struct {
		name string
		rt   http.RoundTripper
	}{
		{name: "raw", rt: memBase},
		{name: "stocktrim", rt: stack},
		{name: "layers/retry", rt: retry.New()(memBase)},
		{name: "layers/timeout", rt: timeout.New(stocktrim.DefaultTimeout)(memBase)},
		{name: "layers/auth", rt: auth.Headers(map[string]string{
			stocktrim.HeaderAuthID: "bench-id", stocktrim.HeaderSignature: "bench-signature",
		}, auth.OnlyHosts("api.stocktrim.com"))(memBase)},
		{name: "layers/logging", rt: logging.New(logger)(memBase)},
	}
	for _, row := range rows {
		b.Run(row.name, func(b *testing.B) {
			req, err := http.NewRequest(http.MethodGet, stocktrim.DefaultBaseURL+"/api/Products", nil)
			if err != nil {
				b.Fatal(err)
			}
			middlewaretest.Benchmark(b, row.rt, req)
		})
	}
}
