package retry

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"slices"
	"time"

	"github.com/failsafe-go/failsafe-go"
	"github.com/failsafe-go/failsafe-go/budget"
)

// Defaults, in one place.
const (
	defaultMaxRetries    = 5
	defaultInitial       = time.Second
	defaultMax           = 16 * time.Second
	defaultJitter        = 0.25
	defaultMaxRetryAfter = 60 * time.Second
)

// defaultStatusCodes are retried unless [WithStatusCodes] says otherwise.
var defaultStatusCodes = []int{
	http.StatusRequestTimeout,      // 408
	http.StatusTooManyRequests,     // 429
	http.StatusInternalServerError, // 500
	http.StatusBadGateway,          // 502
	http.StatusServiceUnavailable,  // 503
	http.StatusGatewayTimeout,      // 504
}

// Option configures [New], [NewPolicy] and [Override]. Options are applied
// in order; a later option overrides an earlier one of the same kind, except
// [OnRetry] and [OnGiveUp], whose listeners add up. A nil Option is ignored.
// An option given an invalid value panics when it is called, with a message
// that names it.
type Option func(*config)

// Options groups opts into one Option that applies them in order, so that
// an adapter can hand out several settings (an OnRetry and an OnGiveUp
// listener, say) as one value. Nil options are ignored.
func Options(opts ...Option) Option {
	return func(c *config) { c.apply(opts) }
}

// config is the immutable configuration of one retry policy.
type config struct {
	maxRetries    int
	initial       time.Duration
	max           time.Duration
	jitter        float64
	backoffFunc   func(retry int) time.Duration
	maxDuration   time.Duration
	codes         statusSet
	retryIf       func(*http.Response, error) bool
	maxRetryAfter time.Duration
	allMethods    bool
	budget        budgetInternal
	onRetry       []func(Event)
	onGiveUp      []func(Event)
	wait          func(ctx context.Context, d time.Duration) error
}

// budgetInternal is the part of a failsafe-go budget that its own retry
// policies drive. failsafe-go declares it in an internal package, so it
// cannot be checked at compile time; TestBudgetInternal checks that the
// budgets of the budget package still implement it, so that an upgrade
// that changes them fails the tests, and [WithBudget] panics at once on a
// budget that does not, never in a request.
type budgetInternal interface {
	budget.Budget
	RecordExecution()
	ReleaseExecution()
	TryAcquirePermit() bool
	ReleasePermit()
	OnBudgetExceeded(executionType budget.ExecutionType, info failsafe.ExecutionInfo)
}

func newConfig(opts []Option) *config {
	c := &config{
		maxRetries:    defaultMaxRetries,
		initial:       defaultInitial,
		max:           defaultMax,
		jitter:        defaultJitter,
		maxRetryAfter: defaultMaxRetryAfter,
		wait:          sleep,
		codes:         defaultCodes,
	}
	c.apply(opts)
	return c
}

func (c *config) apply(opts []Option) {
	for _, opt := range opts {
		if opt != nil {
			opt(c)
		}
	}
}

// WithMaxRetries sets how many times a request is retried after its first
// attempt: n+1 attempts at most. The default is 5; 0 means no retries at
// all. A negative n panics.
func WithMaxRetries(n int) Option {
	if n < 0 {
		panic(fmt.Sprintf("retry: WithMaxRetries: negative count %d", n))
	}
	return func(c *config) { c.maxRetries = n }
}

// WithBackoff sets the exponential backoff: the delay before retry k
// (1-based) is min(initial*2^(k-1), max), before jitter. The defaults are 1s
// and 16s, giving 1, 2, 4, 8, 16 s. An initial of 0 means the default 1s; a
// max of 0 means the default 16s, or initial when that is larger. A negative
// duration, or an initial above max, panics.
func WithBackoff(initial, max time.Duration) Option {
	if initial < 0 || max < 0 {
		panic(fmt.Sprintf("retry: WithBackoff: negative duration (initial %v, max %v)", initial, max))
	}
	if initial == 0 {
		initial = defaultInitial
	}
	if max == 0 {
		max = defaultMax
		if initial > max {
			max = initial
		}
	}
	if initial > max {
		panic(fmt.Sprintf("retry: WithBackoff: initial %v is above max %v (0 means the default 1s)", initial, max))
	}
	return func(c *config) { c.initial, c.max = initial, max }
}

// WithJitter sets the fraction f by which each backoff delay d is varied: the
// delay is uniform in [d*(1-f), d*(1+f)]. The default is 0.25; 0 means no
// jitter. A fraction outside [0, 1], or NaN, panics. A Retry-After delay is
// never jittered.
func WithJitter(fraction float64) Option {
	if math.IsNaN(fraction) || fraction < 0 || fraction > 1 {
		panic(fmt.Sprintf("retry: WithJitter: fraction %v outside [0, 1]", fraction))
	}
	return func(c *config) { c.jitter = fraction }
}

