package retry

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/roundtrip-go/roundtrip/internal/body"
	"github.com/roundtrip-go/roundtrip/middleware/middlewaretest"
)

func TestConnectionsReused(t *testing.T) {
	// Every request gets two 503s with a body, then a 200.
	var mu sync.Mutex
	n := 0
	srv := newServer(t)
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n++
		k := n
		mu.Unlock()
		if k%3 != 0 {
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, strings.Repeat("busy ", 200))
			return
		}
		io.WriteString(w, "ok")
	})
	client := &http.Client{Transport: New(WithBackoff(time.Millisecond, 2*time.Millisecond))(newClientTransport(t))}
	for i := range 100 {
		resp, err := client.Get(srv.URL)
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("request %d: got status %d; want 200", i, resp.StatusCode)
		}
	}
	got := srv.conns.Load()
	t.Logf("100 requests with two 503s each (300 attempts) used %d connection(s)", got)
	if got > 2 {
		t.Errorf("got %d connections; want at most 2", got)
	}
}

func TestHangupRetried(t *testing.T) {
	tests := []struct {
		give     string
		method   string
		wantErr  bool
		wantReqs int
	}{
		{give: "GET", method: "GET", wantReqs: 2},
		{give: "POST", method: "POST", wantErr: true, wantReqs: 1},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			srv := newServer(t, step{hangup: true}, step{status: 200, body: "ok"})
			req, _ := http.NewRequest(tt.method, srv.URL, strings.NewReader("x"))
			resp, err := New(fast...)(newClientTransport(t)).RoundTrip(req)
			if tt.wantErr {
				if err == nil || !errors.Is(err, io.EOF) {
					t.Errorf("got error %v; want one matching io.EOF", err)
				}
			} else {
				if err != nil {
					t.Fatalf("got error %v; want the 200", err)
				}
				resp.Body.Close()
			}
			if got := len(srv.requests()); got != tt.wantReqs {
				t.Errorf("got %d requests; want %d", got, tt.wantReqs)
			}
		})
	}
}

func TestDeadlineAware(t *testing.T) {
	tests := []struct {
		give    string
		ctx     func() (context.Context, context.CancelFunc)
		options []Option
	}{
		{
			give: "context deadline before the wait ends",
			ctx: func() (context.Context, context.CancelFunc) {
				return context.WithTimeout(context.Background(), time.Minute)
			},
			options: []Option{WithBackoff(time.Hour, time.Hour)},
		},
		{
			give:    "max duration",
			ctx:     func() (context.Context, context.CancelFunc) { return context.Background(), func() {} },
			options: []Option{WithBackoff(time.Hour, time.Hour), WithMaxDuration(time.Minute)},
		},
		{
			give: "retry after beyond the deadline",
			ctx: func() (context.Context, context.CancelFunc) {
				return context.WithTimeout(context.Background(), 10*time.Second)
			},
			options: []Option{WithBackoff(time.Millisecond, time.Millisecond)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			base := middlewaretest.NewTransport(middlewaretest.Reply{Status: 503, Header: http.Header{"Retry-After": {"30"}}, Body: "busy"})
			if tt.give != "retry after beyond the deadline" {
				base = middlewaretest.NewTransport(middlewaretest.Reply{Status: 503, Body: "busy"})
			}
			ctx, cancel := tt.ctx()
			defer cancel()
			req, _ := http.NewRequestWithContext(ctx, "GET", "http://example.test/", nil)
			resp, err := New(tt.options...)(base).RoundTrip(req)
			// Had it waited, the test would hang for an hour or end with
			// the context's error; it returns the last response at once.
			if err != nil {
				t.Fatalf("got error %v; want the 503", err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != 503 || base.Calls() != 1 {
				t.Errorf("got status %d after %d calls; want 503 after 1", resp.StatusCode, base.Calls())
			}
			if got := base.Responses()[0].BytesRead(); got != 0 {
				t.Errorf("got %d bytes of the returned body read; want 0", got)
			}
		})
	}
}

func TestCancelDuringWait(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	base := middlewaretest.NewTransport(middlewaretest.Reply{Status: 503, Body: "busy"})
	rt := New(WithBackoff(time.Hour, time.Hour), OnRetry(func(Event) { cancel() }))(base)
	req, _ := http.NewRequestWithContext(ctx, "GET", "http://example.test/", nil)
	type result struct {
		resp *http.Response
		err  error
	}
	done := make(chan result, 1)
	go func() {
		resp, err := rt.RoundTrip(req)
		done <- result{resp, err}
	}()
	var r result
	select {
	case r = <-done:
	case <-time.After(time.Minute): // only a guard against a hang
		t.Fatal("RoundTrip still waiting a minute after the cancel")
	}
	if r.resp != nil || !errors.Is(r.err, context.Canceled) {
		t.Fatalf("got %v, %v; want no response and an error matching context.Canceled", r.resp, r.err)
	}
	if !strings.HasPrefix(r.err.Error(), "retry: ") {
		t.Errorf("got error %q; want the retry: prefix", r.err)
	}
	if got := base.Responses()[0].Closes(); got != 1 {
		t.Errorf("got discarded body closed %d times; want 1", got)
	}
}

// attemptTimeout is a per-attempt deadline as the timeout package sets
// one: a context.WithTimeout per attempt, released when the body ends. It
// applies to the attempts of numbers in only, or to all when only is empty.
func attemptTimeout(d time.Duration, next http.RoundTripper, only ...int) http.RoundTripper {
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		if len(only) > 0 && !slices.Contains(only, Attempt(req.Context())) {
			return next.RoundTrip(req)
		}
		ctx, cancel := context.WithTimeout(req.Context(), d)
		resp, err := next.RoundTrip(req.WithContext(ctx))
		if err != nil {
			cancel()
			return nil, err
		}
		body.Watch(resp, nil, cancel)
		return resp, nil
	})
}

