package retry

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/failsafe-go/failsafe-go"
	"github.com/failsafe-go/failsafe-go/budget"
	"github.com/failsafe-go/failsafe-go/circuitbreaker"
	"github.com/failsafe-go/failsafe-go/retrypolicy"
	fstimeout "github.com/failsafe-go/failsafe-go/timeout"

	"github.com/roundtrip-go/roundtrip/middleware/middlewaretest"
)

func TestBudgetRefusal(t *testing.T) {
	var exceeded atomic.Int32
	b := budget.NewBuilder().WithMaxRate(0).WithMinConcurrency(0).
		OnBudgetExceeded(func(budget.ExceededEvent) { exceeded.Add(1) }).Build()
	retrying := make(chan struct{})
	release := make(chan struct{})
	var calls atomic.Int32
	base := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		calls.Add(1)
		if r.Header.Get("X-Who") == "a" && Attempt(r.Context()) == 2 {
			close(retrying) // a's retry holds the budget's only slot
			<-release
			return &http.Response{StatusCode: 200, Body: http.NoBody, Request: r}, nil
		}
		return &http.Response{StatusCode: 503, Body: middlewaretest.NewBody("busy"), Request: r}, nil
	})
	rt := New(opts(WithBudget(b))...)(base)

	errc := make(chan error, 1)
	go func() {
		req, _ := http.NewRequest("GET", "http://example.test/", nil)
		req.Header.Set("X-Who", "a")
		resp, err := rt.RoundTrip(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode != 200 {
				err = errors.New("a: got status " + resp.Status)
			}
		}
		errc <- err
	}()
	<-retrying

	req, _ := http.NewRequest("GET", "http://example.test/", nil)
	resp, err := rt.RoundTrip(req)
	if err != nil {
		t.Fatalf("got error %v; want the 503", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 503 || exceeded.Load() != 1 {
		t.Errorf("got status %d with %d budget refusals; want 503 with 1", resp.StatusCode, exceeded.Load())
	}
	close(release)
	if err := <-errc; err != nil {
		t.Error(err)
	}
	if got := calls.Load(); got != 3 {
		t.Errorf("got %d calls; want 3 (a twice, b once)", got)
	}
	if r := b.Rate(); r != 0 {
		t.Errorf("got budget rate %v after all requests; want 0", r)
	}
}

func TestCircuitBreakerOpen(t *testing.T) {
	cb := circuitbreaker.NewBuilder[*http.Response]().WithDelay(time.Hour).Build()
	cb.Open()
	tests := []struct {
		give     string
		policies []failsafe.Policy[*http.Response]
	}{
		{give: "retry around breaker", policies: []failsafe.Policy[*http.Response]{NewPolicy(fast...), cb}},
		{give: "breaker around retry", policies: []failsafe.Policy[*http.Response]{cb, NewPolicy(fast...)}},
		{give: "breaker alone", policies: []failsafe.Policy[*http.Response]{cb}},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			base := middlewaretest.NewTransport()
			body := middlewaretest.NewBody("x")
			req, _ := http.NewRequest("PUT", "http://example.test/", body)
			resp, err := Failsafe(tt.policies...)(base).RoundTrip(req)
			if resp != nil || !errors.Is(err, circuitbreaker.ErrOpen) {
				t.Fatalf("got %v, %v; want no response and circuitbreaker.ErrOpen", resp, err)
			}
			if !strings.HasPrefix(err.Error(), "retry: ") || strings.Count(err.Error(), "retry:") != 1 {
				t.Errorf("got %q; want one retry: prefix", err)
			}
			if base.Calls() != 0 || body.Closes() != 1 {
				t.Errorf("got %d calls, caller's body closed %d times; want 0 and 1", base.Calls(), body.Closes())
			}
		})
	}
}

func TestCircuitBreakerOpensDuringRetries(t *testing.T) {
	cb := circuitbreaker.NewBuilder[*http.Response]().
		HandleIf(func(r *http.Response, err error) bool { return err != nil || r.StatusCode >= 500 }).
		WithFailureThreshold(2).WithDelay(time.Hour).Build()
	base := middlewaretest.NewTransport(middlewaretest.Reply{Status: 503, Body: "busy"})
	req, _ := http.NewRequest("GET", "http://example.test/", nil)
	resp, err := Failsafe(NewPolicy(fast...), cb)(base).RoundTrip(req)
	if resp != nil || !errors.Is(err, circuitbreaker.ErrOpen) {
		t.Fatalf("got %v, %v; want circuitbreaker.ErrOpen", resp, err)
	}
	if base.Calls() != 2 || base.Unclosed() != 0 {
		t.Errorf("got %d calls, %d unclosed; want 2, 0", base.Calls(), base.Unclosed())
	}
}

