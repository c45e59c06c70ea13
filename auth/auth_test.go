package auth_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roundtrip-go/roundtrip/auth"
	"github.com/roundtrip-go/roundtrip/middleware"
	"github.com/roundtrip-go/roundtrip/middleware/middlewaretest"
)

// send runs one GET to url through mw over a scripted transport and returns
// the request the transport received.
func send(t *testing.T, mw middleware.Middleware, url string, header http.Header) *http.Request {
	t.Helper()
	base := middlewaretest.NewTransport()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	for k, v := range header {
		req.Header[k] = v
	}
	before := req.Header.Clone()
	resp, err := mw(base).RoundTrip(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, before, req.Header, "caller's header changed")
	got := base.Received()
	require.Len(t, got, 1)
	return got[0].Request
}

func TestHeaderSet(t *testing.T) {
	tests := []struct {
		give       middleware.Middleware
		giveHeader http.Header
		want       http.Header
	}{
		{
			give: auth.Header("api-auth-id", "id-1"),
			want: http.Header{"Api-Auth-Id": {"id-1"}},
		},
		{
			give:       auth.Header("X-Key", "new"),
			giveHeader: http.Header{"X-Key": {"old", "older"}, "Accept": {"application/json"}},
			want:       http.Header{"X-Key": {"new"}, "Accept": {"application/json"}},
		},
		{
			give: auth.Headers(map[string]string{"api-auth-id": "id", "api-auth-signature": "sig"}),
			want: http.Header{"Api-Auth-Id": {"id"}, "Api-Auth-Signature": {"sig"}},
		},
		{
			give: auth.Bearer("tok"),
			want: http.Header{"Authorization": {"Bearer tok"}},
		},
		{
			give:       auth.Headers(nil),
			giveHeader: http.Header{"Accept": {"*/*"}},
			want:       http.Header{"Accept": {"*/*"}},
		},
		{
			give: auth.Header("X-Empty", ""),
			want: http.Header{"X-Empty": {""}},
		},
	}
	for _, tt := range tests {
		t.Run(strings.Join(mapsKeys(tt.want), ","), func(t *testing.T) {
			got := send(t, tt.give, "http://api.example.test/x", tt.giveHeader)
			assert.Equal(t, tt.want, got.Header)
		})
	}
}

func mapsKeys(h http.Header) []string {
	var ks []string
	for k := range h {
		ks = append(ks, k)
	}
	return ks
}

func TestOnlyHostsAddUp(t *testing.T) {
	mw := auth.Bearer("tok", auth.OnlyHosts("a.test"), auth.OnlyHosts("b.test"), nil)
	for _, u := range []string{"http://a.test/", "http://b.test/"} {
		assert.Equal(t, "Bearer tok", send(t, mw, u, nil).Header.Get("Authorization"), u)
	}
}

func TestInvalidHeaderRejected(t *testing.T) {
	const secret = "s3cr3t"
	tests := []struct {
		give     middleware.Middleware
		wantName string
	}{
		{give: auth.Header("X-Key", secret+"\r\nX-Evil: 1"), wantName: "X-Key"},
		{give: auth.Header("X-Key", secret+"\n"), wantName: "X-Key"},
		{give: auth.Header("X-Key", secret+"\x00"), wantName: "X-Key"},
		{give: auth.Bearer(secret + "\r\n"), wantName: "Authorization"},
		{give: auth.Headers(map[string]string{"Ok": "fine", "api-auth-signature": "\n" + secret}), wantName: "Api-Auth-Signature"},
		{give: auth.Header("Bad Name", secret), wantName: "Bad Name"},
		{give: auth.Header("", secret), wantName: `""`},
		{give: auth.Header("X-Key\r\n", secret), wantName: "X-Key"},
	}
	for _, tt := range tests {
		t.Run(tt.wantName, func(t *testing.T) {
			assertRefused(t, tt.give, auth.ErrInvalidHeader, tt.wantName, secret)
		})
	}
}

// assertRefused checks that every round trip through mw fails with an
// error that wraps wantErr, contains want and not secret, before anything
// is sent, and closes the caller's body.
func assertRefused(t *testing.T, mw middleware.Middleware, wantErr error, want, secret string) {
	t.Helper()
	base := middlewaretest.NewTransport()
	body := middlewaretest.NewBody("payload")
	req, err := http.NewRequest(http.MethodPost, "https://api.example.test/", body)
	require.NoError(t, err)
	rt := mw(base)
	for range 2 { // every round trip fails, not just the first
		resp, err := rt.RoundTrip(req)
		assert.Nil(t, resp)
		require.Error(t, err)
		assert.True(t, errors.Is(err, wantErr), "got %v; want %v", err, wantErr)
		assert.Contains(t, err.Error(), want)
		assert.NotContains(t, err.Error(), secret)
	}
	assert.Equal(t, 0, base.Calls(), "nothing may be sent")
	assert.Equal(t, 2, body.Closes(), "the body is closed by each failed round trip")
}

func TestContract(t *testing.T) {
	middlewaretest.CheckContract(t, auth.Bearer("tok"))
	middlewaretest.CheckContract(t, auth.Header("X-Key", "v", auth.OnlyHosts("elsewhere.test")))
}

// TestRedirectToOtherHost drives a real client: the first server redirects
// to a second one on another host name, and only the first may see the
// credential.
func TestRedirectToOtherHost(t *testing.T) {
	var sawOther string
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sawOther = r.Header.Get("Api-Auth-Signature")
	}))
	defer other.Close()
	otherURL := strings.Replace(other.URL, "127.0.0.1", "localhost", 1)

	var sawAPI string
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sawAPI = r.Header.Get("Api-Auth-Signature")
		http.Redirect(w, r, otherURL+"/landing", http.StatusFound)
	}))
	defer api.Close()

	mw := auth.Header("api-auth-signature", "sig", auth.OnlyHosts("127.0.0.1"))
	client := &http.Client{Transport: mw(http.DefaultTransport)}
	resp, err := client.Get(api.URL)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, "sig", sawAPI)
	assert.Empty(t, sawOther, "credential leaked to another host")
}
