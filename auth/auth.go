package auth

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"

	"golang.org/x/net/http/httpguts"

	"github.com/roundtrip-go/roundtrip/internal/secret"
	"github.com/roundtrip-go/roundtrip/middleware"
)

// ErrInvalidHeader is wrapped by the error of every round trip through a
// middleware built with an invalid header name or value. Fix the
// configuration the credential came from.
var ErrInvalidHeader = errors.New("auth: invalid header")

// Option configures [Header], [Headers] and [Bearer].
type Option func(*config)

type config struct {
	scoped  bool
	hosts   []string // lower case, no port, no brackets, no trailing dot
	origins []origin
	err     error // the first invalid OnlyHosts or OnlyOrigins value
}

// Header returns a middleware that sets header name to value on every
// request (on a copy), replacing any value the request had. The name is
// canonicalized as by [http.CanonicalHeaderKey]. An empty value is sent as
// an empty header.
//
// A nil next means [http.DefaultTransport]; nil options are ignored, and
// with no [OnlyHosts] or [OnlyOrigins] option the header goes to every
// host. An invalid name
// or value fails every request with [ErrInvalidHeader], and an invalid
// scope with [ErrInvalidScope], before anything is sent.
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
	invalid := cfg.err
	for i, name := range names {
		if err := validate(name, values[i]); err != nil && invalid == nil {
			invalid = err
		}
		// A one-element slice with no spare capacity: a later Add on the
		// request's header reallocates instead of writing into it.
		set = append(set, field{key: http.CanonicalHeaderKey(name), value: []string{values[i]}})
	}
	secrets := secret.NewNames(names...)
	return func(next http.RoundTripper) http.RoundTripper {
		if next == nil {
			next = http.DefaultTransport
		}
		if len(set) == 0 && invalid == nil {
			return next
		}
		return &transport{next: next, set: set, secrets: secrets, cfg: cfg, invalid: invalid}
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
	secrets *secret.Names // the names of set, marked secret
	cfg     config
	invalid error
}

var _ http.RoundTripper = (*transport)(nil)

// RoundTrip sends a copy of req with the headers set, or req itself when
// its URL is out of scope. The copy's context marks the headers secret
// (see internal/secret), so that a logging layer below redacts them
// whatever their names.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.invalid != nil {
		return nil, t.refuse(req)
	}
	if !t.cfg.inScope(req.URL) {
		return t.next.RoundTrip(req)
	}
	out := req.WithContext(t.secrets.Mark(req.Context()))
	t.setHeaders(out)
	return t.next.RoundTrip(out)
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

// CloseIdleConnections closes the idle connections of the next
// RoundTripper, so that [http.Client.CloseIdleConnections] reaches the base
// transport through this middleware.
func (t *transport) CloseIdleConnections() { middleware.CloseIdleConnections(t.next) }
