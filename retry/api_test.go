package retry

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/failsafe-go/failsafe-go/budget"
	"github.com/failsafe-go/failsafe-go/circuitbreaker"
	"github.com/failsafe-go/failsafe-go/retrypolicy"

	"github.com/roundtrip-go/roundtrip/middleware"
	"github.com/roundtrip-go/roundtrip/middleware/middlewaretest"
)

// recordWaits returns a WithWait option that records each wait and
// returns at once, and the waits it recorded.
func recordWaits() (Option, *[]time.Duration) {
	var waits []time.Duration
	return WithWait(func(ctx context.Context, d time.Duration) error {
		waits = append(waits, d)
		return ctx.Err()
	}), &waits
}

func TestWithWaitRetryAfter(t *testing.T) {
	wait, waits := recordWaits()
	base := middlewaretest.NewTransport(
		middlewaretest.Reply{Status: 503, Header: http.Header{"Retry-After": {"30"}}},
		middlewaretest.Reply{Status: 429, Header: http.Header{"Retry-After": {"2"}}},
		middlewaretest.Reply{Status: 502},
		middlewaretest.Reply{Status: 200},
	)
	req, _ := http.NewRequest("GET", "http://example.test/", nil)
	start := time.Now()
	resp, err := New(WithBackoff(time.Hour, time.Hour), WithJitter(0), wait)(base).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if want := []time.Duration{30 * time.Second, 2 * time.Second, time.Hour}; !equal(*waits, want) {
		t.Errorf("got waits %v; want %v", *waits, want)
	}
	if elapsed := time.Since(start); elapsed > 10*time.Second {
		t.Errorf("took %v; want no real wait", elapsed)
	}
}

func TestWithWaitError(t *testing.T) {
	errStop := errors.New("stop")
	base := middlewaretest.NewTransport(middlewaretest.Reply{Status: 503, Body: "busy"})
	req, _ := http.NewRequest("GET", "http://example.test/", nil)
	o := opts(WithWait(func(context.Context, time.Duration) error { return errStop }))
	resp, err := New(o...)(base).RoundTrip(req)
	var re *Error
	if resp != nil || !errors.Is(err, errStop) || !errors.As(err, &re) || re.Attempts != 1 {
		t.Fatalf("got %v, %v; want a *retry.Error of 1 attempt matching the wait's error", resp, err)
	}
	if base.Unclosed() != 0 {
		t.Errorf("got %d unclosed responses; want 0", base.Unclosed())
	}
}

func TestOverride(t *testing.T) {
	cb := circuitbreaker.NewBuilder[*http.Response]().WithFailureThreshold(1000).Build()
	stacks := map[string]func(http.RoundTripper) http.RoundTripper{
		"New":      New(opts(WithMaxRetries(2))...),
		"Failsafe": Failsafe(NewPolicy(opts(WithMaxRetries(2))...), cb),
	}
	for name, stack := range stacks {
		t.Run(name, func(t *testing.T) {
			tests := []struct {
				give   string
				method string
				ctx    context.Context
				want   int
			}{
				{give: "no override", method: "GET", ctx: context.Background(), want: 3},
				{give: "no retries", method: "GET", ctx: Override(context.Background(), WithMaxRetries(0)), want: 1},
				{give: "one more retry", method: "GET", ctx: Override(context.Background(), WithMaxRetries(3)), want: 4},
				{give: "POST as is", method: "POST", ctx: context.Background(), want: 1},
				{give: "POST marked safe", method: "POST", ctx: Override(context.Background(), WithAllMethods()), want: 3},
				{give: "nested", method: "POST", ctx: Override(Override(context.Background(), WithAllMethods()), WithMaxRetries(1)), want: 2},
			}
			for _, tt := range tests {
				t.Run(tt.give, func(t *testing.T) {
					base := middlewaretest.NewTransport(middlewaretest.Reply{Status: 503})
					req, _ := http.NewRequestWithContext(tt.ctx, tt.method, "http://example.test/", strings.NewReader("x"))
					resp, err := stack(base).RoundTrip(req)
					if err != nil {
						t.Fatal(err)
					}
					resp.Body.Close()
					if base.Calls() != tt.want {
						t.Errorf("got %d attempts; want %d", base.Calls(), tt.want)
					}
				})
			}
		})
	}
}