func TestAttemptTimeoutRetried(t *testing.T) {
	srv := newServer(t, step{status: 200, delay: time.Minute}, step{status: 200, body: "ok"})
	// Only the first attempt has a deadline: however loaded the machine,
	// the second one is not cut short.
	rt := New(fast...)(attemptTimeout(50*time.Millisecond, newClientTransport(t), 1))
	req, _ := http.NewRequest("GET", srv.URL, nil)
	resp, err := rt.RoundTrip(req)
	if err != nil {
		t.Fatalf("got error %v; want the 200 of the second attempt", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "ok" || len(srv.requests()) != 2 {
		t.Errorf("got body %q after %d requests; want %q after 2", body, len(srv.requests()), "ok")
	}
}

func TestAttemptTimeoutExhausted(t *testing.T) {
	srv := newServer(t, step{status: 200, delay: time.Minute})
	rt := New(opts(WithMaxRetries(1))...)(attemptTimeout(20*time.Millisecond, newClientTransport(t)))
	req, _ := http.NewRequest("GET", srv.URL, nil)
	_, err := rt.RoundTrip(req)
	var re *Error
	if !errors.As(err, &re) || re.Attempts != 2 || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v; want a *retry.Error of 2 attempts matching context.DeadlineExceeded", err)
	}
	var to interface{ Timeout() bool }
	if !errors.As(err, &to) || !to.Timeout() {
		t.Errorf("got Timeout() false on %v; want true", err)
	}
	if got := len(srv.requests()); got != 2 {
		t.Errorf("got %d requests; want 2", got)
	}
}

func TestOpaqueBodySentOnce(t *testing.T) {
	base := middlewaretest.NewTransport(middlewaretest.Reply{Status: 503, Body: "busy"})
	body := middlewaretest.NewBody("stream")
	req, _ := http.NewRequest("PUT", "http://example.test/", body)
	req.GetBody = nil
	resp, err := New(fast...)(base).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := base.Calls(); got != 1 {
		t.Errorf("got %d attempts; want 1", got)
	}
	if got := body.Closes(); got != 1 {
		t.Errorf("got caller's body closed %d times; want 1", got)
	}
}

func TestGetBodyReplayed(t *testing.T) {
	srv := newServer(t, step{status: 503, body: "busy"}, step{status: 502}, step{status: 201})
	payload := bytes.Repeat([]byte("0123456789"), 1000)
	body := middlewaretest.NewBody(string(payload))
	req, _ := http.NewRequest("PUT", srv.URL, body)
	req.ContentLength = int64(len(payload))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(payload)), nil }
	resp, err := New(fast...)(newClientTransport(t)).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	got := srv.requests()
	if len(got) != 3 || resp.StatusCode != 201 {
		t.Fatalf("got status %d after %d requests; want 201 after 3", resp.StatusCode, len(got))
	}
	for i, b := range got {
		if b != string(payload) {
			t.Errorf("attempt %d: got a body of %d bytes; want the %d-byte payload", i+1, len(b), len(payload))
		}
	}
	if n := body.Closes(); n != 1 {
		t.Errorf("got caller's body closed %d times; want 1", n)
	}
}

