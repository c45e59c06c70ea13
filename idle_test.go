package roundtrip_test

import (
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/failsafe-go/failsafe-go/circuitbreaker"

	"github.com/roundtrip-go/roundtrip"
	"github.com/roundtrip-go/roundtrip/auth"
	"github.com/roundtrip-go/roundtrip/middleware"
	"github.com/roundtrip-go/roundtrip/middleware/middlewaretest"
	"github.com/roundtrip-go/roundtrip/retry"
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
