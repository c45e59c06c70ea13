package stocktrimtest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roundtrip-go/roundtrip/stocktrim/stocktrimtest"
)

// call sends a request with the server's credentials (unless noAuth) and
// returns the status, the Content-Type and the body.
func call(t *testing.T, srv *stocktrimtest.Server, method, path, body string, noAuth bool) (int, string, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, srv.URL+path, rd)
	require.NoError(t, err)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if !noAuth {
		req.Header.Set(stocktrimtest.HeaderAuthID, srv.AuthID())
		req.Header.Set(stocktrimtest.HeaderSignature, srv.Signature())
	}
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
}

func decodeJSON[T any](t *testing.T, s string) T {
	t.Helper()
	var v T
	require.NoError(t, json.Unmarshal([]byte(s), &v), "body %q", s)
	return v
}

func productIDs(ps []stocktrimtest.Product) []string {
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = p.ProductID
	}
	return ids
}

func TestProducts(t *testing.T) {
	srv := stocktrimtest.NewServer()
	defer srv.Close()

	status, ct, body := call(t, srv, "GET", "/api/Products", "", false)
	assert.Equal(t, 200, status)
	assert.Equal(t, "application/json; charset=utf-8", ct)
	assert.Equal(t, []string{"WIDGET-001", "WIDGET-002", "GADGET-100"}, productIDs(decodeJSON[[]stocktrimtest.Product](t, body)))
	// The JSON field names are the API's.
	raw := decodeJSON[[]map[string]any](t, body)
	assert.Equal(t, "WIDGET-001", raw[0]["productId"])
	assert.Equal(t, 120.0, raw[0]["stockOnHand"])
	assert.Equal(t, 1.0, raw[0]["id"])

	tests := []struct {
		give string
		want []string
	}{
		{give: "?code=WIDGET-002", want: []string{"WIDGET-002"}},
		{give: "?code=NOPE", want: []string{}},
		{give: "?code=", want: []string{}},
		{give: "?pageNo=1", want: []string{"WIDGET-001", "WIDGET-002", "GADGET-100"}},
		{give: "?pageNo=2", want: []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			status, _, body := call(t, srv, "GET", "/api/Products"+tt.give, "", false)
			assert.Equal(t, 200, status)
			assert.Equal(t, tt.want, productIDs(decodeJSON[[]stocktrimtest.Product](t, body)))
		})
	}

	status, ct, _ = call(t, srv, "GET", "/api/Products?pageNo=x", "", false)
	assert.Equal(t, 400, status)
	assert.Equal(t, "application/problem+json; charset=utf-8", ct)

	// Create, then update.
	status, _, body = call(t, srv, "POST", "/api/Products", `{"productId":"NEW-1","name":"New","stockOnHand":0}`, false)
	assert.Equal(t, 201, status)
	created := decodeJSON[stocktrimtest.Product](t, body)
	assert.Equal(t, 4, created.ID)
	require.NotNil(t, created.StockOnHand)
	assert.Equal(t, 0.0, *created.StockOnHand)

	status, _, body = call(t, srv, "POST", "/api/Products", `{"id":99,"productId":"NEW-1","name":"Renamed"}`, false)
	assert.Equal(t, 200, status)
	updated := decodeJSON[stocktrimtest.Product](t, body)
	assert.Equal(t, 4, updated.ID, "got id %d; want the stored 4", updated.ID)
	assert.Equal(t, "Renamed", updated.Name)
	assert.Equal(t, "Renamed", srv.Products()[3].Name)

	for _, give := range []string{`{"name":"no code"}`, `{"productId":`, `[]`} {
		status, ct, _ = call(t, srv, "POST", "/api/Products", give, false)
		assert.Equal(t, 400, status, "POST %s", give)
		assert.Equal(t, "application/problem+json; charset=utf-8", ct)
	}

	// Delete.
	status, _, _ = call(t, srv, "DELETE", "/api/Products?productId=NEW-1", "", false)
	assert.Equal(t, 200, status)
	status, _, _ = call(t, srv, "DELETE", "/api/Products?productId=NEW-1", "", false)
	assert.Equal(t, 404, status)
	status, _, _ = call(t, srv, "DELETE", "/api/Products", "", false)
	assert.Equal(t, 400, status)
	assert.Equal(t, []string{"WIDGET-001", "WIDGET-002", "GADGET-100"}, productIDs(srv.Products()))

	// A new product after a delete gets a new id, never a reused one.
	_, _, body = call(t, srv, "POST", "/api/Products", `{"productId":"NEW-2"}`, false)
	assert.Equal(t, 5, decodeJSON[stocktrimtest.Product](t, body).ID)
}

