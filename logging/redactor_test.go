package logging_test

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roundtrip-go/roundtrip/logging"
	"github.com/roundtrip-go/roundtrip/middleware/middlewaretest"
	"github.com/roundtrip-go/roundtrip/retry"
)

func TestRedactor(t *testing.T) {
	u, err := url.Parse("https://joe:pa55word@api.example.test/v1/items?page=2&token=t0ken&session=s3ss")
	require.NoError(t, err)
	tests := []struct {
		name string
		r    *logging.Redactor
		want string
	}{
		{name: "nil uses the defaults", r: nil,
			want: "https://REDACTED@api.example.test/v1/items?page=2&token=REDACTED&session=s3ss"},
		{name: "defaults", r: logging.NewRedactor(),
			want: "https://REDACTED@api.example.test/v1/items?page=2&token=REDACTED&session=s3ss"},
		{name: "added param", r: logging.NewRedactor(logging.WithRedactedQueryParams("Session"), nil),
			want: "https://REDACTED@api.example.test/v1/items?page=2&token=REDACTED&session=REDACTED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.r.URL(u))
			assert.Equal(t, "", tt.r.URL(nil))
			assert.Equal(t, "", tt.r.Error(nil, u))

			msg := tt.r.Error(&url.Error{Op: "Get", URL: u.String(), Err: errors.New("connection refused")}, u)
			assert.NotContains(t, msg, "pa55word")
			assert.NotContains(t, msg, "t0ken")
			assert.Contains(t, msg, "connection refused")

			assert.Equal(t, "REDACTED", tt.r.Header("aUtHoRiZaTiOn", []string{"Bearer abc"}, u))
			assert.Equal(t, "a, b", tt.r.Header("X-Other", []string{"a", "b"}, u))
			assert.NotContains(t, tt.r.Header("Location", []string{u.String()}, u), "t0ken")
		})
	}
	custom := logging.NewRedactor(logging.WithRedactedHeaders("X-Session"))
	assert.Equal(t, "REDACTED", custom.Header("x-session", []string{"abc"}, nil))
	assert.Equal(t, "abc", logging.NewRedactor().Header("x-session", []string{"abc"}, nil))
}

func TestRetries(t *testing.T) {
	var buf syncBuffer
	base := middlewaretest.NewTransport(
		middlewaretest.Reply{Status: http.StatusServiceUnavailable, Body: "busy"},
		middlewaretest.Reply{Err: &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}},
		middlewaretest.Reply{Status: http.StatusOK, Body: "ok"},
	)
	rt := retry.New(
		retry.WithBackoff(time.Millisecond, time.Millisecond),
		retry.WithJitter(0),
		retry.OnRetry(logging.Retries(zerolog.New(&buf), logging.WithRedactedQueryParams("session"))),
	)(base)
	req, err := http.NewRequest(http.MethodGet, "https://joe:pa55word@api.example.test/items?page=2&api_key=k3y&session=s3ss", nil)
	require.NoError(t, err)
	resp, err := rt.RoundTrip(req)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	require.NoError(t, resp.Body.Close())

	out := buf.String()
	for _, secret := range []string{"pa55word", "joe", "k3y", "s3ss"} {
		assert.NotContains(t, out, secret)
	}
	events := buf.Events(t)
	require.Len(t, events, 2, "log:\n%s", out)
	wantURL := "https://REDACTED@api.example.test/items?page=2&api_key=REDACTED&session=REDACTED"
	for i, e := range events {
		assert.Equal(t, "warn", e["level"])
		assert.Equal(t, "retrying request", e["message"])
		assert.Equal(t, "GET", e["method"])
		assert.Equal(t, wantURL, e["url"])
		assert.EqualValues(t, i+1, e["attempt"])
		assert.EqualValues(t, 1, e["delay_ms"])
	}
	assert.EqualValues(t, 503, events[0]["status"])
	assert.NotContains(t, events[0], "error")
	assert.Contains(t, events[1]["error"], "connection refused")
	assert.NotContains(t, events[1], "status")
}

func TestRetriesDisabledAllocatesNothing(t *testing.T) {
	listen := logging.Retries(zerolog.New(io.Discard).Level(zerolog.ErrorLevel))
	ev := retry.Event{Request: newBenchRequest(t, redactedURL), Attempt: 1, Delay: time.Second, StatusCode: 503}
	assert.Zero(t, testing.AllocsPerRun(100, func() { listen(ev) }))
	logging.Retries(zerolog.New(io.Discard))(retry.Event{}) // no request: ignored, no panic
}

