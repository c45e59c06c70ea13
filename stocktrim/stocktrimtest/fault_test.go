package stocktrimtest_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roundtrip-go/roundtrip/stocktrim/stocktrimtest"
)

// get sends an authorised GET with the given client and returns the
// response with its body read, or the error.
func get(ctx context.Context, client *http.Client, srv *stocktrimtest.Server, path string) (*http.Response, string, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", srv.URL+path, nil)
	if err != nil {
		return nil, "", err
	}
	req.Header.Set(stocktrimtest.HeaderAuthID, srv.AuthID())
	req.Header.Set(stocktrimtest.HeaderSignature, srv.Signature())
	resp, err := client.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, string(b), err
}

func TestFaultStatusSequence(t *testing.T) {
	srv := stocktrimtest.NewServer()
	defer srv.Close()
	srv.Inject(
		stocktrimtest.Fault{Path: "/api/Products", Status: 503, Times: 2},
		stocktrimtest.Fault{Path: "/api/Products", Status: 429, RetryAfter: "1"},
		stocktrimtest.Fault{Path: "/api/Customers", Status: 500},
	)
	assert.Equal(t, 4, srv.PendingFaults())

	tests := []struct {
		give           string
		wantStatus     int
		wantRetryAfter string
	}{
		{give: "/api/Products", wantStatus: 503},
		{give: "/api/Suppliers", wantStatus: 200},
		{give: "/api/Products", wantStatus: 503},
		{give: "/api/Products", wantStatus: 429, wantRetryAfter: "1"},
		{give: "/api/Products", wantStatus: 200},
		{give: "/api/Customers", wantStatus: 500},
		{give: "/api/Customers", wantStatus: 200},
	}
	for i, tt := range tests {
		resp, body, err := get(t.Context(), srv.Client(), srv, tt.give)
		require.NoError(t, err)
		assert.Equal(t, tt.wantStatus, resp.StatusCode, "request %d to %s: got %d; want %d", i, tt.give, resp.StatusCode, tt.wantStatus)
		assert.Equal(t, tt.wantRetryAfter, resp.Header.Get("Retry-After"), "request %d", i)
		if tt.wantStatus != 200 {
			assert.Equal(t, "application/problem+json; charset=utf-8", resp.Header.Get("Content-Type"))
			assert.Equal(t, tt.wantStatus, decodeJSON[stocktrimtest.ProblemDetails](t, body).Status)
		}
	}
	assert.Zero(t, srv.PendingFaults())
	assert.Len(t, srv.Requests(), len(tests))
}

func TestFaultMatching(t *testing.T) {
	tests := []struct {
		name string
		give stocktrimtest.Fault
		want []int // statuses of GET /api/Products, POST /api/Products, GET /api/Suppliers
	}{
		{name: "any", give: stocktrimtest.Fault{Status: 502, Times: 3}, want: []int{502, 502, 502}},
		{name: "method", give: stocktrimtest.Fault{Method: "POST", Status: 502}, want: []int{200, 502, 200}},
		{name: "path", give: stocktrimtest.Fault{Path: "/api/Suppliers", Status: 502}, want: []int{200, 201, 502}},
		{name: "both", give: stocktrimtest.Fault{Method: "GET", Path: "/api/Products", Status: 502, Times: -1}, want: []int{502, 201, 200}},
		{name: "lower-case method", give: stocktrimtest.Fault{Method: "get", Status: 502}, want: []int{200, 201, 200}},
		{name: "nothing to do", give: stocktrimtest.Fault{}, want: []int{200, 201, 200}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := stocktrimtest.NewServer()
			defer srv.Close()
			srv.Inject(tt.give)
			s1, _, _ := call(t, srv, "GET", "/api/Products", "", false)
			s2, _, _ := call(t, srv, "POST", "/api/Products", `{"productId":"N"}`, false)
			s3, _, _ := call(t, srv, "GET", "/api/Suppliers", "", false)
			assert.Equal(t, tt.want, []int{s1, s2, s3})
		})
	}
}

func TestFaultBeforeAuth(t *testing.T) {
	srv := stocktrimtest.NewServer()
	defer srv.Close()
	srv.Inject(stocktrimtest.Fault{Status: 503})
	status, _, _ := call(t, srv, "GET", "/api/Products", "", true)
	assert.Equal(t, 503, status)
	status, _, _ = call(t, srv, "GET", "/api/Products", "", true)
	assert.Equal(t, 401, status)
}

func TestFaultHeaderAndBody(t *testing.T) {
	srv := stocktrimtest.NewServer()
	defer srv.Close()
	h := http.Header{"Location": {"/api/Suppliers"}}
	srv.Inject(
		stocktrimtest.Fault{Path: "/api/Products", Status: 307, Header: h},
		stocktrimtest.Fault{Path: "/api/Customers", Status: 500, Body: `{"oops":true}`},
		stocktrimtest.Fault{Path: "/api/Customers", Status: 500, Body: "plain"},
		stocktrimtest.Fault{Path: "/api/Customers", Status: 500, Body: "<x/>", Header: http.Header{"Content-Type": {"application/xml"}}},
	)
	h.Set("Location", "/changed") // Inject keeps its own copy

	// The client follows the redirect to the suppliers.
	resp, body, err := get(t.Context(), srv.Client(), srv, "/api/Products")
	require.NoError(t, err)
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "/api/Suppliers", resp.Request.URL.Path)
	assert.Len(t, decodeJSON[[]stocktrimtest.Supplier](t, body), 2)

	tests := []struct{ wantBody, wantType string }{
		{wantBody: `{"oops":true}`, wantType: "application/json; charset=utf-8"},
		{wantBody: "plain", wantType: "text/plain; charset=utf-8"},
		{wantBody: "<x/>", wantType: "application/xml"},
	}
	for _, tt := range tests {
		resp, body, err := get(t.Context(), srv.Client(), srv, "/api/Customers")
		require.NoError(t, err)
		assert.Equal(t, 500, resp.StatusCode)
		assert.Equal(t, tt.wantBody, body)
		assert.Equal(t, tt.wantType, resp.Header.Get("Content-Type"))
	}
}

