//go:build !race

package stocktrim

import (
	"net/http"
	"testing"

	"github.com/roundtrip-go/roundtrip/middleware"
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
