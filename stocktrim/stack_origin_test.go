package stocktrim_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roundtrip-go/roundtrip/stocktrim/stocktrimtest"
)

// TestStackCredentialsOnlyToTheBaseOrigin: a redirect to the same host on
// another port leaves without the credentials (issue 13.1: scoped to the
// host, they went along).
func TestStackCredentialsOnlyToTheBaseOrigin(t *testing.T) {
	srv, _, opts := setup(t, zerolog.Disabled)
	other := stocktrimtest.NewServer(stocktrimtest.WithCredentials(testID, testSig))
	t.Cleanup(other.Close)
	require.True(t, strings.HasPrefix(other.URL, "http://127.0.0.1:"), "got %s; want a 127.0.0.1 server", other.URL)
	srv.Inject(stocktrimtest.Fault{
		Path: "/api/Products", Status: http.StatusTemporaryRedirect,
		Header: http.Header{"Location": {other.URL + "/api/Products"}},
	})
	client := newClient(t, opts...)
	status, _ := getProducts(t, client, srv.URL+"/api/Products")
	assert.Equal(t, http.StatusUnauthorized, status, "the other port refuses the request: it came without credentials")

	assertCredentials(t, srv.Requests())
	reqs := other.Requests()
	require.Len(t, reqs, 1)
	for name := range reqs[0].Header {
		assert.False(t, strings.HasPrefix(strings.ToLower(name), "api-auth"), "got header %s on the redirect to another port; want none", name)
	}
}
