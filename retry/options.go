package retry

import (
	"fmt"
	"math"
	"net/http"
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

// Option configures [New] and [NewPolicy]. Options are applied in order; a
// later option overrides an earlier one of the same kind, except [OnRetry],
// whose listeners add up. An option given an invalid value panics when it is
// called, with a message that names it.
type Option func(*config)

// config is the immutable configuration of one retry policy.
type config struct {
	maxRetries    int
	initial       time.Duration
	max           time.Duration
	jitter        float64
	maxDuration   time.Duration
	codes         statusSet
	maxRetryAfter time.Duration
	allMethods    bool
	budget        budgetInternal
	onRetry       []func(Event)
}

// budgetInternal is the part of a failsafe-go budget that its policies
// drive. Budgets built by the budget package implement it.
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
	}
	c.codes.add(defaultStatusCodes...)
	for _, opt := range opts {
		if opt != nil {
			opt(c)
		}
	}
	return c
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
	var s statusSet
	if len(codes) == 0 {
		s.add(defaultStatusCodes...)
	} else {
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
// retries of that request, like any other limit, and its last result is
// returned. Every request, retried or not, is counted by the budget. The
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

// OnRetry registers fn to be called once before each wait for a retry, in
// the goroutine of the request, after every limit (retries, deadline, max
// duration, budget) has allowed the retry. It is not called for the first
// attempt, nor when the retries end. Several OnRetry listeners are called in
// the order given. A nil fn is ignored. fn must not keep the response: it is
// only told the status code.
func OnRetry(fn func(Event)) Option {
	return func(c *config) {
		if fn != nil {
			c.onRetry = append(c.onRetry, fn)
		}
	}
}

// Event describes a retry about to happen. It is given to [OnRetry]
// listeners before the wait.
type Event struct {
	// Request is the caller's request. Do not modify it.
	Request *http.Request
	// Attempt is the 1-based number of the attempt that just failed.
	Attempt int
	// Delay is the wait before the next attempt: the jittered backoff, or
	// the server's Retry-After.
	Delay time.Duration
	// StatusCode is the status of the failed attempt's response, 0 when Err
	// is set.
	StatusCode int
	// Err is the failed attempt's error, nil when it got a response.
	Err error
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