func TestCustomers(t *testing.T) {
	srv := stocktrimtest.NewServer()
	defer srv.Close()

	status, _, body := call(t, srv, "GET", "/api/Customers", "", false)
	assert.Equal(t, 200, status)
	assert.Equal(t, stocktrimtest.SeedCustomers(), decodeJSON[[]stocktrimtest.Customer](t, body))

	status, _, body = call(t, srv, "GET", "/api/Customers/CUST-002", "", false)
	assert.Equal(t, 200, status)
	assert.Equal(t, "Big Box Retail", decodeJSON[stocktrimtest.Customer](t, body).Name)

	status, ct, body := call(t, srv, "GET", "/api/Customers/NOPE", "", false)
	assert.Equal(t, 404, status)
	assert.Equal(t, "application/problem+json; charset=utf-8", ct)
	assert.Equal(t, 404, decodeJSON[stocktrimtest.ProblemDetails](t, body).Status)

	status, _, body = call(t, srv, "PUT", "/api/Customers", `{"code":"CUST-003","name":"Third","city":"Auckland"}`, false)
	assert.Equal(t, 200, status)
	assert.Equal(t, "Auckland", decodeJSON[stocktrimtest.Customer](t, body).City)
	status, _, _ = call(t, srv, "PUT", "/api/Customers", `{"code":"CUST-001","name":"Renamed"}`, false)
	assert.Equal(t, 200, status)
	status, _, _ = call(t, srv, "PUT", "/api/Customers", `{"name":"no code"}`, false)
	assert.Equal(t, 400, status)

	got := srv.Customers()
	require.Len(t, got, 3)
	assert.Equal(t, stocktrimtest.Customer{Code: "CUST-001", Name: "Renamed"}, got[0])
	assert.Equal(t, "CUST-003", got[2].Code)
}

func TestSuppliers(t *testing.T) {
	srv := stocktrimtest.NewServer()
	defer srv.Close()

	status, _, body := call(t, srv, "GET", "/api/Suppliers", "", false)
	assert.Equal(t, 200, status)
	assert.Equal(t, stocktrimtest.SeedSuppliers(), decodeJSON[[]stocktrimtest.Supplier](t, body))

	status, _, body = call(t, srv, "GET", "/api/Suppliers?code=GLOBEX", "", false)
	assert.Equal(t, 200, status)
	assert.Equal(t, 2, decodeJSON[stocktrimtest.Supplier](t, body).ID)
	status, _, _ = call(t, srv, "GET", "/api/Suppliers?code=NOPE", "", false)
	assert.Equal(t, 404, status)

	status, _, body = call(t, srv, "POST", "/api/Suppliers",
		`[{"supplierCode":"INITECH","supplierName":"Initech"},{"supplierCode":"ACME","supplierName":"Acme Ltd"}]`, false)
	assert.Equal(t, 201, status)
	got := decodeJSON[[]stocktrimtest.Supplier](t, body)
	require.Len(t, got, 2)
	assert.Equal(t, 3, got[0].ID)
	assert.Equal(t, 1, got[1].ID)
	assert.Equal(t, "Acme Ltd", srv.Suppliers()[0].SupplierName)

	status, _, _ = call(t, srv, "POST", "/api/Suppliers", `[{"supplierName":"no code"}]`, false)
	assert.Equal(t, 400, status)
	status, _, _ = call(t, srv, "POST", "/api/Suppliers", `{"supplierCode":"not an array"}`, false)
	assert.Equal(t, 400, status)
	assert.Len(t, srv.Suppliers(), 3, "a refused POST stores nothing")
}

func TestRoutes(t *testing.T) {
	srv := stocktrimtest.NewServer()
	defer srv.Close()
	tests := []struct {
		method, path string
		want         int
		wantAllow    string
	}{
		{method: "PATCH", path: "/api/Products", want: 405, wantAllow: "GET, POST, DELETE"},
		{method: "DELETE", path: "/api/Customers", want: 405, wantAllow: "GET, PUT"},
		{method: "POST", path: "/api/Customers/CUST-001", want: 405, wantAllow: "GET"},
		{method: "PUT", path: "/api/Suppliers", want: 405, wantAllow: "GET, POST"},
		{method: "GET", path: "/api/Nope", want: 404},
		{method: "GET", path: "/", want: 404},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			req, err := http.NewRequestWithContext(t.Context(), tt.method, srv.URL+tt.path, nil)
			require.NoError(t, err)
			req.Header.Set(stocktrimtest.HeaderAuthID, srv.AuthID())
			req.Header.Set(stocktrimtest.HeaderSignature, srv.Signature())
			resp, err := srv.Client().Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			assert.Equal(t, tt.want, resp.StatusCode)
			assert.Equal(t, tt.wantAllow, resp.Header.Get("Allow"))
			assert.Equal(t, "application/problem+json; charset=utf-8", resp.Header.Get("Content-Type"))
		})
	}
}

