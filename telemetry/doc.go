// Package telemetry gives OpenTelemetry what otelhttp cannot see on its
// own: which HTTP attempts are resends, and what the retry layer did. It
// uses the OpenTelemetry API only (go.opentelemetry.io/otel, /trace,
// /metric); the application chooses and configures the SDK. It imports no
// other middleware package of this module; telemetry/otelretry connects
// [Metrics] to retry.
//
// # Traces: one CLIENT span per attempt
//
// otelhttp's transport starts a CLIENT span for each request that passes
// through it. Placed below retry, it sees every attempt, so each attempt
// gets its own span, all children of the caller's span. What otelhttp
// cannot know is that an attempt is a resend: the semantic conventions
// record that as http.request.resend_count on the attempt's span, and
// [New] sets it, reading the attempt number that retry puts in the
// request's context. The chain, outermost first:
//
//	retry.New(...)                  // one call, several attempts
//	→ otelhttp.NewTransport(...)     // one CLIENT span per attempt
//	→ telemetry.New()                // resend_count on that span
//	→ ... other per-attempt layers (timeout, auth, logging)
//	→ base transport
//
// In code, with base the transport that reaches the network:
//
//	otelMW := func(next http.RoundTripper) http.RoundTripper {
//		return otelhttp.NewTransport(next)
//	}
//	rt := roundtrip.Chain(retry.New(otelretry.Metrics(m)), otelMW, telemetry.New()).Then(base)
//
// telemetry.New must sit directly below otelhttp (nothing that starts a span
// in between), because it annotates whatever span is current; without
// otelhttp between it and retry it would mark the caller's own span.
//
// # Metrics
//
// [Metrics] counts what the retry layer decided. The HTTP semantic
// conventions define no retry metrics, and their naming rules advise
// against inventing names inside a convention's namespace (a future
// http.client.* metric could clash), so the instruments live in the
// namespace of this module, roundtrip, as the rules for system-specific
// metrics ask. The attributes are the conventions' own wherever one fits.
//
//   - roundtrip.retries (Int64Counter, unit {retry}): one per retry, that
//     is, per resend the retry layer schedules. A plural name, as the
//     naming rules ask of a counter of discrete events (like
//     db.client.connection.timeouts), without _total. Each retry that is
//     then sent is one attempt span with http.request.resend_count.
//   - roundtrip.retry.give_ups (Int64Counter, unit {call}): one per call
//     that ended on a retryable failure because a limit stopped the
//     retries; the unit is the call, not an attempt. Its
//     roundtrip.retry.reason attribute says which limit.
//   - roundtrip.retry.budget_refusals (Int64Counter, unit {retry}): one per
//     retry that the retry budget refused: the signal that the budget is
//     holding back a retry storm. Such a call also counts once in
//     roundtrip.retry.give_ups with reason "budget".
//   - roundtrip.retry.delay (Float64Histogram, unit s): the wait before each
//     retry, backoff or Retry-After, in seconds as the conventions record
//     every duration (like http.client.request.duration). "delay" because
//     it is the wait decided before it starts, not time measured after;
//     bucket boundaries from 1 ms to 64 s cover test backoffs, the 16 s
//     default cap and a 60 s Retry-After.
//
// Attributes, on all four:
//
//   - http.request.method: the request's method, or _OTHER for an unknown
//     one, as the conventions define it, so cardinality stays bounded.
//   - server.address and server.port: the request URL's host and port (the
//     scheme's default when none is given), as on
//     http.client.request.duration, so retries divide by requests.
//   - the reason for the retry, from the failed attempt: its status as
//     http.response.status_code when it got a response, or error.type
//     when it failed with an error. error.type is computed as otelhttp
//     computes it for the same attempt's span (semconv.ErrorType: an
//     ErrorType method, else the error's Go type, such as *net.OpError), so
//     the two can be joined.
//   - roundtrip.retry.reason, on give-ups only: why the retries stopped
//     (max_retries, budget, deadline, max_duration, retry_after,
//     circuit_open, or not_retryable for a 5xx or error never retried). No
//     convention exists, and an attribute used by one metric only belongs
//     in that metric's namespace, the naming rules say.
//
// The meter is named [ScopeName] and carries the semantic conventions'
// schema URL.
package telemetry
