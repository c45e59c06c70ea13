package stocktrim

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"golang.org/x/net/http/httpguts"

	"github.com/roundtrip-go/roundtrip"
	"github.com/roundtrip-go/roundtrip/auth"
	"github.com/roundtrip-go/roundtrip/logging"
	"github.com/roundtrip-go/roundtrip/logging/retrylog"
	"github.com/roundtrip-go/roundtrip/middleware"
	"github.com/roundtrip-go/roundtrip/retry"
	"github.com/roundtrip-go/roundtrip/timeout"
)

// The StockTrim credential headers.
const (
	HeaderAuthID    = "api-auth-id"
	HeaderSignature = "api-auth-signature"
)

// newConfig applies the options, skipping nil ones.
func newConfig(opts []Option) *config {
	c := &config{}
	for _, o := range opts {
		if o != nil {
			o(c)
		}
	}
	return c
}

// settings are the resolved options: code, then environment, then default.
type settings struct {
	authID, signature string
	base              *url.URL // parsed, without trailing slashes
	maxRetries        int
	timeout           time.Duration
}

// resolve fills in the options not given from the environment and the
// defaults, and checks them all. It returns every problem at once, joined.
func (c *config) resolve() (settings, error) {
	var s settings
	var errs []error

	var idFrom, sigFrom string
	s.authID, idFrom = setting(c.authID, "the auth id of WithCredentials", EnvAuthID)
	s.signature, sigFrom = setting(c.signature, "the signature of WithCredentials", EnvSignature)
	if s.authID == "" || s.signature == "" {
		errs = append(errs, fmt.Errorf("%w: set %s and %s, or use WithCredentials (%s)",
			ErrMissingCredentials, EnvAuthID, EnvSignature, missing(s.authID == "", s.signature == "")))
	}
	for _, cred := range []struct{ value, from string }{{s.authID, idFrom}, {s.signature, sigFrom}} {
		if why := badCredential(cred.value); why != "" {
			errs = append(errs, fmt.Errorf("%w: %s %s", ErrInvalidCredentials, cred.from, why))
		}
	}

	if u, err := c.resolveBaseURL(); err != nil {
		errs = append(errs, err)
	} else {
		s.base = u
	}

	s.maxRetries = DefaultMaxRetries
	switch env := os.Getenv(EnvMaxRetries); {
	case c.maxRetries != nil && *c.maxRetries < 0:
		errs = append(errs, fmt.Errorf("%w: WithMaxRetries(%d) is negative", ErrInvalidMaxRetries, *c.maxRetries))
	case c.maxRetries != nil:
		s.maxRetries = *c.maxRetries
	case env != "":
		n, err := parseMaxRetries(env)
		if err != nil {
			errs = append(errs, fmt.Errorf("%w: %s %v", ErrInvalidMaxRetries, EnvMaxRetries, err))
		}
		s.maxRetries = n
	}

	s.timeout = DefaultTimeout
	switch env := os.Getenv(EnvTimeout); {
	case c.timeout != nil && *c.timeout <= 0:
		errs = append(errs, fmt.Errorf("%w: WithTimeout(%v) is not positive", ErrInvalidTimeout, *c.timeout))
	case c.timeout != nil:
		s.timeout = *c.timeout
	case env != "":
		d, err := parseTimeout(env)
		if err != nil {
			errs = append(errs, fmt.Errorf("%w: %s %v", ErrInvalidTimeout, EnvTimeout, err))
		}
		s.timeout = d
	}
	return s, errors.Join(errs...)
}

// setting returns the value given in code, else the environment
// variable's, and names where it came from: option or env.
func setting(given, option, env string) (value, from string) {
	if given != "" {
		return given, option
	}
	return os.Getenv(env), env
}

// badCredential says what keeps v from being sent as a header value as it
// is, or returns "" when nothing does. It never quotes v.
func badCredential(v string) string {
	switch {
	case !httpguts.ValidHeaderFieldValue(v):
		return "has a character a header value cannot carry, such as a newline or another control character"
	case strings.Trim(v, " \t") != v:
		return "starts or ends with white space, which the server would not receive; trim it"
	}
	return ""
}

