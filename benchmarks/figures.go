package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// settings are the sizes of one run.
type settings struct {
	Rounds           int           // rounds of figures 1 to 4 and 6; the table shows medians
	PerRequestN      int           // requests per round of figure 1
	Clients          int           // parallel clients of figures 2 and 3
	ThroughputN      int           // requests per round of figure 2
	FaultRequests    int           // requests per round of figure 3
	StreamSize       int64         // body size of figure 4
	RetryAfterRounds int           // rounds of figure 5, which take seconds each
	SettleLimit      time.Duration // figure 3's wait for goroutines to end
	StackRounds      int           // rounds of the stack table
	StackN           int           // requests per row and round of the stack table
	OutageCallers    []int         // concurrent callers of figure 6, one measurement each
	OutageDelay      time.Duration // figure 6's delay before each 503
	ReplayLimit      time.Duration // figure 7's bound on each call
}

// defaultSettings returns the sizes of a default run (about 2 minutes on two
// cores) or, with quick, of a run of a few seconds.
func defaultSettings(quick bool) settings {
	if quick {
		return settings{
			Rounds: 1, PerRequestN: 2000, Clients: 8, ThroughputN: 800,
			FaultRequests: 40, StreamSize: 64 << 20, RetryAfterRounds: 1, SettleLimit: 2 * time.Second,
			StackRounds: 3, StackN: 2000,
			OutageCallers: []int{1, 8, 64}, OutageDelay: outageDelay,
			ReplayLimit: 200 * time.Millisecond,
		}
	}
	return settings{
		Rounds: 5, PerRequestN: 50000, Clients: 8, ThroughputN: 8000,
		FaultRequests: 200, StreamSize: 64 << 20, RetryAfterRounds: 2, SettleLimit: 2 * time.Second,
		// Many short rounds, each row in turn, so that every row meets
		// the same swings of a shared machine's load.
		StackRounds: 25, StackN: 10000,
		OutageCallers: []int{1, 8, 64}, OutageDelay: outageDelay,
		ReplayLimit: time.Second,
	}
}

// figureTimeout bounds every request of one figure.
const figureTimeout = 2 * time.Minute

// streamBound is what our columns may allocate for figure 4's PUT.
const streamBound = 1 << 20

// figure is one row of the table. Run returns one cell per library; the
// first library is the raw base that ratios and differences refer to.
// Notes, when not nil, returns lines printed under the table.
type figure struct {
	Num   int
	Label string
	Run   func(ctx context.Context, libs []library, s settings) ([]string, error)
	Notes func(ctx context.Context, s settings) ([]string, error)
}

func figures(s settings) []figure {
	return []figure{
		{Num: 1, Label: "1. added per request over an in-memory base: time, allocations", Run: runPerRequest},
		{Num: 2, Label: fmt.Sprintf("2. loopback throughput, %d clients: ratio to raw (requests/s)", s.Clients), Run: runThroughput},
		{Num: 3, Label: "3. faulty server (two 503s with 2 KiB, then 200): connections / goroutines left / p50 / p99", Run: runFaulty},
		{Num: 4, Label: fmt.Sprintf("4. %s streamed PUT: bytes allocated", formatBytes(float64(s.StreamSize))), Run: runStreamedPut},
		{Num: 5, Label: "5. Retry-After wait: `1` / HTTP-date 2 s ahead", Run: runRetryAfter},
		{Num: 6, Label: fmt.Sprintf("6. total outage (every answer 503 after %s): attempts per call at %s concurrent callers",
			formatDuration(s.OutageDelay), joinInts(s.OutageCallers, " / ")), Run: runOutage, Notes: runOutageAlternatives},
		{Num: 7, Label: fmt.Sprintf("7. HTTP/2 server resetting every stream, each call bounded at %s: requests it received for one GET / one POST",
			formatDuration(s.ReplayLimit)), Run: runReplay},
	}
}

// joinInts formats ns joined by sep: "1 / 8 / 64".
func joinInts(ns []int, sep string) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, sep)
}

// notApplicable is the cell of a library without retries in a retry figure.
const notApplicable = "n/a (no retries)"

// rounds measures every library in every round, starting each round at a
// different library so that no column always runs first, and returns each
// library's results by round. With warmUp, an unrecorded round comes first,
// so the first column does not meet a cold process. A library whose measure
// fails is skipped from then on; rounds returns which failed, and why.
func rounds[T any](libs []library, n int, warmUp bool, measure func(lib library) (T, error)) ([][]T, []bool, error) {
	results := make([][]T, len(libs))
	failed := make([]bool, len(libs))
	var errs []error
	first := 0
	if warmUp {
		first = -1
	}
	for r := first; r < n; r++ {
		for k := range libs {
			i := (k + max(r, 0)) % len(libs)
			if failed[i] {
				continue
			}
			v, err := measure(libs[i])
			if err != nil {
				failed[i] = true
				errs = append(errs, fmt.Errorf("%s: %w", libs[i].Name, err))
				continue
			}
			if r >= 0 {
				results[i] = append(results[i], v)
			}
		}
	}
	return results, failed, errors.Join(errs...)
}

// medianOf returns the median of f over results.
func medianOf[T any](results []T, f func(T) float64) float64 {
	xs := make([]float64, len(results))
	for i, v := range results {
		xs[i] = f(v)
	}
	return median(xs)
}

// cells fills one cell per library with format(i), or "error" where the
// library failed.
func cells(failed []bool, format func(i int) string) []string {
	out := make([]string, len(failed))
	for i := range out {
		if failed[i] {
			out[i] = "error"
			continue
		}
		out[i] = format(i)
	}
	return out
}

