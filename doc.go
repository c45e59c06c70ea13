// Package roundtrip composes small, single-purpose [http.RoundTripper]
// middlewares into one transport with [Chain].
//
// The middlewares live in their own packages, one concern each:
//
//   - auth: credential headers, scoped to the hosts they belong to;
//   - retry: retries through failsafe-go policies, with HTTP semantics
//     (Retry-After, idempotent methods, replayable bodies, drained
//     connections);
//   - timeout: a deadline per attempt that also covers the response body;
//   - logging: one zerolog event per attempt, secrets redacted.
//
// The stocktrim package assembles them into the default stack for the
// StockTrim REST API; any other API can be served by a chain of its own:
//
//	client := &http.Client{Transport: roundtrip.Chain(
//		retry.New(),
//		timeout.New(30 * time.Second),
//		auth.Bearer(token, auth.OnlyHosts("api.example.com")),
//	).Then(nil)}
//
// Every middleware keeps the RoundTripper contract spelled out in package
// [github.com/roundtrip-go/roundtrip/middleware].
package roundtrip