func TestGetBodyErrorStops(t *testing.T) {
	base := middlewaretest.NewTransport(middlewaretest.Reply{Status: 503, Body: "busy"})
	req, _ := http.NewRequest("PUT", "http://example.test/", strings.NewReader("x"))
	req.GetBody = func() (io.ReadCloser, error) { return nil, errors.New("gone") }
	resp, err := New(fast...)(base).RoundTrip(req)
	if err != nil {
		t.Fatalf("got error %v; want the 503", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 503 || base.Calls() != 1 {
		t.Errorf("got status %d after %d calls; want 503 after 1", resp.StatusCode, base.Calls())
	}
}

func TestExhaustedResponse(t *testing.T) {
	base := middlewaretest.NewTransport(middlewaretest.Reply{Status: 503, Body: "busy"})
	req, _ := http.NewRequest("GET", "http://example.test/", nil)
	resp, err := New(fast...)(base).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	bodies := base.Responses()
	if len(bodies) != 6 || resp.StatusCode != 503 {
		t.Fatalf("got status %d after %d attempts; want 503 after 6", resp.StatusCode, len(bodies))
	}
	for i, b := range bodies[:5] {
		if b.Closes() != 1 || b.BytesRead() != 4 {
			t.Errorf("discarded response %d: got %d closes, %d bytes read; want 1 close, all 4 bytes", i+1, b.Closes(), b.BytesRead())
		}
	}
	if last := bodies[5]; last.Closes() != 0 || last.BytesRead() != 0 {
		t.Errorf("returned response: got %d closes, %d bytes read; want it untouched", last.Closes(), last.BytesRead())
	}
	resp.Body.Close()
}

func TestDrainIsBounded(t *testing.T) {
	big := strings.Repeat("x", 3*maxDrain)
	base := middlewaretest.NewTransport(middlewaretest.Reply{Status: 503, Body: big}, middlewaretest.Reply{Status: 200})
	req, _ := http.NewRequest("GET", "http://example.test/", nil)
	resp, err := New(fast...)(base).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	b := base.Responses()[0]
	if b.BytesRead() != maxDrain || b.Closes() != 1 {
		t.Errorf("got %d bytes drained, %d closes; want %d and 1", b.BytesRead(), b.Closes(), maxDrain)
	}
}

func TestExhaustedError(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now: connection refused
	req, _ := http.NewRequest("GET", "http://"+addr+"/", nil)
	resp, err := New(opts(WithMaxRetries(2))...)(newClientTransport(t)).RoundTrip(req)
	if resp != nil {
		t.Fatalf("got a response %d; want none", resp.StatusCode)
	}
	var op *net.OpError
	if !errors.As(err, &op) || op.Op != "dial" {
		t.Fatalf("got %v; want an error reaching a dial *net.OpError", err)
	}
	if want := "retry: giving up after 3 attempts: "; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("got %q; want prefix %q", err, want)
	}
}

func TestAttemptNumbers(t *testing.T) {
	var got []int
	base := middlewaretest.NewTransport(middlewaretest.Reply{Status: 500}, middlewaretest.Reply{Err: errReset}, middlewaretest.Reply{Status: 200})
	rec := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		got = append(got, Attempt(r.Context()))
		return base.RoundTrip(r)
	})
	req, _ := http.NewRequest("GET", "http://example.test/", nil)
	resp, err := New(fast...)(rec).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if want := []int{1, 2, 3}; !equal(got, want) {
		t.Errorf("got attempts %v; want %v", got, want)
	}
	if n := Attempt(req.Context()); n != 0 {
		t.Errorf("got Attempt %d on the caller's context; want 0", n)
	}
	if n := Attempt(context.Background()); n != 0 {
		t.Errorf("got Attempt %d outside retry; want 0", n)
	}
}

