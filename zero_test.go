package roundtrip_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/failsafe-go/failsafe-go"
	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roundtrip-go/roundtrip"
	"github.com/roundtrip-go/roundtrip/auth"
	"github.com/roundtrip-go/roundtrip/internal/testutil"
	"github.com/roundtrip-go/roundtrip/logging"
	"github.com/roundtrip-go/roundtrip/middleware"
	"github.com/roundtrip-go/roundtrip/middleware/middlewaretest"
	"github.com/roundtrip-go/roundtrip/retry"
	"github.com/roundtrip-go/roundtrip/stocktrim"
	"github.com/roundtrip-go/roundtrip/timeout"
)

// TestZeroValuesAreDefaults builds every exported constructor with the zero
// and nil values its documentation names as defaults, and sends a request
// through each: none may panic, and each must deliver the base's response.
func TestZeroValuesAreDefaults(t *testing.T) {
	tests := []struct {
		give string
		mw   func() middleware.Middleware
	}{
		{"auth.Header empty value", func() middleware.Middleware { return auth.Header("X-Key", "") }},
		{"auth.Headers nil", func() middleware.Middleware { return auth.Headers(nil) }},
		{"auth.Bearer nil option", func() middleware.Middleware { return auth.Bearer("t", nil) }},
		{"auth.OnlyHosts none", func() middleware.Middleware { return auth.Bearer("t", auth.OnlyHosts()) }},
		{"timeout.New zero", func() middleware.Middleware { return timeout.New(0) }},
		{"retry.New no options", func() middleware.Middleware { return retry.New() }},
		{"retry.New zero options", func() middleware.Middleware {
			return retry.New(
				retry.WithMaxRetries(0),
				retry.WithBackoff(0, 0),
				retry.WithJitter(0),
				retry.WithMaxDuration(0),
				retry.WithStatusCodes(),
				retry.WithMaxRetryAfter(0),
				retry.WithBudget(nil),
				retry.OnRetry(nil),
				nil,
			)
		}},
		{"retry.Failsafe none", func() middleware.Middleware { return retry.Failsafe() }},
		{"retry.Failsafe nil policy", func() middleware.Middleware {
			return retry.Failsafe(nil, failsafe.Policy[*http.Response](retry.NewPolicy()))
		}},
		{"logging.New zero logger", func() middleware.Middleware { return logging.New(zerolog.Logger{}) }},
		{"stocktrim.Middlewares zero options", func() middleware.Middleware {
			mws, err := stocktrim.Middlewares(
				stocktrim.WithCredentials("id", "sig"),
				stocktrim.WithBaseURL(""),
				stocktrim.WithTransport(nil),
				stocktrim.WithRetryOptions(),
				stocktrim.WithLogger(zerolog.Logger{}),
				nil,
			)
			if err != nil {
				panic(err)
			}
			return roundtrip.Chain(mws...).Then
		}},
		{"logging.New nop, zero options", func() middleware.Middleware {
			return logging.New(zerolog.Nop(), logging.WithRedactedHeaders(), logging.WithRedactedQueryParams(), logging.WithBodyLimit(0), nil)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			base := middlewaretest.NewTransport(middlewaretest.Reply{Status: http.StatusOK, Body: "ok"})
			var rt http.RoundTripper
			require.NotPanics(t, func() { rt = roundtrip.Chain(tt.mw()).Then(base) })
			req, err := http.NewRequest(http.MethodGet, "http://example.test/", nil)
			require.NoError(t, err)
			var resp *http.Response
			require.NotPanics(t, func() { resp, err = rt.RoundTrip(req) })
			require.NoError(t, err)
			got, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			assert.Equal(t, "ok", string(got))
		})
	}
}

