package retry

import (
	"net/http"
	"time"

	"github.com/failsafe-go/failsafe-go"
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
// executor can run it: it then decides what to retry from the response
// (and its Request) or the error, with the same backoff, Retry-After,
// budget and OnRetry events, but an executor that is not [Failsafe] does
// not give each attempt a fresh body, does not drain discarded responses,
// does not know the method of a request that failed with an error, and
// shortens the last wait to fit the max duration instead of skipping it.
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
// than Failsafe.
func (c *config) failsafePolicy() retrypolicy.RetryPolicy[*http.Response] {
	request := func(resp *http.Response) *http.Request {
		if resp != nil {
			return resp.Request
		}
		return nil
	}
	b := retrypolicy.NewBuilder[*http.Response]().
		HandleIf(func(resp *http.Response, err error) bool {
			return c.shouldRetry(request(resp), resp, err)
		}).
		AbortIf(func(resp *http.Response, err error) bool {
			ra, found := retryAfter(resp, time.Now())
			return err == nil && found && ra > c.maxRetryAfter // return it now
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
	if len(c.onRetry) > 0 {
		b = b.OnRetryScheduled(func(e failsafe.ExecutionScheduledEvent[*http.Response]) {
			ev := Event{Attempt: e.Attempts(), Delay: e.Delay, Err: e.LastError()}
			if resp := e.LastResult(); resp != nil && ev.Err == nil {
				ev.Request, ev.StatusCode = resp.Request, resp.StatusCode
			}
			for _, fn := range c.onRetry {
				fn(ev)
			}
		})
	}
	return b.Build()
}

// Failsafe returns a middleware that runs policies around the next
// RoundTripper, outermost first, as failsafe.With(policies...) would, but
// with the HTTP care failsafe-go's own adapter lacks: each attempt is a
// shallow copy of the caller's request with its own context and a fresh
// body from GetBody (a body without GetBody is sent once: when a policy
// asks for another attempt, the caller gets the one response, or the one
// error, that attempt got), every response that is not returned is drained
// (at most 64 KiB) and closed, and errors
// are wrapped with the prefix "retry: " so that errors.Is and errors.As still
// reach the cause (circuitbreaker.ErrOpen, *net.OpError, ...).
//
// Policies from [NewPolicy] are run by this package's own retry loop, with
// the policies listed before them around the whole loop and those listed
// after them around each attempt. Failsafe(NewPolicy(opts...)) alone enters
// no failsafe-go executor at all; that is [New]. Nil policies are skipped,
// and with none left the middleware returns next unchanged. A nil next
// means [http.DefaultTransport].
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
			if i+1 < end {
				rt = newExecutorTransport(ps[i+1:end], rt)
			}
			rt = &transport{next: rt, cfg: p.cfg}
			end = i
		}
		if end > 0 {
			rt = newExecutorTransport(ps[:end], rt)
		}
		return rt
	}
}
