// Command benchmarks measures the roundtrip middlewares side by side with
// peer libraries (go-retryablehttp, failsafe-go's failsafehttp) and a raw
// http.Transport, in one process and one run, and prints a markdown table
// with one row per figure and one column per library.
//
// Usage:
//
//	go run . [-rounds N] [-quick] [-figures 1,2,3,4,5,6]
//	go run . -stack [-rounds N] [-quick]
//
// The first prints the figures (the README's first table); -stack prints
// the stack table instead (the README's second): what one request costs
// through retry.New and through the stocktrim stack, each beside
// failsafehttp doing the same work. The table goes to standard output, progress and errors to standard error.
// The exit status is 1 when a figure failed or our columns broke a promise
// (the streamed PUT's memory bound).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

func main() {
	roundsFlag := flag.Int("rounds", 0, "rounds of figures 1 to 4 and 6, medians shown (default 5, or 1 with -quick); figure 5 runs at most 2; with -stack, rounds of the stack table (default 25, or 3 with -quick)")
	quick := flag.Bool("quick", false, "fewer requests and rounds: a smoke run of a few seconds")
	only := flag.String("figures", "1,2,3,4,5,6,7", "comma-separated figures to run")
	stack := flag.Bool("stack", false, "print the stack table (retry.New and the stocktrim stack beside failsafehttp) instead of the figures")
	flag.Parse()

	s := defaultSettings(*quick)
	if *roundsFlag != 0 {
		if *roundsFlag < 1 {
			fmt.Fprintln(os.Stderr, "benchmarks: -rounds must be at least 1")
			os.Exit(2)
		}
		s.Rounds = *roundsFlag
		s.RetryAfterRounds = min(*roundsFlag, 2)
		s.StackRounds = *roundsFlag
	}
	if *stack {
		if err := runStack(os.Stdout, os.Stderr, s); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	selected, err := parseFigures(*only)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if err := run(os.Stdout, os.Stderr, libraries(), s, selected); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// lastFigure is the number of the last figure.
const lastFigure = 7

// parseFigures parses a comma-separated list of figure numbers 1 to
// lastFigure.
func parseFigures(list string) ([]int, error) {
	var out []int
	for f := range strings.SplitSeq(list, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > lastFigure {
			return nil, fmt.Errorf("benchmarks: -figures: %q is not a figure from 1 to %d", f, lastFigure)
		}
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out, nil
}

// run measures the selected figures over libs (the first being the raw
// base) and writes the header line, the markdown table and notes to out,
// and progress to progress. It returns every figure's errors.
func run(out, progress io.Writer, libs []library, s settings, selected []int) error {
	fmt.Fprintf(out, "%s · %s · %s/%s · %d CPUs · medians over rounds: %d (figure 5: %d)\n\n",
		time.Now().UTC().Format("2006-01-02 15:04 MST"), runtime.Version(), runtime.GOOS, runtime.GOARCH,
		runtime.NumCPU(), s.Rounds, s.RetryAfterRounds)

	header := []string{"figure"}
	for _, l := range libs {
		header = append(header, l.Name)
	}
	rows := [][]string{header, slices.Repeat([]string{"---"}, len(header))}
	var (
		errs  []error
		notes []string
	)
	for _, f := range figures(s) {
		if !slices.Contains(selected, f.Num) {
			continue
		}
		fmt.Fprintf(progress, "figure %d...\n", f.Num)
		start := time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), figureTimeout)
		cells, err := f.Run(ctx, libs, s)
		if err == nil && f.Notes != nil {
			var lines []string
			lines, err = f.Notes(ctx, s)
			for _, l := range lines {
				notes = append(notes, fmt.Sprintf("Figure %d, %s.", f.Num, l))
			}
		}
		cancel()
		fmt.Fprintf(progress, "figure %d took %s\n", f.Num, time.Since(start).Round(time.Millisecond))
		if err != nil {
			errs = append(errs, fmt.Errorf("benchmarks: figure %d: %w", f.Num, err))
		}
		rows = append(rows, append([]string{f.Label}, cells...))
	}
	for _, r := range rows {
		fmt.Fprintf(out, "| %s |\n", strings.Join(r, " | "))
	}
	fmt.Fprintf(out, "\nRetries: %d, backoff %s doubling to %s, jitter %.2f (retryablehttp: its default backoff, "+
		"which has no jitter); small backoffs keep the run short. Every column runs over the same base: "+
		"an in-memory RoundTripper (1) or a clone of http.DefaultTransport to 127.0.0.1 (2 to 6; 7: HTTP/2 over TLS). "+
		"stocktrim logs each attempt at info level to io.Discard.\n",
		benchRetries, formatDuration(benchBackoffMin), formatDuration(benchBackoffMax), benchJitter)
	for _, n := range notes {
		fmt.Fprintf(out, "\n%s\n", n)
	}
	return errors.Join(errs...)
}
