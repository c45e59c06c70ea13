package stocktrim_test

import (
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/failsafe-go/failsafe-go/failsafehttp"
	fstimeout "github.com/failsafe-go/failsafe-go/timeout"
	"github.com/rs/zerolog"

	"github.com/roundtrip-go/roundtrip"
	"github.com/roundtrip-go/roundtrip/auth"
	"github.com/roundtrip-go/roundtrip/logging"
	"github.com/roundtrip-go/roundtrip/middleware/middlewaretest"
	"github.com/roundtrip-go/roundtrip/retry"
	"github.com/roundtrip-go/roundtrip/stocktrim"
	"github.com/roundtrip-go/roundtrip/timeout"
)

// memBase answers every request with 200 and a small JSON body, in
// memory: what is measured on top of it is the stack alone.
var memBase = middlewaretest.Static{Header: http.Header{"Content-Type": {"application/json"}}, Body: `[]`}

// BenchmarkStack compares, in one run, a successful request through the
// raw in-memory base, through failsafehttp with only a retry policy (the
// notes' 5 retries, 1 to 16 s, jitter 0.25), and through the whole
// default stack: retry, timeout, auth, and logging at info to io.Discard.
// The failsafehttp-equivalent row does the stack's work with failsafe-go's
// retry and timeout policies over our auth and logging layers.
func BenchmarkStack(b *testing.B) {
	b.Setenv(stocktrim.EnvBaseURL, "")
	b.Setenv(stocktrim.EnvMaxRetries, "")
	b.Setenv(stocktrim.EnvTimeout, "")
	stack, err := stocktrim.NewTransport(
		stocktrim.WithCredentials("bench-id", "bench-signature"),
		stocktrim.WithLogger(zerolog.New(io.Discard).Level(zerolog.InfoLevel)),
		stocktrim.WithTransport(memBase),
	)
	if err != nil {
		b.Fatal(err)
	}
	policy := failsafehttp.NewRetryPolicyBuilder().
		WithMaxRetries(5).
		WithBackoff(time.Second, 16*time.Second).
		WithJitterFactor(0.25).
		Build()
	authMW := auth.Headers(map[string]string{
		stocktrim.HeaderAuthID: "bench-id", stocktrim.HeaderSignature: "bench-signature",
	}, auth.OnlyHosts("api.stocktrim.com"))
	logMW := logging.New(zerolog.New(io.Discard).Level(zerolog.InfoLevel))
	rows := []struct {
		name string
		rt   http.RoundTripper
	}{
		{name: "raw", rt: memBase},
		{name: "failsafehttp-retry", rt: failsafehttp.NewRoundTripper(memBase, policy)},
		{name: "stocktrim", rt: stack},
		{name: "failsafehttp-equivalent", rt: failsafehttp.NewRoundTripper(
			roundtrip.Chain(authMW, logMW).Then(memBase),
			policy, fstimeout.New[*http.Response](stocktrim.DefaultTimeout),
		)},
		// The layers of the stack one at a time, to show what each adds.
		{name: "layers/retry", rt: retry.New()(memBase)},
		{name: "layers/timeout", rt: timeout.New(stocktrim.DefaultTimeout)(memBase)},
		{name: "layers/auth", rt: authMW(memBase)},
		{name: "layers/logging", rt: logMW(memBase)},
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
