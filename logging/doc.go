// Package logging writes an access event, to zerolog ([New]) or to
// log/slog ([NewSlog]), for every request that passes through it, with
// secrets redacted, at no cost when the event's level is disabled.
//
// # Fields
//
// [New] and [NewSlog] write one event per attempt: below a retry
// middleware, each retry gets its own event. Both build the event once, as
// a list of fields, and write it to their logger, so the names, values,
// levels and redaction are the same. Its message is "http request" and its
// fields are:
//
//   - method: the request method;
//   - url: the request URL, redacted (see below);
//   - status: the response status code, absent on a transport error;
//   - attempt: the attempt number a retry middleware set (what
//     retry.Attempt returns), only inside one;
//   - duration_ms: milliseconds, as a float, from the call to RoundTrip to
//     the end of the attempt (see below);
//   - error: the transport error, or an error reading the response body,
//     redacted.
//
// When the logger is enabled at debug (or trace) level, the same event also
// has request_headers and response_headers (objects, or slog groups, names
// sorted, values joined by ", "), request_body (the first bytes of the request body, read
// from a fresh copy from req.GetBody; no excerpt when GetBody is nil, so
// the caller's body is never consumed) and response_body (the first bytes
// the caller read of the response body). [WithBodyLimit] sets the excerpt
// size, 200 bytes by default. The caller still reads the whole response
// body, byte for byte; the excerpt is a copy.
//
// # Levels
//
// 1xx, 2xx and 3xx responses are logged at info, 4xx at warn, 5xx and
// transport errors at error, except inside a retry middleware (the attempt
// number is set), where a 5xx or a transport error is warn: the attempt
// failed, but the call may still recover. A call that recovers then logs no
// error, and one that fails after its retries logs exactly one: the
// give-up event of the retry listener (package logging/retrylog). Debug is
// not a level of its own: it adds the debug fields to the same event.
//
// # When the event is written
//
// The attempt ends, and its event is written, when the response body is
// read to EOF or closed, whichever comes first, so the duration covers the
// body and the response_body excerpt is what the caller read. A caller that
// reads a streaming body is never held up: nothing is read ahead of it. An
// event is written at once, when RoundTrip returns, for a transport error,
// a response with no body (nil or [http.NoBody]) and a 101 Switching
// Protocols response, whose body is the connection itself. A response body
// that is never closed (which leaks its connection anyway) loses its event.
//
// The middleware never changes the request, the status or the error: it
// returns the response and error of the next RoundTripper, the same values,
// except that an enabled event replaces resp.Body with a wrapper that
// passes every byte and error through and closes the original once.
//
// # Redaction
//
// Secrets never reach the log, at any level. Redacted values print as
// REDACTED:
//
//   - the values of the headers Authorization, Proxy-Authorization, Cookie,
//     Set-Cookie, Api-Auth-Id, Api-Auth-Signature and X-Api-Key, those
//     added with [WithRedactedHeaders], matched case-insensitively, and
//     every header an auth middleware of this module set on the request,
//     whatever its name (auth marks them on the request's context);
//   - the user info of the URL, user name and password both;
//   - the values of the query and fragment parameters api_key, apikey,
//     key, token, access_token, signature, sig, password, secret and
//     client_secret, and those added with [WithRedactedQueryParams],
//     matched case-insensitively, also in a fragment with a path before
//     its query ("#/callback?access_token=..."). Other parameters stay
//     readable.
//
// Error messages, other header values (Location, Content-Location, Link,
// Refresh) and body excerpts often quote a URL (a [*url.Error] does): the
// user info of every URL in them is redacted, absolute ("https://...") or
// scheme-relative ("//user:pw@host" at the start of a value or after a
// space, '<', '=', ',', ';' or a quote), JSON-escaped ("https:\/\/...",
// "\/\/...") too, and so is the value of every secret name=value pair, in
// an absolute or relative URL or a form-encoded body
// ("password=...&client_secret=..."). The rest of a header or a body is
// left as it is: a Content-Type "application/json" stays so when the URL
// has "key=json". An error message may quote the request URL in any form
// (Go-quoted, or its user name alone), so in it every secret value of the
// request URL (and of a [*url.Error]'s URL) is also replaced where it
// stands as a whole token, and only there: a user name "u" does not touch
// "unexpected EOF". Body excerpts are otherwise logged as they are: a JSON
// body that itself carries credentials (a token endpoint's reply, say)
// shows them at debug level, so keep debug off for such calls.
//
// Why: access logs end up in places with wider access than the credentials
// they would leak. CVE-2024-6104 in go-retryablehttp was exactly this: URL
// user info written to its logs.
//
// # Cost
//
// When the logger's level (or [zerolog.GlobalLevel]) is above error,
// RoundTrip goes straight to the next RoundTripper. When the event's own
// level is disabled (a 200 under a warn logger, say), the middleware reads
// the clock and allocates nothing. An enabled zerolog info event costs
// two allocations: the event's state, which holds the body wrapper, and
// the URL string; slog adds its attributes. URL redaction scans the raw query for
// secret names and leaves a URL with none as it is: url.URL.String.
package logging