func TestOverrideListenersAdded(t *testing.T) {
	var mw, call []int
	base := middlewaretest.NewTransport(middlewaretest.Reply{Status: 503}, middlewaretest.Reply{Status: 200})
	rt := New(opts(OnRetry(func(e Event) { mw = append(mw, e.Attempt) }))...)(base)
	ctx := Override(context.Background(), OnRetry(func(e Event) { call = append(call, e.Attempt) }))
	req, _ := http.NewRequestWithContext(ctx, "GET", "http://example.test/", nil)
	resp, err := rt.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if !equal(mw, []int{1}) || !equal(call, []int{1}) {
		t.Errorf("got middleware events %v, call events %v; want [1] and [1]", mw, call)
	}
	// The middleware's own listeners are not changed by the override.
	req, _ = http.NewRequest("GET", "http://example.test/", nil)
	base2 := middlewaretest.NewTransport(middlewaretest.Reply{Status: 503}, middlewaretest.Reply{Status: 200})
	rt = New(opts(OnRetry(func(e Event) { mw = append(mw, e.Attempt) }))...)(base2)
	resp, err = rt.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if !equal(call, []int{1}) {
		t.Errorf("got call events %v after another request; want [1]", call)
	}
}

func TestWithRetryIf(t *testing.T) {
	conflict := func(resp *http.Response, err error) bool {
		return Retryable(resp, err) || resp != nil && resp.StatusCode == http.StatusConflict
	}
	tests := []struct {
		give   string
		method string
		reply  middlewaretest.Reply
		want   int
	}{
		{give: "GET 409", method: "GET", reply: middlewaretest.Reply{Status: 409}, want: 3},
		{give: "GET 503 still", method: "GET", reply: middlewaretest.Reply{Status: 503}, want: 3},
		{give: "GET reset still", method: "GET", reply: middlewaretest.Reply{Err: errReset}, want: 3},
		{give: "GET 404", method: "GET", reply: middlewaretest.Reply{Status: 404}, want: 1},
		{give: "POST 409: method rules apply", method: "POST", reply: middlewaretest.Reply{Status: 409}, want: 1},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			if got := calls(t, tt.method, nil, tt.reply, WithRetryIf(conflict)); got != tt.want {
				t.Errorf("got %d attempts; want %d", got, tt.want)
			}
		})
	}
	// Nothing overrides the caller's context.
	ctx, cancel := context.WithCancel(context.Background())
	base := middlewaretest.NewTransport(middlewaretest.Reply{Status: 409})
	stub := roundTripFunc(func(r *http.Request) (*http.Response, error) { cancel(); return base.RoundTrip(r) })
	req, _ := http.NewRequestWithContext(ctx, "GET", "http://example.test/", nil)
	all := func(*http.Response, error) bool { return true }
	resp, err := New(opts(WithRetryIf(all))...)(stub).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if base.Calls() != 1 {
		t.Errorf("got %d attempts after the caller's cancel; want 1", base.Calls())
	}
}

func TestRetryable(t *testing.T) {
	tests := []struct {
		give string
		resp *http.Response
		err  error
		want bool
	}{
		{give: "503", resp: &http.Response{StatusCode: 503}, want: true},
		{give: "429", resp: &http.Response{StatusCode: 429}, want: true},
		{give: "409", resp: &http.Response{StatusCode: 409}},
		{give: "200", resp: &http.Response{StatusCode: 200}},
		{give: "reset", err: errReset, want: true},
		{give: "timeout", err: timeoutErr{}, want: true},
		{give: "canceled", err: context.Canceled},
		{give: "nothing"},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			if got := Retryable(tt.resp, tt.err); got != tt.want {
				t.Errorf("got %v; want %v", got, tt.want)
			}
		})
	}
}

