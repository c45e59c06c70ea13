package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/failsafe-go/failsafe-go/adaptivethrottler"

	"github.com/roundtrip-go/roundtrip"
	"github.com/roundtrip-go/roundtrip/retry"
	"github.com/roundtrip-go/roundtrip/stocktrim"
)

// Figure 6 is a total outage: every request is answered 503 after
// outageDelay, so that concurrent callers' attempts overlap as they would
// against a server under load. Each caller makes one call; the cell is the
// mean number of attempts the server saw per call, for each count of
// concurrent callers.

// outageDelay is how long the outage server holds each request before its
// 503.
const outageDelay = 30 * time.Millisecond

// outageHandler answers every request with 503 after its delay, or at once
// when the client gives up on the request, and counts the requests.
type outageHandler struct {
	delay    time.Duration
	requests atomic.Int64
}

func (h *outageHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.requests.Add(1)
	_, _ = io.Copy(io.Discard, r.Body)
	timer := time.NewTimer(h.delay)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-r.Context().Done():
	}
	w.WriteHeader(http.StatusServiceUnavailable)
	_, _ = io.WriteString(w, "down")
}

// measureOutage runs phases one after another through one fresh instance
// of lib (so that a budget starts empty) against one fresh server that
// answers every request 503 after delay. In phase j, phases[j] goroutines
// each make one GET at once. It returns the mean number of attempts per
// call of each phase. A call may end with the 503 or with an error: either
// is the end of its retries.
func measureOutage(ctx context.Context, lib library, phases []int, delay time.Duration) ([]float64, error) {
	h := &outageHandler{delay: delay}
	rt, baseURL, stop, err := startTracked(lib, h)
	if err != nil {
		return nil, err
	}
	defer stop()
	url := baseURL + "/items"
	means := make([]float64, len(phases))
	for j, callers := range phases {
		before := h.requests.Load()
		if err := callAtOnce(ctx, rt, url, callers); err != nil {
			return nil, err
		}
		n := h.requests.Load() - before
		// Later phases may be refused without an attempt (a throttler that
		// remembers the first); the first phase must reach the server.
		if j == 0 && n < int64(callers) {
			return nil, fmt.Errorf("benchmarks: the server saw %d requests from %d callers", n, callers)
		}
		means[j] = float64(n) / float64(callers)
	}
	return means, nil
}

// callAtOnce makes one GET for url through rt from each of callers
// goroutines, released together, and waits for them all.
func callAtOnce(ctx context.Context, rt http.RoundTripper, url string, callers int) error {
	start := make(chan struct{})
	var wg sync.WaitGroup
	errs := make([]error, callers)
	for i := range callers {
		wg.Go(func() {
			<-start
			errs[i] = callOnce(ctx, rt, url)
		})
	}
	close(start)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	return errors.Join(errs...)
}

