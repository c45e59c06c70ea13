package auth

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// ErrInvalidScope is wrapped by the error of every round trip through a
// middleware given an [OnlyHosts] name that is not a host name or an
// [OnlyOrigins] origin that is not scheme://host[:port]. Such a middleware
// sends nothing, rather than scope the credentials to a host nobody meant.
var ErrInvalidScope = errors.New("auth: invalid scope")

// OnlyHosts limits the headers to requests whose URL host is one of hosts.
// Names are compared case-insensitively, and a port, in hosts or in the
// request URL, is ignored: OnlyHosts("API.example.com:443") matches
// https://api.example.com/x. An IPv6 address may be given with or without
// brackets ("::1", "[::1]", "[::1]:443"). Empty names are ignored. Several
// OnlyHosts and [OnlyOrigins] options add up: a request in scope of any of
// them gets the headers.
//
// Without OnlyHosts or OnlyOrigins, the headers go to every host. OnlyHosts
// with no non-empty name fails closed: the headers go to no host at all.
//
// A name that is not a bare host name, such as a URL
// ("https://api.example.com"), a scheme or a path, makes every round trip
// fail with an error wrapping [ErrInvalidScope], before anything is sent:
// scoping to a host named "https" would send nothing where it was meant
// to. Use [OnlyOrigins] to scope by scheme and port too.
func OnlyHosts(hosts ...string) Option {
	return scope(hosts, parseHost, func(c *config, h string) { c.hosts = append(c.hosts, h) })
}

// OnlyOrigins limits the headers to requests whose scheme, host and port
// all match one of origins exactly, as a browser compares origins. An
// origin is written scheme://host[:port], such as
// "https://api.example.com" or "http://127.0.0.1:8080"; the scheme is http
// or https, and a missing port is the scheme's default (80 or 443), in the
// origins and in the request URL alike. Scheme and host are compared
// case-insensitively; a lone trailing "/" is allowed. Empty origins are
// ignored. Several OnlyOrigins and [OnlyHosts] options add up.
//
// So an https origin's credentials never go over plain http, even to the
// same host, nor to another port of it: a redirect from
// https://api.example.com to http://api.example.com:8080 goes out without
// them. OnlyOrigins with no non-empty origin fails closed: the headers go
// to no request at all.
//
// An origin that is not scheme://host[:port], or that has a path, a query,
// a fragment or user info, makes every round trip fail with an error
// wrapping [ErrInvalidScope], before anything is sent; the error never
// repeats user info.
func OnlyOrigins(origins ...string) Option {
	return scope(origins, parseOrigin, func(c *config, o origin) { c.origins = append(c.origins, o) })
}

// scope returns an Option that scopes the headers to the non-empty values,
// parsed by parse and added by add; the first value parse rejects is the
// error of every round trip.
func scope[T any](values []string, parse func(string) (T, error), add func(*config, T)) Option {
	return func(c *config) {
		c.scoped = true
		for _, v := range values {
			if strings.TrimSpace(v) == "" {
				continue
			}
			parsed, err := parse(v)
			if err != nil {
				c.fail(err)
				continue
			}
			add(c, parsed)
		}
	}
}

// fail keeps the first configuration error.
func (c *config) fail(err error) {
	if c.err == nil {
		c.err = err
	}
}

// origin is a parsed [OnlyOrigins] origin: lower-case scheme and host (no
// brackets, no trailing dot) and an explicit port.
type origin struct {
	scheme, host, port string
}

// defaultPort returns the port a URL of scheme has when it names none, or
// "" for a scheme other than http and https.
func defaultPort(scheme string) string {
	switch scheme {
	case "http":
		return "80"
	case "https":
		return "443"
	}
	return ""
}

