package stocktrim_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roundtrip-go/roundtrip"
	"github.com/roundtrip-go/roundtrip/internal/testutil"
	"github.com/roundtrip-go/roundtrip/middleware"
	"github.com/roundtrip-go/roundtrip/middleware/middlewaretest"
	"github.com/roundtrip-go/roundtrip/retry"
	"github.com/roundtrip-go/roundtrip/stocktrim"
	"github.com/roundtrip-go/roundtrip/stocktrim/stocktrimtest"
)

// Credentials unlikely to appear anywhere by chance.
const (
	testID  = "id-7Qm2xZ"
	testSig = "sig-Vb91LkP0w"
)

// events returns the events logged to logs with the given message.
func events(t *testing.T, logs *testutil.SyncBuffer, msg string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, e := range logs.Events(t) {
		if e["message"] == msg {
			out = append(out, e)
		}
	}
	return out
}

// setup clears the environment, starts a fake API with the test
// credentials and returns it with the options for a stack against it:
// millisecond backoffs, logging at lvl into the returned buffer.
func setup(t *testing.T, lvl zerolog.Level) (*stocktrimtest.Server, *testutil.SyncBuffer, []stocktrim.Option) {
	t.Helper()
	testutil.ClearEnv(t, testutil.StocktrimEnvPrefix)
	srv := stocktrimtest.NewServer(stocktrimtest.WithCredentials(testID, testSig))
	t.Cleanup(srv.Close)
	logs := &testutil.SyncBuffer{}
	return srv, logs, []stocktrim.Option{
		stocktrim.WithBaseURL(srv.URL),
		stocktrim.WithCredentials(testID, testSig),
		stocktrim.WithLogger(zerolog.New(logs).Level(lvl)),
		stocktrim.WithRetryOptions(retry.WithBackoff(time.Millisecond, 4*time.Millisecond)),
	}
}

func newClient(t *testing.T, opts ...stocktrim.Option) *http.Client {
	t.Helper()
	client, err := stocktrim.NewClient(opts...)
	require.NoError(t, err)
	t.Cleanup(client.CloseIdleConnections)
	return client
}

// getProducts GETs the products and returns the status and the products.
func getProducts(t *testing.T, client *http.Client, url string) (int, []stocktrimtest.Product) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), "GET", url, nil)
	require.NoError(t, err)
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var ps []stocktrimtest.Product
	if resp.StatusCode == http.StatusOK {
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&ps))
	}
	return resp.StatusCode, ps
}

func assertCredentials(t *testing.T, reqs []stocktrimtest.Request) {
	t.Helper()
	for i, r := range reqs {
		assert.Equal(t, testID, r.Header.Get("api-auth-id"), "request %d", i)
		assert.Equal(t, testSig, r.Header.Get("api-auth-signature"), "request %d", i)
	}
}

func TestStackRecoversFromFaults(t *testing.T) {
	srv, logs, opts := setup(t, zerolog.InfoLevel)
	client := newClient(t, opts...)
	srv.Inject(
		// The first request of a new transport opens a new connection, so
		// the drop reaches the stack (see stocktrimtest.Fault.Drop).
		stocktrimtest.Fault{Path: "/api/Products", Drop: true},
		stocktrimtest.Fault{Path: "/api/Products", Status: 503, Times: 2},
		stocktrimtest.Fault{Path: "/api/Products", Status: 429, RetryAfter: "1"},
	)
	start := time.Now()
	status, ps := getProducts(t, client, srv.URL+"/api/Products")
	elapsed := time.Since(start)
	assert.Equal(t, 200, status)
	assert.Len(t, ps, 3)
	assert.Zero(t, srv.PendingFaults())
	reqs := srv.Requests()
	assert.Len(t, reqs, 5)
	assertCredentials(t, reqs)
	assert.GreaterOrEqual(t, elapsed, time.Second, "got %v; want the 429's Retry-After of 1 s waited", elapsed)

	warns := events(t, logs, "retrying request")
	require.Len(t, warns, 4)
	for i, w := range warns {
		assert.Equal(t, "warn", w["level"])
		assert.Equal(t, "GET", w["method"])
		assert.Equal(t, srv.URL+"/api/Products", w["url"])
		assert.Equal(t, float64(i+1), w["attempt"])
		assert.Contains(t, w, "delay_ms")
	}
	assert.Contains(t, warns[0], "error")
	assert.NotContains(t, warns[0], "status")
	assert.Equal(t, []any{503.0, 503.0, 429.0}, []any{warns[1]["status"], warns[2]["status"], warns[3]["status"]})
	assert.Equal(t, 1000.0, warns[3]["delay_ms"], "Retry-After replaces the backoff")

	attempts := events(t, logs, "http request")
	assert.Len(t, attempts, 5, "one access event per attempt")
}

