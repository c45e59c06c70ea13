// Package middleware defines the two types every roundtrip middleware is
// built from: [Middleware], a function that wraps one [http.RoundTripper] in
// another, and [Func], an adapter that lets an ordinary function serve as an
// [http.RoundTripper].
//
// # The RoundTripper contract
//
// Every middleware in this module, and every middleware you write to compose
// with them, keeps the contract of [http.RoundTripper]:
//
//   - It never modifies the caller's request. A middleware that changes
//     headers or the context works on req.Clone(ctx), made just before the
//     change; a shallow copy would share the header map.
//   - It is safe for concurrent use: its configuration is fixed when it is
//     constructed.
//   - It returns either a response or an error, never both. A status code,
//     even 5xx, is a response and not an error.
//   - On every path that returns before delegating, it closes req.Body.
//     After delegating, closing the body is the next RoundTripper's job.
//   - Whatever is scoped to one attempt (a deadline, a log's duration) ends
//     when the response body is closed or read to EOF, never when RoundTrip
//     returns, so the caller can still read the body.
//   - A response it discards (one it retries, say) is drained, at most a
//     bounded number of bytes, and closed so that its connection goes back
//     to the pool.
//
// The package [github.com/roundtrip-go/roundtrip/middleware/middlewaretest]
// has a scripted RoundTripper and a contract check to test a middleware with.
package middleware
