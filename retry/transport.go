package retry

import (
	"context"
	"net/http"
	"time"

	"github.com/failsafe-go/failsafe-go"
	"github.com/failsafe-go/failsafe-go/budget"

	"github.com/roundtrip-go/roundtrip/internal/owned"
	"github.com/roundtrip-go/roundtrip/middleware"
)

// transport retries requests to next according to cfg. It is the
// RoundTripper behind [New] and behind every policy from [NewPolicy] given
// to [Failsafe].
type transport struct {
	next http.RoundTripper
	cfg  *config
}

var _ http.RoundTripper = (*transport)(nil)

// RoundTrip sends the first attempt directly and enters the retry loop only
// when its outcome is not a plain success: a successful request costs one
// context value and one shallow request copy.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	c := t.cfg
	if c.budget != nil {
		c.budget.RecordExecution()
		defer c.budget.ReleaseExecution()
	}
	var start time.Time
	if c.maxDuration > 0 {
		start = time.Now()
	}
	// Attempt 1 sends req.Body as it is: the next RoundTripper closes it,
	// and later attempts take fresh bodies from req.GetBody.
	resp, err := owned.RoundTrip(t.next, newAttempt(req, req.Context(), 1))
	if err == nil && resp != nil && !c.codes.has(resp.StatusCode) {
		return resp, nil
	}
	return t.retry(req, start, resp, err)
}

// retry runs attempts 2, 3, ... while the outcome of the last one is
// retryable and every limit allows another. It returns the last response as
// it is, or the last error wrapped.
func (t *transport) retry(req *http.Request, start time.Time, resp *http.Response, err error) (*http.Response, error) {
	c := t.cfg
	ctx := req.Context()
	for attempt := 1; ; attempt++ {
		if err != nil && resp != nil {
			discard(resp) // a broken next: keep the contract, the error wins
			resp = nil
		}
		if err == nil && resp == nil {
			return nil, giveUp(attempt, "", errNoResponse)
		}
		if attempt > c.maxRetries || !c.shouldRetry(req, resp, err) {
			return t.stop(attempt, resp, err)
		}
		if hasBody(req) && req.GetBody == nil {
			return t.stop(attempt, resp, err) // an opaque body is sent once
		}
		now := time.Now()
		d, ok := c.delay(attempt, resp, now)
		if !ok {
			return t.stop(attempt, resp, err) // Retry-After too long
		}
		if dl, has := ctx.Deadline(); has && now.Add(d).After(dl) {
			return t.stop(attempt, resp, err)
		}
		if c.maxDuration > 0 && now.Sub(start)+d > c.maxDuration {
			return t.stop(attempt, resp, err)
		}
		if c.budget != nil && !c.budget.TryAcquirePermit() {
			c.budget.OnBudgetExceeded(budget.RetryExecution, &budgetInfo{ctx: ctx, attempts: attempt, start: start})
			return t.stop(attempt, resp, err)
		}
		next := newAttempt(req, ctx, attempt+1)
		if hasBody(req) {
			body, gerr := req.GetBody()
			if gerr != nil {
				t.release()
				return t.stop(attempt, resp, err)
			}
			next.Body = body
		}
		ev := Event{Request: req, Attempt: attempt, Delay: d, Err: err}
		if resp != nil {
			ev.StatusCode = resp.StatusCode
		}
		// Discard first, so that whatever the attempt's body close sets off
		// (a log event below retry, say) comes before the listeners.
		discard(resp)
		for _, fn := range c.onRetry {
			fn(ev)
		}
		if werr := wait(ctx, d); werr != nil {
			if next.Body != nil && next.Body != req.Body {
				_ = next.Body.Close()
			}
			t.release()
			return nil, giveUp(attempt, "canceled while waiting to retry", werr)
		}
		resp, err = owned.RoundTrip(t.next, next)
		t.release()
	}
}

// stop ends the retries with the outcome of attempt.
func (t *transport) stop(attempt int, resp *http.Response, err error) (*http.Response, error) {
	if err != nil {
		return nil, giveUp(attempt, "", err)
	}
	return resp, nil
}

// release returns a retry permit to the budget, if any.
func (t *transport) release() {
	if t.cfg.budget != nil {
		t.cfg.budget.ReleasePermit()
	}
}

// wait sleeps for d, or until ctx is done, whichever comes first, and then
// returns ctx's error, if any.
func wait(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
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