// noBase is the row of a figure whose raw base failed.
func noBase(n int) []string {
	return slices.Repeat([]string{"no base"}, n)
}

func runPerRequest(_ context.Context, libs []library, s settings) ([]string, error) {
	res, failed, err := rounds(libs, s.Rounds, true, func(lib library) (perOp, error) {
		rt, err := lib.Wrap(memTransport, memBaseURL)
		if err != nil {
			return perOp{}, err
		}
		return measurePerRequest(rt, memBaseURL+"/items", s.PerRequestN)
	})
	if failed[0] {
		return noBase(len(libs)), err
	}
	ns := func(m perOp) float64 { return m.NS }
	allocs := func(m perOp) float64 { return m.Allocs }
	baseNS, baseAllocs := medianOf(res[0], ns), medianOf(res[0], allocs)
	return cells(failed, func(i int) string {
		if i == 0 {
			return fmt.Sprintf("base %s, %.0f allocs", formatNS(baseNS), baseAllocs)
		}
		dn, da := medianOf(res[i], ns)-baseNS, medianOf(res[i], allocs)-baseAllocs
		return fmt.Sprintf("%s, %s allocs", signed(dn, formatNS(dn)), signed(da, fmt.Sprintf("%.0f", da)))
	}), err
}

func runThroughput(ctx context.Context, libs []library, s settings) ([]string, error) {
	srv := startServer(http.HandlerFunc(okHandler))
	defer srv.Close()
	res, failed, err := rounds(libs, s.Rounds, true, func(lib library) (float64, error) {
		base := newLoopbackTransport()
		defer base.CloseIdleConnections()
		rt, err := lib.Wrap(base, srv.URL)
		if err != nil {
			return 0, err
		}
		return measureThroughput(ctx, rt, srv.URL+"/items", s.Clients, s.ThroughputN)
	})
	if failed[0] {
		return noBase(len(libs)), err
	}
	self := func(v float64) float64 { return v }
	base := medianOf(res[0], self)
	return cells(failed, func(i int) string {
		v := medianOf(res[i], self)
		return fmt.Sprintf("%.2f× (%.1fk/s)", v/base, v/1000)
	}), err
}

func runFaulty(ctx context.Context, libs []library, s settings) ([]string, error) {
	res, failed, err := rounds(libs, s.Rounds, false, func(lib library) (faultResult, error) {
		if !lib.Retries {
			return faultResult{}, nil
		}
		return measureFaulty(ctx, lib, s.Clients, s.FaultRequests, s.SettleLimit)
	})
	return cells(failed, func(i int) string {
		if !libs[i].Retries {
			return notApplicable
		}
		return fmt.Sprintf("%.0f / %.0f / %s / %s",
			medianOf(res[i], func(r faultResult) float64 { return float64(r.Conns) }),
			medianOf(res[i], func(r faultResult) float64 { return float64(r.Goroutines) }),
			formatNS(medianOf(res[i], func(r faultResult) float64 { return float64(r.P50) })),
			formatNS(medianOf(res[i], func(r faultResult) float64 { return float64(r.P99) })))
	}), err
}

func runStreamedPut(ctx context.Context, libs []library, s settings) ([]string, error) {
	res, failed, err := rounds(libs, s.Rounds, false, func(lib library) (uint64, error) {
		return measureStreamedPut(ctx, lib, s.StreamSize)
	})
	var over []error
	out := cells(failed, func(i int) string {
		cell := formatBytes(medianOf(res[i], func(b uint64) float64 { return float64(b) }))
		if bound := libs[i].StreamBound; bound > 0 && slices.Max(res[i]) >= bound {
			over = append(over, fmt.Errorf("%s: streamed PUT allocated %s, over the %s bound",
				libs[i].Name, formatBytes(float64(slices.Max(res[i]))), formatBytes(float64(bound))))
			return cell + " (over bound)"
		}
		return cell
	})
	return out, errors.Join(append([]error{err}, over...)...)
}

func runRetryAfter(ctx context.Context, libs []library, s settings) ([]string, error) {
	headers := []func(time.Time) string{retryAfterDelta, retryAfterDate}
	waits := make([][][]float64, len(libs)) // library, header, round
	for i := range waits {
		waits[i] = make([][]float64, len(headers))
	}
	failed := make([]bool, len(libs))
	var (
		mu   sync.Mutex
		errs []error
	)
	for range s.RetryAfterRounds {
		// Every library and case runs at once, each against its own server:
		// the waits are what is measured, and they overlap freely.
		time.Sleep(untilNextSecond(time.Now()))
		var wg sync.WaitGroup
		for i, lib := range libs {
			if !lib.Retries || failed[i] {
				continue
			}
			for j, header := range headers {
				wg.Go(func() {
					wait, err := measureRetryAfter(ctx, lib, header)
					mu.Lock()
					defer mu.Unlock()
					if err != nil {
						failed[i] = true
						errs = append(errs, fmt.Errorf("%s: %w", lib.Name, err))
						return
					}
					waits[i][j] = append(waits[i][j], float64(wait))
				})
			}
		}
		wg.Wait()
	}
	return cells(failed, func(i int) string {
		if !libs[i].Retries {
			return notApplicable
		}
		return fmt.Sprintf("%s / %s", formatNS(median(waits[i][0])), formatNS(median(waits[i][1])))
	}), errors.Join(errs...)
}