func TestFaultDrop(t *testing.T) {
	srv := stocktrimtest.NewServer()
	defer srv.Close()
	srv.Inject(stocktrimtest.Fault{Path: "/api/Products", Drop: true})

	// A new connection: net/http cannot replay, so the caller sees the drop.
	tr := &http.Transport{DisableKeepAlives: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	_, _, err := get(t.Context(), client, srv, "/api/Products")
	require.Error(t, err)
	assert.ErrorIs(t, err, syscall.ECONNRESET, "got %v; want a connection reset", err)

	resp, _, err := get(t.Context(), client, srv, "/api/Products")
	require.NoError(t, err)
	assert.Equal(t, 200, resp.StatusCode)
	assert.Len(t, srv.Requests(), 2)
}

func TestFaultDelay(t *testing.T) {
	srv := stocktrimtest.NewServer()
	defer srv.Close()
	srv.Inject(
		stocktrimtest.Fault{Path: "/api/Products", Delay: 20 * time.Millisecond},
		stocktrimtest.Fault{Path: "/api/Products", Delay: 20 * time.Millisecond, Status: 504},
	)
	start := time.Now()
	resp, body, err := get(t.Context(), srv.Client(), srv, "/api/Products")
	require.NoError(t, err)
	assert.Equal(t, 200, resp.StatusCode, "a delay alone is a slow answer")
	assert.Len(t, decodeJSON[[]stocktrimtest.Product](t, body), 3)
	assert.GreaterOrEqual(t, time.Since(start), 20*time.Millisecond)

	resp, _, err = get(t.Context(), srv.Client(), srv, "/api/Products")
	require.NoError(t, err)
	assert.Equal(t, 504, resp.StatusCode)
}

func TestFaultDelayEndsWithClientCancel(t *testing.T) {
	srv := stocktrimtest.NewServer()
	defer closeWithin(t, srv)
	srv.Inject(stocktrimtest.Fault{Delay: time.Hour})
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, _, err := get(ctx, srv.Client(), srv, "/api/Products")
	require.ErrorIs(t, err, context.DeadlineExceeded)
}

// closeWithin closes srv and fails t, instead of hanging until the test
// binary's own timeout, when Close takes longer than 10 seconds.
func closeWithin(t *testing.T, srv *stocktrimtest.Server) {
	t.Helper()
	closed := make(chan struct{})
	go func() {
		srv.Close()
		srv.Close() // twice is fine
		close(closed)
	}()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("Close still waits after 10s")
	}
}

// within returns what c delivers, or fails t after 10 seconds.
func within[T any](t *testing.T, c <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-c:
		return v
	case <-time.After(10 * time.Second):
		t.Fatalf("no %s after 10s", what)
		panic("unreachable")
	}
}

// TestCloseEndsDelays: Close during a Delay fault returns at once and
// aborts the request: the client sees an error, never a 200 with an
// empty body.
func TestCloseEndsDelays(t *testing.T) {
	srv := stocktrimtest.NewServer()
	srv.Inject(stocktrimtest.Fault{Delay: time.Hour})
	type result struct {
		resp *http.Response
		body string
		err  error
	}
	done := make(chan result, 1)
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	go func() {
		resp, body, err := get(t.Context(), &http.Client{Transport: tr}, srv, "/api/Products")
		done <- result{resp, body, err}
	}()
	waitRecorded(t, srv) // the handler is running: the delay is next
	closeWithin(t, srv)
	got := within(t, done, "answer")
	if got.err == nil {
		t.Errorf("got %d %q after Close during a delay; want a broken connection", got.resp.StatusCode, got.body)
	}
}

// TestCloseWithStalledUpload: Close returns while a client stalls its
// request body, and the request shows in Requests all the same.
func TestCloseWithStalledUpload(t *testing.T) {
	srv := stocktrimtest.NewServer()
	pr, pw := io.Pipe()
	defer pw.Close()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+"/api/Products", pr)
	require.NoError(t, err)
	req.Header.Set(stocktrimtest.HeaderAuthID, srv.AuthID())
	req.Header.Set(stocktrimtest.HeaderSignature, srv.Signature())
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	errc := make(chan error, 1)
	go func() {
		resp, err := tr.RoundTrip(req)
		if err == nil {
			resp.Body.Close()
			err = errors.New("got a response")
		}
		errc <- err
	}()
	_, err = pw.Write([]byte(`{"productId":`)) // then nothing more
	require.NoError(t, err)

	waitRecorded(t, srv) // recorded before the body is read
	closeWithin(t, srv)
	got := srv.Requests()
	require.Len(t, got, 1)
	assert.Equal(t, "/api/Products", got[0].Path)
	assert.Equal(t, http.MethodPost, got[0].Method)
	pw.CloseWithError(errors.New("test over"))
	assert.Error(t, within(t, errc, "client error"))
}

// waitRecorded waits, at most 10 seconds, until srv has recorded a
// request, which it does as soon as its handler starts.
func waitRecorded(t *testing.T, srv *stocktrimtest.Server) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(srv.Requests()) == 0 {
		require.True(t, time.Now().Before(deadline), "no request recorded after 10s")
		time.Sleep(time.Millisecond) // poll: the server offers no hook
	}
}