// missing names the missing credentials.
func missing(id, sig bool) string {
	switch {
	case id && sig:
		return "both are missing"
	case id:
		return "the auth id is missing"
	default:
		return "the signature is missing"
	}
}

// Middlewares returns the middlewares of the default stack, outermost
// first, for a chain of one's own:
//
//	retry → idle timeout per attempt → auth → logging (with WithLogger only)
//
// so that roundtrip.Chain(mws...).Then(base) is what [NewTransport] builds
// on base.
//
// The retry layer retries the POSTs that create or update by a key
// (POST /api/Products, /api/Locations and /api/V2/Locations under the
// base URL) like a PUT, on every retryable condition; other POSTs only
// when they cannot have had an effect (see package retry). [WithTransport] plays no part here. Each call returns new
// middlewares; they hold no state between requests beyond their
// configuration and may be used in any number of chains.
//
// It returns an error, and no middleware, when an option or environment
// variable is missing or malformed; see the Err values.
func Middlewares(opts ...Option) ([]middleware.Middleware, error) {
	return newConfig(opts).middlewares()
}

func (c *config) middlewares() ([]middleware.Middleware, error) {
	s, err := c.resolve()
	if err != nil {
		return nil, err
	}
	retryOpts := []retry.Option{retry.WithMaxRetries(s.maxRetries), retry.WithBudget(c.retryBudget())}
	if c.logger != nil {
		retryOpts = append(retryOpts, retrylog.New(*c.logger))
	}
	retries := retry.New(append(retryOpts, c.retryOpts...)...)
	upserts := markUpserts(s.base, retryAsIdempotent)
	mws := []middleware.Middleware{
		func(next http.RoundTripper) http.RoundTripper { return upserts(retries(next)) },
		timeout.Idle(s.timeout),
		auth.Headers(map[string]string{
			HeaderAuthID:    s.authID,
			HeaderSignature: s.signature,
		}, auth.OnlyOrigins(origin(s.base))),
	}
	if c.logger != nil {
		mws = append(mws, logging.New(*c.logger))
	}
	return mws, nil
}

// NewTransport returns the default stack for the StockTrim API as one
// RoundTripper: the [Middlewares] over the [WithTransport] base, by
// default a new tuned clone of [http.DefaultTransport]. It is safe for
// concurrent use and meant to be shared. It returns an error, and no
// transport, when an option or environment variable is missing or
// malformed.
func NewTransport(opts ...Option) (http.RoundTripper, error) {
	c := newConfig(opts)
	mws, err := c.middlewares()
	if err != nil {
		return nil, err
	}
	base := c.transport
	if base == nil {
		base = newBaseTransport()
	}
	return roundtrip.Chain(mws...).Then(base), nil
}

// NewClient returns an [http.Client] whose Transport is [NewTransport]'s.
// It has no Timeout of its own: each attempt has its idle limit, and a whole
// call, retries included, is bounded by its request's context. Redirects
// are followed as net/http does; the credentials go only to the base URL's
// origin (scheme, host and port). It returns an error, and no client, when
// an option or environment variable is missing or malformed.
func NewClient(opts ...Option) (*http.Client, error) {
	rt, err := NewTransport(opts...)
	if err != nil {
		return nil, err
	}
	return &http.Client{Transport: rt}, nil
}

// newBaseTransport returns a new transport for an API client: a clone of
// http.DefaultTransport (proxy from the environment, dial and TLS
// timeouts), with 16 idle connections kept per host instead of 2 and
// HTTP/2 attempted. It never changes http.DefaultTransport.
func newBaseTransport() *http.Transport {
	var t *http.Transport
	if dt, ok := http.DefaultTransport.(*http.Transport); ok {
		t = dt.Clone()
	} else { // replaced by someone: start from net/http's defaults
		t = &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			MaxIdleConns:          100,
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   10 * time.Second,
			ExpectContinueTimeout: time.Second,
		}
	}
	t.MaxIdleConnsPerHost = max(t.MaxIdleConnsPerHost, 16)
	t.MaxIdleConns = max(t.MaxIdleConns, t.MaxIdleConnsPerHost)
	t.ForceAttemptHTTP2 = true
	return t
}