// WithMaxDuration caps the time a request may spend in retries, measured
// from the start of its first attempt: a wait that would end past d is not
// started, and the last result is returned instead. The default, 0, means no
// cap (the request context's deadline still applies). A negative d panics.
func WithMaxDuration(d time.Duration) Option {
	if d < 0 {
		panic(fmt.Sprintf("retry: WithMaxDuration: negative duration %v", d))
	}
	return func(c *config) { c.maxDuration = d }
}

// WithStatusCodes replaces the set of response status codes that are
// retried. The default is 408, 429, 500, 502, 503 and 504. Calling it with
// no codes restores the default. A code outside 100..599 panics.
func WithStatusCodes(codes ...int) Option {
	for _, code := range codes {
		if code < 100 || code > 599 {
			panic(fmt.Sprintf("retry: WithStatusCodes: status code %d outside 100..599", code))
		}
	}
	s := defaultCodes
	if len(codes) > 0 {
		s = statusSet{}
		s.add(codes...)
	}
	return func(c *config) { c.codes = s }
}

// WithMaxRetryAfter sets the longest Retry-After that is waited for. A 429
// or 503 response asking for a longer wait is returned to the caller at
// once, without waiting. The default is 60s; 0 means the default. A negative
// d panics.
func WithMaxRetryAfter(d time.Duration) Option {
	if d < 0 {
		panic(fmt.Sprintf("retry: WithMaxRetryAfter: negative duration %v", d))
	}
	if d == 0 {
		d = defaultMaxRetryAfter
	}
	return func(c *config) { c.maxRetryAfter = d }
}

// WithAllMethods retries requests of every method on every retryable
// condition. By default, methods that are not idempotent under RFC 9110
// (POST, PATCH, ...) are retried only on a 429, on a dial error (the
// connection was never established), or when the request carries an
// Idempotency-Key or X-Idempotency-Key header.
func WithAllMethods() Option {
	return func(c *config) { c.allMethods = true }
}

// WithBudget limits retries across all requests with a failsafe-go budget
// (budget.New or budget.NewBuilder): a retry the budget refuses ends the
// retries of that request, like any other limit: its last result is
// returned, and [OnGiveUp] listeners get [ReasonBudget]. Every request,
// retried or not, is counted by the budget. The
// default, and nil, is no budget. A budget that was not built by the
// failsafe-go budget package panics.
func WithBudget(b budget.Budget) Option {
	if b == nil {
		return func(c *config) { c.budget = nil }
	}
	bi, ok := b.(budgetInternal)
	if !ok {
		panic(fmt.Sprintf("retry: WithBudget: %T was not built by the failsafe-go budget package", b))
	}
	return func(c *config) { c.budget = bi }
}

// WithRetryIf replaces the classification of outcomes: fn reports whether
// an attempt's response (resp) or error (err; exactly one is set) may be
// retried. [Retryable] is the default, so fn can extend it:
//
//	retry.WithRetryIf(func(resp *http.Response, err error) bool {
//		return retry.Retryable(resp, err) || resp != nil && resp.StatusCode == http.StatusConflict
//	})
//
// The method rules still apply to what fn accepts (a POST is retried only
// as the package documentation says), and so do the rules that no
// classification overrides: nothing is retried once the caller's context
// is done, nor after the caller's own request body failed to read. fn
// replaces [WithStatusCodes]. fn must not read or close the body. A nil fn
// restores the default.
func WithRetryIf(fn func(resp *http.Response, err error) bool) Option {
	return func(c *config) { c.retryIf = fn }
}

// WithBackoffFunc replaces the exponential backoff and its jitter: the wait
// before retry k (1-based) is fn(k), used as is (a negative result means no
// wait). A usable Retry-After still wins over it, and the limits still
// apply. A nil fn restores the exponential backoff.
func WithBackoffFunc(fn func(retry int) time.Duration) Option {
	return func(c *config) { c.backoffFunc = fn }
}

// WithWait replaces how a wait between attempts happens. fn is called with
// the request's context and the delay, and must return nil to go on with
// the retry, or an error (ctx.Err(), say) to end the call with it: the call
// then returns that error, wrapped in [*Error]. The default sleeps for d or
// until ctx is done. Tests pass one that records d and returns at once, so
// that a Retry-After of 30 s takes microseconds:
//
//	retry.WithWait(func(ctx context.Context, d time.Duration) error {
//		waits = append(waits, d)
//		return ctx.Err()
//	})
//
// Every limit (deadline, max duration) is still judged by the real clock. A
// nil fn restores the default. Under a failsafe-go executor other than
// [Failsafe], that executor waits its own way.
func WithWait(fn func(ctx context.Context, d time.Duration) error) Option {
	if fn == nil {
		fn = sleep
	}
	return func(c *config) { c.wait = fn }
}

