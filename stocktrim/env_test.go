package stocktrim

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roundtrip-go/roundtrip/internal/testutil"
)

const secret = "sig-VERY-SECRET-123"

func TestParseTimeout(t *testing.T) {
	tests := []struct {
		give    string
		want    time.Duration
		wantErr string
	}{
		{give: "30", want: 30 * time.Second},
		{give: "2.5", want: 2500 * time.Millisecond},
		{give: " 7 ", want: 7 * time.Second},
		{give: ".5", want: 500 * time.Millisecond},
		{give: "5.", want: 5 * time.Second},
		{give: "0.001", want: time.Millisecond},
		{give: "1m30s", want: 90 * time.Second},
		{give: "500ms", want: 500 * time.Millisecond},
		{give: "0", wantErr: "not positive"},
		{give: "0s", wantErr: "not positive"},
		{give: "0.0000000001", wantErr: "not positive"},
		{give: "-1", wantErr: "not positive"},
		{give: "-2.5", wantErr: "not positive"},
		{give: "-", wantErr: "not a number"},
		{give: "-5s", wantErr: "not positive"},
		{give: "", wantErr: "not a number"},
		{give: "abc", wantErr: "not a number"},
		{give: "1.2.3", wantErr: "not a number"},
		{give: ".", wantErr: "not a number"},
		{give: "30 s", wantErr: "not a number"},
		{give: "NaN", wantErr: "not a number"},
		{give: "Inf", wantErr: "not a number"},
		{give: "1e3", wantErr: "not a number"},
		{give: "0x10", wantErr: "not a number"},
		{give: "9223372037", wantErr: "too large"},
		{give: strings.Repeat("9", 400), wantErr: "too large"},
		{give: "9999999999h", wantErr: "not a number"},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			got, err := parseTimeout(tt.give)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got, "got %v; want %v", got, tt.want)
		})
	}
}

func TestParseMaxRetries(t *testing.T) {
	tests := []struct {
		give    string
		want    int
		wantErr string
	}{
		{give: "0", want: 0},
		{give: "3", want: 3},
		{give: " 10\n", want: 10},
		{give: "+2", want: 2},
		{give: "-1", wantErr: "negative"},
		{give: "", wantErr: "not a whole number"},
		{give: "2.5", wantErr: "not a whole number"},
		{give: "five", wantErr: "not a whole number"},
		{give: "99999999999999999999", wantErr: "is too large"},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			got, err := parseMaxRetries(tt.give)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParseBaseURL(t *testing.T) {
	tests := []struct {
		give     string
		wantHost string
		wantErr  string
	}{
		{give: "https://api.stocktrim.com", wantHost: "api.stocktrim.com"},
		{give: "http://127.0.0.1:8080/", wantHost: "127.0.0.1"},
		{give: "HTTPS://API.example.com/prefix", wantHost: "API.example.com"},
		{give: "https://user:" + secret + "@example.com", wantHost: "example.com"},
		{give: "http://[::1]:80", wantHost: "::1"},
		{give: "api.stocktrim.com", wantErr: "not an absolute"},
		{give: "/api", wantErr: "not an absolute"},
		{give: "ftp://example.com", wantErr: "not an absolute"},
		{give: "https://", wantErr: "has no host"},
		{give: "https:///path", wantErr: "has no host"},
		{give: "https://:443", wantErr: "has no host"},
		{give: "http://exa mple.com/" + secret, wantErr: "not a URL"},
		{give: "https://" + secret + "\x7f", wantErr: "not a URL"},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			u, err := parseBaseURL(tt.give)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				assert.NotContains(t, err.Error(), secret)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantHost, u.Hostname())
		})
	}
}

// TestEnvNamesSharePrefix checks that every variable the package reads
// starts with the prefix the tests clear the environment by.
func TestEnvNamesSharePrefix(t *testing.T) {
	for _, name := range []string{EnvAuthID, EnvSignature, EnvBaseURL, EnvMaxRetries, EnvTimeout} {
		assert.True(t, strings.HasPrefix(name, testutil.StocktrimEnvPrefix), "got %s; want the prefix %s", name, testutil.StocktrimEnvPrefix)
	}
}