func TestAuth(t *testing.T) {
	srv := stocktrimtest.NewServer(stocktrimtest.WithCredentials("my-id", "my-very-secret-signature"))
	defer srv.Close()
	assert.Equal(t, "my-id", srv.AuthID())
	assert.Equal(t, "my-very-secret-signature", srv.Signature())

	tests := []struct {
		name      string
		give      map[string]string
		want      int
		wantProbe bool
	}{
		{name: "both right", give: map[string]string{"api-auth-id": "my-id", "api-auth-signature": "my-very-secret-signature"}, want: 200},
		{name: "canonical names", give: map[string]string{"Api-Auth-Id": "my-id", "Api-Auth-Signature": "my-very-secret-signature"}, want: 200},
		{name: "none", give: map[string]string{}, want: 401},
		{name: "id only", give: map[string]string{"api-auth-id": "my-id"}, want: 401},
		{name: "signature only", give: map[string]string{"api-auth-signature": "my-very-secret-signature"}, want: 401},
		{name: "wrong signature", give: map[string]string{"api-auth-id": "my-id", "api-auth-signature": "my-very-secret-signaturX"}, want: 401},
		{name: "wrong id", give: map[string]string{"api-auth-id": "my-idx", "api-auth-signature": "my-very-secret-signature"}, want: 401},
		{name: "defaults", give: map[string]string{"api-auth-id": stocktrimtest.DefaultAuthID, "api-auth-signature": stocktrimtest.DefaultSignature}, want: 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequestWithContext(t.Context(), "GET", srv.URL+"/api/Products", nil)
			require.NoError(t, err)
			for k, v := range tt.give {
				req.Header.Set(k, v)
			}
			resp, err := srv.Client().Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			assert.Equal(t, tt.want, resp.StatusCode, "got %d; want %d", resp.StatusCode, tt.want)
			if tt.want != 401 {
				return
			}
			assert.Equal(t, "application/problem+json; charset=utf-8", resp.Header.Get("Content-Type"))
			p := decodeJSON[stocktrimtest.ProblemDetails](t, string(body))
			assert.Equal(t, 401, p.Status)
			assert.Equal(t, "Unauthorized", p.Title)
			assert.NotContains(t, string(body), "my-very-secret-signature")
		})
	}
}

func TestWithCredentialsEmptyKeepsDefaults(t *testing.T) {
	srv := stocktrimtest.NewServer(stocktrimtest.WithCredentials("", ""), nil)
	defer srv.Close()
	assert.Equal(t, stocktrimtest.DefaultAuthID, srv.AuthID())
	assert.Equal(t, stocktrimtest.DefaultSignature, srv.Signature())
}

func TestSeedOptions(t *testing.T) {
	srv := stocktrimtest.NewServer(
		stocktrimtest.WithProducts(stocktrimtest.Product{ProductID: "A"}, stocktrimtest.Product{ID: 10, ProductID: "B"}, stocktrimtest.Product{ProductID: "A", Name: "again"}),
		stocktrimtest.WithCustomers(),
		stocktrimtest.WithSuppliers(stocktrimtest.Supplier{SupplierCode: "S"}),
	)
	defer srv.Close()
	got := srv.Products()
	require.Len(t, got, 2)
	assert.Equal(t, stocktrimtest.Product{ID: 1, ProductID: "A", Name: "again"}, got[0])
	assert.Equal(t, 10, got[1].ID)
	assert.Empty(t, srv.Customers())
	assert.Equal(t, []stocktrimtest.Supplier{{ID: 1, SupplierCode: "S"}}, srv.Suppliers())

	_, _, body := call(t, srv, "POST", "/api/Products", `{"productId":"C"}`, false)
	assert.Equal(t, 11, decodeJSON[stocktrimtest.Product](t, body).ID)
	status, _, body := call(t, srv, "GET", "/api/Customers", "", false)
	assert.Equal(t, 200, status)
	assert.JSONEq(t, `[]`, body)
}

func TestStoreCopies(t *testing.T) {
	srv := stocktrimtest.NewServer()
	defer srv.Close()
	ps := srv.Products()
	*ps[0].StockOnHand = -1
	ps[0].Name = "changed"
	assert.Equal(t, 120.0, *srv.Products()[0].StockOnHand)
	assert.Equal(t, "Small widget", srv.Products()[0].Name)

	seed := stocktrimtest.SeedProducts()
	*seed[0].StockOnHand = -1
	assert.Equal(t, 120.0, *stocktrimtest.SeedProducts()[0].StockOnHand)
}

