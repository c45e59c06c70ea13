package main

import (
	"net/http"
	"testing"
)

// wrap returns lib over base for requests to url, failing tb when lib cannot
// be set up.
func wrap(tb testing.TB, lib library, base http.RoundTripper, url string) http.RoundTripper {
	tb.Helper()
	rt, err := lib.Wrap(base, url)
	if err != nil {
		tb.Fatal(err)
	}
	return rt
}

// wrapLoopback returns lib over a fresh loopback transport whose idle
// connections are closed when tb ends.
func wrapLoopback(tb testing.TB, lib library, url string) http.RoundTripper {
	tb.Helper()
	base := newLoopbackTransport()
	tb.Cleanup(base.CloseIdleConnections)
	return wrap(tb, lib, base, url)
}

// retried checks err from a run against a server that answers 503 first:
// the raw base must fail with it and a retrying library must not. It
// reports whether the run's result is there to check.
func retried(t *testing.T, lib library, err error) bool {
	t.Helper()
	switch {
	case !lib.Retries && err == nil:
		t.Error("got no error from a library without retries; want the 503")
	case lib.Retries && err != nil:
		t.Fatal(err)
	}
	return lib.Retries
}
