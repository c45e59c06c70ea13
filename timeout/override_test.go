package timeout_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roundtrip-go/roundtrip/middleware"
	"github.com/roundtrip-go/roundtrip/middleware/middlewaretest"
	"github.com/roundtrip-go/roundtrip/timeout"
)

// TestOverrideFires checks that an overridden limit is the one that fires,
// under New and Idle, and is the one the error names.
func TestOverrideFires(t *testing.T) {
	const short = 20 * time.Millisecond
	for _, idle := range []bool{false, true} {
		mw := timeout.New(time.Minute)
		if idle {
			mw = timeout.Idle(time.Minute)
		}
		ctx := timeout.Override(context.Background(), short)
		_, err := mw(stallBase).RoundTrip(newGet(t, ctx, "http://example.test/"))
		assertAttemptTimeout(t, err, short, idle)
	}
}

// TestOverrideLeavesOtherRequests checks, from the deadline the base sees,
// that Override changes the requests made with its context and no other
// request through the same RoundTripper.
func TestOverrideLeavesOtherRequests(t *testing.T) {
	rt, attemptCtx := spy(middlewaretest.Static{Body: "ok"})
	tr := timeout.New(time.Minute)(rt)
	tests := []struct {
		give string
		ctx  context.Context
		want time.Duration // 0: no deadline, and the request passed on as is
	}{
		{give: "plain", ctx: context.Background(), want: time.Minute},
		{give: "longer", ctx: timeout.Override(context.Background(), time.Hour), want: time.Hour},
		{give: "shorter", ctx: timeout.Override(context.Background(), time.Second), want: time.Second},
		{give: "plain again", ctx: context.Background(), want: time.Minute},
		{give: "zero disables", ctx: timeout.Override(context.Background(), 0)},
		{give: "negative disables", ctx: timeout.Override(context.Background(), -time.Second)},
		{give: "later override wins", ctx: timeout.Override(timeout.Override(context.Background(), 0), time.Second), want: time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			var got *http.Request
			req := newGet(t, tt.ctx, "http://example.test/")
			start := time.Now()
			resp, err := middleware.Func(func(r *http.Request) (*http.Response, error) {
				got = r
				return tr.RoundTrip(r)
			}).RoundTrip(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			deadline, ok := attemptCtx().Deadline()
			if tt.want == 0 {
				assert.False(t, ok, "got a deadline %v; want none", deadline)
				assert.Same(t, got, resp.Request, "the request was not passed on as is")
				return
			}
			require.True(t, ok, "got no deadline; want one")
			left := deadline.Sub(start)
			assert.True(t, left >= tt.want && left < tt.want+10*time.Second, "got a deadline %v away; want %v", left, tt.want)
		})
	}
}

// TestOverrideDoesNotEnable checks that Override cannot turn on a
// middleware made with a zero limit: that one is not in the chain.
func TestOverrideDoesNotEnable(t *testing.T) {
	rt, attemptCtx := spy(middlewaretest.Static{})
	ctx := timeout.Override(context.Background(), time.Second)
	_, err := timeout.New(0)(rt).RoundTrip(newGet(t, ctx, "http://example.test/"))
	require.NoError(t, err)
	_, ok := attemptCtx().Deadline()
	assert.False(t, ok, "a disabled middleware set a deadline")
}