func TestFailsafeContract(t *testing.T) {
	// Each check gets a breaker that the scripted transport error cannot open.
	cb := func() failsafe.Policy[*http.Response] {
		return circuitbreaker.NewBuilder[*http.Response]().WithFailureThreshold(1000).Build()
	}
	middlewaretest.CheckContract(t, Failsafe(NewPolicy(fast...), cb()))
	middlewaretest.CheckContract(t, Failsafe(cb(), NewPolicy(fast...)))
	middlewaretest.CheckContract(t, Failsafe(cb()))
	middlewaretest.CheckContract(t, Failsafe(fstimeout.New[*http.Response](time.Minute)))
}

// foreignRetry is a plain failsafe-go retry policy on 503.
func foreignRetry() retrypolicy.RetryPolicy[*http.Response] {
	return retrypolicy.NewBuilder[*http.Response]().
		HandleIf(func(r *http.Response, err error) bool { return r != nil && r.StatusCode == 503 }).
		WithMaxRetries(2).ReturnLastFailure().Build()
}

func TestFailsafeForeignRetryReplaysBodies(t *testing.T) {
	base := middlewaretest.NewTransport(middlewaretest.Reply{Status: 503, Body: "busy"}, middlewaretest.Reply{Status: 503}, middlewaretest.Reply{Status: 200, Body: "ok"})
	var attempts []int
	rec := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		attempts = append(attempts, Attempt(r.Context()))
		return base.RoundTrip(r)
	})
	payload := []byte("the payload")
	req, _ := http.NewRequest("PUT", "http://example.test/", bytes.NewReader(payload))
	resp, err := Failsafe(foreignRetry())(rec).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(got) != "ok" || base.Unclosed() != 0 {
		t.Errorf("got body %q, %d unclosed; want %q, 0", got, base.Unclosed(), "ok")
	}
	for i, r := range base.Received() {
		if !bytes.Equal(r.Body, payload) {
			t.Errorf("attempt %d: got body %q; want %q", i+1, r.Body, payload)
		}
	}
	if !equal(attempts, []int{1, 2, 3}) {
		t.Errorf("got attempts %v; want [1 2 3]", attempts)
	}
}

// TestFailsafeForeignRetryOpaqueBody checks that a body with no GetBody is
// sent once under a foreign retry policy too, and that the caller then gets
// the one response, unread, as from New.
func TestFailsafeForeignRetryOpaqueBody(t *testing.T) {
	policies := map[string]retrypolicy.RetryPolicy[*http.Response]{
		"handles 503 only": foreignRetry(),
		"handles every error": retrypolicy.NewBuilder[*http.Response]().
			HandleIf(func(r *http.Response, err error) bool { return err != nil || r.StatusCode == 503 }).
			WithMaxRetries(2).ReturnLastFailure().Build(),
	}
	for name, policy := range policies {
		t.Run(name, func(t *testing.T) {
			base := middlewaretest.NewTransport(middlewaretest.Reply{Status: 503, Body: "busy"}, middlewaretest.Reply{Status: 200})
			body := middlewaretest.NewBody("stream")
			req, _ := http.NewRequest("PUT", "http://example.test/", body)
			resp, err := Failsafe(policy)(base).RoundTrip(req)
			if err != nil || resp == nil || resp.StatusCode != 503 {
				t.Fatalf("got %v, %v; want the 503, no error", resp, err)
			}
			got, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if string(got) != "busy" {
				t.Errorf("got body %q; want %q, unread before", got, "busy")
			}
			if base.Calls() != 1 || base.Unclosed() != 0 || body.Closes() != 1 {
				t.Errorf("got %d calls, %d unclosed, body closed %d times; want 1, 0, 1", base.Calls(), base.Unclosed(), body.Closes())
			}
		})
	}
}