func TestRecordsRequests(t *testing.T) {
	srv := stocktrimtest.NewServer()
	defer srv.Close()
	call(t, srv, "GET", "/api/Products?code=WIDGET-001&pageNo=1", "", false)
	call(t, srv, "POST", "/api/Products", `{"productId":"X"}`, true)

	got := srv.Requests()
	require.Len(t, got, 2)
	assert.Equal(t, "GET", got[0].Method)
	assert.Equal(t, "/api/Products", got[0].Path)
	assert.Equal(t, "WIDGET-001", got[0].Query.Get("code"))
	assert.Equal(t, "1", got[0].Query.Get("pageNo"))
	assert.Equal(t, srv.Signature(), got[0].Header.Get(stocktrimtest.HeaderSignature))
	assert.Nil(t, got[0].Body)

	assert.Equal(t, "POST", got[1].Method)
	assert.Equal(t, `{"productId":"X"}`, string(got[1].Body))
	assert.Empty(t, got[1].Header.Get(stocktrimtest.HeaderAuthID), "recorded as received, without credentials")
	assert.NotNil(t, got[1].Query)

	// The copy is the caller's own.
	got[1].Body[0] = 'x'
	got[1].Header.Set("X-Changed", "1")
	again := srv.Requests()
	assert.Equal(t, `{"productId":"X"}`, string(again[1].Body))
	assert.Empty(t, again[1].Header.Get("X-Changed"))

	srv.ResetRequests()
	assert.Empty(t, srv.Requests())
}

func TestBodyTooLarge(t *testing.T) {
	srv := stocktrimtest.NewServer()
	defer srv.Close()
	big := `{"productId":"` + strings.Repeat("x", 2<<20) + `"}`
	status, ct, _ := call(t, srv, "POST", "/api/Products", big, false)
	assert.Equal(t, 413, status)
	assert.Equal(t, "application/problem+json; charset=utf-8", ct)
	assert.Len(t, srv.Products(), 3)
	got := srv.Requests()
	require.Len(t, got, 1)
	assert.Len(t, got[0].Body, 1<<20, "the recorded body is bounded")
}

func TestConcurrentUse(t *testing.T) {
	srv := stocktrimtest.NewServer()
	defer srv.Close()
	const workers, each = 8, 10
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				code := string(rune('a'+w)) + string(rune('a'+i))
				srv.Inject(stocktrimtest.Fault{Method: "GET", Path: "/none", Status: 500})
				body := bytes.NewBufferString(`{"productId":"` + code + `"}`)
				req, err := http.NewRequest("POST", srv.URL+"/api/Products", body)
				if !assert.NoError(t, err) {
					return
				}
				req.Header.Set(stocktrimtest.HeaderAuthID, srv.AuthID())
				req.Header.Set(stocktrimtest.HeaderSignature, srv.Signature())
				resp, err := srv.Client().Do(req)
				if !assert.NoError(t, err) {
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				assert.Equal(t, 201, resp.StatusCode)
				_ = srv.Products()
				_ = srv.Requests()
				_ = srv.PendingFaults()
			}
		})
	}
	wg.Wait()
	assert.Len(t, srv.Products(), 3+workers*each)
	assert.Len(t, srv.Requests(), workers*each)
	assert.Equal(t, workers*each, srv.PendingFaults())
}

// TestMalformedJSONRejected: a body that is not exactly one JSON value
// the endpoint takes is a 400 with a ProblemDetails body, as the real API
// answers, and stores nothing.
func TestMalformedJSONRejected(t *testing.T) {
	tests := []struct {
		method, path, give string
	}{
		{method: "POST", path: "/api/Products", give: `{"productId":"NEW-1"} garbage`},
		{method: "POST", path: "/api/Products", give: `{"productId":"NEW-1"}{"productId":"NEW-2"}`},
		{method: "POST", path: "/api/Products", give: `{"productId":"NEW-1"}]`},
		{method: "POST", path: "/api/Products", give: `null`},
		{method: "POST", path: "/api/Suppliers", give: `null`},
		{method: "POST", path: "/api/Suppliers", give: " null \n"},
		{method: "POST", path: "/api/Suppliers", give: `[{"supplierCode":"NEW"}] x`},
		{method: "PUT", path: "/api/Customers", give: `{"code":"NEW"} 1`},
		{method: "PUT", path: "/api/Customers", give: `null`},
	}
	for _, tt := range tests {
		t.Run(tt.path+" "+tt.give, func(t *testing.T) {
			srv := stocktrimtest.NewServer()
			defer srv.Close()
			status, ct, body := call(t, srv, tt.method, tt.path, tt.give, false)
			assert.Equal(t, 400, status)
			assert.Equal(t, "application/problem+json; charset=utf-8", ct)
			p := decodeJSON[stocktrimtest.ProblemDetails](t, body)
			assert.Equal(t, 400, p.Status)
			assert.NotEmpty(t, p.Detail)
			assert.Len(t, srv.Products(), 3)
			assert.Len(t, srv.Suppliers(), 2)
			assert.Len(t, srv.Customers(), len(stocktrimtest.SeedCustomers()))
		})
	}
}