// TestStocktrimConfigErrors checks that a configuration the stocktrim
// documentation calls an error gives one, naming what to fix and never the
// signature, rather than a panic or a client.
func TestStocktrimConfigErrors(t *testing.T) {
	testutil.ClearEnv(t, testutil.StocktrimEnvPrefix)
	const secret = "very-secret-signature"
	tests := []struct {
		give []stocktrim.Option
		want error
	}{
		{give: nil, want: stocktrim.ErrMissingCredentials},
		{give: []stocktrim.Option{stocktrim.WithCredentials("", secret)}, want: stocktrim.ErrMissingCredentials},
		{give: []stocktrim.Option{stocktrim.WithCredentials("id", secret), stocktrim.WithBaseURL("ftp://x")}, want: stocktrim.ErrInvalidBaseURL},
		{give: []stocktrim.Option{stocktrim.WithCredentials("id", secret), stocktrim.WithMaxRetries(-1)}, want: stocktrim.ErrInvalidMaxRetries},
		{give: []stocktrim.Option{stocktrim.WithCredentials("id", secret), stocktrim.WithTimeout(-time.Second)}, want: stocktrim.ErrInvalidTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.want.Error(), func(t *testing.T) {
			var client *http.Client
			var err error
			require.NotPanics(t, func() { client, err = stocktrim.NewClient(tt.give...) })
			assert.Nil(t, client)
			require.ErrorIs(t, err, tt.want)
			assert.True(t, strings.HasPrefix(err.Error(), "stocktrim: "), "got %q; want the package prefix", err)
			assert.NotContains(t, err.Error(), secret)
		})
	}
}

// TestNilNextMeansDefaultTransport checks that every middleware given a
// nil next sends its requests through http.DefaultTransport, as
// documented: with the global swapped for a counting transport (set back
// after), a request through each reaches the counter, and the loopback
// server behind it.
func TestNilNextMeansDefaultTransport(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		io.WriteString(w, "ok")
	}))
	defer srv.Close()
	def := http.DefaultTransport
	t.Cleanup(func() { http.DefaultTransport = def })
	var reached atomic.Int32
	http.DefaultTransport = middleware.Func(func(req *http.Request) (*http.Response, error) {
		reached.Add(1)
		return def.RoundTrip(req)
	})
	defer def.(*http.Transport).CloseIdleConnections()

	tests := []struct {
		give string
		mw   middleware.Middleware
	}{
		{give: "auth", mw: auth.Bearer("t")},
		{give: "timeout", mw: timeout.New(time.Minute)},
		{give: "retry", mw: retry.New()},
		{give: "logging", mw: logging.New(zerolog.Nop())},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			reached.Store(0)
			var rt http.RoundTripper
			require.NotPanics(t, func() { rt = tt.mw(nil) })
			require.NotNil(t, rt)
			req, err := http.NewRequest(http.MethodGet, srv.URL, nil)
			require.NoError(t, err)
			resp, err := rt.RoundTrip(req)
			require.NoError(t, err)
			got, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			assert.Equal(t, "ok", string(got))
			assert.Equal(t, int32(1), reached.Load(), "requests through http.DefaultTransport")
		})
	}
}

// TestDocumentedErrorsAreErrors drives every documented error path and
// checks that it returns an error, with the package prefix, rather than
// panicking.
func TestDocumentedErrorsAreErrors(t *testing.T) {
	tests := []struct {
		give       string
		mw         middleware.Middleware
		base       middlewaretest.Reply
		wantPrefix string
	}{
		{give: "auth invalid value", mw: auth.Header("X-Key", "a\r\nb"), wantPrefix: "auth: "},
		{give: "auth invalid name", mw: auth.Header("bad name", "v"), wantPrefix: "auth: "},
		{
			give:       "retry gives up on a transport error",
			mw:         retry.New(retry.WithMaxRetries(1), retry.WithBackoff(time.Millisecond, time.Millisecond)),
			base:       middlewaretest.Reply{Err: io.ErrUnexpectedEOF},
			wantPrefix: "retry: ",
		},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			rt := tt.mw(middlewaretest.NewTransport(tt.base))
			req, err := http.NewRequest(http.MethodGet, "http://example.test/", nil)
			require.NoError(t, err)
			var resp *http.Response
			require.NotPanics(t, func() { resp, err = rt.RoundTrip(req) })
			assert.Nil(t, resp)
			require.Error(t, err)
			assert.True(t, strings.HasPrefix(err.Error(), tt.wantPrefix), "got %q; want prefix %q", err, tt.wantPrefix)
			if tt.base.Err != nil {
				assert.True(t, errors.Is(err, tt.base.Err), "got %v; want it to wrap %v", err, tt.base.Err)
			}
		})
	}
}