// ExampleRetries writes a redacted warn event for each retry a retry
// middleware schedules.
func ExampleRetries() {
	logger := zerolog.New(os.Stdout)
	base := middlewaretest.NewTransport(
		middlewaretest.Reply{Status: http.StatusServiceUnavailable},
		middlewaretest.Reply{Status: http.StatusOK},
	)
	client := &http.Client{Transport: retry.New(
		retry.WithBackoff(time.Millisecond, time.Millisecond),
		retry.WithJitter(0),
		retry.OnRetry(logging.Retries(logger)),
	)(base)}

	resp, err := client.Get("https://api.example.test/items?page=2&token=s3cret")
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode)
	// Output:
	// {"level":"warn","method":"GET","url":"https://api.example.test/items?page=2&token=REDACTED","attempt":1,"status":503,"delay_ms":1,"message":"retrying request"}
	// 200
}

// ExampleRedactor redacts a URL for a log line of one's own.
func ExampleRedactor() {
	r := logging.NewRedactor(logging.WithRedactedQueryParams("session"))
	u, _ := url.Parse("https://joe:pw@api.example.test/items?page=2&session=abc&key=k")
	fmt.Println(r.URL(u))
	fmt.Println(r.Header("Authorization", []string{"Bearer abc"}, u))
	// Output:
	// https://REDACTED@api.example.test/items?page=2&session=REDACTED&key=REDACTED
	// REDACTED
}

// secretAlphabet is what planted fuzz secrets are made of: characters that
// no URL encoding changes and that REDACTED does not contain, so that a
// surviving secret is a failure and not a coincidence.
const secretAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789-._~"

func fuzzSecret(raw string) string {
	var b strings.Builder
	for i := 0; i < len(raw) && i < 64; i++ {
		b.WriteByte(secretAlphabet[int(raw[i])%len(secretAlphabet)])
	}
	return b.String()
}

// mixCase changes the case of name's letters by the bits of pattern.
func mixCase(name, pattern string) string {
	b := []byte(name)
	for i := range b {
		if len(pattern) > 0 && pattern[i%len(pattern)]>>(i%8)&1 == 1 {
			if c := b[i] | 0x20; 'a' <= c && c <= 'z' {
				b[i] ^= 0x20 // toggles an ASCII letter's case
			}
		}
	}
	return string(b)
}

var secretHeaders = []string{
	"Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie",
	"Api-Auth-Id", "Api-Auth-Signature", "X-Api-Key", "X-Session",
}

// FuzzRedactHeader checks that header redaction never panics, that a
// secret header prints REDACTED whatever the case of its name and whatever
// its value, and that a secret of the request URL (its password, a secret
// query value) never survives in any other header's value where it stands
// as a whole token.
func FuzzRedactHeader(f *testing.F) {
	f.Add("Location", "see https://u:p@h.test/?token=abc", "hunter22", "aZ")
	f.Add("X-Api-Key", "", "k3y-value", "\xff\x00")
	f.Add("Link", "<https://h.test/next?page=2&sig=zzz>; rel=next", "signature", "")
	f.Add("", "REDACTED%zz://@", "password.~", "abc")
	f.Add("set-cookie", "a=b; Path=/", "cookie_val", "\x01\x02")
	r := logging.NewRedactor(logging.WithRedactedHeaders("X-Session"))
	f.Fuzz(func(t *testing.T, name, value, rawSecret, pattern string) {
		secret := fuzzSecret(rawSecret)

		out := r.Header(name, []string{value, secret}, nil)
		for _, h := range secretHeaders {
			if strings.EqualFold(name, h) && out != "REDACTED" {
				t.Fatalf("header %q: got %q; want REDACTED", name, out)
			}
		}
		h := secretHeaders[len(pattern)%len(secretHeaders)]
		if got := r.Header(mixCase(h, pattern), []string{value, secret}, nil); got != "REDACTED" {
			t.Fatalf("header %q: got %q; want REDACTED", mixCase(h, pattern), got)
		}

		if len(secret) < 6 {
			return
		}
		u := &url.URL{Scheme: "https", Host: "api.example.test", Path: "/items",
			User: url.UserPassword("user", secret), RawQuery: "page=2&token=" + secret}
		for _, v := range [][]string{
			{value + " " + u.String()},
			{u.String(), value},
			{value + " " + secret + " " + value},
		} {
			got := r.Header("X-Debug", v, u)
			if strings.Contains(got, secret) {
				t.Fatalf("secret %q survives in %q (value %q)", secret, got, v)
			}
		}
	})
}
