package auth_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roundtrip-go/roundtrip/auth"
	"github.com/roundtrip-go/roundtrip/internal/secret"
	"github.com/roundtrip-go/roundtrip/middleware/middlewaretest"
)

// TestScope: which requests get the headers under OnlyHosts and
// OnlyOrigins.
func TestScope(t *testing.T) {
	tests := []struct {
		give    auth.Option
		giveURL string
		want    bool
	}{
		{give: auth.OnlyHosts("api.example.test"), giveURL: "https://api.example.test/x", want: true},
		{give: auth.OnlyHosts("API.Example.Test"), giveURL: "https://api.example.TEST/x", want: true},
		{give: auth.OnlyHosts("api.example.test:443"), giveURL: "https://api.example.test:8443/x", want: true},
		{give: auth.OnlyHosts("api.example.test"), giveURL: "http://api.example.test:8080/x", want: true},
		{give: auth.OnlyHosts("api.example.test."), giveURL: "http://api.example.test/x", want: true},
		{give: auth.OnlyHosts("127.0.0.1"), giveURL: "http://127.0.0.1:9/x", want: true},
		{give: auth.OnlyHosts("[::1]:80"), giveURL: "http://[::1]:9/x", want: true},
		{give: auth.OnlyHosts("a.test", "b.test"), giveURL: "http://b.test/x", want: true},
		{give: auth.OnlyHosts("api.example.test"), giveURL: "https://evil.test/x", want: false},
		{give: auth.OnlyHosts("api.example.test"), giveURL: "https://api.example.test.evil.test/x", want: false},
		{give: auth.OnlyHosts("example.test"), giveURL: "https://api.example.test/x", want: false},
		{give: auth.OnlyHosts("127.0.0.1"), giveURL: "http://localhost:9/x", want: false},
		{give: auth.OnlyHosts(), giveURL: "https://api.example.test/x", want: false},
		{give: auth.OnlyHosts(""), giveURL: "https://api.example.test/x", want: false},
		// Every form of a host name OnlyHosts accepts.
		{give: auth.OnlyHosts("::1"), giveURL: "http://[::1]:9/", want: true},
		{give: auth.OnlyHosts("[::1]"), giveURL: "http://[::1]/", want: true},
		{give: auth.OnlyHosts("[::1]:443"), giveURL: "https://[::1]:8443/", want: true},
		{give: auth.OnlyHosts("fe80::1%eth0"), giveURL: "http://[fe80::1%25eth0]/", want: true},
		{give: auth.OnlyHosts("api.example.test:443"), giveURL: "http://api.example.test/", want: true},
		{give: auth.OnlyHosts(" api.example.test "), giveURL: "http://api.example.test/", want: true},
		{give: auth.OnlyHosts("localhost"), giveURL: "http://localhost:8080/", want: true},
		{give: auth.OnlyHosts("under_score.test"), giveURL: "http://under_score.test/", want: true},
		{give: auth.OnlyOrigins("https://api.example.test"), giveURL: "https://api.example.test/x", want: true},
		{give: auth.OnlyOrigins("https://api.example.test"), giveURL: "https://api.example.test:443/x", want: true},
		{give: auth.OnlyOrigins("https://api.example.test:443"), giveURL: "https://api.example.test/x", want: true},
		{give: auth.OnlyOrigins("HTTPS://API.Example.Test/"), giveURL: "https://api.example.TEST/x?y=1", want: true},
		{give: auth.OnlyOrigins("http://api.example.test"), giveURL: "http://api.example.test:80/", want: true},
		{give: auth.OnlyOrigins("http://127.0.0.1:8080"), giveURL: "http://127.0.0.1:8080/x", want: true},
		{give: auth.OnlyOrigins("https://[::1]:8443"), giveURL: "https://[::1]:8443/x", want: true},
		{give: auth.OnlyOrigins("https://a.test", "https://b.test"), giveURL: "https://b.test/", want: true},
		// Never downgraded to plain http, nor sent to another port.
		{give: auth.OnlyOrigins("https://api.example.test"), giveURL: "http://api.example.test/x", want: false},
		{give: auth.OnlyOrigins("https://api.example.test"), giveURL: "http://api.example.test:443/x", want: false},
		{give: auth.OnlyOrigins("https://api.example.test"), giveURL: "https://api.example.test:8443/x", want: false},
		{give: auth.OnlyOrigins("https://api.example.test"), giveURL: "http://api.example.test:8080/x", want: false},
		{give: auth.OnlyOrigins("http://127.0.0.1:8080"), giveURL: "http://127.0.0.1:8081/x", want: false},
		{give: auth.OnlyOrigins("http://127.0.0.1:8080"), giveURL: "http://127.0.0.1/x", want: false},
		{give: auth.OnlyOrigins("https://api.example.test"), giveURL: "https://evil.test/x", want: false},
		{give: auth.OnlyOrigins("https://api.example.test"), giveURL: "https://api.example.test.evil.test/x", want: false},
		{give: auth.OnlyOrigins("https://example.test"), giveURL: "https://api.example.test/x", want: false},
		{give: auth.OnlyOrigins(), giveURL: "https://api.example.test/x", want: false},
		{give: auth.OnlyOrigins(""), giveURL: "https://api.example.test/x", want: false},
	}
	for i, tt := range tests {
		t.Run(fmt.Sprint(i, " ", tt.giveURL), func(t *testing.T) {
			got := send(t, auth.Bearer("tok", tt.give), tt.giveURL, nil)
			if has := got.Header.Get("Authorization") != ""; has != tt.want {
				t.Errorf("got header sent %v; want %v", has, tt.want)
			}
		})
	}
}

