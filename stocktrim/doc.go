// Package stocktrim is the resilient default stack for the StockTrim REST
// API: an [http.Client] (or RoundTripper, or the list of middlewares) that
// signs every request, retries what may pass, bounds each attempt and logs
// without secrets, configured from code or from the environment.
//
//	client, err := stocktrim.NewClient() // credentials from the environment
//	if err != nil {
//		return err
//	}
//	base, err := stocktrim.BaseURL() // STOCKTRIM_BASE_URL, or the default
//	if err != nil {
//		return err
//	}
//	resp, err := client.Get(base + "/api/Products")
//
// The stack, outermost first, each layer a public package of this module:
//
//	layer    default                                option            environment
//	retry    5 retries, 1 to 16 s ±25%, Retry-After WithMaxRetries    STOCKTRIM_MAX_RETRIES
//	         (a warn event per retry with a logger) WithRetryOptions
//	         idempotent methods and upsert POSTs    WithRetryBudget
//	         a retry budget: retries at most 20%
//	         of the requests in flight (8 or more)
//	timeout  30 s without progress per attempt,     WithTimeout       STOCKTRIM_TIMEOUT
//	         as httpx's timeout=30 (timeout.Idle)
//	auth     api-auth-id, api-auth-signature,       WithCredentials   STOCKTRIM_API_AUTH_ID,
//	         only to the base URL's origin          WithBaseURL       STOCKTRIM_API_AUTH_SIGNATURE,
//	                                                                  STOCKTRIM_BASE_URL
//	logging  off; one event per attempt, redacted   WithLogger
//	base     clone of http.DefaultTransport,        WithTransport
//	         16 idle connections per host, HTTP/2
//
// An option given in code wins over its environment variable, which wins
// over the default. STOCKTRIM_TIMEOUT is seconds, like 30 or 2.5, or a Go
// duration, like 1m30s. STOCKTRIM_BASE_URL defaults to [DefaultBaseURL];
// [BaseURL] returns the one in effect, to build request URLs with. An
// empty variable counts as unset.
//
// What is retried: the idempotent methods (GET, PUT, DELETE, ...), and
// the POSTs that create or update by a natural key, which the API's
// reference documents as such: POST /api/Products (by productId),
// /api/Locations and /api/V2/Locations (by code). A POST that creates,
// such as a new sales order, is retried only when it cannot have been
// applied (a 429, a connection never made), as package retry does for
// any POST.
//
// The order matters: retry is outermost so that each retry passes the
// timeout, auth and logging again, with a fresh time limit and its own log
// event; auth is inside the retry so that a redirect, which net/http's
// client sends through the same transport, reaches another origin without
// the credentials; logging is innermost so that it logs what went on the
// wire, with the credential headers redacted.
//
// Bad configuration is found when the stack is built, not on the first
// request: [NewClient], [NewTransport] and [Middlewares] return an error
// and nothing else when a credential is missing or cannot be sent as a
// header value (a trailing newline, say), the base URL is not an absolute
// http or https URL, or a number or duration is malformed or out of range,
// naming the option or variable and never quoting a credential. The errors
// match [ErrMissingCredentials], [ErrInvalidCredentials],
// [ErrInvalidBaseURL], [ErrInvalidMaxRetries] and [ErrInvalidTimeout] with
// errors.Is.
//
// Why a package and not a snippet: it is the documented chain of the
// public packages on a fresh transport, so the defaults are written down
// and tested in one place, it never changes http.DefaultTransport or
// other globals, and [Middlewares] gives the same layers to anyone who
// builds a chain of their own. Tests run it against package
// [github.com/roundtrip-go/roundtrip/stocktrim/stocktrimtest], a fake
// StockTrim API with scripted faults.
package stocktrim
