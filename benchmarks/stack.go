package main

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"time"

	"github.com/failsafe-go/failsafe-go/failsafehttp"
	"github.com/failsafe-go/failsafe-go/retrypolicy"
	fstimeout "github.com/failsafe-go/failsafe-go/timeout"
	"github.com/rs/zerolog"

	"github.com/roundtrip-go/roundtrip"
	"github.com/roundtrip-go/roundtrip/auth"
	"github.com/roundtrip-go/roundtrip/logging"
	"github.com/roundtrip-go/roundtrip/retry"
	"github.com/roundtrip-go/roundtrip/stocktrim"
)

// The stack table (the README's second) compares, over the in-memory base,
// what one successful request costs through retry.New alone and through the
// whole stocktrim stack with failsafehttp doing the same work. Unlike the
// figures, every row uses the real defaults (5 retries, 1 s to 16 s, jitter
// 0.25, a 30 s attempt timeout): a request that succeeds first time never
// waits, so only the per-request work is measured.

// Credentials of the stack rows: both stacks send them on every request.
const (
	stackAuthID    = "bench-auth-id"
	stackSignature = "bench-signature"
)

// The rows of the stack table, in order, by the names of their go test
// sub-benchmarks. The first is the raw base the others are measured
// against.
const (
	rowRaw           = "raw"
	rowRetry         = "retry"
	rowFailsafeRetry = "failsafehttp-retry"
	rowStack         = "stocktrim"
	rowFailsafeStack = "failsafehttp-equivalent"
)

// stackRows returns the rows of the stack table as libraries: a name, the
// row's text, and a way to wrap the base.
func stackRows() []library {
	return []library{
		{Name: rowRaw, Label: "raw: the in-memory base", Wrap: wrapRaw},
		{Name: rowRetry, Label: "retry.New alone", Wrap: func(base http.RoundTripper, _ string) (http.RoundTripper, error) {
			return retry.New()(base), nil
		}},
		{Name: rowFailsafeRetry, Label: "failsafehttp, retry only", Wrap: func(base http.RoundTripper, _ string) (http.RoundTripper, error) {
			return failsafehttp.NewRoundTripper(base, defaultFailsafeRetry()), nil
		}},
		{Name: rowStack, Label: "stocktrim stack", Wrap: wrapDefaultStack},
		{Name: rowFailsafeStack, Label: "failsafehttp retry + timeout, with our auth and logging", Wrap: wrapFailsafeStack},
	}
}

// defaultFailsafeRetry is failsafehttp's retry policy with stocktrim's
// default retry settings.
func defaultFailsafeRetry() retrypolicy.RetryPolicy[*http.Response] {
	return failsafehttp.NewRetryPolicyBuilder().
		WithMaxRetries(5).
		WithBackoff(time.Second, 16*time.Second).
		WithJitterFactor(0.25).
		Build()
}

// stackLogger logs every attempt at info level to io.Discard, so that both
// stacks build each log event.
func stackLogger() zerolog.Logger {
	return zerolog.New(io.Discard).Level(zerolog.InfoLevel)
}

// wrapDefaultStack returns stocktrim's default stack over base for
// baseURL: retry, the 30 s attempt timeout, auth and info-level logging.
func wrapDefaultStack(base http.RoundTripper, baseURL string) (http.RoundTripper, error) {
	return stocktrim.NewTransport(
		stocktrim.WithCredentials(stackAuthID, stackSignature),
		stocktrim.WithBaseURL(baseURL),
		stocktrim.WithTransport(base),
		stocktrim.WithLogger(stackLogger()),
	)
}

// wrapFailsafeStack returns failsafehttp doing the stocktrim stack's work
// over base, as near as it can: its retry policy with the same settings,
// its timeout policy per attempt (a whole-attempt limit; it has no idle
// one), over our auth (to baseURL's origin only) and logging layers.
func wrapFailsafeStack(base http.RoundTripper, baseURL string) (http.RoundTripper, error) {
	inner := roundtrip.Chain(
		auth.Headers(map[string]string{
			stocktrim.HeaderAuthID: stackAuthID, stocktrim.HeaderSignature: stackSignature,
		}, auth.OnlyOrigins(baseURL)),
		logging.New(stackLogger()),
	).Then(base)
	return failsafehttp.NewRoundTripper(inner, defaultFailsafeRetry(),
		fstimeout.New[*http.Response](stocktrim.DefaultTimeout)), nil
}

