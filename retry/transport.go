package retry

import (
	"context"
	"net/http"
	"time"

	"github.com/failsafe-go/failsafe-go"
	"github.com/failsafe-go/failsafe-go/budget"
	"github.com/failsafe-go/failsafe-go/circuitbreaker"

	"github.com/roundtrip-go/roundtrip/middleware"
)

// transport retries requests to next according to cfg. It is the
// RoundTripper behind [New] and behind every policy from [NewPolicy] given
// to [Failsafe].
type transport struct {
	next http.RoundTripper
	cfg  *config
	// breakers are the circuit breakers between this loop and next: when
	// one is open for longer than the next wait, the retries end at once.
	breakers []circuitbreaker.CircuitBreaker[*http.Response]
}

var _ http.RoundTripper = (*transport)(nil)

// RoundTrip sends the first attempt directly and enters the retry loop only
// when its outcome is not a plain success.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	c := t.cfg.forContext(req.Context())
	if c.budget != nil {
		c.budget.RecordExecution()
		defer c.budget.ReleaseExecution()
	}
	var start time.Time
	if c.maxDuration > 0 {
		start = time.Now()
	}
	// Attempt 1 sends the caller's body: the next RoundTripper closes it,
	// and later attempts take fresh bodies from req.GetBody. A body without
	// GetBody is sent once whatever happens, so it is not watched, and
	// net/http still sees it as it is (an *os.File keeps sendfile).
	first, guard := newAttempt(req, req.Context(), 1)
	var body *sentBody
	if req.GetBody != nil {
		body = withBody(first, req.Body)
	}
	resp, err := guard.settle(t.next.RoundTrip(first))
	if err == nil && resp != nil && c.retryIf == nil && resp.StatusCode < 500 && !c.codes.has(resp.StatusCode) {
		return resp, nil
	}
	return t.retry(c, outcome{req: req, resp: resp, err: err, attempt: 1, start: start, bodyFailed: body.readFailed()})
}

// retry runs attempts 2, 3, ... while decide allows another after o, the
// outcome of the last one. It returns the last response as it is, or the
// last error wrapped in *Error.
func (t *transport) retry(c *config, o outcome) (*http.Response, error) {
	req, ctx := o.req, o.req.Context()
	sent := 0 // attempts that reached next
	for ; ; o.attempt++ {
		if o.err != nil && o.resp != nil {
			discard(o.resp) // a broken next: keep the contract, the error wins
			o.resp = nil
		}
		if o.err == nil && o.resp == nil {
			o.err = errNoResponse
		}
		sent += sentBy(o.err)
		d, reason, ok := c.decide(o, time.Now())
		if ok && c.budget != nil && !c.budget.TryAcquirePermit() {
			c.budget.OnBudgetExceeded(budget.RetryExecution, &budgetInfo{ctx: ctx, attempts: o.attempt, start: o.start})
			reason, ok = ReasonBudget, false
		}
		if !ok {
			if reason != "" {
				notify(c.onGiveUp, o.event(0, reason))
			}
			return stop(sent, o)
		}
		if t.rejects(d) {
			// An open breaker would reject the next attempt: fail as fast
			// as it would, without waiting for nothing.
			t.release(c)
			discard(o.resp)
			notify(c.onGiveUp, o.event(0, ReasonCircuitOpen))
			return nil, giveUp(sent, circuitbreaker.ErrOpen)
		}
		rc := req.Body
		if hasBody(req) {
			var err error
			if rc, err = req.GetBody(); err != nil {
				t.release(c)
				return stop(sent, o)
			}
		}
		// Discard first, so that whatever the attempt's body close sets off
		// (a log event below retry, say) comes before the listeners.
		discard(o.resp)
		notify(c.onRetry, o.event(d, ""))
		if werr := c.wait(ctx, d); werr != nil {
			if hasBody(req) {
				_ = rc.Close()
			}
			t.release(c)
			return nil, giveUp(sent, werr)
		}
		next, guard := newAttempt(req, ctx, o.attempt+1)
		body := withBody(next, rc)
		o.resp, o.err = guard.settle(t.next.RoundTrip(next))
		o.bodyFailed = body.readFailed()
		t.release(c)
	}
}

// stop ends the call with o, the outcome of its last attempt, after sent
// attempts reached the next RoundTripper.
func stop(sent int, o outcome) (*http.Response, error) {
	if o.err != nil {
		return nil, giveUp(sent, o.err)
	}
	return o.resp, nil
}

// rejects reports whether a breaker below would reject an attempt made
// after d.
func (t *transport) rejects(d time.Duration) bool {
	for _, cb := range t.breakers {
		if cb.IsOpen() && cb.RemainingDelay() > d {
			return true
		}
	}
	return false
}

// release returns a retry permit to c's budget, if any.
func (t *transport) release(c *config) {
	if c.budget != nil {
		c.budget.ReleasePermit()
	}
}

// sleep is the default wait: it sleeps for d, or until ctx is done,
// whichever comes first, and then returns ctx's error, if any.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		// Both may be ready: a cancel that came in time must still win.
		return ctx.Err()
	case <-ctx.Done():
		return ctx.Err()
	}
}

// budgetInfo describes a request to a budget's OnBudgetExceeded listener.
type budgetInfo struct {
	ctx      context.Context
	attempts int
	start    time.Time
}

var _ failsafe.ExecutionInfo = (*budgetInfo)(nil)

func (b *budgetInfo) Context() context.Context { return b.ctx }
func (b *budgetInfo) Attempts() int            { return b.attempts }
func (b *budgetInfo) Executions() int          { return b.attempts }
func (b *budgetInfo) Retries() int             { return b.attempts - 1 }
func (b *budgetInfo) Hedges() int              { return 0 }
func (b *budgetInfo) StartTime() time.Time     { return b.start }
func (b *budgetInfo) ElapsedTime() time.Duration {
	if b.start.IsZero() {
		return 0
	}
	return time.Since(b.start)
}

// CloseIdleConnections closes the idle connections of the next
// RoundTripper, so that [http.Client.CloseIdleConnections] reaches the base
// transport through retry.
func (t *transport) CloseIdleConnections() { middleware.CloseIdleConnections(t.next) }
