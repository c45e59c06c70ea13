package owned_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roundtrip-go/roundtrip"
	"github.com/roundtrip-go/roundtrip/auth"
	"github.com/roundtrip-go/roundtrip/logging"
	"github.com/roundtrip-go/roundtrip/middleware"
	"github.com/roundtrip-go/roundtrip/middleware/middlewaretest"
	"github.com/roundtrip-go/roundtrip/retry"
	"github.com/roundtrip-go/roundtrip/timeout"

	"github.com/rs/zerolog"
)

var fast = []retry.Option{retry.WithBackoff(time.Millisecond, 2*time.Millisecond), retry.WithMaxRetries(2)}

// passThrough is a middleware from outside the module: it knows nothing of
// owned requests, and checks that the request it passed on is unchanged
// when the call returns.
func passThrough(t *testing.T) middleware.Middleware {
	return func(next http.RoundTripper) http.RoundTripper {
		return middleware.Func(func(req *http.Request) (*http.Response, error) {
			before := req.Header.Clone()
			ctx := req.Context()
			resp, err := next.RoundTrip(req)
			assert.Equal(t, before, req.Header, "a layer below changed the request a plain RoundTrip passed it")
			assert.Equal(t, ctx, req.Context(), "a layer below changed the context of the request it was passed")
			return resp, err
		})
	}
}

// TestChainsKeepContract runs the RoundTripper contract check over chains
// in which the module's layers hand each other owned requests, with and
// without a foreign layer between them.
func TestChainsKeepContract(t *testing.T) {
	bearer := auth.Bearer("tok")
	chains := map[string][]middleware.Middleware{
		"retry timeout auth logging": {retry.New(fast...), timeout.New(time.Minute), bearer, logging.New(zerolog.Nop())},
		"timeout auth":               {timeout.New(time.Minute), bearer},
		"auth timeout":               {bearer, timeout.New(time.Minute)},
		"retry auth":                 {retry.New(fast...), bearer},
		"failsafe timeout auth":      {retry.Failsafe(retry.NewPolicy(fast...)), timeout.New(time.Minute), bearer},
		"retry foreign timeout":      {retry.New(fast...), passThrough(t), timeout.New(time.Minute), bearer},
		"auth out of scope timeout":  {auth.Bearer("tok", auth.OnlyHosts("elsewhere.test")), timeout.New(time.Minute)},
	}
	for name, mws := range chains {
		t.Run(name, func(t *testing.T) {
			middlewaretest.CheckContract(t, roundtrip.Chain(mws...).Then)
		})
	}
}

// TestOneRequestPerAttempt checks what the base receives through retry,
// timeout and auth: one request with the attempt number, the deadline and
// the header, which is also the response's Request; and that the caller's
// request is left as it was.
func TestOneRequestPerAttempt(t *testing.T) {
	var got *http.Request
	base := middleware.Func(func(req *http.Request) (*http.Response, error) {
		got = req
		return middlewaretest.Static{Body: "ok"}.RoundTrip(req)
	})
	rt := roundtrip.Chain(retry.New(fast...), timeout.New(time.Minute), auth.Bearer("tok")).Then(base)
	ctx := context.WithValue(context.Background(), struct{}{}, "v")
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://example.test/", nil)
	require.NoError(t, err)
	req.Header.Set("Accept", "application/json")

	resp, err := rt.RoundTrip(req)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())

	require.NotNil(t, got)
	assert.Same(t, got, resp.Request)
	assert.Equal(t, 1, retry.Attempt(got.Context()))
	_, hasDeadline := got.Context().Deadline()
	assert.True(t, hasDeadline, "the base's request has no deadline")
	assert.Equal(t, "Bearer tok", got.Header.Get("Authorization"))
	assert.Equal(t, "application/json", got.Header.Get("Accept"))

	assert.Same(t, ctx, req.Context(), "the caller's context was replaced")
	assert.Equal(t, http.Header{"Accept": {"application/json"}}, req.Header, "the caller's header was changed")
}

// TestNotReachableFromOutside checks that code outside the module cannot
// hand a layer a request as owned: an interface it can declare does not
// match the layers' method.
func TestNotReachableFromOutside(t *testing.T) {
	type outside interface {
		RoundTripOwned(*http.Request) (*http.Response, error)
	}
	for name, rt := range map[string]http.RoundTripper{
		"timeout": timeout.New(time.Minute)(middlewaretest.Static{}),
		"auth":    auth.Bearer("tok")(middlewaretest.Static{}),
	} {
		_, ok := rt.(outside)
		assert.False(t, ok, "%s: a method outside code can call", name)
	}
}
