package logging_test

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roundtrip-go/roundtrip/logging"
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
	// User info in a scheme-relative URL, and a word that merely equals a
	// secret value of u, in a header that is not secret.
	assert.Equal(t, "//REDACTED@h/x", logging.NewRedactor().Header("Location", []string{"//bob:TOPSECRET@h/x"}, nil))
	assert.Equal(t, "s3ss, page 2", logging.NewRedactor().Header("X-Note", []string{"s3ss, page 2"}, u))
	custom := logging.NewRedactor(logging.WithRedactedHeaders("X-Session"))
	assert.Equal(t, "REDACTED", custom.Header("x-session", []string{"abc"}, nil))
	assert.Equal(t, "abc", logging.NewRedactor().Header("x-session", []string{"abc"}, nil))
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
// its value, that a secret of a URL (its password, a secret query value)
// quoted in any other header's value never survives, scheme-relative
// ("//user:pw@host") too, that a header that is only a word equal to such
// a secret is left intact, and that an error message loses the word where
// it stands as a whole token.
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
		// A header that merely holds a word equal to a secret value of u
		// is left intact.
		if got := r.Header("X-Debug", []string{secret}, u); got != secret {
			t.Fatalf("header %q: got %q; want it intact", secret, got)
		}
		if strings.Contains(value, secret) {
			return
		}
		for _, v := range [][]string{
			{value + " " + u.String()},
			{u.String(), value},
			{value + " //user:" + secret + "@api.example.test/next"},
			{value + ", <//user:" + secret + "@h.test/n>; rel=next"},
		} {
			got := r.Header("X-Debug", v, u)
			if strings.Contains(got, secret) {
				t.Fatalf("secret %q survives in %q (value %q)", secret, got, v)
			}
		}
		// An error, which may quote u in any form, loses it even as a
		// bare word.
		msg := r.Error(errors.New(value+" "+secret+" "+value), u)
		if strings.Contains(msg, secret) {
			t.Fatalf("secret %q survives in error %q", secret, msg)
		}
	})
}