func equal[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestOnRetryEvents(t *testing.T) {
	var events []Event
	base := middlewaretest.NewTransport(
		middlewaretest.Reply{Status: 503, Header: http.Header{"Retry-After": {"0"}}},
		middlewaretest.Reply{Err: errReset},
		middlewaretest.Reply{Status: 502},
		middlewaretest.Reply{Status: 200},
	)
	var second []int
	o := opts(
		WithBackoff(2*time.Millisecond, 4*time.Millisecond),
		OnRetry(func(e Event) { events = append(events, e) }),
		OnRetry(nil),
		OnRetry(func(e Event) { second = append(second, e.Attempt) }),
	)
	req, _ := http.NewRequest("GET", "http://example.test/", nil)
	resp, err := New(o...)(base).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	want := []Event{
		{Request: req, Attempt: 1, Delay: 0, StatusCode: 503},
		{Request: req, Attempt: 2, Delay: 4 * time.Millisecond, Err: errReset},
		{Request: req, Attempt: 3, Delay: 4 * time.Millisecond, StatusCode: 502},
	}
	if len(events) != len(want) {
		t.Fatalf("got %d events; want %d", len(events), len(want))
	}
	for i := range want {
		if events[i] != want[i] {
			t.Errorf("event %d: got %+v; want %+v", i, events[i], want[i])
		}
	}
	if !equal(second, []int{1, 2, 3}) {
		t.Errorf("second listener got attempts %v; want [1 2 3]", second)
	}
}

func TestRetryAfterAboveMaxReturnedAtOnce(t *testing.T) {
	var events int
	base := middlewaretest.NewTransport(middlewaretest.Reply{Status: 429, Header: http.Header{"Retry-After": {"120"}}, Body: "slow down"})
	req, _ := http.NewRequest("POST", "http://example.test/", strings.NewReader("x"))
	resp, err := New(opts(OnRetry(func(Event) { events++ }))...)(base).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 429 || base.Calls() != 1 || events != 0 {
		t.Errorf("got status %d after %d calls, %d events; want 429 after 1, no event", resp.StatusCode, base.Calls(), events)
	}
	if got := base.Responses()[0].BytesRead(); got != 0 {
		t.Errorf("got %d bytes read of the returned body; want 0", got)
	}
}

func TestRetryAfterWaited(t *testing.T) {
	srv := newServer(t, step{status: 503, header: http.Header{"Retry-After": {"1"}}}, step{status: 200})
	wait, waits := recordWaits()
	var got []time.Duration
	rt := New(opts(WithJitter(1), wait, OnRetry(func(e Event) { got = append(got, e.Delay) }))...)(newClientTransport(t))
	req, _ := http.NewRequest("GET", srv.URL, nil)
	resp, err := rt.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if !equal(*waits, []time.Duration{time.Second}) || !equal(got, *waits) {
		t.Errorf("got waits %v, event delays %v; want [1s], unjittered", *waits, got)
	}
}

func TestSleep(t *testing.T) {
	start := time.Now()
	if err := sleep(context.Background(), 20*time.Millisecond); err != nil || time.Since(start) < 20*time.Millisecond {
		t.Errorf("got %v after %v; want nil after at least 20ms", err, time.Since(start))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v; want context.Canceled at once", err)
	}
	if err := sleep(ctx, 0); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v for no wait on a done context; want context.Canceled", err)
	}
}

