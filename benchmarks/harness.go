package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/roundtrip-go/roundtrip/middleware/middlewaretest"
)

// memBaseURL is the base URL of requests to the in-memory transport.
const memBaseURL = "http://api.bench.test"

// memTransport answers every request from memory with 200 and a two-byte
// body: a base that costs next to nothing, so what a library adds shows.
var memTransport = middlewaretest.Static{Header: http.Header{"Content-Type": {"text/plain"}}, Body: "ok"}

// get sends one GET for url through rt, tagged with id when id is not
// empty, reads the whole response body and closes it. Any status but 200 is
// an error.
func get(ctx context.Context, rt http.RoundTripper, url, id string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	if id != "" {
		req.Header.Set(requestIDHeader, id)
	}
	resp, err := rt.RoundTrip(req)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	err = errors.Join(err, resp.Body.Close())
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("benchmarks: GET %s: status %d", url, resp.StatusCode)
	}
	return err
}

// perOp is the cost of one request.
type perOp struct {
	NS     float64
	Allocs float64
}

// measurePerRequest sends n GETs for url through rt, one after another,
// after a short warm-up, and returns the mean time and allocations of one.
func measurePerRequest(rt http.RoundTripper, url string, n int) (perOp, error) {
	ctx := context.Background()
	for range max(n/10, 1) {
		if err := get(ctx, rt, url, ""); err != nil {
			return perOp{}, err
		}
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	for range n {
		if err := get(ctx, rt, url, ""); err != nil {
			return perOp{}, err
		}
	}
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	return perOp{
		NS:     float64(elapsed.Nanoseconds()) / float64(n),
		Allocs: float64(after.Mallocs-before.Mallocs) / float64(n),
	}, nil
}

// parallel runs do(i) for i in [0, total) on clients goroutines and returns
// the first error. Each goroutine stops at its first error.
func parallel(clients, total int, do func(i int) error) error {
	var (
		next     atomic.Int64
		once     sync.Once
		firstErr error
		wg       sync.WaitGroup
	)
	for range clients {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= total {
					return
				}
				if err := do(i); err != nil {
					once.Do(func() { firstErr = err })
					return
				}
			}
		})
	}
	wg.Wait()
	return firstErr
}

// measureThroughput sends total GETs for url through rt from clients
// goroutines and returns requests per second.
func measureThroughput(ctx context.Context, rt http.RoundTripper, url string, clients, total int) (float64, error) {
	start := time.Now()
	err := parallel(clients, total, func(int) error { return get(ctx, rt, url, "") })
	elapsed := time.Since(start)
	if err != nil {
		return 0, err
	}
	return float64(total) / elapsed.Seconds(), nil
}

// faultResult is what one run against the faulty server saw.
type faultResult struct {
	Conns      int           // connections the server accepted
	Goroutines int           // goroutines left after closing idle connections
	P50, P99   time.Duration // request latency, all attempts included
	Attempts   int           // attempts the server answered
	Unclosed   int           // response bodies the library never closed
}

// Faulty server settings: each request gets faultFailures 503s with a body
// of faultBodySize bytes, then 200.
const (
	faultFailures = 2
	faultBodySize = 2 << 10
)

// measureFaulty sends requests GETs from clients goroutines through lib to a
// fresh server that fails each request twice with 503 before 200. It waits
// at most settleLimit for goroutines to end after the run.
func measureFaulty(ctx context.Context, lib library, clients, requests int, settleLimit time.Duration) (faultResult, error) {
	h := newFaultHandler(faultFailures, faultBodySize)
	srv := startServer(h)
	defer srv.Close()
	base := newLoopbackTransport()
	tr := newTracker(base)
	before := runtime.NumGoroutine()
	defer func() {
		tr.closeOpen()
		base.CloseIdleConnections()
		settle(before, settleLimit)
	}()

	rt, err := lib.Wrap(tr, srv.URL)
	if err != nil {
		return faultResult{}, err
	}
	url := srv.URL + "/items"
	latencies := make([]time.Duration, requests)
	err = parallel(clients, requests, func(i int) error {
		start := time.Now()
		err := get(ctx, rt, url, strconv.Itoa(i))
		latencies[i] = time.Since(start)
		return err
	})
	if err != nil {
		return faultResult{}, err
	}
	base.CloseIdleConnections()
	left := settle(before, settleLimit) - before
	return faultResult{
		Conns:      srv.Conns(),
		Goroutines: max(left, 0),
		P50:        percentile(latencies, 50),
		P99:        percentile(latencies, 99),
		Attempts:   h.total(),
		Unclosed:   tr.closeOpen(),
	}, nil
}

