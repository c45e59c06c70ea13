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

// CheckContract runs mw over a scripted base and reports, through t, every
// way it breaks the RoundTripper contract:
//
//   - the caller's request (method, URL, header, context, body, content
//     length) is changed;
//   - the caller's request body is not closed exactly once;
//   - a response is returned together with an error, or neither is;
//   - the response body the caller gets is not the whole body the base
//     sent, or closing it leaves a base response unclosed;
//   - the context of the request the base got ends before the caller has
//     read the response body, as a defer cancel() in RoundTrip does;
//   - a context.AfterFunc, WithCancel, WithTimeout or WithDeadline made on
//     the caller's context is never released (stopped or cancelled): once
//     the response body is closed, or the error returned, nothing per
//     request may stay registered on the caller's context. (Only what is
//     made directly on the caller's context can be seen; one made on a
//     context.WithValue child of it registers elsewhere.);
//   - a request whose context is already cancelled does not fail with an
//     error that matches context.Canceled;
//   - the middleware loses the caller's context values on the way to the
//     base;
//   - the middleware is not safe for concurrent use (run the test with
//     -race to see it).
//
// It calls mw once and sends every case through the one RoundTripper it
// returns, as a client does: a 200 OK, a 404, a transport error and a
// request with a cancelled context, then 200s from several goroutines at
// once. A middleware that retries transport errors should be configured
// with millisecond backoffs, or the check waits as long as its backoff
// does.
func CheckContract(t testing.TB, mw middleware.Middleware) {
	t.Helper()
	rt := mw(contractBase{})
	if rt == nil {
		t.Errorf("middleware returned a nil RoundTripper")
		return
	}
	ok := Reply{Status: http.StatusOK, Header: http.Header{"Content-Type": {"text/plain"}}, Body: "hello"}
	cases := []struct {
		name     string
		reply    Reply
		canceled bool
	}{
		{name: "ok", reply: ok},
		{name: "not found", reply: Reply{Status: http.StatusNotFound, Body: "missing"}},
		{name: "transport error", reply: Reply{Err: errScripted}},
		{name: "cancelled context", reply: ok, canceled: true},
	}
	for _, c := range cases {
		checkOnce(t, rt, c.name, c.reply, c.canceled)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() { checkOnce(t, rt, "concurrent ok", ok, false) })
	}
	wg.Wait()
}

// contractCase is one request of CheckContract: what the base answers and
// what it saw. It travels to the base in the request's context.
type contractCase struct {
	base *Transport

	mu   sync.Mutex
	ctxs []context.Context // the contexts of the requests the base got
}

type ctxKey struct{}

// contractBase answers each request as the [Transport] of its case does,
// and, like a real transport, fails a request whose context has ended.
type contractBase struct{}

func (contractBase) RoundTrip(req *http.Request) (*http.Response, error) {
	c, _ := req.Context().Value(ctxKey{}).(*contractCase)
	if c == nil || req.Context().Err() != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		if c == nil {
			return nil, errors.New("middlewaretest: the request reached the base without the caller's context values")
		}
		return nil, req.Context().Err()
	}
	c.mu.Lock()
	c.ctxs = append(c.ctxs, req.Context())
	c.mu.Unlock()
	return c.base.RoundTrip(req)
}

// lastCtx returns the context of the last request the base got, or nil.
func (c *contractCase) lastCtx() context.Context {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.ctxs) == 0 {
		return nil
	}
	return c.ctxs[len(c.ctxs)-1]
}

func checkOnce(t testing.TB, rt http.RoundTripper, name string, reply Reply, canceled bool) {
	t.Helper()
	c := &contractCase{base: NewTransport(reply)}
	ctx := newTrackedCtx(context.WithValue(context.Background(), ctxKey{}, c))
	if canceled {
		ctx.cancel()
	}
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
	case canceled && !errors.Is(err, context.Canceled):
		t.Errorf("%s: got error %v; want one that matches context.Canceled", name, err)
	case err != nil && reply.Err == nil && !canceled:
		t.Errorf("%s: got error %v; want the %d response", name, err, reply.Status)
	}
	if resp != nil {
		readResponse(t, name, resp, reply.Body, c.lastCtx())
	}
	if n := c.base.Unclosed(); n != 0 {
		t.Errorf("%s: %d response bodies from the base left unclosed; want 0", name, n)
	}
	if n := ctx.pending(); n != 0 {
		t.Errorf("%s: %d contexts or AfterFuncs derived from the caller's context never released after the response ended; want 0 (cancel or stop them when the body is closed)", name, n)
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
	if req.Context() != context.Context(ctx) {
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

// readResponse reads and closes resp's body as a caller would, checking
// that it is want and that baseCtx, the context of the request the base
// answered, lives until the caller has read part of it.
func readResponse(t testing.TB, name string, resp *http.Response, want string, baseCtx context.Context) {
	t.Helper()
	live := func(when string) {
		if baseCtx != nil && baseCtx.Err() != nil {
			t.Errorf("%s: the next layer's request context ended %s (%v); want it live until the body is read to EOF or closed (a defer cancel() in RoundTrip?)", name, when, baseCtx.Err())
		}
	}
	live("when RoundTrip returned")
	first := make([]byte, 1)
	n, rerr := io.ReadFull(resp.Body, first)
	live("before the body was read to the end")
	rest, err := io.ReadAll(resp.Body)
	if rerr == nil {
		rerr = err
	}
	got := string(first[:n]) + string(rest)
	if rerr != nil && !(rerr == io.EOF && want == "") {
		t.Errorf("%s: reading the response body: %v", name, rerr)
	}
	if got != want {
		t.Errorf("%s: got body %q; want %q", name, got, want)
	}
	if cerr := resp.Body.Close(); cerr != nil {
		t.Errorf("%s: closing the response body: %v", name, cerr)
	}
}

// trackedCtx is a caller's context that counts what is registered on it.
// A cancelCtx or context.AfterFunc made on a parent that has an AfterFunc
// method registers through it (see context.propagateCancel) and calls the
// stop function it got back when released; whatever is never stopped is
// still pending once the response has ended. Only context.AfterFunc's use
// of the AfterFunc method is documented; that WithCancel and WithTimeout
// use it too is the context package's own detail, which the "timeout never
// released" case of this package's tests would catch changing.
type trackedCtx struct {
	context.Context // the values; never done
	done            chan struct{}

	mu   sync.Mutex
	err  error
	live map[int]func()
	next int
}

func newTrackedCtx(values context.Context) *trackedCtx {
	return &trackedCtx{Context: values, done: make(chan struct{}), live: make(map[int]func())}
}

func (c *trackedCtx) Done() <-chan struct{} { return c.done }

func (c *trackedCtx) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// AfterFunc registers f to run in its own goroutine when c is cancelled,
// as context.AfterFunc does, and returns the function that unregisters it.
func (c *trackedCtx) AfterFunc(f func()) (stop func() bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		go f()
		return func() bool { return false }
	}
	id := c.next
	c.next++
	c.live[id] = f
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		_, ok := c.live[id]
		delete(c.live, id)
		return ok
	}
}

func (c *trackedCtx) cancel() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return
	}
	c.err = context.Canceled
	close(c.done)
	for id, f := range c.live {
		delete(c.live, id)
		go f()
	}
}

// pending reports how many registrations were never stopped.
func (c *trackedCtx) pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.live)
}