func TestNoRetries(t *testing.T) {
	base := middlewaretest.NewTransport(middlewaretest.Reply{Status: 503})
	req, _ := http.NewRequest("GET", "http://example.test/", nil)
	resp, err := New(opts(WithMaxRetries(0))...)(base).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if base.Calls() != 1 {
		t.Errorf("got %d calls; want 1", base.Calls())
	}
}

func TestContract(t *testing.T) {
	middlewaretest.CheckContract(t, New(fast...))
	middlewaretest.CheckContract(t, New(opts(WithAllMethods())...))
}

func TestNilNext(t *testing.T) {
	if got := Failsafe()(nil); got != http.DefaultTransport {
		t.Errorf("got %T; want http.DefaultTransport", got)
	}
	if got := Failsafe(nil, nil)(nil); got != http.DefaultTransport {
		t.Errorf("got %T for nil policies; want http.DefaultTransport", got)
	}
	rt, ok := New()(nil).(*transport)
	if !ok || rt.next != http.DefaultTransport {
		t.Errorf("got %T over %v; want a retry transport over http.DefaultTransport", rt, rt)
	}
}

func TestOptionPanics(t *testing.T) {
	tests := []struct {
		give string
		fn   func()
		want string
	}{
		{give: "negative retries", fn: func() { WithMaxRetries(-1) }, want: "retry: WithMaxRetries: "},
		{give: "negative initial", fn: func() { WithBackoff(-time.Second, time.Second) }, want: "retry: WithBackoff: "},
		{give: "negative max", fn: func() { WithBackoff(time.Second, -time.Second) }, want: "retry: WithBackoff: "},
		{give: "initial above max", fn: func() { WithBackoff(2*time.Second, time.Second) }, want: "retry: WithBackoff: "},
		{give: "jitter above 1", fn: func() { WithJitter(1.5) }, want: "retry: WithJitter: "},
		{give: "negative jitter", fn: func() { WithJitter(-0.1) }, want: "retry: WithJitter: "},
		{give: "NaN jitter", fn: func() { WithJitter(nan()) }, want: "retry: WithJitter: "},
		{give: "negative max duration", fn: func() { WithMaxDuration(-1) }, want: "retry: WithMaxDuration: "},
		{give: "negative max retry after", fn: func() { WithMaxRetryAfter(-1) }, want: "retry: WithMaxRetryAfter: "},
		{give: "bad status", fn: func() { WithStatusCodes(503, 99) }, want: "retry: WithStatusCodes: "},
		{give: "foreign budget", fn: func() { WithBudget(fakeBudget{}) }, want: "retry: WithBudget: "},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			defer func() {
				r := recover()
				msg, _ := r.(string)
				if !strings.HasPrefix(msg, tt.want) {
					t.Errorf("got panic %v; want one starting %q", r, tt.want)
				}
			}()
			tt.fn()
		})
	}
}

func nan() float64 { var zero float64; return zero / zero }

type fakeBudget struct{}

func (fakeBudget) Rate() float64 { return 0 }

func TestOptionDefaults(t *testing.T) {
	c := newConfig([]Option{WithBackoff(0, 0), WithMaxRetryAfter(0), WithStatusCodes(), WithBudget(nil), nil})
	d := newConfig(nil)
	if c.initial != time.Second || c.max != 16*time.Second || c.maxRetryAfter != time.Minute || c.codes != d.codes || c.budget != nil {
		t.Errorf("got %v..%v, max Retry-After %v, budget %v; want the defaults", c.initial, c.max, c.maxRetryAfter, c.budget)
	}
	if d.maxRetries != 5 || d.jitter != 0.25 || d.maxDuration != 0 || d.allMethods {
		t.Errorf("got %d retries, jitter %v, max duration %v, all methods %v; want 5, 0.25, 0, false", d.maxRetries, d.jitter, d.maxDuration, d.allMethods)
	}
	if c := newConfig([]Option{WithBackoff(20*time.Second, 0)}); c.max != 20*time.Second {
		t.Errorf("got max %v for an initial of 20s; want 20s", c.max)
	}
}
