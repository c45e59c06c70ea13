// Package middlewaretest helps unit-test a middleware on its own, with no
// network: [Transport] is a scripted [http.RoundTripper] that answers from a
// list of replies and records every request it received, [Body] is a
// request or response body that counts its closes, and [CheckContract]
// verifies that a middleware keeps the RoundTripper contract described in
// package [github.com/roundtrip-go/roundtrip/middleware].
package middlewaretest