func TestStackGivesUpAfterMaxRetries(t *testing.T) {
	srv, _, opts := setup(t, zerolog.Disabled)
	client := newClient(t, append(opts, stocktrim.WithMaxRetries(2))...)
	srv.Inject(stocktrimtest.Fault{Status: 502, Times: 10})
	status, _ := getProducts(t, client, srv.URL+"/api/Products")
	assert.Equal(t, 502, status, "the last response, as it is")
	assert.Len(t, srv.Requests(), 3)
}

func TestStackMaxRetriesFromEnv(t *testing.T) {
	srv, _, opts := setup(t, zerolog.Disabled)
	t.Setenv(stocktrim.EnvMaxRetries, "1")
	client := newClient(t, opts...)
	srv.Inject(stocktrimtest.Fault{Status: 503, Times: 10})
	status, _ := getProducts(t, client, srv.URL+"/api/Products")
	assert.Equal(t, 503, status)
	assert.Len(t, srv.Requests(), 2)
}

func TestStackRetriesAttemptTimeout(t *testing.T) {
	srv, logs, opts := setup(t, zerolog.InfoLevel)
	t.Setenv(stocktrim.EnvTimeout, "1")
	client := newClient(t, opts...)
	// Far slower than the attempt timeout: the delay ends when the client
	// gives up on the attempt.
	srv.Inject(stocktrimtest.Fault{Path: "/api/Products", Delay: time.Hour})
	status, ps := getProducts(t, client, srv.URL+"/api/Products")
	assert.Equal(t, 200, status)
	assert.Len(t, ps, 3)
	assert.Len(t, srv.Requests(), 2)
	warns := events(t, logs, "retrying request")
	require.Len(t, warns, 1)
	assert.Contains(t, warns[0]["error"], "timeout")
}

func TestStackCredentialsNotSentElsewhereAfterRedirect(t *testing.T) {
	srv, _, opts := setup(t, zerolog.Disabled)
	require.True(t, strings.HasPrefix(srv.URL, "http://127.0.0.1:"), "got %s; want a 127.0.0.1 server", srv.URL)
	// The same server under another host name.
	elsewhere := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
	srv.Inject(stocktrimtest.Fault{
		Path: "/api/Products", Status: http.StatusTemporaryRedirect,
		Header: http.Header{"Location": {elsewhere + "/api/Suppliers"}},
	})
	client := newClient(t, opts...)
	status, _ := getProducts(t, client, srv.URL+"/api/Products")
	assert.Equal(t, 401, status, "the server refuses the redirected request: it came without credentials")

	reqs := srv.Requests()
	require.Len(t, reqs, 2)
	assertCredentials(t, reqs[:1])
	assert.Equal(t, "/api/Suppliers", reqs[1].Path)
	for name := range reqs[1].Header {
		assert.False(t, strings.HasPrefix(strings.ToLower(name), "api-auth"), "got header %s on the redirect to localhost; want none", name)
	}
}

func TestStackNoCredentialInDebugLogs(t *testing.T) {
	srv, logs, opts := setup(t, zerolog.DebugLevel)
	client := newClient(t, opts...)
	srv.Inject(
		stocktrimtest.Fault{Path: "/api/Products", Drop: true},
		stocktrimtest.Fault{Path: "/api/Products", Status: 500},
	)
	status, _ := getProducts(t, client, srv.URL+"/api/Products")
	assert.Equal(t, 200, status)

	req, err := http.NewRequestWithContext(t.Context(), "POST", srv.URL+"/api/Products", strings.NewReader(`{"productId":"NEW"}`))
	require.NoError(t, err)
	resp, err := client.Do(req)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	assert.Equal(t, 201, resp.StatusCode)

	out := logs.String()
	assert.NotContains(t, out, testSig)
	assert.NotContains(t, out, testID)
	// Debug logs the request headers: the credentials are there, redacted,
	// which shows that logging runs inside auth.
	attempts := events(t, logs, "http request")
	require.Len(t, attempts, 4)
	for _, e := range attempts {
		h, ok := e["request_headers"].(map[string]any)
		require.True(t, ok, "got %v; want request_headers at debug", e["request_headers"])
		assert.Equal(t, "REDACTED", h["Api-Auth-Signature"])
		assert.Equal(t, "REDACTED", h["Api-Auth-Id"])
	}
	assert.Len(t, events(t, logs, "retrying request"), 2)
}

