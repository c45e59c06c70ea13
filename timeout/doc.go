// Package timeout bounds each attempt of a request with a limit of its own,
// separate from the caller's context. Put it below a retry middleware, so
// that every attempt gets the full limit.
//
// It offers two kinds of limit:
//
//   - [New] sets a deadline on the whole attempt: sending the request,
//     waiting for the response headers and reading the response body. An
//     attempt still running when the deadline passes fails, even one that
//     is receiving bytes at a steady rate.
//   - [Idle] fails an attempt only when it stalls: when the limit passes
//     with no progress. Progress is request-body bytes taken by the next
//     RoundTripper, the response headers arriving, or response-body bytes
//     read; each gives the attempt a fresh limit. A slow but steady
//     download never fails, however long it takes. This is the meaning of
//     httpx's timeout and Envoy's per_try_idle_timeout.
//
// Both limits cover the attempt until its response body is read to EOF or
// closed, never only until RoundTrip returns, so a caller can read the body
// after RoundTrip has returned and a server that stalls half way through
// the body still cannot hold the caller forever. An attempt that returns an
// error or a response without a body ends at once. [Override] gives the
// requests made with one context a limit of their own.
//
// When the limit fires, the error is an [*Error]: it matches
// context.DeadlineExceeded with [errors.Is], is a [net.Error] whose Timeout
// method reports true, and can be told apart from the caller's own context
// ending with [errors.As]. A body Read that fails because the limit fired
// returns an [*Error] too. The retry package uses that difference: an
// attempt timeout is retried while the caller's context is still live.
//
// The next RoundTripper sees a child of the caller's context, which ends
// when the limit fires, when the caller's context ends, or when the
// attempt ends. Under New it is a context made by
// [context.WithTimeoutCause]: its Deadline is the earlier of the two
// deadlines, and its Err is context.DeadlineExceeded once the limit fires.
// Under Idle it reports the caller's deadline, and its Err is
// context.Canceled once the limit fires. In both, [context.Cause] is then
// the [*Error], which is what net/http's Transport returns.
package timeout
