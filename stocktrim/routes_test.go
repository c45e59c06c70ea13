package stocktrim

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roundtrip-go/roundtrip/middleware"
	"github.com/roundtrip-go/roundtrip/middleware/middlewaretest"
)

func TestIsUpsert(t *testing.T) {
	tests := []struct {
		method, path string
		want         bool
	}{
		// Create-or-update by a key: retried like PUT.
		{"POST", "/api/Products", true},
		{"POST", "/api/Locations", true},
		{"POST", "/api/V2/Locations", true},
		// POSTs that create: never.
		{"POST", "/api/SalesOrders", false},
		{"POST", "/api/SalesOrdersBulk", false},
		{"POST", "/api/Suppliers", false},
		{"POST", "/api/boms", false},
		{"POST", "/api/InventoryManagementSystemSettings", false},
		{"POST", "/api/RunForecastCalculations", false},
		{"POST", "/api/V2/PurchaseOrders/OrderPlan", false},
		// 200/201, but the key is optional: a create without one.
		{"POST", "/api/PurchaseOrders", false},
		// A set, and queries: not known to be upserts.
		{"POST", "/api/Inventory", false},
		{"POST", "/api/OrderPlan", false},
		{"POST", "/api/ProcessingStatus", false},
		// The upsert routes under other methods: not this table's business
		// (PUT and DELETE are idempotent already; PATCH is not).
		{"GET", "/api/Products", false},
		{"PUT", "/api/Products", false},
		{"PATCH", "/api/Products", false},
		{"DELETE", "/api/Locations", false},
		{"", "/api/Products", false},
		// Exact match only: other spellings keep the safe rule.
		{"post", "/api/Products", false},
		{"POST", "/api/products", false},
		{"POST", "/API/Products", false},
		{"POST", "/api/v2/Locations", false},
		{"POST", "/api/Products/", false},
		{"POST", "/api/Products/WIDGET-001", false},
		{"POST", "api/Products", false},
		{"POST", "//api/Products", false},
		{"POST", "/api/%50roducts", false},
		{"POST", "/api/Products?code=X", false},
		{"POST", "", false},
		{"POST", "/", false},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			got := isUpsert(tt.method, tt.path)
			assert.Equal(t, tt.want, got, "got %v; want %v", got, tt.want)
		})
	}
}

type markKey struct{}

// testMark marks a context as the stack's mark would.
func testMark(ctx context.Context) context.Context {
	return context.WithValue(ctx, markKey{}, true)
}

func TestMarkUpserts(t *testing.T) {
	tests := []struct {
		base, method, url string
		want              bool
	}{
		{DefaultBaseURL, "POST", "https://api.stocktrim.com/api/Products", true},
		{DefaultBaseURL, "POST", "https://API.STOCKTRIM.COM:443/api/V2/Locations?x=1", true},
		{DefaultBaseURL, "POST", "https://api.stocktrim.com/api/SalesOrders", false},
		{DefaultBaseURL, "PUT", "https://api.stocktrim.com/api/Products", false},
		// Another origin: another API, whatever its routes.
		{DefaultBaseURL, "POST", "http://api.stocktrim.com/api/Products", false},
		{DefaultBaseURL, "POST", "https://api.stocktrim.com:8443/api/Products", false},
		{DefaultBaseURL, "POST", "https://example.com/api/Products", false},
		// A base URL with a path: routes are under it.
		{"http://127.0.0.1:8080/stocktrim/", "POST", "http://127.0.0.1:8080/stocktrim/api/Products", true},
		{"http://127.0.0.1:8080/stocktrim", "POST", "http://127.0.0.1:8080/stocktrim/api/Locations", true},
		{"http://127.0.0.1:8080/stocktrim", "POST", "http://127.0.0.1:8080/api/Products", false},
		{"http://127.0.0.1:8080/stocktrim", "POST", "http://127.0.0.1:8080/stocktrimx/api/Products", false},
		{"http://127.0.0.1:8080/", "POST", "http://127.0.0.1:8080/api/Products", true},
	}
	for _, tt := range tests {
		t.Run(tt.base+" "+tt.method+" "+tt.url, func(t *testing.T) {
			base, err := parseBaseURL(tt.base)
			require.NoError(t, err)
			var got *http.Request
			next := middleware.Func(func(req *http.Request) (*http.Response, error) {
				got = req
				return &http.Response{StatusCode: 200, Body: http.NoBody, Request: req}, nil
			})
			req, err := http.NewRequestWithContext(t.Context(), tt.method, tt.url, nil)
			require.NoError(t, err)
			ctx := req.Context()
			resp, err := markUpserts(base, testMark)(next).RoundTrip(req)
			require.NoError(t, err)
			resp.Body.Close()
			require.NotNil(t, got)
			assert.Equal(t, tt.want, got.Context().Value(markKey{}) != nil, "marked")
			assert.Same(t, ctx, req.Context(), "the caller's request is unchanged")
			assert.Nil(t, ctx.Value(markKey{}))
			if !tt.want {
				assert.Same(t, req, got, "an unmarked request passes as it is")
			}
		})
	}
}

func TestMarkUpsertsKeepsContract(t *testing.T) {
	middlewaretest.CheckContract(t, markUpserts(mustURL(DefaultBaseURL), testMark))
}
