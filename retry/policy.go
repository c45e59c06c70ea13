package retry

import (
	"errors"
	"net/http"
	"time"

	"github.com/failsafe-go/failsafe-go"
	"github.com/failsafe-go/failsafe-go/budget"
	"github.com/failsafe-go/failsafe-go/circuitbreaker"
	"github.com/failsafe-go/failsafe-go/retrypolicy"

	"github.com/roundtrip-go/roundtrip/middleware"
)

// New returns a middleware that retries requests as the options say. It is
// Failsafe(NewPolicy(opts...)). With no options it retries up to 5 times,
// 1 to 16 s apart with ±25% jitter, honouring Retry-After up to 60 s. A nil
// next means [http.DefaultTransport].
func New(opts ...Option) middleware.Middleware {
	return Failsafe(NewPolicy(opts...))
}

// NewPolicy returns a failsafe-go retry policy for HTTP round trips,
// configured by opts (see [New] for the defaults). Give it to [Failsafe],
// alone or with other failsafe-go policies: there it has every behaviour
// described in the package documentation.
//
// The policy is also a plain retrypolicy.RetryPolicy, so any failsafe-go
// executor (failsafehttp's, say) can run it. It then decides what to retry
// with the same classification, method rules, Retry-After and OnRetry and
// OnGiveUp events, and is bounded by the same retries, max duration and
// budget. Such an executor does not show it the request of an attempt that
// failed with an error, so it fails closed: such an error is retried only
// when the connection was never made (a dial error) or an HTTP/2 stream was
// refused, whatever the method. It also does not give each attempt a fresh
// body, does not drain discarded responses, ignores the request's deadline
// and [WithWait], and shortens the last wait to fit the max duration
// instead of skipping it.
func NewPolicy(opts ...Option) retrypolicy.RetryPolicy[*http.Response] {
	c := newConfig(opts)
	return &httpPolicy{RetryPolicy: c.failsafePolicy(), cfg: c}
}

// httpPolicy is the policy NewPolicy returns: a failsafe-go retry policy
// for foreign executors, and the configuration [Failsafe] runs itself.
type httpPolicy struct {
	retrypolicy.RetryPolicy[*http.Response]
	cfg *config
}

// failsafePolicy builds the failsafe-go equivalent of c, for executors other
// than Failsafe, from the same decisions as the retry loop: the
// classification and method rules (retryable), the wait (delay) and the
// Retry-After cap; the retries, the max duration and the budget become
// failsafe-go's own limits.
func (c *config) failsafePolicy() retrypolicy.RetryPolicy[*http.Response] {
	// An attempt that failed with an error comes without its request.
	request := func(resp *http.Response) (*http.Request, *config) {
		if resp != nil && resp.Request != nil {
			return resp.Request, c.forContext(resp.Request.Context())
		}
		return nil, c
	}
	b := retrypolicy.NewBuilder[*http.Response]().
		HandleIf(func(resp *http.Response, err error) bool {
			req, c := request(resp)
			return c.retryable(req, resp, err)
		}).
		AbortIf(func(resp *http.Response, err error) bool {
			_, tooLong := c.delay(0, resp, time.Now())
			return err == nil && tooLong // return it now
		}).
		WithDelayFunc(func(exec failsafe.ExecutionAttempt[*http.Response]) time.Duration {
			d, _ := c.delay(exec.Attempts(), exec.LastResult(), time.Now())
			return d
		}).
		WithMaxRetries(c.maxRetries).
		ReturnLastFailure()
	if c.maxDuration > 0 {
		b = b.WithMaxDuration(c.maxDuration)
	}
	if c.budget != nil {
		b = b.WithBudget(c.budget)
	}
	event := func(e failsafe.ExecutionAttempt[*http.Response], delay time.Duration, reason string) Event {
		o := outcome{resp: e.LastResult(), err: e.LastError(), attempt: e.Attempts()}
		o.req, _ = request(o.resp)
		return o.event(delay, reason)
	}
	if len(c.onRetry) > 0 {
		b = b.OnRetryScheduled(func(e failsafe.ExecutionScheduledEvent[*http.Response]) {
			notify(c.onRetry, event(e, e.Delay, ""))
		})
	}
	if len(c.onGiveUp) > 0 {
		b = b.OnRetriesExceeded(func(e failsafe.ExecutionEvent[*http.Response]) {
			reason := ReasonMaxRetries
			if e.Attempts() <= c.maxRetries {
				reason = ReasonMaxDuration
			}
			notify(c.onGiveUp, event(e, 0, reason))
		}).OnAbort(func(e failsafe.ExecutionEvent[*http.Response]) {
			switch {
			case e.LastError() == nil:
				notify(c.onGiveUp, event(e, 0, ReasonRetryAfter))
			case errors.Is(e.LastError(), budget.ErrExceeded):
				notify(c.onGiveUp, event(e, 0, ReasonBudget))
			}
		})
	}
	return b.Build()
}

// Failsafe returns a middleware that runs policies around the next
// RoundTripper, outermost first, as failsafe.With(policies...) would.
//
// It adds the HTTP care that failsafe-go's own adapter lacks. Each attempt
// is a shallow copy of the caller's request with its own context and a
// fresh body from GetBody. A body without GetBody is sent once: when a
// policy asks for another attempt, the caller gets the one response, or the
// one error, that attempt got. Every response that is not returned is
// drained and closed. Errors are wrapped in [*Error], so that errors.Is and
// errors.As still reach the cause (circuitbreaker.ErrOpen, *net.OpError,
// ...).
//
// Policies from [NewPolicy] are run by this package's own retry loop, with
// the policies listed before them around the whole loop and those listed
// after them around each attempt. A circuit breaker listed after one is
// asked before each wait: when it is open for longer than the wait, the
// call fails at once with circuitbreaker.ErrOpen instead of waiting to be
// rejected, and a call it rejects counts no attempt. Failsafe(NewPolicy(opts...))
// alone enters no failsafe-go executor at all; that is [New]. Nil policies
// are skipped, and with none left the middleware returns next unchanged. A
// nil next means [http.DefaultTransport].
func Failsafe(policies ...failsafe.Policy[*http.Response]) middleware.Middleware {
	ps := make([]failsafe.Policy[*http.Response], 0, len(policies))
	for _, p := range policies {
		if p != nil {
			ps = append(ps, p)
		}
	}
	return func(next http.RoundTripper) http.RoundTripper {
		if next == nil {
			next = http.DefaultTransport
		}
		// Build from the innermost policy out: each of ours becomes a
		// transport, each run of others between them an executor.
		rt, end := next, len(ps)
		for i := len(ps) - 1; i >= 0; i-- {
			p, ok := ps[i].(*httpPolicy)
			if !ok {
				continue
			}
			inner := ps[i+1 : end]
			if len(inner) > 0 {
				rt = newExecutorTransport(inner, rt)
			}
			rt = &transport{next: rt, cfg: p.cfg, breakers: breakers(inner)}
			end = i
		}
		if end > 0 {
			rt = newExecutorTransport(ps[:end], rt)
		}
		return rt
	}
}

// breakers returns the circuit breakers among policies.
func breakers(policies []failsafe.Policy[*http.Response]) []circuitbreaker.CircuitBreaker[*http.Response] {
	var cbs []circuitbreaker.CircuitBreaker[*http.Response]
	for _, p := range policies {
		if cb, ok := p.(circuitbreaker.CircuitBreaker[*http.Response]); ok {
			cbs = append(cbs, cb)
		}
	}
	return cbs
}
