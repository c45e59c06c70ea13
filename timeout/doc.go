// Package timeout bounds each attempt of a request with a deadline of its
// own, separate from the caller's context.
//
// The deadline covers the whole attempt: sending the request, waiting for the
// response headers, and reading the response body. It is released when the
// body is read to EOF or closed, never when RoundTrip returns, so a caller
// can read the body after RoundTrip has returned and a server that stalls
// half way through the body still cannot hold the caller forever.
//
// When the deadline fires, the error is an [*Error]: it matches
// context.DeadlineExceeded with [errors.Is], is a [net.Error] whose Timeout
// method reports true, and can be told apart from the caller's own context
// ending with [errors.As]. The retry package uses that difference: an
// attempt timeout is retried while the caller's context is still live.
//
// The next RoundTripper sees the attempt's own context: a child of the
// caller's, whose Deadline is the earlier of the two deadlines and whose
// Err, once the attempt deadline fires, is context.DeadlineExceeded, as
// under context.WithTimeout. When the caller's context ends first, the
// attempt reports that context's error and cause. Contexts derived from the
// attempt end with it and report the same, with no goroutine of their own.
//
// The deadlines cost one timer per middleware instance, not one per
// attempt: every attempt has the same limit, so they fall due in the order
// they started, and one timer set for the oldest serves them all.
package timeout