func TestWithBackoffFunc(t *testing.T) {
	wait, waits := recordWaits()
	base := middlewaretest.NewTransport(
		middlewaretest.Reply{Status: 500},
		middlewaretest.Reply{Status: 503, Header: http.Header{"Retry-After": {"7"}}},
		middlewaretest.Reply{Status: 502},
		middlewaretest.Reply{Status: 200},
	)
	req, _ := http.NewRequest("GET", "http://example.test/", nil)
	fn := func(k int) time.Duration { return time.Duration(k) * 111 * time.Millisecond }
	resp, err := New(WithBackoffFunc(fn), wait)(base).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	// Used as is, no jitter; the Retry-After of retry 2 wins.
	if want := []time.Duration{111 * time.Millisecond, 7 * time.Second, 333 * time.Millisecond}; !equal(*waits, want) {
		t.Errorf("got waits %v; want %v", *waits, want)
	}
}

func TestOnGiveUp(t *testing.T) {
	wait, _ := recordWaits()
	s503 := middlewaretest.Reply{Status: 503}
	tests := []struct {
		give    string
		replies []middlewaretest.Reply
		ctx     func() (context.Context, context.CancelFunc)
		options []Option
		want    []string
	}{
		{give: "max retries", replies: []middlewaretest.Reply{s503}, want: []string{ReasonMaxRetries}},
		{give: "max retries on an error", replies: []middlewaretest.Reply{{Err: errReset}}, want: []string{ReasonMaxRetries}},
		{give: "retry after", replies: []middlewaretest.Reply{{Status: 429, Header: http.Header{"Retry-After": {"3600"}}}}, want: []string{ReasonRetryAfter}},
		{give: "max duration", replies: []middlewaretest.Reply{s503}, options: []Option{WithBackoff(time.Hour, time.Hour), WithMaxDuration(time.Minute)}, want: []string{ReasonMaxDuration}},
		{
			give: "deadline", replies: []middlewaretest.Reply{s503}, options: []Option{WithBackoff(time.Hour, time.Hour)},
			ctx: func() (context.Context, context.CancelFunc) {
				return context.WithTimeout(context.Background(), time.Minute)
			},
			want: []string{ReasonDeadline},
		},
		{give: "success", replies: []middlewaretest.Reply{s503, {Status: 200}}},
		{give: "not retryable", replies: []middlewaretest.Reply{{Status: 404}}},
		{give: "a 5xx not retried", replies: []middlewaretest.Reply{{Status: 501}}, want: []string{ReasonNotRetryable}},
		{give: "no retries configured", replies: []middlewaretest.Reply{s503}, options: []Option{WithMaxRetries(0)}, want: []string{ReasonMaxRetries}},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			var got []string
			var events []Event
			base := middlewaretest.NewTransport(tt.replies...)
			o := append(opts(wait, WithMaxRetries(2)), tt.options...)
			o = append(o, Options(
				OnGiveUp(func(e Event) { got = append(got, e.Reason); events = append(events, e) }),
				OnGiveUp(func(e Event) { got = append(got, "second") }),
			))
			ctx, cancel := context.Background(), context.CancelFunc(func() {})
			if tt.ctx != nil {
				ctx, cancel = tt.ctx()
			}
			defer cancel()
			req, _ := http.NewRequestWithContext(ctx, "GET", "http://example.test/", nil)
			resp, err := New(o...)(base).RoundTrip(req)
			if err == nil {
				resp.Body.Close()
			}
			var want []string
			if tt.want != nil {
				want = append(tt.want, "second")
			}
			if !equal(got, want) {
				t.Fatalf("got give-ups %q; want %q", got, want)
			}
			if len(events) == 1 {
				e := events[0]
				if e.Request != req || e.Attempt != base.Calls() || e.Delay != 0 {
					t.Errorf("got %+v; want the request, attempt %d, no delay", e, base.Calls())
				}
			}
		})
	}
}

// TestOnGiveUpPostNotRetried checks that a call that ends on a failure the
// method rules do not retry still reports it, once: inside a retry layer
// the access log is a warning, so this event is what reports the failure.
func TestOnGiveUpPostNotRetried(t *testing.T) {
	for _, tt := range []struct {
		give  middlewaretest.Reply
		want  []string
		calls int
	}{
		{give: middlewaretest.Reply{Status: 503}, want: []string{ReasonNotRetryable}, calls: 1},
		{give: middlewaretest.Reply{Err: errReset}, want: []string{ReasonNotRetryable}, calls: 1},
		{give: middlewaretest.Reply{Status: 409}, want: nil, calls: 1},
	} {
		var got []string
		base := middlewaretest.NewTransport(tt.give)
		req, _ := http.NewRequest("POST", "http://example.test/", strings.NewReader("x"))
		resp, err := New(opts(OnGiveUp(func(e Event) { got = append(got, e.Reason) }))...)(base).RoundTrip(req)
		if err == nil {
			resp.Body.Close()
		}
		if base.Calls() != tt.calls || !equal(got, tt.want) {
			t.Errorf("POST %v: got %d calls, give-ups %q; want %d, %q", tt.give, base.Calls(), got, tt.calls, tt.want)
		}
	}
}

func TestOnGiveUpNotOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var gaveUp int
	base := middlewaretest.NewTransport(middlewaretest.Reply{Status: 503})
	o := opts(OnRetry(func(Event) { cancel() }), OnGiveUp(func(Event) { gaveUp++ }))
	req, _ := http.NewRequestWithContext(ctx, "GET", "http://example.test/", nil)
	if _, err := New(o...)(base).RoundTrip(req); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v; want context.Canceled", err)
	}
	if gaveUp != 0 {
		t.Errorf("got %d give-ups; want 0 on a cancel", gaveUp)
	}
}

func TestBudgetGiveUp(t *testing.T) {
	b := budget.NewBuilder().WithMaxRate(0).WithMinConcurrency(0).Build()
	// Another request holds a retry permit, so the budget refuses ours.
	bi := b.(budgetInternal)
	bi.RecordExecution()
	if !bi.TryAcquirePermit() {
		t.Fatal("the budget refused the first permit")
	}
	defer func() { bi.ReleasePermit(); bi.ReleaseExecution() }()
	var reasons []string
	base := middlewaretest.NewTransport(middlewaretest.Reply{Status: 503})
	req, _ := http.NewRequest("GET", "http://example.test/", nil)
	resp, err := New(opts(WithBudget(b), OnGiveUp(func(e Event) { reasons = append(reasons, e.Reason) }))...)(base).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if base.Calls() != 1 || !equal(reasons, []string{ReasonBudget}) {
		t.Errorf("got %d calls, give-ups %q; want 1, [budget]", base.Calls(), reasons)
	}
}

func TestErrorType(t *testing.T) {
	base := middlewaretest.NewTransport(middlewaretest.Reply{Err: errReset})
	req, _ := http.NewRequest("GET", "http://example.test/", nil)
	_, err := New(opts(WithMaxRetries(2))...)(base).RoundTrip(req)
	var re *Error
	if !errors.As(err, &re) || re.Attempts != 3 || !errors.Is(err, errReset) {
		t.Fatalf("got %v; want a *retry.Error of 3 attempts reaching the reset", err)
	}
	if want := "retry: giving up after 3 attempts: " + errReset.Error(); err.Error() != want {
		t.Errorf("got %q; want %q", err, want)
	}
}

