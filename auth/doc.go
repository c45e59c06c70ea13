// Package auth adds credential headers to outgoing requests, and only to
// the hosts they belong to.
//
// [Header], [Headers] and [Bearer] set (replace) headers on a copy of each
// request; the caller's request is never changed. [OnlyHosts] scopes them:
// a request to any other host, such as a redirect to a third party that
// net/http's client follows through the same transport, goes out without
// them.
//
// Header names and values are checked once, when the middleware is built,
// with golang.org/x/net/http/httpguts. An invalid name or a value with CR,
// LF or NUL would let a credential from configuration inject headers into
// the request, so such a middleware sends nothing: every round trip fails
// with an error that wraps [ErrInvalidHeader] and names the header, never
// its value.
package auth
