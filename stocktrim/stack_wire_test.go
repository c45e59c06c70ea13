package stocktrim_test

import (
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roundtrip-go/roundtrip/middleware/middlewaretest"
	"github.com/roundtrip-go/roundtrip/retry"
	"github.com/roundtrip-go/roundtrip/stocktrim"
)

// countingTransport counts the attempts that reach base.
type countingTransport struct {
	base     *http.Transport
	attempts atomic.Int32
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.attempts.Add(1)
	return c.base.RoundTrip(r)
}

func (c *countingTransport) CloseIdleConnections() { c.base.CloseIdleConnections() }

// TestStackWireBound checks the stack against a server that answers every
// request over HTTP/2 with RST_STREAM(PROTOCOL_ERROR) and a closed
// connection, which net/http replays on new connections for as long as an
// attempt lasts (issue 17). A GET reaches the server at most twice per
// attempt and is retried; a POST reaches it exactly once and is returned.
func TestStackWireBound(t *testing.T) {
	for _, c := range []struct {
		method, path, body string
		limit, attempts    int
	}{
		{"GET", "/api/Products", "", 2, 6},
		{"POST", "/api/SalesOrders", `{"externalId":"o-1"}`, 1, 1},
	} {
		t.Run(c.method, func(t *testing.T) {
			_, _, _ = setup(t, 0) // clears the environment
			srv := middlewaretest.NewResetServer()
			t.Cleanup(srv.Close)
			base := &countingTransport{base: srv.Client().Transport.(*http.Transport)}
			client := newClient(t,
				stocktrim.WithBaseURL(srv.URL),
				stocktrim.WithCredentials(testID, testSig),
				stocktrim.WithTransport(base),
				stocktrim.WithRetryOptions(retry.WithBackoff(time.Millisecond, 4*time.Millisecond)),
			)
			req, err := http.NewRequestWithContext(t.Context(), c.method, srv.URL+c.path, strings.NewReader(c.body))
			require.NoError(t, err)
			if c.body == "" {
				req.Body, req.GetBody, req.ContentLength = nil, nil, 0
			}
			resp, err := client.Do(req)
			if err == nil {
				resp.Body.Close()
				t.Fatalf("got status %d; want an error", resp.StatusCode)
			}
			var re *retry.ReplayError
			require.True(t, errors.As(err, &re), "error %v; want a *retry.ReplayError", err)
			assert.NotContains(t, err.Error(), "deadline")
			n, sends := int(base.attempts.Load()), srv.Sends(c.method)
			assert.Equal(t, c.attempts, n, "attempts")
			assert.LessOrEqual(t, sends, c.limit*n, "requests the server received")
			assert.GreaterOrEqual(t, sends, n, "requests the server received")
			t.Logf("%s: %d attempts, %d sends, %d connections: %v", c.method, n, sends, srv.Conns(), err)
		})
	}
}