// TestBreakerCountsTrue checks the counts under Failsafe with a circuit
// breaker: a call the open breaker rejects is no attempt that reached the
// server, an open breaker fails fast without waiting a backoff, and no
// retry event is given for an attempt the breaker would reject.
func TestBreakerCountsTrue(t *testing.T) {
	newBreaker := func() circuitbreaker.CircuitBreaker[*http.Response] {
		return circuitbreaker.NewBuilder[*http.Response]().
			HandleIf(func(r *http.Response, err error) bool { return err != nil || r.StatusCode >= 500 }).
			WithFailureThreshold(2).WithDelay(time.Hour).Build()
	}
	t.Run("opens during retries", func(t *testing.T) {
		wait, waits := recordWaits()
		var retries int
		var gaveUp []string
		base := middlewaretest.NewTransport(middlewaretest.Reply{Status: 503, Body: "busy"})
		p := NewPolicy(opts(wait, OnRetry(func(Event) { retries++ }), OnGiveUp(func(e Event) { gaveUp = append(gaveUp, e.Reason) }))...)
		req, _ := http.NewRequest("GET", "http://example.test/", nil)
		resp, err := Failsafe(p, newBreaker())(base).RoundTrip(req)
		var re *Error
		if resp != nil || !errors.Is(err, circuitbreaker.ErrOpen) || !errors.As(err, &re) {
			t.Fatalf("got %v, %v; want a *retry.Error matching circuitbreaker.ErrOpen", resp, err)
		}
		if re.Attempts != 2 || base.Calls() != 2 {
			t.Errorf("got %d attempts counted, %d sent; want 2 and 2", re.Attempts, base.Calls())
		}
		// The call ends when the breaker opens: one give-up, after the
		// retry events, never while it is still retried.
		if len(*waits) != 1 || retries != 1 || !equal(gaveUp, []string{ReasonCircuitOpen}) {
			t.Errorf("got waits %v, %d retry events, give-ups %q; want one wait, one event, [circuit_open]", *waits, retries, gaveUp)
		}
		if base.Unclosed() != 0 {
			t.Errorf("got %d unclosed; want 0", base.Unclosed())
		}
	})
	t.Run("already open", func(t *testing.T) {
		for _, order := range []string{"retry around breaker", "breaker around retry"} {
			cb := newBreaker()
			cb.Open()
			wait, waits := recordWaits()
			p := NewPolicy(opts(wait)...)
			mw := Failsafe(p, cb)
			if order == "breaker around retry" {
				mw = Failsafe(cb, p)
			}
			base := middlewaretest.NewTransport()
			req, _ := http.NewRequest("GET", "http://example.test/", nil)
			_, err := mw(base).RoundTrip(req)
			var re *Error
			if !errors.As(err, &re) || !errors.Is(err, circuitbreaker.ErrOpen) || re.Attempts != 0 {
				t.Errorf("%s: got %v; want a *retry.Error of 0 attempts matching circuitbreaker.ErrOpen", order, err)
			}
			if base.Calls() != 0 || len(*waits) != 0 {
				t.Errorf("%s: got %d calls, waits %v; want none", order, base.Calls(), *waits)
			}
		}
	})
}

func TestNewPolicyGiveUpInForeignExecutor(t *testing.T) {
	var reasons []string
	var retries atomic.Int32
	base := middlewaretest.NewTransport(middlewaretest.Reply{Status: 503})
	p := NewPolicy(opts(WithMaxRetries(1), OnRetry(func(Event) { retries.Add(1) }), OnGiveUp(func(e Event) { reasons = append(reasons, e.Reason) }))...)
	req, _ := http.NewRequest("GET", "http://example.test/", nil)
	resp, err := failsafeGet(p, base, req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if base.Calls() != 2 || retries.Load() != 1 || !equal(reasons, []string{ReasonMaxRetries}) {
		t.Errorf("got %d calls, %d retries, give-ups %q; want 2, 1, [max_retries]", base.Calls(), retries.Load(), reasons)
	}
}

// TestFailsafeWithoutRetryNumbersNoAttempt checks that Failsafe with no
// policy that retries is no retry layer: its attempt has no number, so
// logging below it reports a 5xx as an error, not a warning.
func TestFailsafeWithoutRetryNumbersNoAttempt(t *testing.T) {
	var got []int
	base := middleware.Func(func(r *http.Request) (*http.Response, error) {
		got = append(got, Attempt(r.Context()))
		return &http.Response{StatusCode: 500, Body: http.NoBody, Request: r}, nil
	})
	req, _ := http.NewRequest("GET", "http://example.test/", nil)
	resp, err := Failsafe(circuitbreaker.NewWithDefaults[*http.Response]())(base).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if !equal(got, []int{0}) {
		t.Errorf("got attempts %v under a breaker alone; want [0]", got)
	}
	got = nil
	if _, err := Failsafe(NewPolicy(opts(WithMaxRetries(1))...), circuitbreaker.NewWithDefaults[*http.Response]())(base).RoundTrip(req); err != nil {
		t.Fatal(err)
	}
	if !equal(got, []int{1, 2}) {
		t.Errorf("got attempts %v under a retry policy; want [1 2]", got)
	}
	got = nil
	foreign := retrypolicy.NewBuilder[*http.Response]().
		HandleIf(func(r *http.Response, err error) bool { return err != nil || r.StatusCode >= 500 }).
		WithMaxRetries(1).ReturnLastFailure().Build()
	if _, err := Failsafe(foreign)(base).RoundTrip(req); err != nil {
		t.Fatal(err)
	}
	if !equal(got, []int{1, 2}) {
		t.Errorf("got attempts %v under failsafe-go's own retry policy; want [1 2]", got)
	}
}
