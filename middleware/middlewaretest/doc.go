// Package middlewaretest helps unit-test and benchmark a middleware on its
// own, with no network (but for the HTTP/2 servers):
//
//   - [Transport] is a scripted [http.RoundTripper] that answers from a
//     list of [Reply] values and records every request it received;
//   - [ErrConnReset], [ErrConnRefused], [ErrAttemptTimeout] and
//     [ErrStreamReset] are ready faults for [Reply].Err, shaped as net/http
//     returns the real failures, so that a retry policy classifies them as
//     it would the real ones;
//   - [Body] is a request or response body that counts its closes;
//   - [CheckContract] verifies that a middleware keeps the RoundTripper
//     contract described in package
//     [github.com/roundtrip-go/roundtrip/middleware], including that
//     whatever it holds per request lives until the response body is
//     closed, and no longer;
//   - [NewHTTP2Server] and [ResetServer] are the exception to "no
//     network": loopback HTTP/2 servers that answer at the frame level,
//     for faults a real server does not make on demand (a reset stream, a
//     refused one, a GOAWAY). ResetServer resets every stream with
//     PROTOCOL_ERROR and counts the requests that reach it, to check what a
//     stack puts on the wire when net/http starts replaying;
//   - [Static] is the cheapest possible base transport, a fixed answer from
//     memory, and [Benchmark] runs a RoundTripper over it in a benchmark
//     loop, so that what is measured is the middleware alone.
package middlewaretest
