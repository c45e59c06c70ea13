package retry

import (
	"errors"
	"net/http"
	"time"

	"github.com/failsafe-go/failsafe-go/circuitbreaker"
)

// outcome is what one attempt of a call ended with, as the retry decision
// sees it.
type outcome struct {
	req        *http.Request  // the caller's request; nil when unknown
	resp       *http.Response // exactly one of resp and err is set
	err        error
	attempt    int       // 1-based number of the attempt
	start      time.Time // when the call began
	bodyFailed bool      // reading the caller's body failed in the attempt
}

// decide is the retry decision, the one place that says whether an
// attempt's outcome is retried and after what wait. It reports retry true
// and the delay to wait; or retry false and, when a limit refused a retry of
// a retryable failure, the Reason it gives up for ("" when the outcome is
// simply not retried). The budget, which must be asked last because asking
// takes a permit, is the caller's.
func (c *config) decide(o outcome, now time.Time) (delay time.Duration, reason string, retry bool) {
	if o.bodyFailed || !c.retryable(o.req, o.resp, o.err) {
		return 0, o.failed(), false
	}
	if o.req != nil && hasBody(o.req) && o.req.GetBody == nil {
		return 0, o.failed(), false // an opaque body is sent once
	}
	if o.attempt > c.maxRetries {
		return 0, ReasonMaxRetries, false
	}
	d, tooLong := c.delay(o.attempt, o.resp, now)
	if tooLong {
		return 0, ReasonRetryAfter, false
	}
	if o.req != nil {
		if dl, ok := o.req.Context().Deadline(); ok && now.Add(d).After(dl) {
			return 0, ReasonDeadline, false
		}
	}
	if c.maxDuration > 0 && now.Sub(o.start)+d > c.maxDuration {
		return 0, ReasonMaxDuration, false
	}
	return d, "", true
}

// failed returns the Reason a call that ends on o without a retry gives
// up for: ReasonCircuitOpen when a breaker rejected the attempt,
// ReasonNotRetryable for any other error or a 5xx, and "" for a response
// below 500 or when the caller's context is done (the caller ended it).
func (o outcome) failed() string {
	if o.req != nil && o.req.Context().Err() != nil {
		return ""
	}
	switch {
	case errors.Is(o.err, circuitbreaker.ErrOpen):
		return ReasonCircuitOpen
	case o.err != nil:
		return ReasonNotRetryable
	case o.resp != nil && o.resp.StatusCode >= 500:
		return ReasonNotRetryable
	}
	return ""
}

// event returns the event of o for the listeners.
func (o outcome) event(delay time.Duration, reason string) Event {
	ev := Event{Request: o.req, Attempt: o.attempt, Delay: delay, Err: o.err, Reason: reason}
	if o.err == nil && o.resp != nil {
		ev.StatusCode = o.resp.StatusCode
	}
	return ev
}

// notify calls each listener of fns with ev, in order.
func notify(fns []func(Event), ev Event) {
	for _, fn := range fns {
		fn(ev)
	}
}
