package stocktrim

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// BaseURL returns the base URL that a stack built with the same options
// calls: the one given with [WithBaseURL], else STOCKTRIM_BASE_URL, else
// [DefaultBaseURL], without trailing slashes, so that
//
//	base, err := stocktrim.BaseURL(opts...)
//	...
//	resp, err := client.Get(base + "/api/Products")
//
// reaches the API that the client's credentials are for, whatever the
// environment says. Options other than WithBaseURL are ignored and not
// checked. A base URL that is not an absolute http or https URL with a
// host, or that has a query or a fragment, is an error
// ([ErrInvalidBaseURL]) naming the option or variable, never quoting the
// URL.
func BaseURL(opts ...Option) (string, error) {
	u, err := newConfig(opts).resolveBaseURL()
	if err != nil {
		return "", err
	}
	return u.String(), nil
}

// resolveBaseURL returns the base URL given in code, else in the
// environment, else the default, parsed and checked by parseBaseURL.
func (c *config) resolveBaseURL() (*url.URL, error) {
	raw, from := setting(c.baseURL, "WithBaseURL", EnvBaseURL)
	if raw == "" {
		from, raw = "DefaultBaseURL", DefaultBaseURL
	}
	u, err := parseBaseURL(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %s %v", ErrInvalidBaseURL, from, err)
	}
	return u, nil
}

// origin returns the origin of u as scheme://host:port: scheme and host
// in lower case, the port made explicit (80 for http, 443 for https when
// u has none), an IPv6 host in brackets. Two URLs are same-origin when
// their origins are equal strings. It is the form auth.OnlyOrigins takes.
func origin(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	port := u.Port()
	if port == "" {
		switch scheme {
		case "http":
			port = "80"
		case "https":
			port = "443"
		}
	}
	return scheme + "://" + net.JoinHostPort(strings.ToLower(u.Hostname()), port)
}
