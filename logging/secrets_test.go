package logging_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roundtrip-go/roundtrip/internal/secret"
	"github.com/roundtrip-go/roundtrip/logging"
	"github.com/roundtrip-go/roundtrip/middleware/middlewaretest"
)

// TestRedactsSecretsInRelativeURLsBodiesAndMarkedHeaders covers issue
// 13.2: a fragment with a path before its query, relative URLs in the
// response headers, a JSON-escaped URL and form-encoded secrets in the body
// excerpts, and a header an auth middleware marked as secret, at every
// level and for both loggers.
func TestRedactsSecretsInRelativeURLsBodiesAndMarkedHeaders(t *testing.T) {
	secrets := []string{
		"FRAGSECRET", "LOCSECRET", "CLOCSECRET", "LINKSECRET", "REFRESHSECRET",
		"JSONSECRET", "FORMPASS", "CLIENTSECRET", "AUTHTOKENSECRET", "RESPFORMSECRET",
	}
	for _, b := range backends {
		for _, lvl := range []zerolog.Level{zerolog.TraceLevel, zerolog.DebugLevel, zerolog.InfoLevel} {
			t.Run(b.name+"/"+lvl.String(), func(t *testing.T) {
				mw, buf := b.new(lvl)
				base := middlewaretest.NewTransport(middlewaretest.Reply{
					Status: http.StatusOK,
					Header: http.Header{
						"Location":         {"/cb?access_token=LOCSECRET&state=xyz"},
						"Content-Location": {"/c?token=CLOCSECRET"},
						"Link":             {`</next?page=2&sig=LINKSECRET>; rel="next"`},
						"Refresh":          {"0; url=/r?api_key=REFRESHSECRET"},
					},
					Body: `{"next":"https:\/\/h.test\/p?token=JSONSECRET\u0026page=3","echo":"client_secret=RESPFORMSECRET&scope=read"}`,
				})
				req, err := http.NewRequest(http.MethodPost,
					"https://api.example.test/v1/token?page=2#/callback?access_token=FRAGSECRET&state=ok",
					strings.NewReader("grant_type=password&username=joe&password=FORMPASS&client_secret=CLIENTSECRET"))
				require.NoError(t, err)
				req.Header.Set("X-Auth-Token", "AUTHTOKENSECRET")
				req.Header.Set("X-Request-Id", "visible-id")
				req = req.WithContext(secret.NewNames("x-auth-token").Mark(t.Context()))

				_, got := roundTrip(t, mw(base), req)
				assert.Contains(t, string(got), "JSONSECRET", "the caller must get the body as it is")

				e := buf.Only(t, secrets...)
				assert.Equal(t, "https://api.example.test/v1/token?page=2#/callback?access_token=REDACTED&state=ok", e["url"])
				if lvl > zerolog.DebugLevel {
					assert.NotContains(t, e, "response_headers")
					return
				}
				reqH, _ := e["request_headers"].(map[string]any)
				assert.Equal(t, "REDACTED", reqH["X-Auth-Token"])
				assert.Equal(t, "visible-id", reqH["X-Request-Id"])
				respH, _ := e["response_headers"].(map[string]any)
				assert.Equal(t, "/cb?access_token=REDACTED&state=xyz", respH["Location"])
				assert.Equal(t, "/c?token=REDACTED", respH["Content-Location"])
				assert.Equal(t, `</next?page=2&sig=REDACTED>; rel="next"`, respH["Link"])
				assert.Equal(t, "0; url=/r?api_key=REDACTED", respH["Refresh"])
				assert.Equal(t, "grant_type=password&username=joe&password=REDACTED&client_secret=REDACTED", e["request_body"])
				assert.Equal(t, `{"next":"https:\/\/h.test\/p?token=REDACTED\u0026page=3","echo":"client_secret=REDACTED&scope=read"}`, e["response_body"])
			})
		}
	}
}