func TestOnlyOriginsAndHostsAddUp(t *testing.T) {
	mw := auth.Bearer("tok", auth.OnlyOrigins("https://a.test"), auth.OnlyHosts("b.test"))
	for _, tt := range []struct {
		give string
		want string
	}{
		{give: "https://a.test/", want: "Bearer tok"},
		{give: "http://a.test/", want: ""},
		{give: "http://b.test:9/", want: "Bearer tok"},
		{give: "https://c.test/", want: ""},
	} {
		assert.Equal(t, tt.want, send(t, mw, tt.give, nil).Header.Get("Authorization"), tt.give)
	}
}

// TestInvalidScopeRejected: a scope that cannot mean what was meant makes
// every round trip fail before anything is sent, closing the caller's
// body, and the error never repeats user info.
func TestInvalidScopeRejected(t *testing.T) {
	tests := []struct {
		name string
		give auth.Option
		want string
	}{
		{name: "host as URL", give: auth.OnlyHosts("https://api.example.com"), want: "a URL"},
		{name: "host with path", give: auth.OnlyHosts("api.example.com/v1"), want: "bare host name"},
		{name: "host as scheme", give: auth.OnlyHosts("https:"), want: "not a port"},
		{name: "host is a bare scheme", give: auth.OnlyHosts("HTTPS"), want: "a scheme"},
		{name: "host with user", give: auth.OnlyHosts("user:s3cr3t@api.example.com"), want: "bare host name"},
		{name: "host with bad port", give: auth.OnlyHosts("api.example.com:https"), want: "not a port"},
		{name: "host with space", give: auth.OnlyHosts("api example.com"), want: "bare host name"},
		{name: "one bad host of two", give: auth.OnlyHosts("api.example.com", "http://x.test"), want: "a URL"},
		{name: "origin without scheme", give: auth.OnlyOrigins("api.example.com"), want: "scheme://host"},
		{name: "origin with path", give: auth.OnlyOrigins("https://api.example.com/v1"), want: "a path"},
		{name: "origin with query", give: auth.OnlyOrigins("https://api.example.com?x=1"), want: "a query"},
		{name: "origin with empty query", give: auth.OnlyOrigins("https://api.example.com?"), want: "a query"},
		{name: "origin with fragment", give: auth.OnlyOrigins("https://api.example.com#f"), want: "a fragment"},
		{name: "origin with a token in its query", give: auth.OnlyOrigins("https://api.example.com/?api_key=s3cr3t"), want: "value not shown"},
		{name: "host with a token in its query", give: auth.OnlyHosts("api.example.com?token=s3cr3t"), want: "value not shown"},
		{name: "origin with user", give: auth.OnlyOrigins("https://user:s3cr3t@api.example.com"), want: "user info"},
		{name: "origin with other scheme", give: auth.OnlyOrigins("ftp://api.example.com"), want: "http or https"},
		{name: "origin with bad port", give: auth.OnlyOrigins("https://api.example.com:99999"), want: "port"},
		{name: "origin with empty port", give: auth.OnlyOrigins("https://api.example.com:"), want: "port"},
		{name: "origin opaque", give: auth.OnlyOrigins("https:api.example.com"), want: "scheme://host"},
		{name: "origin with bad host", give: auth.OnlyOrigins("https://api_ex%41mple!.com"), want: "not"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertRefused(t, auth.Bearer("tok", tt.give), auth.ErrInvalidScope, tt.want, "s3cr3t")
		})
	}
}

// TestHeadersMarkedSecret: the request auth passes on marks the headers
// it set, whatever their names, so that logging below redacts them; a
// request out of scope, and the caller's, mark nothing.
func TestHeadersMarkedSecret(t *testing.T) {
	mw := auth.Headers(map[string]string{"x-auth-token": "t", "X-Tenant": "acme"}, auth.OnlyOrigins("https://api.example.test"))
	base := middlewaretest.NewTransport()
	rt := mw(base)
	for _, u := range []string{"https://api.example.test/x", "https://other.test/x"} {
		req, err := http.NewRequest(http.MethodGet, u, nil)
		require.NoError(t, err)
		resp, err := rt.RoundTrip(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Empty(t, secret.Headers(req.Context()), "caller's context marked")
	}
	got := base.Received()
	require.Len(t, got, 2)
	assert.ElementsMatch(t, []string{"X-Auth-Token", "X-Tenant"}, secret.Headers(got[0].Request.Context()))
	assert.True(t, secret.IsHeader(got[0].Request.Context(), "x-auth-token"))
	assert.Empty(t, secret.Headers(got[1].Request.Context()), "out-of-scope request marked")
}

// TestRedirectDowngrade drives a real client: an https API redirects to
// plain http on the same host, another port. With OnlyOrigins the
// credential stays on the https origin; with OnlyHosts it would leak.
func TestRedirectDowngrade(t *testing.T) {
	var sawPlain []string
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sawPlain = append(sawPlain, r.Header.Get("Api-Auth-Signature"))
	}))
	defer plain.Close()
	var sawAPI []string
	api := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sawAPI = append(sawAPI, r.Header.Get("Api-Auth-Signature"))
		http.Redirect(w, r, plain.URL+"/landing", http.StatusFound)
	}))
	defer api.Close()
	base := api.Client().Transport

	mw := auth.Header("api-auth-signature", "sig", auth.OnlyOrigins(api.URL))
	client := &http.Client{Transport: mw(base)}
	resp, err := client.Get(api.URL)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, []string{"sig"}, sawAPI)
	assert.Equal(t, []string{""}, sawPlain, "credential sent over plain http")
}

func TestContractScoped(t *testing.T) {
	middlewaretest.CheckContract(t, auth.Bearer("tok", auth.OnlyOrigins("http://example.test")))
	middlewaretest.CheckContract(t, auth.Bearer("tok", auth.OnlyOrigins("https://example.test")))
}
