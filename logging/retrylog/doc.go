// Package retrylog logs what a retry middleware decides, to zerolog ([New])
// or to log/slog ([NewSlog]): a warn event for every retry it schedules
// and exactly one error event when a call gives up after its retries.
//
// It is the adapter between the retry and logging packages, which do not
// import each other: each listener is one [retry.Option], and its events
// have the field names and the redaction of logging's access events, so
// the two read as one log. Below the retry middleware, logging writes each
// failed attempt at warn; so a call that recovers logs no error, and a
// call that fails logs exactly one: the give-up.
//
// # Fields
//
// "retrying request" (warn): method, url (redacted), attempt (the attempt
// that failed, 1-based), status or error (redacted, the same text as the
// access event of that attempt), delay_ms (the wait before the next
// attempt, in milliseconds, as a float).
//
// "giving up" (error): method, url, attempt (the last attempt), status or
// error, and reason: why the retries stopped, one of retry's Reason
// constants (max_retries, budget, deadline, max_duration, retry_after,
// circuit_open, or not_retryable for a 5xx or error that is never retried,
// such as a POST's 503: so a failed call logs exactly one error).
//
// # Order of the lines
//
// logging writes an attempt's access event ("http request") when the
// attempt ends: at once for a transport error, but for a response only
// when its body ends (read to EOF, failed or closed). The retry middleware
// drains and closes the body of every attempt it retries, so those access
// lines come before their "retrying request" lines. The last attempt's
// response is the caller's, and the give-up is decided before RoundTrip
// returns it: when the call gives up on a response (a 503 after the last
// retry, say), the "giving up" line is written first and that attempt's
// access line follows, when the caller reads or closes the body. When the
// last attempt failed with a transport error, its access line comes first.
// Match the two by the attempt field, not by their order.
package retrylog
