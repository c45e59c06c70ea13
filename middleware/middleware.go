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

// CloseIdleConnections closes the idle connections of rt, if it keeps any:
// it calls rt.CloseIdleConnections when rt has that method, as
// [http.Client.CloseIdleConnections] does, and does nothing otherwise,
// including for a nil rt. Middlewares call it from their own
// CloseIdleConnections method so that the call reaches the base transport
// through a whole chain.
func CloseIdleConnections(rt http.RoundTripper) {
	if c, ok := rt.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}
