package roundtrip_test

import (
	"io"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/failsafe-go/failsafe-go/circuitbreaker"
	"github.com/rs/zerolog"

	"github.com/roundtrip-go/roundtrip"
	"github.com/roundtrip-go/roundtrip/auth"
	"github.com/roundtrip-go/roundtrip/logging"
	"github.com/roundtrip-go/roundtrip/middleware"
	"github.com/roundtrip-go/roundtrip/middleware/middlewaretest"
	"github.com/roundtrip-go/roundtrip/retry"
	"github.com/roundtrip-go/roundtrip/stocktrim"
	"github.com/roundtrip-go/roundtrip/timeout"
)

// idleCounter is a base transport that counts CloseIdleConnections calls.
type idleCounter struct {
	middlewaretest.Transport
	closes atomic.Int32
}

func (c *idleCounter) CloseIdleConnections() { c.closes.Add(1) }

// TestCloseIdleConnectionsReachesBase checks that http.Client's
// CloseIdleConnections reaches the base transport through every middleware.
func TestCloseIdleConnectionsReachesBase(t *testing.T) {
	tests := []struct {
		give string
		mw   middleware.Middleware
	}{
		{give: "auth", mw: auth.Bearer("t")},
		{give: "retry", mw: retry.New()},
		{give: "retry.Failsafe with a breaker", mw: retry.Failsafe(retry.NewPolicy(), circuitbreaker.NewWithDefaults[*http.Response]())},
		{give: "timeout", mw: timeout.New(time.Second)},
		{give: "logging", mw: logging.New(zerolog.New(io.Discard))},
		{give: "a whole chain", mw: func(next http.RoundTripper) http.RoundTripper {
			return roundtrip.Chain(retry.New(), timeout.New(time.Second), auth.Bearer("t"), logging.New(zerolog.Nop())).Then(next)
		}},
		{give: "the stocktrim stack", mw: func(next http.RoundTripper) http.RoundTripper {
			rt, err := stocktrim.NewTransport(stocktrim.WithCredentials("id", "sig"),
				stocktrim.WithLogger(zerolog.Nop()), stocktrim.WithTransport(next))
			if err != nil {
				t.Fatal(err)
			}
			return rt
		}},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			base := &idleCounter{}
			client := &http.Client{Transport: roundtrip.Chain(tt.mw).Then(base)}
			client.CloseIdleConnections()
			if got := base.closes.Load(); got != 1 {
				t.Errorf("got %d calls at the base; want 1", got)
			}
		})
	}
}
