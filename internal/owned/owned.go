// Package owned lets a middleware of this module hand the next one a
// request that it made for one call alone, so that the next one may set
// fields on it in place instead of making a copy of its own.
//
// A chain of retry, timeout and auth would otherwise copy the request three
// times per attempt, each copy a few hundred bytes, to change one field each
// time. Outside this module nothing changes: RoundTrip still never touches
// the request it is given, and a RoundTripper that does not implement
// [RoundTripper] gets an ordinary RoundTrip call.
package owned

import "net/http"

// RoundTripper is an [http.RoundTripper] that can also take an owned
// request.
type RoundTripper interface {
	http.RoundTripper

	// RoundTripOwned is RoundTrip for a request that its caller made for
	// this call alone, has not passed to anything else, and will not read,
	// change or pass on after the call. The callee may set the request's
	// fields in place. What the request shares with the caller's own
	// request (the Header map, the URL, the Body, slices) it must replace,
	// never write into. A callee that reads the request after passing it on
	// must pass it on with RoundTrip, not as owned.
	//
	// Code outside this module cannot name Handoff, so it can neither call
	// the method nor declare an interface that matches it: a user's
	// request is never taken for an owned one.
	RoundTripOwned(req *http.Request, _ Handoff) (*http.Response, error)
}

// Handoff marks a call of RoundTripOwned as coming from this module.
type Handoff struct{}

// RoundTrip passes req, owned by the caller, to next: as owned if next takes
// owned requests, else with next.RoundTrip. The caller gives req up.
func RoundTrip(next http.RoundTripper, req *http.Request) (*http.Response, error) {
	if o, ok := next.(RoundTripper); ok {
		return o.RoundTripOwned(req, Handoff{})
	}
	return next.RoundTrip(req)
}
