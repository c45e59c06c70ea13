//go:build !race

package stocktrim

import (
	"io"
	"net/http"
	"testing"

	"github.com/rs/zerolog"

	"github.com/roundtrip-go/roundtrip/middleware"
	"github.com/roundtrip-go/roundtrip/middleware/middlewaretest"
)

// The race detector changes allocation counts, hence the build tag.

// TestMarkUpsertsGETAllocatesNothing: the route marker sits on every
// request of the stack, and a GET, which can never be an upsert, must pass
// it for free.
func TestMarkUpsertsGETAllocatesNothing(t *testing.T) {
	resp := &http.Response{StatusCode: 200, Body: http.NoBody}
	next := middleware.Func(func(*http.Request) (*http.Response, error) { return resp, nil })
	rt := markUpserts(mustURL(DefaultBaseURL), retryAsIdempotent)(next)
	req, err := http.NewRequest(http.MethodGet, DefaultBaseURL+"/api/Products", nil)
	if err != nil {
		t.Fatal(err)
	}
	got := testing.AllocsPerRun(100, func() {
		if _, err := rt.RoundTrip(req); err != nil {
			t.Fatal(err)
		}
	})
	if got != 0 {
		t.Errorf("a GET through the marker allocates %v times; want 0", got)
	}
}

// stackAllocs is the most allocations the stack may add to a request that
// succeeds at once: issue 12's bar of 14, and the 10 of issue 17's bound on
// what reaches the wire (retry's guard, its two trace hooks, its
// cancellable context, two context values, and the timeout's context
// registering under it). Loopback throughput did not move with them (four
// interleaved runs of benchmarks figure 2).
const stackAllocs = 24

// TestStackAllocations holds that bar: a request that succeeds at once,
// through the whole stack with an info log event, costs at most
// stackAllocs allocations more than the bare base.
func TestStackAllocations(t *testing.T) {
	t.Setenv(EnvBaseURL, "")
	t.Setenv(EnvMaxRetries, "")
	t.Setenv(EnvTimeout, "")
	base := middlewaretest.Static{Header: http.Header{"Content-Type": {"application/json"}}, Body: `[]`}
	stack, err := NewTransport(
		WithCredentials("test-id", "test-signature"),
		WithLogger(zerolog.New(io.Discard).Level(zerolog.InfoLevel)),
		WithTransport(base),
	)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodGet, DefaultBaseURL+"/api/Products", nil)
	if err != nil {
		t.Fatal(err)
	}
	get := func(rt http.RoundTripper) float64 {
		return testing.AllocsPerRun(200, func() {
			resp, err := rt.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if _, err := io.Copy(io.Discard, resp.Body); err != nil {
				t.Fatal(err)
			}
		})
	}
	raw, got := get(base), get(stack)
	if got-raw > stackAllocs {
		t.Errorf("the stack adds %v allocations to the base's %v; want at most %d", got-raw, raw, stackAllocs)
	}
	t.Logf("the stack adds %v allocations to the base's %v", got-raw, raw)
}
