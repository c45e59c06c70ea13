package middlewaretest

import (
	"context"
	"errors"
	"io"
	"net/http"
	"reflect"
	"sync"
	"testing"

	"github.com/roundtrip-go/roundtrip/middleware"
)

// errScripted is the transport error CheckContract scripts.
var errScripted = errors.New("middlewaretest: scripted transport error")

// CheckContract runs mw over a scripted [Transport] and reports, through t,
// every way it breaks the RoundTripper contract:
//
//   - the caller's request (method, URL, header, context, body, content
//     length) is changed;
//   - the caller's request body is not closed exactly once;
//   - a response is returned together with an error, or neither is;
//   - the response body the caller gets is not the whole body the base
//     sent, or closing it leaves a base response unclosed;
//   - the middleware is not safe for concurrent use (run the test with
//     -race to see it).
//
// It scripts a 200 OK, a 404 and a transport error, each through a fresh
// copy of the chain, and repeats the first from several goroutines at once.
// A middleware that retries transport errors should be configured with
// millisecond backoffs, or the check waits as long as its backoff does.
func CheckContract(t testing.TB, mw middleware.Middleware) {
	t.Helper()
	cases := []struct {
		name  string
		reply Reply
	}{
		{"ok", Reply{Status: http.StatusOK, Header: http.Header{"Content-Type": {"text/plain"}}, Body: "hello"}},
		{"not found", Reply{Status: http.StatusNotFound, Body: "missing"}},
		{"transport error", Reply{Err: errScripted}},
	}
	for _, c := range cases {
		checkOnce(t, mw, c.name, c.reply)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			checkOnce(t, mw, "concurrent ok", cases[0].reply)
		}()
	}
	wg.Wait()
}

type ctxKey struct{}

func checkOnce(t testing.TB, mw middleware.Middleware, name string, reply Reply) {
	t.Helper()
	base := NewTransport(reply)
	rt := mw(base)
	if rt == nil {
		t.Errorf("%s: middleware returned a nil RoundTripper", name)
		return
	}

	ctx := context.WithValue(context.Background(), ctxKey{}, name)
	body := NewBody("request body")
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, "http://example.test/path?q=1", body)
	if err != nil {
		t.Errorf("%s: building request: %v", name, err)
		return
	}
	req.GetBody = nil // an opaque body: sent at most once
	req.Header.Set("X-Caller", "kept")
	wantHeader := req.Header.Clone()
	wantURL := req.URL.String()
	wantLen := req.ContentLength

	resp, err := rt.RoundTrip(req)

	switch {
	case resp != nil && err != nil:
		t.Errorf("%s: got a response (%d) and an error (%v); want one of them", name, resp.StatusCode, err)
	case resp == nil && err == nil:
		t.Errorf("%s: got neither a response nor an error", name)
	case err != nil && reply.Err == nil:
		t.Errorf("%s: got error %v; want the %d response", name, err, reply.Status)
	}
	if resp != nil {
		got, rerr := io.ReadAll(resp.Body)
		if rerr != nil {
			t.Errorf("%s: reading the response body: %v", name, rerr)
		}
		if string(got) != reply.Body {
			t.Errorf("%s: got body %q; want %q", name, got, reply.Body)
		}
		if cerr := resp.Body.Close(); cerr != nil {
			t.Errorf("%s: closing the response body: %v", name, cerr)
		}
	}
	if n := base.Unclosed(); n != 0 {
		t.Errorf("%s: %d response bodies from the base left unclosed; want 0", name, n)
	}

	if req.Method != http.MethodPut {
		t.Errorf("%s: caller's method changed to %q", name, req.Method)
	}
	if got := req.URL.String(); got != wantURL {
		t.Errorf("%s: caller's URL changed to %q; want %q", name, got, wantURL)
	}
	if !reflect.DeepEqual(req.Header, wantHeader) {
		t.Errorf("%s: caller's header changed to %v; want %v", name, req.Header, wantHeader)
	}
	if req.Context() != ctx {
		t.Errorf("%s: caller's context replaced", name)
	}
	if req.Body != io.ReadCloser(body) {
		t.Errorf("%s: caller's body replaced", name)
	}
	if req.ContentLength != wantLen {
		t.Errorf("%s: caller's content length changed to %d; want %d", name, req.ContentLength, wantLen)
	}
	if n := body.Closes(); n != 1 {
		t.Errorf("%s: caller's request body closed %d times; want 1", name, n)
	}
}