// settle polls runtime.NumGoroutine until it is at most target or limit has
// passed, and returns the last count.
func settle(target int, limit time.Duration) int {
	deadline := time.Now().Add(limit)
	for {
		n := runtime.NumGoroutine()
		if n <= target || time.Now().After(deadline) {
			return n
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// zeros reads as an endless run of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// streamedBody returns a request body of size zero bytes that neither
// http.NewRequest nor a library can measure or rewind: it has no length and
// the request gets no GetBody.
func streamedBody(size int64) io.Reader {
	return struct{ io.Reader }{io.LimitReader(zeros{}, size)}
}

// measureStreamedPut sends one PUT of size bytes from a non-rewindable
// stream through lib to a server that discards the body, and returns the
// bytes the process allocated for it (server included).
func measureStreamedPut(ctx context.Context, lib library, size int64) (uint64, error) {
	h := &sinkHandler{}
	srv := startServer(h)
	defer srv.Close()
	base := newLoopbackTransport()
	defer base.CloseIdleConnections()
	rt, err := lib.Wrap(base, srv.URL)
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, srv.URL+"/upload", streamedBody(size))
	if err != nil {
		return 0, err
	}

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	resp, err := rt.RoundTrip(req)
	if err == nil {
		_, err = io.Copy(io.Discard, resp.Body)
		err = errors.Join(err, resp.Body.Close())
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("benchmarks: PUT: status %d", resp.StatusCode)
		}
	}
	runtime.ReadMemStats(&after)
	if err != nil {
		return 0, err
	}
	if got := h.received.Load(); got != size {
		return 0, fmt.Errorf("benchmarks: PUT: server received %d bytes; want %d", got, size)
	}
	return after.TotalAlloc - before.TotalAlloc, nil
}

// retryAfterDelta is the Retry-After header of figure 5's first case.
func retryAfterDelta(time.Time) string { return "1" }

// retryAfterDate is the Retry-After header of figure 5's second case: an
// HTTP-date two whole seconds after the second in which the request arrived.
// Sent just after a second begins, it asks for a wait of nearly 2 s.
func retryAfterDate(now time.Time) string {
	return now.Truncate(time.Second).Add(2 * time.Second).UTC().Format(http.TimeFormat)
}

// measureRetryAfter sends one GET through lib to a fresh server that answers
// it with 503 and the Retry-After that header gives, then 200, and returns
// the time between the two attempts as the server saw them.
func measureRetryAfter(ctx context.Context, lib library, header func(time.Time) string) (time.Duration, error) {
	h := &retryAfterHandler{header: header}
	rt, baseURL, stop, err := startTracked(lib, h)
	if err != nil {
		return 0, err
	}
	defer stop()
	if err := get(ctx, rt, baseURL+"/items", "1"); err != nil {
		return 0, err
	}
	wait, ok := h.wait()
	if !ok {
		return 0, errors.New("benchmarks: the request was not retried after Retry-After")
	}
	return wait, nil
}

// untilNextSecond returns how long it is until a few milliseconds past the
// next whole second, when figure 5 starts so that its HTTP-date asks for
// nearly 2 s.
func untilNextSecond(now time.Time) time.Duration {
	return now.Truncate(time.Second).Add(time.Second + 5*time.Millisecond).Sub(now)
}

// startTracked starts h on a fresh loopback server and returns lib over a
// fresh loopback transport to it, with the server's base URL. The
// transport's responses are tracked: a library that drops a discarded
// response without closing it strands its connection, so stop closes what
// is left open, then the idle connections, then the server.
func startTracked(lib library, h http.Handler) (rt http.RoundTripper, baseURL string, stop func(), err error) {
	srv := startServer(h)
	base := newLoopbackTransport()
	tr := newTracker(base)
	stop = func() {
		tr.closeOpen()
		base.CloseIdleConnections()
		srv.Close()
	}
	if rt, err = lib.Wrap(tr, srv.URL); err != nil {
		stop()
		return nil, "", nil, err
	}
	return rt, srv.URL, stop, nil
}