func TestResolveEnvMatrix(t *testing.T) {
	defaults := settings{authID: "env-id", signature: secret, base: mustURL(DefaultBaseURL), maxRetries: 5, timeout: 30 * time.Second}
	tests := []struct {
		name    string
		env     map[string]string // on top of both credentials
		opts    []Option
		want    settings
		wantErr []error // every one must match; nil means no error
		wantIn  []string
	}{
		{name: "unset: defaults", want: defaults},
		{
			name: "set",
			env:  map[string]string{EnvBaseURL: "http://127.0.0.1:9999", EnvMaxRetries: "2", EnvTimeout: "2.5"},
			want: settings{authID: "env-id", signature: secret, base: mustURL("http://127.0.0.1:9999"), maxRetries: 2, timeout: 2500 * time.Millisecond},
		},
		{name: "Go duration", env: map[string]string{EnvTimeout: "1m"}, want: with(defaults, func(s *settings) { s.timeout = time.Minute })},
		{name: "zero retries", env: map[string]string{EnvMaxRetries: "0"}, want: with(defaults, func(s *settings) { s.maxRetries = 0 })},
		{
			name: "options win over env",
			env:  map[string]string{EnvBaseURL: "bad", EnvMaxRetries: "bad", EnvTimeout: "bad"},
			opts: []Option{WithCredentials("code-id", "code-sig"), WithBaseURL("https://example.com"), WithMaxRetries(1), WithTimeout(time.Second)},
			want: settings{authID: "code-id", signature: "code-sig", base: mustURL("https://example.com"), maxRetries: 1, timeout: time.Second},
		},
		{
			name: "empty options mean env",
			opts: []Option{WithCredentials("", ""), WithBaseURL(""), nil},
			want: defaults,
		},
		{
			name: "one credential from code, one from env",
			opts: []Option{WithCredentials("code-id", "")},
			want: with(defaults, func(s *settings) { s.authID = "code-id" }),
		},
		{name: "malformed retries", env: map[string]string{EnvMaxRetries: "many"}, wantErr: []error{ErrInvalidMaxRetries}, wantIn: []string{EnvMaxRetries, "not a whole number"}},
		{name: "negative retries", env: map[string]string{EnvMaxRetries: "-1"}, wantErr: []error{ErrInvalidMaxRetries}, wantIn: []string{EnvMaxRetries, "negative"}},
		{name: "malformed timeout", env: map[string]string{EnvTimeout: "soon"}, wantErr: []error{ErrInvalidTimeout}, wantIn: []string{EnvTimeout}},
		{name: "negative timeout", env: map[string]string{EnvTimeout: "-2s"}, wantErr: []error{ErrInvalidTimeout}, wantIn: []string{EnvTimeout, "not positive"}},
		{name: "zero timeout", env: map[string]string{EnvTimeout: "0"}, wantErr: []error{ErrInvalidTimeout}, wantIn: []string{EnvTimeout}},
		{name: "relative base URL", env: map[string]string{EnvBaseURL: "api.stocktrim.com"}, wantErr: []error{ErrInvalidBaseURL}, wantIn: []string{EnvBaseURL}},
		{name: "base URL with secret", env: map[string]string{EnvBaseURL: "ftp://u:" + secret + "@x"}, wantErr: []error{ErrInvalidBaseURL}, wantIn: []string{EnvBaseURL}},
		{name: "option: bad base URL", opts: []Option{WithBaseURL("mailto:x@y")}, wantErr: []error{ErrInvalidBaseURL}, wantIn: []string{"WithBaseURL"}},
		{name: "option: negative retries", opts: []Option{WithMaxRetries(-3)}, wantErr: []error{ErrInvalidMaxRetries}, wantIn: []string{"WithMaxRetries(-3)"}},
		{name: "option: zero timeout", opts: []Option{WithTimeout(0)}, wantErr: []error{ErrInvalidTimeout}, wantIn: []string{"WithTimeout(0s)"}},
		{name: "option: negative timeout", opts: []Option{WithTimeout(-time.Second)}, wantErr: []error{ErrInvalidTimeout}, wantIn: []string{"WithTimeout(-1s)"}},
		{
			name:    "all at once",
			env:     map[string]string{EnvAuthID: "", EnvBaseURL: "x", EnvMaxRetries: "x", EnvTimeout: "x"},
			wantErr: []error{ErrMissingCredentials, ErrInvalidBaseURL, ErrInvalidMaxRetries, ErrInvalidTimeout},
			wantIn:  []string{EnvAuthID, EnvSignature, EnvBaseURL, EnvMaxRetries, EnvTimeout, "the auth id is missing"},
		},
		{name: "newline in env id", env: map[string]string{EnvAuthID: "env-id\n"}, wantErr: []error{ErrInvalidCredentials}, wantIn: []string{EnvAuthID, "newline"}},
		{name: "control character in env signature", env: map[string]string{EnvSignature: "se\x01" + secret}, wantErr: []error{ErrInvalidCredentials}, wantIn: []string{EnvSignature, "control character"}},
		{name: "space around env signature", env: map[string]string{EnvSignature: secret + " "}, wantErr: []error{ErrInvalidCredentials}, wantIn: []string{EnvSignature, "white space"}},
		{name: "option: newline in signature", opts: []Option{WithCredentials("id", secret+"\r\n")}, wantErr: []error{ErrInvalidCredentials}, wantIn: []string{"the signature of WithCredentials"}},
		{name: "option: tab before id", opts: []Option{WithCredentials("\tid", secret)}, wantErr: []error{ErrInvalidCredentials}, wantIn: []string{"the auth id of WithCredentials"}},
		{name: "no signature", env: map[string]string{EnvSignature: ""}, wantErr: []error{ErrMissingCredentials}, wantIn: []string{EnvAuthID, EnvSignature, "the signature is missing"}},
		{name: "no credentials", env: map[string]string{EnvAuthID: "", EnvSignature: ""}, wantErr: []error{ErrMissingCredentials}, wantIn: []string{EnvAuthID, EnvSignature, "both are missing"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			testutil.ClearEnv(t, testutil.StocktrimEnvPrefix)
			t.Setenv(EnvAuthID, "env-id")
			t.Setenv(EnvSignature, secret)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			got, err := newConfig(tt.opts).resolve()
			if tt.wantErr == nil {
				require.NoError(t, err)
				assert.Equal(t, tt.want, got, "got %+v; want %+v", got, tt.want)
				return
			}
			require.Error(t, err)
			for _, want := range tt.wantErr {
				assert.ErrorIs(t, err, want)
			}
			for _, want := range tt.wantIn {
				assert.Contains(t, err.Error(), want)
			}
			assert.NotContains(t, err.Error(), secret)
			assert.True(t, strings.HasPrefix(err.Error(), "stocktrim: "), "got %q; want the package prefix", err)
			// No stack comes out of bad input.
			mws, err := Middlewares(tt.opts...)
			assert.Nil(t, mws)
			assert.Error(t, err)
			rt, err := NewTransport(tt.opts...)
			assert.Nil(t, rt)
			assert.Error(t, err)
			c, err := NewClient(tt.opts...)
			assert.Nil(t, c)
			assert.Error(t, err)
		})
	}
}

