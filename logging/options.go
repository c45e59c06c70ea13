package logging

// defaultBodyLimit is the size of the debug body excerpts when
// [WithBodyLimit] is not given.
const defaultBodyLimit = 200

// defaultRedactedHeaders are the headers whose values are never logged.
var defaultRedactedHeaders = []string{
	"Authorization",
	"Proxy-Authorization",
	"Cookie",
	"Set-Cookie",
	"Api-Auth-Id",
	"Api-Auth-Signature",
	"X-Api-Key",
}

// defaultRedactedQueryParams are the query parameters whose values are never
// logged.
var defaultRedactedQueryParams = []string{
	"api_key",
	"apikey",
	"key",
	"token",
	"access_token",
	"signature",
	"sig",
	"password",
	"secret",
	"client_secret",
}

// Option configures [New] and [NewSlog].
type Option func(*config)

// config is the immutable configuration of one logging middleware.
type config struct {
	headers   []string // redacted header names, matched case-insensitively
	params    []string // redacted query parameter names, matched case-insensitively
	bodyLimit int      // debug excerpt size; 0 = no excerpts
}

func newConfig(opts []Option) config {
	c := config{
		headers:   append([]string(nil), defaultRedactedHeaders...),
		params:    append([]string(nil), defaultRedactedQueryParams...),
		bodyLimit: defaultBodyLimit,
	}
	for _, opt := range opts {
		if opt != nil {
			opt(&c)
		}
	}
	return c
}

// WithRedactedHeaders adds header names, matched case-insensitively, whose
// values are logged as REDACTED. They add to the defaults (Authorization,
// Proxy-Authorization, Cookie, Set-Cookie, Api-Auth-Id, Api-Auth-Signature,
// X-Api-Key), which cannot be removed. Empty names are ignored.
func WithRedactedHeaders(names ...string) Option {
	names = nonEmpty(names)
	return func(c *config) { c.headers = append(c.headers, names...) }
}

// WithRedactedQueryParams adds query parameter names, matched
// case-insensitively after percent-decoding, whose values are logged as
// REDACTED, in the URL and in the fragment. They add to the defaults
// (api_key, apikey, key, token, access_token, signature, sig, password,
// secret, client_secret), which cannot be removed. The same names are
// redacted in form-encoded body excerpts and in the URLs that header
// values, error messages and body excerpts quote. Empty names are ignored.
func WithRedactedQueryParams(names ...string) Option {
	names = nonEmpty(names)
	return func(c *config) { c.params = append(c.params, names...) }
}

// WithBodyLimit sets how many bytes of the request and response bodies a
// debug event shows. The default is 200; zero means the default and a
// negative n turns body excerpts off. It never limits what the caller
// reads.
func WithBodyLimit(n int) Option {
	return func(c *config) {
		switch {
		case n == 0:
			c.bodyLimit = defaultBodyLimit
		case n < 0:
			c.bodyLimit = 0
		default:
			c.bodyLimit = n
		}
	}
}

// nonEmpty returns a copy of names without the empty strings.
func nonEmpty(names []string) []string {
	out := make([]string, 0, len(names))
	for _, n := range names {
		if n != "" {
			out = append(out, n)
		}
	}
	return out
}
