// Package stocktrimtest provides a fake StockTrim API for tests, in the
// manner of [net/http/httptest]: [NewServer] starts it on a loopback
// address, [Server.URL] is its base URL, and [Server.Close] shuts it down.
//
// The server holds products, customers and suppliers in memory, shaped and
// named as in the StockTrim OpenAPI description, and serves the endpoints
// most clients use (see [Server]). It checks both credential headers,
// api-auth-id and api-auth-signature, and refuses a request with a missing
// or wrong one with 401 and a [ProblemDetails] body, as the real API does.
// It records every request it receives ([Server.Requests]) so a test can
// assert what its code sent, and it fails on demand ([Server.Inject]): a
// status code such as 503 or 429 with a Retry-After, a dropped connection,
// or a slow response, for the next requests to a path.
//
// Why: code that calls StockTrim must cope with throttling, outages and
// slow responses, and the only honest test of that is a server that does
// those things, on cue, without the network or an account:
//
//	srv := stocktrimtest.NewServer()
//	defer srv.Close()
//	srv.Inject(stocktrimtest.Fault{Path: "/api/Products", Status: 503, Times: 2})
//	client, err := stocktrim.NewClient(
//		stocktrim.WithBaseURL(srv.URL),
//		stocktrim.WithCredentials(srv.AuthID(), srv.Signature()),
//	)
//
// # Testing without waiting
//
// The stocktrim stack waits 1 to 16 s between retries and honours
// Retry-After, so a test of recovery from a fault would really wait. Give
// the client millisecond backoffs instead, and every setting explicitly,
// so that no STOCKTRIM_* variable of the developer's environment leaks
// into the test (see Example_noWaiting):
//
//	client, err := stocktrim.NewClient(
//		stocktrim.WithBaseURL(srv.URL),
//		stocktrim.WithCredentials(srv.AuthID(), srv.Signature()),
//		stocktrim.WithMaxRetries(3),
//		stocktrim.WithRetryOptions(retry.WithBackoff(time.Millisecond, time.Millisecond)),
//	)
//
// A status fault with a RetryAfter is waited for as the header says, over
// any backoff; to test it without waiting, replace the wait itself with
// retry.WithWait (stocktrim.WithRetryOptions(retry.WithWait(...))), which
// also lets the test see the exact waits, or leave RetryAfter empty. A
// Delay fault holds a request for real: pair it with a short
// stocktrim.WithTimeout, so the attempt times out in milliseconds.
//
// Departures from the OpenAPI description, where it is incomplete or odd:
// GET /api/Suppliers without a code returns every supplier as an array
// (with one, a single object, as described); PUT /api/Customers answers
// with the stored customer; an unknown product, customer or supplier is a
// 404; and GET /api/Products serves every product on page 1.
package stocktrimtest