func with(s settings, f func(*settings)) settings {
	f(&s)
	return s
}

func TestNewBaseTransport(t *testing.T) {
	dt := http.DefaultTransport.(*http.Transport)
	before := dt.Clone()
	got := newBaseTransport()
	assert.NotSame(t, dt, got)
	assert.GreaterOrEqual(t, got.MaxIdleConnsPerHost, 16)
	assert.GreaterOrEqual(t, got.MaxIdleConns, got.MaxIdleConnsPerHost)
	assert.True(t, got.ForceAttemptHTTP2)
	assert.NotNil(t, got.Proxy, "keeps the default's proxy from the environment")
	assert.NotNil(t, got.DialContext, "keeps the default's dial timeouts")
	assert.NotSame(t, got, newBaseTransport(), "each call a new transport")
	// The global is as it was.
	assert.Equal(t, before.MaxIdleConnsPerHost, dt.MaxIdleConnsPerHost)
	assert.Equal(t, before.MaxIdleConns, dt.MaxIdleConns)
}

func TestNewBaseTransportWhenDefaultReplaced(t *testing.T) {
	orig := http.DefaultTransport
	t.Cleanup(func() { http.DefaultTransport = orig })
	http.DefaultTransport = http.NewFileTransport(http.Dir("."))
	got := newBaseTransport()
	assert.Equal(t, 16, got.MaxIdleConnsPerHost)
	assert.True(t, got.ForceAttemptHTTP2)
	assert.NotNil(t, got.Proxy)
}