// callOnce sends one GET for url through rt and drains and closes the
// response. A 503 or an error that ends the retries is the expected end;
// only a 2xx, or the caller's own context ending, is an error.
func callOnce(ctx context.Context, rt http.RoundTripper, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := rt.RoundTrip(req)
	if err != nil {
		return ctx.Err() // a library's "giving up" error
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode < 300 {
		return fmt.Errorf("benchmarks: GET %s: status %d from a server that only answers 503", url, resp.StatusCode)
	}
	return nil
}

func runOutage(ctx context.Context, libs []library, s settings) ([]string, error) {
	res, failed, err := rounds(libs, s.Rounds, false, func(lib library) ([]float64, error) {
		return outageRound(ctx, lib, s)
	})
	return cells(failed, func(i int) string {
		if !libs[i].Retries {
			return notApplicable
		}
		return formatOutage(res[i], len(s.OutageCallers))
	}), err
}

// outageRound measures lib at each count of callers in s, one after
// another, and returns the mean attempts per call for each.
func outageRound(ctx context.Context, lib library, s settings) ([]float64, error) {
	if !lib.Retries {
		return nil, nil
	}
	out := make([]float64, len(s.OutageCallers))
	for j, n := range s.OutageCallers {
		v, err := measureOutage(ctx, lib, []int{n}, s.OutageDelay)
		if err != nil {
			return nil, fmt.Errorf("%d callers: %w", n, err)
		}
		out[j] = v[0]
	}
	return out, nil
}

// formatOutage formats the median over rounds of each of k caller counts,
// "6.00 / 6.00 / 1.77".
func formatOutage(rounds [][]float64, k int) string {
	parts := make([]string, k)
	for j := range parts {
		parts[j] = fmt.Sprintf("%.2f", medianOf(rounds, func(r []float64) float64 { return r[j] }))
	}
	return strings.Join(parts, " / ")
}

// outageAlternatives are the mechanisms figure 6 weighs for the stocktrim
// stack against retry storms: the stack's default (failsafe-go's budget,
// also the stocktrim column), none, and failsafe-go's adaptive throttler
// around each attempt in place of the budget.
func outageAlternatives() []library {
	return []library{
		{Name: "stocktrim (budget)", Retries: true, Wrap: wrapStocktrim},
		{Name: "stocktrim, no budget", Retries: true, Wrap: wrapStocktrimUnbudgeted},
		{Name: "stocktrim, adaptivethrottler per attempt instead of the budget", Retries: true, Wrap: wrapStocktrimThrottled},
	}
}

// runOutageAlternatives measures the outageAlternatives as runOutage does
// and then, for each, a lone caller's call made through the same transport
// just after the largest count of callers: a mechanism that remembers the
// outage refuses it attempts the budget would allow. It returns a note
// line for each.
func runOutageAlternatives(ctx context.Context, s settings) ([]string, error) {
	alts := outageAlternatives()
	last := slices.Max(s.OutageCallers)
	res, failed, err := rounds(alts, s.Rounds, false, func(lib library) ([]float64, error) {
		out, err := outageRound(ctx, lib, s)
		if err != nil {
			return nil, err
		}
		after, err := measureOutage(ctx, lib, []int{last, 1}, s.OutageDelay)
		if err != nil {
			return nil, fmt.Errorf("a lone caller after %d: %w", last, err)
		}
		return append(out, after[1]), nil
	})
	k := len(s.OutageCallers)
	return cells(failed, func(i int) string {
		return fmt.Sprintf("%s: %s attempts per call; a lone caller just after the %d: %.2f",
			alts[i].Name, formatOutage(res[i], k), last, medianOf(res[i], func(r []float64) float64 { return r[k] }))
	}), err
}

// throttlerExecutions is the adaptive throttler's execution threshold: no
// attempt is throttled before this many were recorded in its window, so
// that a lone caller's first call gets its 6 attempts.
const throttlerExecutions = benchRetries + 1

// wrapStocktrimThrottled returns the stocktrim stack without its budget,
// with a new failsafe-go adaptive throttler (Google SRE client-side
// throttling: failures above 10% of the executions in the last minute
// reject attempts with a probability up to 0.9) between the retry layer
// and the rest of the stack, so that it sees and may reject every attempt.
// A 5xx or an error counts as a failure.
func wrapStocktrimThrottled(base http.RoundTripper, baseURL string) (http.RoundTripper, error) {
	mws, err := stocktrim.Middlewares(append(stocktrimOptions(baseURL), stocktrim.WithRetryBudget(nil))...)
	if err != nil {
		return nil, err
	}
	throttler := adaptivethrottler.NewBuilder[*http.Response]().
		HandleIf(func(resp *http.Response, err error) bool {
			return err != nil || resp.StatusCode >= 500
		}).
		WithFailureRateThreshold(0.1, throttlerExecutions, time.Minute).
		Build()
	mws = slices.Insert(mws, 1, retry.Failsafe(throttler))
	return roundtrip.Chain(mws...).Then(base), nil
}