func TestMiddlewaresInCustomChain(t *testing.T) {
	srv, logs, opts := setup(t, zerolog.InfoLevel)
	mws, err := stocktrim.Middlewares(opts...)
	require.NoError(t, err)
	require.Len(t, mws, 4, "retry, timeout, auth, logging")

	tag := func(next http.RoundTripper) http.RoundTripper {
		return middleware.Func(func(req *http.Request) (*http.Response, error) {
			req = req.Clone(req.Context())
			req.Header.Set("X-Tag", "custom")
			return next.RoundTrip(req)
		})
	}
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	// The same middlewares in two chains, used at once.
	clients := []*http.Client{
		{Transport: roundtrip.Chain(tag).Append(mws...).Then(tr)},
		{Transport: roundtrip.Chain(mws...).Then(tr)},
	}
	srv.Inject(stocktrimtest.Fault{Path: "/api/Products", Status: 503, Times: 2})
	var wg sync.WaitGroup
	for _, c := range clients {
		wg.Go(func() {
			status, ps := getProducts(t, c, srv.URL+"/api/Products")
			assert.Equal(t, 200, status)
			assert.Len(t, ps, 3)
		})
	}
	wg.Wait()
	reqs := srv.Requests()
	assert.Len(t, reqs, 4)
	assertCredentials(t, reqs)
	tagged := 0
	for _, r := range reqs {
		if r.Header.Get("X-Tag") == "custom" {
			tagged++
		}
	}
	assert.GreaterOrEqual(t, tagged, 1)
	assert.Len(t, events(t, logs, "retrying request"), 2)

	without, err := stocktrim.Middlewares(stocktrim.WithCredentials(testID, testSig))
	require.NoError(t, err)
	assert.Len(t, without, 3, "no logging layer without a logger")
}

func TestStackKeepsContract(t *testing.T) {
	_, _, opts := setup(t, zerolog.DebugLevel)
	mws, err := stocktrim.Middlewares(opts...)
	require.NoError(t, err)
	middlewaretest.CheckContract(t, func(next http.RoundTripper) http.RoundTripper {
		return roundtrip.Chain(mws...).Then(next)
	})
}

func TestWithTransport(t *testing.T) {
	_, _, opts := setup(t, zerolog.Disabled)
	base := middlewaretest.NewTransport(middlewaretest.Reply{Status: 503}, middlewaretest.Reply{Body: "[]"})
	rt, err := stocktrim.NewTransport(append(opts, stocktrim.WithBaseURL("https://api.example.com"), stocktrim.WithTransport(base))...)
	require.NoError(t, err)
	req, err := http.NewRequestWithContext(t.Context(), "GET", "https://api.example.com/api/Products", nil)
	require.NoError(t, err)
	resp, err := rt.RoundTrip(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode)
	got := base.Received()
	require.Len(t, got, 2)
	assert.Equal(t, testSig, got[1].Request.Header.Get("api-auth-signature"))
	assert.Zero(t, base.Unclosed(), "the retried 503 was closed")
	assert.Empty(t, req.Header, "the caller's request is unchanged")
}

func TestNewClientFromEnvironment(t *testing.T) {
	testutil.ClearEnv(t, testutil.StocktrimEnvPrefix)
	srv := stocktrimtest.NewServer()
	defer srv.Close()
	t.Setenv(stocktrim.EnvAuthID, srv.AuthID())
	t.Setenv(stocktrim.EnvSignature, srv.Signature())
	t.Setenv(stocktrim.EnvBaseURL, srv.URL)
	t.Setenv(stocktrim.EnvTimeout, "5s")

	dt := http.DefaultTransport
	before := dt.(*http.Transport).MaxIdleConnsPerHost
	client := newClient(t)
	assert.Zero(t, client.Timeout, "no overall timeout: the context bounds a call")
	assert.NotSame(t, dt, client.Transport)
	status, ps := getProducts(t, client, srv.URL+"/api/Products")
	assert.Equal(t, 200, status)
	assert.Len(t, ps, 3)
	assert.Same(t, dt, http.DefaultTransport, "the global is not replaced")
	assert.Equal(t, before, dt.(*http.Transport).MaxIdleConnsPerHost, "nor changed")
}

func TestNewClientWithoutCredentials(t *testing.T) {
	testutil.ClearEnv(t, testutil.StocktrimEnvPrefix)
	client, err := stocktrim.NewClient()
	assert.Nil(t, client)
	require.ErrorIs(t, err, stocktrim.ErrMissingCredentials)
	assert.Contains(t, err.Error(), stocktrim.EnvAuthID)
	assert.Contains(t, err.Error(), stocktrim.EnvSignature)
}