// TestFailsafeForeignRetryOpaqueBodyError checks that when the one attempt
// a body with no GetBody allows fails with an error, the caller gets that
// error, counted as one attempt.
func TestFailsafeForeignRetryOpaqueBodyError(t *testing.T) {
	errReset := errors.New("connection reset")
	base := middlewaretest.NewTransport(middlewaretest.Reply{Err: errReset}, middlewaretest.Reply{Status: 200})
	req, _ := http.NewRequest("PUT", "http://example.test/", middlewaretest.NewBody("stream"))
	policy := retrypolicy.NewBuilder[*http.Response]().WithMaxRetries(2).Build()
	resp, err := Failsafe(policy)(base).RoundTrip(req)
	if resp != nil || !errors.Is(err, errReset) {
		t.Fatalf("got %v, %v; want the attempt's error", resp, err)
	}
	if want := "retry: giving up after 1 attempt: connection reset"; err.Error() != want {
		t.Errorf("got %q; want %q", err, want)
	}
	if base.Calls() != 1 {
		t.Errorf("got %d calls; want 1", base.Calls())
	}
}

func TestFailsafeTimeoutKeepsBodyReadable(t *testing.T) {
	big := strings.Repeat("z", 4<<20)
	srv := newServer(t, step{status: 200, body: big})
	rt := Failsafe(fstimeout.New[*http.Response](time.Minute))(newClientTransport(t))
	req, _ := http.NewRequest("GET", srv.URL, nil)
	resp, err := rt.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || len(got) != len(big) {
		t.Errorf("got %d bytes, error %v; want %d bytes", len(got), err, len(big))
	}
}

func TestFailsafeTimeoutPolicyRetried(t *testing.T) {
	// In memory: the first attempt waits for its timeout, the second
	// answers at once, far within its own.
	var n atomic.Int32
	base := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if n.Add(1) == 1 {
			<-r.Context().Done()
			return nil, r.Context().Err()
		}
		return &http.Response{StatusCode: 200, Body: middlewaretest.NewBody("ok"), Request: r}, nil
	})
	rt := Failsafe(NewPolicy(fast...), fstimeout.New[*http.Response](250*time.Millisecond))(base)
	req, _ := http.NewRequest("GET", "http://example.test/", nil)
	resp, err := rt.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(got) != "ok" || n.Load() != 2 {
		t.Errorf("got %q after %d attempts; want %q after 2", got, n.Load(), "ok")
	}
}

func TestNewPolicyInForeignExecutor(t *testing.T) {
	tests := []struct {
		give  string
		reply middlewaretest.Reply
		want  int
	}{
		{give: "503 retried", reply: middlewaretest.Reply{Status: 503}, want: 3},
		{give: "404 not retried", reply: middlewaretest.Reply{Status: 404}, want: 1},
		{give: "Retry-After above max", reply: middlewaretest.Reply{Status: 503, Header: http.Header{"Retry-After": {"3600"}}}, want: 1},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			var events int
			base := middlewaretest.NewTransport(tt.reply)
			p := NewPolicy(opts(WithMaxRetries(2), OnRetry(func(Event) { events++ }))...)
			req, _ := http.NewRequest("GET", "http://example.test/", nil)
			resp, err := failsafe.With(p).Get(func() (*http.Response, error) { return base.RoundTrip(req) })
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tt.reply.Status || base.Calls() != tt.want || events != tt.want-1 {
				t.Errorf("got status %d after %d calls, %d events; want %d after %d, %d", resp.StatusCode, base.Calls(), events, tt.reply.Status, tt.want, tt.want-1)
			}
		})
	}
}

// TestBudgetInternal checks that the budgets of failsafe-go's budget
// package still have the methods retry drives: failsafe-go declares them
// in an internal package, out of reach of a compile-time check.
func TestBudgetInternal(t *testing.T) {
	for _, b := range []budget.Budget{budget.New(), budget.NewBuilder().WithMaxRate(0.5).Build()} {
		if _, ok := b.(budgetInternal); !ok {
			t.Errorf("%T lacks the methods of budgetInternal; failsafe-go changed its budget", b)
		}
	}
}

// failsafeGet runs req through base under a plain failsafe-go executor
// of policy.
func failsafeGet(policy retrypolicy.RetryPolicy[*http.Response], base http.RoundTripper, req *http.Request) (*http.Response, error) {
	return failsafe.With(policy).Get(func() (*http.Response, error) { return base.RoundTrip(req) })
}
