package retry

import (
	"errors"
	"io"
	"net/http"
	"slices"
	"sync"

	"github.com/failsafe-go/failsafe-go"
	"github.com/failsafe-go/failsafe-go/hedgepolicy"
	"github.com/failsafe-go/failsafe-go/policy"
	"github.com/failsafe-go/failsafe-go/retrypolicy"

	"github.com/roundtrip-go/roundtrip/internal/body"
	"github.com/roundtrip-go/roundtrip/middleware"
)

// executorTransport runs failsafe-go policies that are not ours (circuit
// breakers, bulkheads, rate limiters, hedges, timeouts, foreign retry
// policies) around next.
type executorTransport struct {
	next     http.RoundTripper
	executor failsafe.Executor[*http.Response]
	// retries says whether a policy may run more than one attempt (a
	// retry or hedge policy): only then is this a retry layer whose
	// attempts get numbers for [Attempt] (and a warn, not an error, in
	// the access log).
	retries bool
}

var _ http.RoundTripper = (*executorTransport)(nil)

// deferCanceler is the one method outside failsafe-go's public execution
// API that an attempt needs: an attempt's context must outlive the
// executor's return until the response body is done. failsafe-go's
// executions implement it through policy.ExecutionInternal; the check
// below fails the build should an upgrade drop it from that interface.
type deferCanceler interface{ DeferCancel() func() }

var _ deferCanceler = policy.ExecutionInternal[*http.Response](nil)

func newExecutorTransport(policies []failsafe.Policy[*http.Response], next http.RoundTripper) *executorTransport {
	t := &executorTransport{next: next, executor: failsafe.With(slices.Clone(policies)...)}
	for _, p := range policies {
		// failsafe-go's RetryPolicy and HedgePolicy interfaces are bare
		// Policy interfaces that every policy satisfies; what tells them
		// apart is that their values are also their Builders. No build
		// check can hold that; TestFailsafeWithoutRetryNumbersNoAttempt
		// fails should an upgrade change it.
		switch p.(type) {
		case retrypolicy.Builder[*http.Response], hedgepolicy.Builder[*http.Response]:
			t.retries = true
		}
	}
	return t
}

func (t *executorTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	c := &execCall{next: t.next, req: req, retries: t.retries}
	resp, err := t.executor.WithContext(req.Context()).GetWithExecution(c.attempt)
	return c.finish(resp, err)
}

// execCall is one request through an executorTransport. It keeps every
// response an attempt produced until it is either returned or discarded.
type execCall struct {
	next    http.RoundTripper
	req     *http.Request
	retries bool // see executorTransport.retries

	mu       sync.Mutex
	started  int   // attempts started
	sent     int   // attempts that reached next (see sentBy)
	lastErr  error // the error of the last attempt that sent a request
	inflight int
	done     bool
	held     []*http.Response
}

// attempt is the function the executor runs, once per attempt (hedges run
// it concurrently).
func (c *execCall) attempt(exec failsafe.Execution[*http.Response]) (*http.Response, error) {
	c.mu.Lock()
	if c.started > 0 && hasBody(c.req) && c.req.GetBody == nil {
		// The body went with the first attempt and cannot be sent again:
		// no request is made, and the responses held so far stay for
		// finish, which returns the last one as New would.
		c.mu.Unlock()
		return nil, errBodyNotReplayable
	}
	c.started++
	n := c.started
	var stale []*http.Response
	if c.inflight == 0 {
		// A new attempt while none runs: the results so far were failures.
		stale, c.held = c.held, nil
	}
	c.inflight++
	c.mu.Unlock()
	for _, r := range stale {
		discard(r)
	}

	var rc io.ReadCloser
	if n > 1 && hasBody(c.req) {
		var err error
		if rc, err = c.req.GetBody(); err != nil {
			c.end()
			return nil, err
		}
	}
	ctx := exec.Context()
	number := 0 // the attempt keeps the number it has, if any
	if n > 1 || c.retries && Attempt(ctx) == 0 {
		number = exec.Attempts()
	}
	r, guard := newAttempt(c.req, ctx, number)
	if rc != nil {
		r.Body = rc
	}
	resp, err := guard.settle(c.next.RoundTrip(r))
	if err == nil && resp != nil {
		if ei, ok := exec.(deferCanceler); ok {
			// Keep the attempt's context alive until the body is done.
			body.Watch(resp, nil, ei.DeferCancel())
		}
	}

	c.mu.Lock()
	c.inflight--
	late := c.done
	if !late && resp != nil {
		c.held = append(c.held, resp)
	}
	if err != nil {
		c.lastErr = err
		c.sent += sentBy(err)
	} else {
		c.sent++
	}
	c.mu.Unlock()
	if late && resp != nil {
		discard(resp) // the executor returned without this attempt
		return nil, errAttemptAbandoned
	}
	return resp, err
}

func (c *execCall) end() {
	c.mu.Lock()
	c.inflight--
	c.mu.Unlock()
}

// finish discards every response but the one returned, closes the caller's
// body if no attempt ran, and wraps an error. When the policies gave up
// because the body could not be sent again, the last response an attempt
// got is returned, as it is, in place of that error, or else the error of
// the last attempt that sent a request.
func (c *execCall) finish(resp *http.Response, err error) (*http.Response, error) {
	c.mu.Lock()
	c.done = true
	held, started, sent, lastErr := c.held, c.started, c.sent, c.lastErr
	c.held = nil
	c.mu.Unlock()
	if err != nil {
		resp = nil
		if errors.Is(err, errBodyNotReplayable) {
			switch {
			case len(held) > 0:
				resp, err = held[len(held)-1], nil
			case lastErr != nil:
				err = lastErr
			}
		}
	}
	for _, h := range held {
		if h != resp {
			discard(h)
		}
	}
	if started == 0 && c.req.Body != nil {
		_ = c.req.Body.Close() // no attempt took it over
	}
	if err != nil {
		return nil, giveUp(sent, err)
	}
	if resp == nil {
		return nil, giveUp(sent, errNoResponse)
	}
	return resp, nil
}

// CloseIdleConnections closes the idle connections of the next
// RoundTripper, so that [http.Client.CloseIdleConnections] reaches the base
// transport through the policies.
func (t *executorTransport) CloseIdleConnections() { middleware.CloseIdleConnections(t.next) }
