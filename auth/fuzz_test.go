package auth_test

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/roundtrip-go/roundtrip/auth"
	"github.com/roundtrip-go/roundtrip/middleware/middlewaretest"
)

// FuzzOnlyOrigins: an origin is either refused with ErrInvalidScope and
// nothing sent, or accepted, and then its own URL gets the header while
// the same host over the other scheme does not.
func FuzzOnlyOrigins(f *testing.F) {
	for _, s := range []string{
		"https://api.example.com", "http://127.0.0.1:8080", "https://[::1]:8443/",
		"https://api.example.com/v1", "https://u:p@h", "ftp://h", "h", "https://h:",
		"HTTPS://H.", "https://h:0443", "https://h?", "https://h#",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, origin string) {
		base := middlewaretest.NewTransport()
		rt := auth.Bearer("tok", auth.OnlyOrigins(origin))(base)
		u, perr := url.Parse(strings.TrimSpace(origin))
		if perr != nil || u.Host == "" {
			u, _ = url.Parse("https://unrelated.example/")
		}
		target := *u
		target.Path, target.RawQuery, target.Fragment, target.User = "/x", "", "", nil
		req, err := http.NewRequest(http.MethodGet, target.String(), nil)
		if err != nil {
			return
		}
		resp, err := rt.RoundTrip(req)
		if err != nil {
			if !errors.Is(err, auth.ErrInvalidScope) {
				t.Fatalf("got error %v; want ErrInvalidScope or none", err)
			}
			if base.Calls() != 0 {
				t.Fatalf("a refused scope sent %d requests", base.Calls())
			}
			return
		}
		resp.Body.Close()
		if strings.TrimSpace(origin) == "" {
			return
		}
		if got := base.Received()[0].Request.Header.Get("Authorization"); got != "Bearer tok" {
			t.Fatalf("origin %q accepted, but its own URL %s got %q", origin, target.String(), got)
		}
		other := target
		other.Scheme = map[string]string{"http": "https", "https": "http"}[strings.ToLower(target.Scheme)]
		req, err = http.NewRequest(http.MethodGet, other.String(), nil)
		if err != nil {
			return
		}
		resp, err = rt.RoundTrip(req)
		if err != nil {
			t.Fatalf("second round trip: %v", err)
		}
		resp.Body.Close()
		if got := base.Received()[1].Request.Header.Get("Authorization"); got != "" {
			t.Fatalf("origin %q: %s, another scheme, got %q", origin, other.String(), got)
		}
	})
}