// runStack measures every row of the stack table in s.StackRounds rounds of
// s.StackN requests each, and writes the table of medians to out and
// progress to progress.
func runStack(out, progress io.Writer, s settings) error {
	rows := stackRows()
	fmt.Fprintf(progress, "stack table: %d rounds of %d requests...\n", s.StackRounds, s.StackN)
	start := time.Now()
	res, failed, err := rounds(rows, s.StackRounds, true, func(row library) (perOp, error) {
		rt, err := row.Wrap(memTransport, memBaseURL)
		if err != nil {
			return perOp{}, err
		}
		return measurePerRequest(rt, memBaseURL+"/items", s.StackN)
	})
	fmt.Fprintf(progress, "stack table took %s\n", time.Since(start).Round(time.Millisecond))
	if failed[0] {
		return errors.Join(errors.New("benchmarks: stack table: the raw base failed"), err)
	}
	ns := func(m perOp) float64 { return m.NS }
	allocs := func(m perOp) float64 { return m.Allocs }
	added := make(map[string]perOp, len(rows))
	labels := make(map[string]string, len(rows))
	base := perOp{NS: medianOf(res[0], ns), Allocs: medianOf(res[0], allocs)}

	fmt.Fprintf(out, "%s · %s · %s/%s · %d CPUs · medians of %d rounds of %d requests\n\n",
		time.Now().UTC().Format("2006-01-02 15:04 MST"), runtime.Version(), runtime.GOOS, runtime.GOARCH,
		runtime.NumCPU(), s.StackRounds, s.StackN)
	fmt.Fprintln(out, "| row | added ns | added allocs | ns min–max over rounds |")
	fmt.Fprintln(out, "| --- | --- | --- | --- |")
	for i, row := range rows {
		labels[row.Name] = row.Label
		if failed[i] {
			fmt.Fprintf(out, "| %s | error | error | |\n", row.Label)
			continue
		}
		lo, hi := minMax(res[i], ns)
		if i == 0 {
			fmt.Fprintf(out, "| %s | base %.0f | base %.0f | %.0f–%.0f |\n", row.Label, base.NS, base.Allocs, lo, hi)
			continue
		}
		a := perOp{NS: medianOf(res[i], ns) - base.NS, Allocs: medianOf(res[i], allocs) - base.Allocs}
		added[row.Name] = a
		fmt.Fprintf(out, "| %s | %+.0f | %+.0f | %.0f–%.0f |\n", row.Label, a.NS, a.Allocs, lo, hi)
	}
	fmt.Fprintln(out)
	for _, c := range []struct{ ours, theirs string }{
		{rowRetry, rowFailsafeRetry},
		{rowStack, rowFailsafeStack},
	} {
		o, okO := added[c.ours]
		t, okT := added[c.theirs]
		if okO && okT && t.NS > 0 {
			fmt.Fprintf(out, "%s adds %.2f× the ns and %+.0f allocs against %s.\n",
				labels[c.ours], o.NS/t.NS, o.Allocs-t.Allocs, labels[c.theirs])
		}
	}
	fmt.Fprintf(out, "Every row: a GET to %s over an in-memory base answering 200, body read and closed; "+
		"the real default settings, logging (where there is any) at info to io.Discard.\n", memBaseURL)
	return err
}

// minMax returns the least and greatest of f over results.
func minMax[T any](results []T, f func(T) float64) (lo, hi float64) {
	for i, v := range results {
		x := f(v)
		if i == 0 || x < lo {
			lo = x
		}
		if i == 0 || x > hi {
			hi = x
		}
	}
	return lo, hi
}
