package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"
)

// settings are the sizes of one run.
type settings struct {
	Rounds           int           // rounds of figures 1 to 4; the table shows medians
	PerRequestN      int           // requests per round of figure 1
	Clients          int           // parallel clients of figures 2 and 3
	ThroughputN      int           // requests per round of figure 2
	FaultRequests    int           // requests per round of figure 3
	StreamSize       int64         // body size of figure 4
	RetryAfterRounds int           // rounds of figure 5, which take seconds each
	SettleLimit      time.Duration // figure 3's wait for goroutines to end
}

// defaultSettings returns the sizes of a default run (about a minute on two
// cores) or, with quick, of a run of a few seconds.
func defaultSettings(quick bool) settings {
	if quick {
		return settings{
			Rounds: 1, PerRequestN: 2000, Clients: 8, ThroughputN: 800,
			FaultRequests: 40, StreamSize: 64 << 20, RetryAfterRounds: 1, SettleLimit: 2 * time.Second,
		}
	}
	return settings{
		Rounds: 5, PerRequestN: 50000, Clients: 8, ThroughputN: 8000,
		FaultRequests: 200, StreamSize: 64 << 20, RetryAfterRounds: 2, SettleLimit: 2 * time.Second,
	}
}

// figureTimeout bounds every request of one figure.
const figureTimeout = 2 * time.Minute

// streamBound is what our columns may allocate for figure 4's PUT.
const streamBound = 1 << 20

// figure is one row of the table. Run returns one cell per library; the
// first library is the raw base that ratios and differences refer to.
type figure struct {
	Num   int
	Label string
	Run   func(ctx context.Context, libs []library, s settings) ([]string, error)
}

func figures(s settings) []figure {
	return []figure{
		{1, "1. added per request over an in-memory base: time, allocations", runPerRequest},
		{2, fmt.Sprintf("2. loopback throughput, %d clients: ratio to raw (requests/s)", s.Clients), runThroughput},
		{3, "3. faulty server (two 503s with 2 KiB, then 200): connections / goroutines left / p50 / p99", runFaulty},
		{4, fmt.Sprintf("4. %s streamed PUT: bytes allocated", formatBytes(float64(s.StreamSize))), runStreamedPut},
		{5, "5. Retry-After wait: `1` / HTTP-date 2 s ahead", runRetryAfter},
	}
}

// notApplicable is the cell of a library without retries in a retry figure.
const notApplicable = "n/a (no retries)"

// rounds calls measure(i) for every library i in every round, starting each
// round at a different library so that no column always runs first. A
// library whose measure fails is skipped from then on. It returns which
// failed and their errors.
func rounds(libs []library, n int, measure func(i int) error) ([]bool, error) {
	failed := make([]bool, len(libs))
	var errs []error
	for r := range n {
		for k := range libs {
			i := (k + r) % len(libs)
			if failed[i] {
				continue
			}
			if err := measure(i); err != nil {
				failed[i] = true
				errs = append(errs, fmt.Errorf("%s: %w", libs[i].Name, err))
			}
		}
	}
	return failed, errors.Join(errs...)
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

func runPerRequest(_ context.Context, libs []library, s settings) ([]string, error) {
	ns := make([][]float64, len(libs))
	allocs := make([][]float64, len(libs))
	failed, err := rounds(libs, s.Rounds, func(i int) error {
		rt, err := libs[i].Wrap(memTransport{}, memBaseURL)
		if err != nil {
			return err
		}
		m, err := measurePerRequest(rt, memBaseURL+"/items", s.PerRequestN)
		if err != nil {
			return err
		}
		ns[i] = append(ns[i], m.NS)
		allocs[i] = append(allocs[i], m.Allocs)
		return nil
	})
	if failed[0] {
		return cells(failed, func(int) string { return "no base" }), err
	}
	baseNS, baseAllocs := median(ns[0]), median(allocs[0])
	return cells(failed, func(i int) string {
		if i == 0 {
			return fmt.Sprintf("base %s, %.0f allocs", formatNS(baseNS), baseAllocs)
		}
		dn, da := median(ns[i])-baseNS, median(allocs[i])-baseAllocs
		return fmt.Sprintf("%s, %s allocs", signed(dn, formatNS(dn)), signed(da, fmt.Sprintf("%.0f", da)))
	}), err
}

func runThroughput(ctx context.Context, libs []library, s settings) ([]string, error) {
	srv := startServer(http.HandlerFunc(okHandler))
	defer srv.Close()
	perSec := make([][]float64, len(libs))
	failed, err := rounds(libs, s.Rounds, func(i int) error {
		base := newLoopbackTransport()
		defer base.CloseIdleConnections()
		rt, err := libs[i].Wrap(base, srv.URL)
		if err != nil {
			return err
		}
		v, err := measureThroughput(ctx, rt, srv.URL+"/items", s.Clients, s.ThroughputN)
		if err != nil {
			return err
		}
		perSec[i] = append(perSec[i], v)
		return nil
	})
	if failed[0] {
		return cells(failed, func(int) string { return "no base" }), err
	}
	base := median(perSec[0])
	return cells(failed, func(i int) string {
		v := median(perSec[i])
		return fmt.Sprintf("%.2f× (%.1fk/s)", v/base, v/1000)
	}), err
}

func runFaulty(ctx context.Context, libs []library, s settings) ([]string, error) {
	var conns, left, p50, p99 = make([][]float64, len(libs)), make([][]float64, len(libs)),
		make([][]float64, len(libs)), make([][]float64, len(libs))
	failed, err := rounds(libs, s.Rounds, func(i int) error {
		if !libs[i].Retries {
			return nil
		}
		res, err := measureFaulty(ctx, libs[i], s.Clients, s.FaultRequests, s.SettleLimit)
		if err != nil {
			return err
		}
		conns[i] = append(conns[i], float64(res.Conns))
		left[i] = append(left[i], float64(res.Goroutines))
		p50[i] = append(p50[i], float64(res.P50))
		p99[i] = append(p99[i], float64(res.P99))
		return nil
	})
	return cells(failed, func(i int) string {
		if !libs[i].Retries {
			return notApplicable
		}
		return fmt.Sprintf("%.0f / %.0f / %s / %s", median(conns[i]), median(left[i]),
			formatNS(median(p50[i])), formatNS(median(p99[i])))
	}), err
}

func runStreamedPut(ctx context.Context, libs []library, s settings) ([]string, error) {
	allocated := make([][]float64, len(libs))
	failed, err := rounds(libs, s.Rounds, func(i int) error {
		b, err := measureStreamedPut(ctx, libs[i], s.StreamSize)
		if err != nil {
			return err
		}
		allocated[i] = append(allocated[i], float64(b))
		return nil
	})
	var over []error
	out := cells(failed, func(i int) string {
		cell := formatBytes(median(allocated[i]))
		if bound := libs[i].StreamBound; bound > 0 && slices.Max(allocated[i]) >= float64(bound) {
			over = append(over, fmt.Errorf("%s: streamed PUT allocated %s, over the %s bound",
				libs[i].Name, formatBytes(slices.Max(allocated[i])), formatBytes(float64(bound))))
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