func parseOrigin(s string) (origin, error) {
	bad := func(why string) error {
		return fmt.Errorf("%w: OnlyOrigins(%s): %s; want scheme://host[:port], such as https://api.example.com", ErrInvalidScope, quote(s), why)
	}
	u, err := url.Parse(strings.TrimSpace(s))
	switch {
	case err != nil:
		return origin{}, bad("not a URL")
	case u.User != nil:
		return origin{}, bad("it has user info")
	case u.Scheme == "" || u.Opaque != "" || u.Host == "":
		return origin{}, bad("no scheme://host")
	case defaultPort(u.Scheme) == "":
		return origin{}, bad("the scheme is not http or https")
	case u.Path != "" && u.Path != "/":
		return origin{}, bad("it has a path")
	case u.RawQuery != "" || u.ForceQuery:
		return origin{}, bad("it has a query")
	case u.Fragment != "" || strings.Contains(s, "#"):
		return origin{}, bad("it has a fragment")
	}
	host := normalizeHost(u.Hostname())
	if !validHost(host) {
		return origin{}, bad("the host is not a host name or IP address")
	}
	port := u.Port()
	if port == "" {
		if strings.HasSuffix(u.Host, ":") {
			return origin{}, bad("the port is empty")
		}
		port = defaultPort(u.Scheme)
	} else if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return origin{}, bad("the port is not a number from 1 to 65535")
	} else {
		port = strconv.Itoa(n) // "0443" is 443
	}
	return origin{scheme: u.Scheme, host: host, port: port}, nil
}

// parseHost returns the normalized host of an [OnlyHosts] name, or why it
// is not one.
func parseHost(s string) (string, error) {
	bad := func(why string) (string, error) {
		return "", fmt.Errorf("%w: OnlyHosts(%s): %s; want a host name such as api.example.com, optionally with a port (or use OnlyOrigins)", ErrInvalidScope, quote(s), why)
	}
	h := strings.TrimSpace(s)
	if strings.Contains(h, "://") {
		return bad("a URL, not a host name")
	}
	if strings.ContainsAny(h, "/?#@\\ ") {
		return bad("not a bare host name")
	}
	if ip := strings.TrimSuffix(strings.TrimPrefix(h, "["), "]"); len(ip) == len(h)-2 || ip == h {
		// An IP address, IPv6 with brackets or without.
		if _, err := netip.ParseAddr(ip); err == nil {
			return normalizeHost(ip), nil
		}
	}
	if host, port, err := net.SplitHostPort(h); err == nil {
		if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
			return bad("the part after the colon is not a port")
		}
		h = host
	} else if strings.Contains(h, ":") || strings.HasPrefix(h, "[") {
		return bad("not a host name, nor host:port")
	}
	h = normalizeHost(h)
	if !validHost(h) {
		return bad("not a host name or IP address")
	}
	if h == "http" || h == "https" {
		// The likeliest way to get here is a URL cut at its colon; a host
		// of that name is not worth the trap.
		return bad("a scheme, not a host name")
	}
	return h, nil
}

// validHost reports whether h, normalized, is an IP address or a host name
// made of letters, digits, '-', '_' and dots.
func validHost(h string) bool {
	if h == "" {
		return false
	}
	if _, err := netip.ParseAddr(h); err == nil {
		return true
	}
	for _, r := range h {
		switch {
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9', r == '-', r == '_', r == '.':
		default:
			return false
		}
	}
	return true
}

// normalizeHost lower-cases h and strips IPv6 brackets and a trailing dot.
func normalizeHost(h string) string {
	h = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
	return strings.ToLower(strings.TrimSuffix(h, "."))
}

// quote quotes s for an error message, unless it may hold a secret: user
// info (a password before '@'), or a query or fragment (a token after '?'
// or '#').
func quote(s string) string {
	if i := strings.IndexAny(s, "@?#"); i >= 0 {
		return "(value not shown: it contains '" + s[i:i+1] + "')"
	}
	return strconv.Quote(s)
}

// inScope reports whether the headers go to u.
func (c *config) inScope(u *url.URL) bool {
	if !c.scoped {
		return true
	}
	host := strings.TrimSuffix(u.Hostname(), ".")
	for _, want := range c.hosts {
		if strings.EqualFold(want, host) {
			return true
		}
	}
	if len(c.origins) == 0 {
		return false
	}
	scheme := strings.ToLower(u.Scheme)
	port := u.Port()
	if port == "" {
		port = defaultPort(scheme)
	} else if n, err := strconv.Atoi(port); err == nil {
		port = strconv.Itoa(n) // as parseOrigin writes it: "0443" is 443
	}
	for _, o := range c.origins {
		if o.scheme == scheme && o.port == port && strings.EqualFold(o.host, host) {
			return true
		}
	}
	return false
}