// OnRetry registers fn to be called once before each wait for a retry, in
// the goroutine of the request, after every limit (retries, deadline, max
// duration, budget) has allowed the retry, and after the failed attempt's
// response body, if any, was drained and closed: the event carries only its
// status code. It is not called for the first attempt, nor when the retries
// end (see [OnGiveUp]). Each call appends a listener; listeners are called
// in the order given. A nil fn is ignored.
func OnRetry(fn func(Event)) Option {
	return func(c *config) {
		if fn != nil {
			c.onRetry = append(slices.Clip(c.onRetry), fn)
		}
	}
}

// OnGiveUp registers fn to be called once per call that ends on a
// retryable failure because a limit refused another attempt: the retries
// were used up ([ReasonMaxRetries]), the budget refused ([ReasonBudget]),
// the next wait would end past the request's deadline ([ReasonDeadline]) or
// past [WithMaxDuration] ([ReasonMaxDuration]), the server asked for a
// Retry-After above [WithMaxRetryAfter] ([ReasonRetryAfter]), or a circuit
// breaker below is open ([ReasonCircuitOpen]). It is also called, with
// [ReasonNotRetryable], when the call ends on a 5xx response or an error
// that is not retried (a POST's 503, a 501, a TLS certificate error, a body
// that cannot be sent again): inside a retry layer logging reports failed
// attempts as warnings, so this event is what reports the failed call.
// The event's Reason says which; its Delay is 0. It is not called when the
// call succeeds, ends on a 4xx other than a retried one, or is canceled by
// its caller. It is called in the goroutine of the request, before the
// call returns. Each call appends a listener; listeners are called in the
// order given. A nil fn is ignored.
//
// Under a failsafe-go executor other than [Failsafe] (failsafehttp, say),
// only the limits failsafe-go reports are seen: max retries, max duration,
// Retry-After too long and the budget.
func OnGiveUp(fn func(Event)) Option {
	return func(c *config) {
		if fn != nil {
			c.onGiveUp = append(slices.Clip(c.onGiveUp), fn)
		}
	}
}

// Reasons a call gives up, in [Event.Reason] of [OnGiveUp] events.
const (
	ReasonMaxRetries  = "max_retries"  // the retries are used up
	ReasonBudget      = "budget"       // the retry budget refused
	ReasonDeadline    = "deadline"     // the wait would end past the context's deadline
	ReasonMaxDuration = "max_duration" // the wait would end past WithMaxDuration
	ReasonRetryAfter  = "retry_after"  // Retry-After above WithMaxRetryAfter
	ReasonCircuitOpen = "circuit_open" // a circuit breaker below rejects further attempts

	// ReasonNotRetryable: the call ends on a 5xx response or an error that
	// is not retried (method rules, status, error kind, opaque body).
	ReasonNotRetryable = "not_retryable"
)

// Event describes a retry about to happen ([OnRetry]) or a call that gives
// up ([OnGiveUp]).
type Event struct {
	// Request is the caller's request. Do not modify it. It is nil under a
	// failsafe-go executor other than [Failsafe] when the attempt failed
	// with an error.
	Request *http.Request
	// Attempt is the 1-based number of the attempt that just failed.
	Attempt int
	// Delay is the wait before the next attempt: the backoff, or the
	// server's Retry-After. It is 0 on OnGiveUp events.
	Delay time.Duration
	// StatusCode is the status of the failed attempt's response, 0 when Err
	// is set.
	StatusCode int
	// Err is the failed attempt's error, nil when it got a response.
	Err error
	// Reason is why the call gives up, one of the Reason constants, on
	// OnGiveUp events; it is empty on OnRetry events.
	Reason string
}

// overrideKey is the context key of the options of [Override].
type overrideKey struct{}

// Override returns a child of ctx whose requests are retried with opts
// applied over the options of the middleware ([New], or a policy from
// [NewPolicy] given to [Failsafe]) that handles them: WithMaxRetries(0)
// turns retries off for one call, WithAllMethods() marks one POST as safe
// to repeat. Listeners from OnRetry and OnGiveUp are added to the
// middleware's. Requests made with other contexts are not affected.
// Overrides nest: an Override of a context that has one applies both, the
// outer first. A failsafe-go executor other than [Failsafe] sees only the
// classification options (methods, status codes, WithRetryIf) of an
// Override.
func Override(ctx context.Context, opts ...Option) context.Context {
	if prev, ok := ctx.Value(overrideKey{}).([]Option); ok {
		opts = append(slices.Clip(prev), opts...)
	}
	return context.WithValue(ctx, overrideKey{}, opts)
}

// forContext returns the configuration for a request made with ctx: c, or
// a copy of it with the options of an Override applied.
func (c *config) forContext(ctx context.Context) *config {
	opts, ok := ctx.Value(overrideKey{}).([]Option)
	if !ok {
		return c
	}
	cc := *c
	cc.apply(opts)
	return &cc
}

// statusSet is a set of status codes 0..639.
type statusSet [10]uint64

func (s *statusSet) add(codes ...int) {
	for _, c := range codes {
		s[c/64] |= 1 << (c % 64)
	}
}

func (s *statusSet) has(code int) bool {
	return code >= 0 && code < 640 && s[code/64]&(1<<(code%64)) != 0
}
