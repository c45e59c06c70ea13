package middleware

import "net/http"

// Middleware wraps the next RoundTripper in another. It is called once, when
// a chain is built, never per request. A Middleware must not return nil; it
// may return next unchanged when it has nothing to do.
type Middleware func(next http.RoundTripper) http.RoundTripper

// Func adapts an ordinary function to [http.RoundTripper], in the manner of
// [http.HandlerFunc]. A nil Func panics when called, as a nil function
// would.
type Func func(*http.Request) (*http.Response, error)

var _ http.RoundTripper = Func(nil)

// RoundTrip calls f(req).
func (f Func) RoundTrip(req *http.Request) (*http.Response, error) {
	return f(req)
}
