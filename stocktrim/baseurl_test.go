package stocktrim

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roundtrip-go/roundtrip/internal/testutil"
)

// mustURL parses s or panics: for URLs written in the tests.
func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

func TestBaseURL(t *testing.T) {
	tests := []struct {
		name    string
		env     string // STOCKTRIM_BASE_URL
		opts    []Option
		want    string
		wantErr string
	}{
		{name: "unset: the default", want: DefaultBaseURL},
		{name: "env", env: "http://127.0.0.1:8080", want: "http://127.0.0.1:8080"},
		{name: "env with trailing slash", env: "http://127.0.0.1:8080/", want: "http://127.0.0.1:8080"},
		{name: "env with path", env: " https://proxy.example.com/stocktrim// ", want: "https://proxy.example.com/stocktrim"},
		{name: "option wins over env", env: "http://127.0.0.1:8080", opts: []Option{WithBaseURL("https://api.example.com/")}, want: "https://api.example.com"},
		{name: "empty option means env", env: "http://127.0.0.1:8080", opts: []Option{WithBaseURL(""), nil}, want: "http://127.0.0.1:8080"},
		{name: "other options ignored", opts: []Option{WithCredentials("", ""), WithMaxRetries(-1), WithTimeout(0)}, want: DefaultBaseURL},
		{name: "scheme in lower case", env: "HTTPS://api.example.com", want: "https://api.example.com"},
		{name: "bad env", env: "api.stocktrim.com", wantErr: "stocktrim: invalid base URL: STOCKTRIM_BASE_URL is not an absolute http or https URL"},
		{name: "bad option", env: "http://127.0.0.1:8080", opts: []Option{WithBaseURL("https:///api")}, wantErr: "stocktrim: invalid base URL: WithBaseURL has no host"},
		{name: "query", env: "https://api.example.com/?" + secret, wantErr: "STOCKTRIM_BASE_URL has a query or a fragment"},
		{name: "empty query", env: "https://api.example.com/?", wantErr: "STOCKTRIM_BASE_URL has a query or a fragment"},
		{name: "fragment", opts: []Option{WithBaseURL("https://api.example.com/#" + secret)}, wantErr: "WithBaseURL has a query or a fragment"},
		{name: "empty fragment", opts: []Option{WithBaseURL("https://api.example.com#")}, wantErr: "WithBaseURL has a query or a fragment"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			testutil.ClearEnv(t, testutil.StocktrimEnvPrefix)
			t.Setenv(EnvBaseURL, tt.env)
			got, err := BaseURL(tt.opts...)
			if tt.wantErr != "" {
				require.ErrorIs(t, err, ErrInvalidBaseURL)
				assert.Equal(t, "", got)
				assert.Contains(t, err.Error(), tt.wantErr)
				assert.NotContains(t, err.Error(), secret)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got, "got %s; want %s", got, tt.want)
		})
	}
}

func TestOrigin(t *testing.T) {
	tests := []struct {
		give string
		want string
	}{
		{give: "https://api.stocktrim.com", want: "https://api.stocktrim.com:443"},
		{give: "https://api.stocktrim.com:443/api", want: "https://api.stocktrim.com:443"},
		{give: "https://api.stocktrim.com:8443", want: "https://api.stocktrim.com:8443"},
		{give: "http://api.stocktrim.com", want: "http://api.stocktrim.com:80"},
		{give: "http://api.stocktrim.com:443", want: "http://api.stocktrim.com:443"},
		{give: "HTTPS://API.StockTrim.com/Path", want: "https://api.stocktrim.com:443"},
		{give: "https://user:" + secret + "@api.stocktrim.com/?q=1#f", want: "https://api.stocktrim.com:443"},
		{give: "http://127.0.0.1:8080", want: "http://127.0.0.1:8080"},
		{give: "http://[::1]", want: "http://[::1]:80"},
		{give: "https://[2001:DB8::1]:9443", want: "https://[2001:db8::1]:9443"},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			got := origin(mustURL(tt.give))
			assert.Equal(t, tt.want, got, "got %s; want %s", got, tt.want)
		})
	}
	// An https base URL and plain http on the same host are two origins,
	// as are two ports.
	assert.NotEqual(t, origin(mustURL("https://h")), origin(mustURL("http://h:443")))
	assert.NotEqual(t, origin(mustURL("https://h")), origin(mustURL("https://h:8443")))
}

// TestErrorWording: each message reads as a sentence about the option or
// variable at fault (issue: "WithBaseURL is has no host", and a whole
// number reported as "not a whole number" when it is only too large).
func TestErrorWording(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		opts []Option
		want string
	}{
		{name: "no host", opts: []Option{WithBaseURL("https://:443")}, want: "stocktrim: invalid base URL: WithBaseURL has no host"},
		{name: "env not http", env: map[string]string{EnvBaseURL: "ftp://x"}, want: "stocktrim: invalid base URL: STOCKTRIM_BASE_URL is not an absolute http or https URL"},
		{name: "retries too large", env: map[string]string{EnvMaxRetries: "99999999999999999999"}, want: "stocktrim: invalid max retries: STOCKTRIM_MAX_RETRIES is too large"},
		{name: "retries too negative", env: map[string]string{EnvMaxRetries: "-99999999999999999999"}, want: "stocktrim: invalid max retries: STOCKTRIM_MAX_RETRIES is negative"},
		{name: "retries not whole", env: map[string]string{EnvMaxRetries: "2.5"}, want: "stocktrim: invalid max retries: STOCKTRIM_MAX_RETRIES is not a whole number"},
		{name: "timeout too large", env: map[string]string{EnvTimeout: "9223372037"}, want: "stocktrim: invalid timeout: STOCKTRIM_TIMEOUT is too large"},
		{name: "timeout not positive", env: map[string]string{EnvTimeout: "0"}, want: "stocktrim: invalid timeout: STOCKTRIM_TIMEOUT is not positive"},
		{name: "timeout malformed", env: map[string]string{EnvTimeout: "soon"}, want: "stocktrim: invalid timeout: STOCKTRIM_TIMEOUT is not a number of seconds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			testutil.ClearEnv(t, testutil.StocktrimEnvPrefix)
			t.Setenv(EnvAuthID, "id")
			t.Setenv(EnvSignature, secret)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			_, err := newConfig(tt.opts).resolve()
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.NotContains(t, err.Error(), " is is ")
			assert.NotContains(t, err.Error(), " is has ")
		})
	}
}