// TestRedactsWholeTokens covers issue 13.3: a one-letter user name must
// not turn every "u" of an error message into REDACTED.
func TestRedactsWholeTokens(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			mw, buf := b.new(zerolog.InfoLevel)
			boom := errors.New("unexpected EOF from u's server, user u, password pw")
			req, err := http.NewRequest(http.MethodGet, "https://u:pw@api.example.test/v1/items", nil)
			require.NoError(t, err)
			_, err = mw(middlewaretest.NewTransport(middlewaretest.Reply{Err: boom})).RoundTrip(req)
			require.Error(t, err)
			e := buf.Only(t)
			assert.Equal(t, "unexpected EOF from REDACTED's server, user REDACTED, password REDACTED", e["error"])
			assert.Equal(t, "https://REDACTED@api.example.test/v1/items", e["url"])
		})
	}
}

// TestRedactsOnlySecrets covers the over-redaction a review found after
// issue 13.3: a request URL with "?key=json&sig=1" and the user name "bob"
// turned "application/json" into "application/REDACTED", a count header
// "1" and a body field "user=bob" into REDACTED. Headers and body excerpts
// lose only user info and secret name=value pairs; error texts, which may
// quote the URL in any form, still lose every secret value of it.
func TestRedactsOnlySecrets(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			mw, buf := b.new(zerolog.DebugLevel)
			base := middlewaretest.NewTransport(middlewaretest.Reply{
				Status: http.StatusOK,
				Header: http.Header{
					"Content-Type": {"application/json"},
					"X-Count":      {"1"},
					"Location":     {"//bob:TOPSECRET@h.test/next"},
				},
				Body: `{"user":"bob","type":"json"}`,
			})
			req, err := http.NewRequest(http.MethodPost, "https://bob:TOPSECRET@api.example.test/v1?key=json&sig=1",
				strings.NewReader("user=bob&n=1"))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/json")
			roundTrip(t, mw(base), req)

			e := buf.Only(t, "TOPSECRET")
			assert.Equal(t, "https://REDACTED@api.example.test/v1?key=REDACTED&sig=REDACTED", e["url"])
			reqH, _ := e["request_headers"].(map[string]any)
			assert.Equal(t, "application/json", reqH["Content-Type"])
			respH, _ := e["response_headers"].(map[string]any)
			assert.Equal(t, "application/json", respH["Content-Type"])
			assert.Equal(t, "1", respH["X-Count"])
			assert.Equal(t, "//REDACTED@h.test/next", respH["Location"])
			assert.Equal(t, "user=bob&n=1", e["request_body"])
			assert.Equal(t, `{"user":"bob","type":"json"}`, e["response_body"])

			mw, buf = b.new(zerolog.InfoLevel)
			boom := errors.New("bob's key json refused")
			_, err = mw(middlewaretest.NewTransport(middlewaretest.Reply{Err: boom})).RoundTrip(req)
			require.Error(t, err)
			assert.Equal(t, "REDACTED's key REDACTED refused", buf.Only(t)["error"])
		})
	}
}

// FuzzMarkedHeader checks that a header an auth middleware marked as
// secret on the request context is REDACTED at debug whatever its name and
// the case it was marked in, and that other headers stay readable.
func FuzzMarkedHeader(f *testing.F) {
	f.Add("X-Auth-Token", "aBcD", "tok3n-value")
	f.Add("x-custom", "", "hunter22")
	f.Add("Accept", "zz", "application-json")
	f.Fuzz(func(t *testing.T, name, pattern, rawSecret string) {
		value := fuzzSecret(rawSecret)
		if len(value) < 6 || !validHeaderName(name) {
			return
		}
		logger, buf := newLogger(zerolog.DebugLevel)
		req, err := http.NewRequest(http.MethodGet, "http://example.test/", nil)
		require.NoError(t, err)
		req.Header.Set(name, value)
		req.Header.Set("X-Visible", value+"-shown")
		req = req.WithContext(secret.NewNames(mixCase(name, pattern)).Mark(t.Context()))
		roundTrip(t, logging.New(logger)(middlewaretest.NewTransport()), req)
		if strings.EqualFold(name, "X-Visible") {
			return
		}
		e := buf.Only(t)
		reqH, _ := e["request_headers"].(map[string]any)
		if got := reqH[http.CanonicalHeaderKey(name)]; got != "REDACTED" {
			t.Fatalf("marked header %q: got %v; want REDACTED", name, got)
		}
		if got := reqH["X-Visible"]; got != value+"-shown" {
			t.Fatalf("X-Visible: got %v; want it as it is", got)
		}
	})
}

// validHeaderName reports whether name is a non-empty HTTP token.
func validHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}
