package auth

import (
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"slices"
	"strings"

	"golang.org/x/net/http/httpguts"

	"github.com/roundtrip-go/roundtrip/internal/owned"
	"github.com/roundtrip-go/roundtrip/middleware"
)

// ErrInvalidHeader is wrapped by the error of every round trip through a
// middleware built with an invalid header name or value. Fix the
// configuration the credential came from.
var ErrInvalidHeader = errors.New("auth: invalid header")

// Option configures [Header], [Headers] and [Bearer].
type Option func(*config)

type config struct {
	scoped bool
	hosts  []string // lower case, no port, no trailing dot
}

// OnlyHosts limits the headers to requests whose URL host is one of hosts.
// Names are compared case-insensitively, and a port, in hosts or in the
// request URL, is ignored: OnlyHosts("API.example.com:443") matches
// https://api.example.com/x. Empty names are ignored. Several OnlyHosts
// options add up.
//
// Without OnlyHosts, the headers go to every host. OnlyHosts with no
// non-empty name fails closed: the headers go to no host at all.
func OnlyHosts(hosts ...string) Option {
	return func(c *config) {
		c.scoped = true
		for _, h := range hosts {
			if h = normalizeHost(h); h != "" {
				c.hosts = append(c.hosts, h)
			}
		}
	}
}

// normalizeHost lower-cases h and strips a port, IPv6 brackets and a
// trailing dot.
func normalizeHost(h string) string {
	h = strings.TrimSpace(h)
	if host, _, err := net.SplitHostPort(h); err == nil {
		h = host
	}
	h = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
	return strings.ToLower(strings.TrimSuffix(h, "."))
}

// Header returns a middleware that sets header name to value on every
// request (on a copy), replacing any value the request had. The name is
// canonicalized as by [http.CanonicalHeaderKey]. An empty value is sent as
// an empty header.
//
// A nil next means [http.DefaultTransport]; nil options are ignored, and
// with no [OnlyHosts] option the header goes to every host. An invalid name
// or value fails every request with [ErrInvalidHeader], before anything
// is sent.
func Header(name, value string, opts ...Option) middleware.Middleware {
	return newMiddleware([]string{name}, []string{value}, opts)
}

// Headers returns a middleware that sets every header of headers, as
// [Header] does for one, with the same handling of nil next, options and
// invalid headers. A nil or empty map gives a middleware that passes
// requests through unchanged.
func Headers(headers map[string]string, opts ...Option) middleware.Middleware {
	names := slices.Sorted(maps.Keys(headers))
	values := make([]string, len(names))
	for i, n := range names {
		values[i] = headers[n]
	}
	return newMiddleware(names, values, opts)
}

// Bearer returns a middleware that sets "Authorization: Bearer <token>",
// as RFC 6750 describes, with the handling of nil next, options and
// invalid values of [Header]. An empty token is sent as "Bearer " with
// nothing after it; the server decides what that means.
func Bearer(token string, opts ...Option) middleware.Middleware {
	return newMiddleware([]string{"Authorization"}, []string{"Bearer " + token}, opts)
}

func newMiddleware(names, values []string, opts []Option) middleware.Middleware {
	var cfg config
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	set := make([]field, 0, len(names))
	var invalid error
	for i, name := range names {
		if err := validate(name, values[i]); err != nil && invalid == nil {
			invalid = err
		}
		// A one-element slice with no spare capacity: a later Add on the
		// request's header reallocates instead of writing into it.
		set = append(set, field{key: http.CanonicalHeaderKey(name), value: []string{values[i]}})
	}
	return func(next http.RoundTripper) http.RoundTripper {
		if next == nil {
			next = http.DefaultTransport
		}
		if len(set) == 0 && invalid == nil {
			return next
		}
		return &transport{next: next, set: set, cfg: cfg, invalid: invalid}
	}
}

// validate reports why name or value cannot be sent. It never includes
// the value.
func validate(name, value string) error {
	if !httpguts.ValidHeaderFieldName(name) {
		return fmt.Errorf("%w: name %q is not a valid header name", ErrInvalidHeader, name)
	}
	if !httpguts.ValidHeaderFieldValue(value) {
		return fmt.Errorf("%w: value of %q contains a control character such as CR, LF or NUL", ErrInvalidHeader, http.CanonicalHeaderKey(name))
	}
	return nil
}

type field struct {
	key   string
	value []string
}

type transport struct {
	next    http.RoundTripper
	set     []field
	cfg     config
	invalid error
}

var _ owned.RoundTripper = (*transport)(nil)

// RoundTrip sends a copy of req with the headers set, or req itself when
// its host is out of scope.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.invalid != nil {
		return nil, t.refuse(req)
	}
	if !t.inScope(req) {
		return t.next.RoundTrip(req)
	}
	out := new(http.Request)
	*out = *req
	t.setHeaders(out)
	return owned.RoundTrip(t.next, out)
}

// RoundTripOwned is RoundTrip for a request the caller gave up: the headers
// are set on it in place, on a header map of its own.
func (t *transport) RoundTripOwned(req *http.Request, _ owned.Handoff) (*http.Response, error) {
	if t.invalid != nil {
		return nil, t.refuse(req)
	}
	if t.inScope(req) {
		t.setHeaders(req)
	}
	return owned.RoundTrip(t.next, req)
}

// refuse closes req's body, as RoundTrip must even on error, and returns
// why the headers cannot be sent.
func (t *transport) refuse(req *http.Request) error {
	if req.Body != nil {
		req.Body.Close()
	}
	return t.invalid
}

// setHeaders gives out a header map of its own: out's headers, which it
// shares with the caller's request, plus ours.
func (t *transport) setHeaders(out *http.Request) {
	h := make(http.Header, len(out.Header)+len(t.set))
	for k, v := range out.Header {
		// Clipped, so an Add further down reallocates instead of writing
		// into the caller's backing array.
		h[k] = slices.Clip(v)
	}
	for _, f := range t.set {
		h[f.key] = f.value
	}
	out.Header = h
}

func (t *transport) inScope(req *http.Request) bool {
	if !t.cfg.scoped {
		return true
	}
	if h := req.URL.Host; !strings.Contains(h, ":") {
		// The usual case, a lower-case name with no port, needs no parsing.
		if slices.Contains(t.cfg.hosts, h) {
			return true
		}
	}
	host := req.URL.Hostname()
	host = strings.TrimSuffix(host, ".")
	for _, h := range t.cfg.hosts {
		if strings.EqualFold(h, host) {
			return true
		}
	}
	return false
}

// CloseIdleConnections closes the idle connections of the next
// RoundTripper, so that [http.Client.CloseIdleConnections] reaches the base
// transport through this middleware.
func (t *transport) CloseIdleConnections() { middleware.CloseIdleConnections(t.next) }
