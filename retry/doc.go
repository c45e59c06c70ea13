// Package retry retries HTTP requests that failed for a reason that may pass,
// with the care HTTP needs, and runs any other failsafe-go policy (circuit
// breaker, bulkhead, rate limiter, hedge, timeout) around a RoundTripper.
//
//	client := &http.Client{Transport: retry.New()(http.DefaultTransport)}
//
// [New] retries up to 5 times, 1 to 16 s apart with ±25% jitter. [NewPolicy]
// returns the same behaviour as a failsafe-go policy, and [Failsafe]
// combines it with other policies: Failsafe(NewPolicy(), breaker) retries
// around a circuit breaker, and an open breaker's error matches
// circuitbreaker.ErrOpen. [Attempt] tells the middlewares below retry (a log,
// say) which attempt they see. [Override] changes the options for the
// requests of one context.
//
// # What is retried
//
// An attempt is retried when it failed with a network error (connection
// refused or reset, a DNS failure, EOF before a response, an HTTP/2 stream
// reset or GOAWAY), when it timed out (any [net.Error] whose Timeout() is
// true, such as the timeout package's error, or a failsafe-go timeout)
// while the caller's context is still live, or when it got one of the
// configured status codes (by default 408, 429, 500, 502, 503, 504). It is
// never retried on another status, on a TLS certificate or handshake error,
// on an error reading the caller's own request body, on an error not known
// to be transient (an unsupported scheme, an invalid header, an open
// circuit breaker), or once the caller's own context is done. [Retryable]
// is that classification; [WithRetryIf] replaces it.
//
// Methods matter. The idempotent methods of RFC 9110 (GET, HEAD, OPTIONS,
// TRACE, PUT, DELETE) are retried on every retryable condition. Others,
// POST and PATCH among them, may have had an effect on the server, so they
// are retried only when that cannot be, or the server says it is safe: on a
// 429, on a dial error (the connection was never established), on an
// HTTP/2 stream the server refused (REFUSED_STREAM), when the request
// carries an Idempotency-Key or X-Idempotency-Key header, or with
// [WithAllMethods].
//
// # When
//
// Before retry k (1-based) the wait is min(initial*2^(k-1), max), then
// jittered uniformly within ±fraction (see [WithBackoff], [WithJitter]), or
// what [WithBackoffFunc] says. A 429 or 503 with a Retry-After header, as
// delta-seconds or as an HTTP-date, replaces that wait exactly, without
// jitter: the server's word is never shortened. A Retry-After longer than
// [WithMaxRetryAfter] (60 s by default), or too large to represent, is not
// waited for: that response is returned at once. A Retry-After that cannot
// be used (garbage, a sign, a fraction, a date in the past) is ignored and
// the backoff applies.
//
// The retries end, and the last result is returned at once, when the
// retries are used up ([WithMaxRetries]), when the next wait would end after
// the request context's deadline or past [WithMaxDuration], or when the
// [WithBudget] budget refuses the retry. Nothing is waited for in vain. When
// the caller's context ends during a wait, RoundTrip returns at once with an
// error that matches context.Canceled (or context.DeadlineExceeded) with
// [errors.Is]. [WithWait] replaces the wait itself, so that tests need not
// sleep.
//
// What is returned after the last attempt is that attempt's outcome: its
// response as it is, body unread, for a status code (a status is not an
// error), or its error wrapped in an [*Error], "retry: giving up after N
// attempts: ...", through which [errors.Is] and [errors.As] reach the
// cause, such as a *net.OpError. RoundTrip never returns a response
// together with an error.
//
// [OnRetry] listeners are told of each retry, with its delay and the outcome
// that caused it, once every limit has allowed it, just before the wait.
// [OnGiveUp] listeners are told once when a limit ends a call on a
// retryable failure, with the [Event.Reason].
//
// # Bodies and connections
//
// Every attempt is a shallow copy of the caller's request (the caller's
// request is never modified) whose context carries the attempt number. The
// first attempt sends the caller's body; each retry gets a fresh body from
// req.GetBody, which [http.NewRequest] sets for in-memory bodies. A request
// whose body has no GetBody is sent once and never retried: it is never
// buffered, so a streamed upload costs no memory. A response that is not
// returned is drained (at most 64 KiB, for at most a short grace) and
// closed before the next attempt, so its connection goes back to the pool
// instead of being leaked, and a stalled body does not hold the retry.
//
// # What the server sees
//
// Each attempt reaches the server at most once when its method is not
// idempotent (a POST or PATCH without an Idempotency-Key or
// X-Idempotency-Key header), and at most twice otherwise, so that the
// attempts retry counts are the requests the server receives, give or take
// net/http's resend of an idempotent request after a kept-alive connection
// failed. net/http alone does not keep to that: its HTTP/2 transport
// replays any request whose stream the server reset with PROTOCOL_ERROR,
// on new connections, until the attempt ends (golang/go#52459); nginx's
// "return 444" over HTTP/2 set off hundreds of replays of one POST within
// one attempt. Every attempt
// carries a [net/http/httptrace.ClientTrace] that counts the request's
// sends and stops a send over the bound before any byte of the request is
// written (the server may still see the new connection); the attempt then
// fails with a [*ReplayError], which is retried as a reset when the method
// allows. The caller's own ClientTrace, if any, is still called.
//
// The stop relies on how net/http's transports (and x/net/http2's) call
// the trace, which [ReplayError] and the code explain; another base
// RoundTripper that reports to a ClientTrace in the same order is bounded
// too, one that does not is left as it is. Under [Failsafe] the bound
// applies to every attempt, hedges included; when retry layers nest, to
// the innermost one's attempts. [NewPolicy] under another executor has no
// attempts of its own to bound.
//
// The count errs on the side of the server: a send counts when it may have
// reached it. So a POST that net/http would resend after a GOAWAY crossed
// it, or after its write failed at once on a kept-alive cleartext HTTP/1
// connection, fails instead; a resend on the same HTTP/2 connection (after
// the server refused the stream, which it then never processed) and the
// resend of a POST over HTTP/1 on TLS (which net/http makes only when
// nothing was written) go through. A request that a middleware below
// retry sends with the attempt's context (a token fetched on the way, say)
// shares the attempt's trace, so its sends count toward the attempt's
// bound too: give such a request a context of its own.
//
// # Cost
//
// [New] runs its own loop, which sends the first attempt directly: a
// request without a body that succeeds at once costs nine allocations
// (the attempt's context and its shallow request copy; the send bound's
// guard, its two trace hooks, its cancellable context and two context
// values; a body adds the wrapper that watches it), not a failsafe-go
// execution (about twenty with failsafehttp). Policies other than those of
// [NewPolicy] given to [Failsafe] run in a failsafe-go executor, with the
// same care for bodies and responses.
package retry
