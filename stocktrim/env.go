package stocktrim

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// The environment variables that supply the options not given in code.
const (
	EnvAuthID     = "STOCKTRIM_API_AUTH_ID"
	EnvSignature  = "STOCKTRIM_API_AUTH_SIGNATURE"
	EnvBaseURL    = "STOCKTRIM_BASE_URL"
	EnvMaxRetries = "STOCKTRIM_MAX_RETRIES"
	EnvTimeout    = "STOCKTRIM_TIMEOUT"
)

// The reasons a value is refused: fixed texts that never quote it, each
// the rest of a sentence whose subject is the option or variable, as in
// "STOCKTRIM_MAX_RETRIES is too large".
var (
	errNotWhole    = errors.New("is not a whole number")
	errNegative    = errors.New("is negative")
	errTooLarge    = errors.New("is too large")
	errNotDuration = errors.New("is not a number of seconds (like 30 or 2.5) or a Go duration (like 1m30s)")
	errNotPositive = errors.New("is not positive")
	errNotURL      = errors.New("is not a URL")
	errNotHTTP     = errors.New("is not an absolute http or https URL")
	errNoHost      = errors.New("has no host")
	errHasQuery    = errors.New("has a query or a fragment, which a base URL cannot carry: paths are appended to it")
)

// parseMaxRetries parses a number of retries: a whole number, zero or
// more, with optional surrounding spaces. A whole number too large for an
// int is too large, not malformed. The error never quotes s.
func parseMaxRetries(s string) (int, error) {
	s = strings.TrimSpace(s)
	n, err := strconv.Atoi(s)
	switch {
	case errors.Is(err, strconv.ErrRange) && strings.HasPrefix(s, "-"):
		return 0, errNegative
	case errors.Is(err, strconv.ErrRange):
		return 0, errTooLarge
	case err != nil:
		return 0, errNotWhole
	case n < 0:
		return 0, errNegative
	}
	return n, nil
}

// parseTimeout parses an attempt timeout: seconds as a decimal number,
// like 30 or 2.5, or a Go duration, like 1m30s or 500ms, with optional
// surrounding spaces. It must be positive and fit a time.Duration. The
// error never quotes s.
func parseTimeout(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if rest, neg := strings.CutPrefix(s, "-"); neg && isDecimal(rest) {
		return 0, errNotPositive // a negative number: say so, not "too large"; a negative duration parses
	}
	var d time.Duration
	if isDecimal(s) {
		// As a duration in seconds, parsed exactly: through a float64,
		// 7000000001 seconds came out 512 ns short.
		var err error
		if d, err = time.ParseDuration(s + "s"); err != nil {
			return 0, errTooLarge
		}
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, errNotDuration
		}
	}
	if d <= 0 {
		return 0, errNotPositive
	}
	return d, nil
}

// isDecimal reports whether s is digits with at most one decimal point
// and at least one digit: "30", "2.5", ".5", "5.".
func isDecimal(s string) bool {
	digits, points := 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.':
			points++
		default:
			return false
		}
	}
	return digits > 0 && points <= 1
}

// parseBaseURL checks that s is an absolute http or https URL with a host
// and neither query nor fragment, and returns it parsed, without the
// trailing slashes of its path, so that base + "/api/Products" is a
// route. The error never quotes s, which may carry user info.
func parseBaseURL(s string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(s))
	switch {
	case err != nil:
		return nil, errNotURL
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, errNotHTTP
	case u.Hostname() == "":
		return nil, errNoHost
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(s, "#"):
		return nil, errHasQuery
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = strings.TrimRight(u.RawPath, "/")
	return u, nil
}
