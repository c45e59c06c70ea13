package stocktrim_test

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/failsafe-go/failsafe-go/budget"
	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"

	"github.com/roundtrip-go/roundtrip/stocktrim"
	"github.com/roundtrip-go/roundtrip/stocktrim/stocktrimtest"
)

// outage makes n concurrent GETs through a stack with opts against a
// server that answers every request with a 503 after a short delay, and
// returns the number of requests the server received.
func outage(t *testing.T, n int, opts ...stocktrim.Option) int {
	t.Helper()
	srv, _, base := setup(t, zerolog.Disabled)
	client := newClient(t, append(base, opts...)...)
	// The delay keeps the callers' attempts in flight together, as a
	// server under load would.
	srv.Inject(stocktrimtest.Fault{Status: http.StatusServiceUnavailable, Delay: 50 * time.Millisecond, Times: 100 * n})
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			status, _ := getProducts(t, client, srv.URL+"/api/Products")
			assert.Equal(t, http.StatusServiceUnavailable, status)
		})
	}
	wg.Wait()
	return len(srv.Requests())
}

func TestStackRetryBudget(t *testing.T) {
	t.Run("a lone caller gets all its retries", func(t *testing.T) {
		assert.Equal(t, 6, outage(t, 1))
	})
	t.Run("64 callers make at most 2 attempts per call", func(t *testing.T) {
		got := outage(t, 64)
		t.Logf("%d requests for 64 calls: %.2f per call", got, float64(got)/64)
		assert.LessOrEqual(t, got, 2*64)
	})
	t.Run("nil turns it off", func(t *testing.T) {
		assert.Equal(t, 64*6, outage(t, 64, stocktrim.WithRetryBudget(nil)))
	})
	t.Run("a budget of one's own replaces it", func(t *testing.T) {
		b := budget.NewBuilder().WithMaxRate(1).WithMinConcurrency(64).Build()
		assert.Equal(t, 64*6, outage(t, 64, stocktrim.WithRetryBudget(b)), "every retry allowed")
	})
}