// assertReason fails unless err is one of the fixed reasons, so that it
// cannot quote the value.
func assertReason(t *testing.T, err error, reasons ...error) {
	t.Helper()
	for _, r := range reasons {
		if err == r {
			return
		}
	}
	t.Fatalf("got error %q; want one of the fixed reasons", err)
}

// FuzzParseTimeout: never panics; an accepted value is positive; plain
// whole seconds mean seconds; anything else that is accepted means what
// time.ParseDuration makes of it.
func FuzzParseTimeout(f *testing.F) {
	for _, s := range []string{"30", "2.5", "1m30s", "0", "-1s", ".", "1e9", "9223372036", "9223372037", " 5 ", "NaN", "∞", "1.5h", "0.0000000001", "", "007", " 12\t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := parseTimeout(s)
		if err != nil {
			if d != 0 {
				t.Fatalf("parseTimeout(%q) = %v, %v; want 0 with an error", s, d, err)
			}
			assertReason(t, err, errNotDuration, errTooLarge, errNotPositive)
			return
		}
		if d <= 0 {
			t.Fatalf("parseTimeout(%q) = %v; want a positive duration", s, d)
		}
		trimmed := strings.TrimSpace(s)
		if n, ok := wholeSeconds(trimmed); ok {
			if want := time.Duration(n) * time.Second; d != want {
				t.Fatalf("parseTimeout(%q) = %v; want %v: whole seconds", s, d, want)
			}
			return
		}
		if isDecimal(trimmed) {
			return // fractional seconds: positive is all the doc promises
		}
		if want, err := time.ParseDuration(trimmed); err != nil || d != want {
			t.Fatalf("parseTimeout(%q) = %v; want what time.ParseDuration gives: %v, %v", s, d, want, err)
		}
	})
}

// wholeSeconds returns s as a number of seconds when it is only ASCII
// digits and that many seconds fit a time.Duration.
func wholeSeconds(s string) (int64, bool) {
	if s == "" || strings.Trim(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n > math.MaxInt64/int64(time.Second) {
		return 0, false
	}
	return n, true
}

// FuzzParseMaxRetries: never panics; an accepted value is not negative.
func FuzzParseMaxRetries(f *testing.F) {
	for _, s := range []string{"5", "0", "-1", "+3", "x", "", " 2 ", "99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := parseMaxRetries(s)
		if err == nil && n < 0 {
			t.Fatalf("parseMaxRetries(%q) = %d; want no negative number", s, n)
		}
		if err != nil {
			assertReason(t, err, errNotWhole, errNegative, errTooLarge)
		}
	})
}

// FuzzParseBaseURL: never panics; an accepted URL is http(s) with a host;
// an error never quotes the value.
func FuzzParseBaseURL(f *testing.F) {
	for _, s := range []string{DefaultBaseURL, "http://127.0.0.1:1", "x", "https://", "https://u:p@h", "http://[::1", "%zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := parseBaseURL(s)
		if err != nil {
			assertReason(t, err, errNotURL, errNotHTTP, errNoHost, errHasQuery)
			return
		}
		if (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
			t.Fatalf("parseBaseURL(%q) accepted %q", s, u.Redacted())
		}
	})
}
