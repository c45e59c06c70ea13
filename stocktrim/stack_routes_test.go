package stocktrim_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roundtrip-go/roundtrip/stocktrim/stocktrimtest"
)

// TestStackRetriesByRoute: each class of route against a 503, end to end:
// an upsert POST is retried like a PUT, any other POST is not.
func TestStackRetriesByRoute(t *testing.T) {
	tests := []struct {
		name         string
		method, path string
		body         string
		wantStatus   int
		wantRequests int
	}{
		{name: "GET is retried", method: "GET", path: "/api/Products", wantStatus: 200, wantRequests: 2},
		{name: "an upsert is retried", method: "POST", path: "/api/Products", body: `{"productId":"WIDGET-001","name":"Renamed"}`, wantStatus: 200, wantRequests: 2},
		{name: "an upsert that creates is retried", method: "POST", path: "/api/Products", body: `{"productId":"NEW-1"}`, wantStatus: 201, wantRequests: 2},
		{name: "a POST that creates is not", method: "POST", path: "/api/SalesOrders", body: `{"productId":"WIDGET-001","orderDate":"2026-01-01T00:00:00Z","quantity":2}`, wantStatus: 503, wantRequests: 1},
		{name: "a POST under an upsert route is not", method: "POST", path: "/api/Products/WIDGET-001", body: `{"productId":"WIDGET-001"}`, wantStatus: 503, wantRequests: 1},
		{name: "an upsert route in another case is not", method: "POST", path: "/api/products", body: `{"productId":"WIDGET-001"}`, wantStatus: 503, wantRequests: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _, opts := setup(t, zerolog.Disabled)
			client := newClient(t, opts...)
			srv.Inject(stocktrimtest.Fault{Method: tt.method, Path: tt.path, Status: http.StatusServiceUnavailable})
			var body io.Reader
			if tt.body != "" {
				body = strings.NewReader(tt.body)
			}
			req, err := http.NewRequestWithContext(t.Context(), tt.method, srv.URL+tt.path, body)
			require.NoError(t, err)
			resp, err := client.Do(req)
			require.NoError(t, err)
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			assert.Equal(t, tt.wantStatus, resp.StatusCode)
			assert.Len(t, srv.Requests(), tt.wantRequests)
		})
	}
}

// TestStackRetriesUpsertAfterReset: a reset after the upsert was sent is
// retried too, which the safe rule for POST never does; the body is sent
// again whole.
func TestStackRetriesUpsertAfterReset(t *testing.T) {
	srv, _, opts := setup(t, zerolog.Disabled)
	client := newClient(t, opts...)
	// The first request of a new client opens a new connection, so the
	// drop reaches the stack.
	srv.Inject(stocktrimtest.Fault{Method: "POST", Path: "/api/Products", Drop: true})
	const body = `{"productId":"NEW-2","name":"Twice sent, once stored"}`
	req, err := http.NewRequestWithContext(t.Context(), "POST", srv.URL+"/api/Products", strings.NewReader(body))
	require.NoError(t, err)
	resp, err := client.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusCreated, resp.StatusCode)
	reqs := srv.Requests()
	require.Len(t, reqs, 2)
	assert.Equal(t, body, string(reqs[1].Body))
	status, ps := getProducts(t, client, srv.URL+"/api/Products?code=NEW-2")
	assert.Equal(t, http.StatusOK, status)
	assert.Len(t, ps, 1, "one product, however many times it was sent")
}
