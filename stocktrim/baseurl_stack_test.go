package stocktrim_test

import (
	"net/http"
	"testing"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roundtrip-go/roundtrip/stocktrim"
	"github.com/roundtrip-go/roundtrip/stocktrim/stocktrimtest"
)

// TestBaseURLReachesTheStack is the README's snippet: with
// STOCKTRIM_BASE_URL set, base + "/api/Products" goes where the client's
// credentials go, not to the default host.
func TestBaseURLReachesTheStack(t *testing.T) {
	_, _, _ = setup(t, zerolog.Disabled) // clears the environment
	srv := stocktrimtest.NewServer()
	t.Cleanup(srv.Close)
	t.Setenv(stocktrim.EnvAuthID, srv.AuthID())
	t.Setenv(stocktrim.EnvSignature, srv.Signature())
	t.Setenv(stocktrim.EnvBaseURL, srv.URL+"/")

	base, err := stocktrim.BaseURL()
	require.NoError(t, err)
	client, err := stocktrim.NewClient()
	require.NoError(t, err)
	t.Cleanup(client.CloseIdleConnections)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, base+"/api/Products", nil)
	require.NoError(t, err)
	resp, err := client.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode, "the credentials went with the request")
	reqs := srv.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, "/api/Products", reqs[0].Path)
}
