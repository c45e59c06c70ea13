package stocktrim

import (
	"net/http"
	"time"

	"github.com/failsafe-go/failsafe-go/budget"
	"github.com/rs/zerolog"

	"github.com/roundtrip-go/roundtrip/retry"
)

// DefaultBaseURL is the StockTrim API's base URL, used when neither
// [WithBaseURL] nor STOCKTRIM_BASE_URL gives one.
const DefaultBaseURL = "https://api.stocktrim.com"

// The defaults of the options that neither code nor environment sets.
const (
	DefaultMaxRetries = 5
	DefaultTimeout    = 30 * time.Second
)

// Option configures the stack built by [Middlewares], [NewTransport] and
// [NewClient]. An option not given is taken from its environment variable,
// and else from its default.
type Option func(*config)

// config holds the options as given; resolve fills in the rest.
type config struct {
	authID, signature string
	baseURL           string
	maxRetries        *int
	timeout           *time.Duration
	logger            *zerolog.Logger
	transport         http.RoundTripper
	retryOpts         []retry.Option
	budget            budget.Budget
	budgetSet         bool // WithRetryBudget was given, maybe with nil
}

// WithCredentials sets the api-auth-id and api-auth-signature headers sent
// to the base URL's origin. An empty value is taken from
// STOCKTRIM_API_AUTH_ID or STOCKTRIM_API_AUTH_SIGNATURE instead; there is
// no default, and a credential found nowhere is an error
// ([ErrMissingCredentials]).
func WithCredentials(authID, signature string) Option {
	return func(c *config) {
		c.authID, c.signature = authID, signature
	}
}

// WithBaseURL sets the base URL of the API, an absolute http or https URL
// such as [DefaultBaseURL], maybe with a path, without query or fragment.
// Its origin (scheme, host and port, 443 or 80 when none is given) is the
// only one the credentials are sent to: not plain http when the base URL
// is https, not another port, not another host. Empty means
// STOCKTRIM_BASE_URL, or else [DefaultBaseURL]. Another URL is an error
// ([ErrInvalidBaseURL]).
//
// The stack does not rewrite request URLs: requests must be made to
// absolute URLs under this base URL, which [BaseURL] returns as resolved.
func WithBaseURL(u string) Option {
	return func(c *config) { c.baseURL = u }
}

// WithMaxRetries sets how many times a failed request is retried after its
// first attempt; 0 turns retries off. Without it, STOCKTRIM_MAX_RETRIES, or
// else [DefaultMaxRetries] (5). A negative n is an error
// ([ErrInvalidMaxRetries]).
func WithMaxRetries(n int) Option {
	return func(c *config) { c.maxRetries = &n }
}

// WithTimeout sets how long each attempt may go without progress: no
// request-body bytes sent, no response headers, no response-body bytes
// read ([timeout.Idle]). This is what timeout=30 means in httpx, which
// the Python client uses: a slow but steady download never fails, however
// long it takes in all, and a stalled one fails d after its last byte and
// is retried. It is not a bound on the whole attempt, as [timeout.New]
// is. Without it, STOCKTRIM_TIMEOUT, or else [DefaultTimeout] (30 s). A d
// of zero or less is an error
// ([ErrInvalidTimeout]): to bound a whole call, retries included, use the
// request's context.
func WithTimeout(d time.Duration) Option {
	return func(c *config) { c.timeout = &d }
}

// WithLogger logs every attempt to l, through package logging (one event
// per attempt, secrets redacted), and every retry as a warn event. Without
// it, nothing is logged. l's level decides what is logged: at debug, the
// attempt events carry the headers, credentials redacted.
func WithLogger(l zerolog.Logger) Option {
	return func(c *config) { c.logger = &l }
}

// WithTransport sets the base transport under the stack. Nil, the default,
// means a new *http.Transport cloned from [http.DefaultTransport] with an
// idle pool of 16 connections per host and HTTP/2 attempted; the global
// http.DefaultTransport itself is never used nor changed.
func WithTransport(base http.RoundTripper) Option {
	return func(c *config) { c.transport = base }
}

// WithRetryOptions adds options to the retry layer, applied after the
// stack's own (the number of retries, the budget, the warn events), so
// they can override the backoff, the status codes and the rest; an
// OnRetry adds a listener rather than replacing the warn events. Nil
// options are skipped.
func WithRetryOptions(opts ...retry.Option) Option {
	return func(c *config) { c.retryOpts = append(c.retryOpts, opts...) }
}

// WithRetryBudget sets the retry budget of the stack: a bound on the share
// of requests in flight that may be retries, across all requests through
// the stack, so that under an outage many callers do not multiply the
// load on a server that is already down, while a lone caller still gets
// all its retries. A retry the budget refuses ends that request's retries
// and returns its last result (see [retry.WithBudget]); a retry holds its
// permit through its wait and its attempt. Nil turns the budget off.
//
// Without this option, each stack built ([Middlewares], [NewTransport],
// [NewClient]) gets a budget of its own, failsafe-go's budget with
// retries at most 20% of the calls and retries in flight, and at least 8
// at a time. Under a total outage (every answer a 503, 5 retries) that
// makes, per call: 6 attempts for a lone caller and for each of 8
// concurrent callers, and 1.77 for 64, against 6 for all of them without a
// budget (the benchmarks' figure 6).
//
// The budget was chosen over failsafe-go's adaptive throttler, which
// rejects attempts, first ones included, with a probability that grows
// with the failures of the last minute. Measured around each attempt of
// this stack (in the same figure), it made 1.25 and 1.16 attempts per call
// for 8 and 64 callers, but it remembers: a lone caller just after the 64
// got no attempt at all, where the budget gives it 6. The budget looks only
// at what is in flight now, so it neither refuses the next caller after
// an outage nor needs time to recover.
//
// The cost: the budget cannot tell an outage from a fault that every
// caller meets at once. Up to 8 callers ride such a fault out (figure 3:
// none of 200 calls ended early); beyond 8, the callers past the minimum
// end on their first failure while 20% of the calls in flight are
// retrying. Where callers are many and such faults common, give a budget
// with a larger minimum concurrency (budget.NewBuilder), or nil.
//
// b must come from package budget (budget.New or budget.NewBuilder); the
// retry layer panics on another implementation. A budget given here may
// be shared by several stacks, which then share its bound.
func WithRetryBudget(b budget.Budget) Option {
	return func(c *config) { c.budget, c.budgetSet = b, true }
}
