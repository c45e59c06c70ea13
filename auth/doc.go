// Package auth adds credential headers to outgoing requests, and only to
// the hosts they belong to.
//
// [Header], [Headers] and [Bearer] set (replace) headers on a copy of each
// request; the caller's request is never changed. [OnlyHosts] scopes them
// to host names and [OnlyOrigins] to origins (scheme, host and port): a
// request out of scope, such as a redirect to a third party that
// net/http's client follows through the same transport, or from https to
// plain http, goes out without them. Prefer OnlyOrigins for credentials
// that must never travel in clear text.
//
// The copy's context marks the names of the headers set as secret, so
// that a logging middleware below auth in the chain redacts them whatever
// their names, X-Auth-Token as well as Authorization.
//
// Header names and values are checked once, when the middleware is built,
// with golang.org/x/net/http/httpguts. An invalid name or a value with CR,
// LF or NUL would let a credential from configuration inject headers into
// the request, so such a middleware sends nothing: every round trip fails
// with an error that wraps [ErrInvalidHeader] and names the header, never
// its value.
package auth
