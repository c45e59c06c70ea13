package main

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"
)

// The go test side of the figures: the same work as `go run .`, one
// sub-benchmark per library, for benchstat and profiling. Figure 5 takes
// seconds per iteration; run it with -benchtime=1x.

// BenchmarkPerRequest is figure 1: one GET over the in-memory base.
func BenchmarkPerRequest(b *testing.B) {
	for _, lib := range libraries() {
		b.Run(lib.Name, func(b *testing.B) {
			rt := wrap(b, lib, memTransport, memBaseURL)
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if err := get(ctx, rt, memBaseURL+"/items", ""); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkStack is the stack table: one GET over the in-memory base, raw,
// through retry.New and failsafehttp's retry alone, and through the whole
// stocktrim stack and failsafehttp doing the same work.
func BenchmarkStack(b *testing.B) {
	for _, row := range stackRows() {
		b.Run(row.Name, func(b *testing.B) {
			rt := wrap(b, row, memTransport, memBaseURL)
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if err := get(ctx, rt, memBaseURL+"/items", ""); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkLoopback is figure 2: GETs to a loopback server from parallel
// clients (four per GOMAXPROCS).
func BenchmarkLoopback(b *testing.B) {
	srv := startServer(http.HandlerFunc(okHandler))
	defer srv.Close()
	for _, lib := range libraries() {
		b.Run(lib.Name, func(b *testing.B) {
			rt := wrapLoopback(b, lib, srv.URL)
			ctx := context.Background()
			b.ReportAllocs()
			b.SetParallelism(4)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := get(ctx, rt, srv.URL+"/items", ""); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

// BenchmarkFaulty is figure 3 for one client: each GET meets two 503s with a
// 2 KiB body before 200. It reports the connections the server accepted and
// the response bodies the library left unclosed.
func BenchmarkFaulty(b *testing.B) {
	for _, lib := range libraries() {
		b.Run(lib.Name, func(b *testing.B) {
			if !lib.Retries {
				b.Skip(notApplicable)
			}
			srv := startServer(newFaultHandler(faultFailures, faultBodySize))
			defer srv.Close()
			base := newLoopbackTransport()
			b.Cleanup(base.CloseIdleConnections)
			tr := newTracker(base)
			rt := wrap(b, lib, tr, srv.URL)
			ctx := context.Background()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				i++
				if err := get(ctx, rt, srv.URL+"/items", strconv.Itoa(i)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(srv.Conns()), "conns")
			b.ReportMetric(float64(tr.closeOpen()), "unclosed")
		})
	}
}

// BenchmarkStreamedPUT is figure 4: a 64 MiB PUT from a stream that cannot
// be rewound. B/op is the figure.
func BenchmarkStreamedPUT(b *testing.B) {
	const size = 64 << 20
	srv := startServer(&sinkHandler{})
	defer srv.Close()
	for _, lib := range libraries() {
		b.Run(lib.Name, func(b *testing.B) {
			rt := wrapLoopback(b, lib, srv.URL)
			ctx := context.Background()
			b.ReportAllocs()
			b.SetBytes(size)
			for b.Loop() {
				req, err := http.NewRequestWithContext(ctx, http.MethodPut, srv.URL+"/upload", streamedBody(size))
				if err != nil {
					b.Fatal(err)
				}
				resp, err := rt.RoundTrip(req)
				if err != nil {
					b.Fatal(err)
				}
				_ = resp.Body.Close()
			}
		})
	}
}

// BenchmarkRetryAfter is figure 5: the wait a library makes for a 503 with
// Retry-After as delta-seconds and as an HTTP-date, reported as wait-s.
func BenchmarkRetryAfter(b *testing.B) {
	cases := []struct {
		name   string
		header func(time.Time) string
	}{
		{"seconds", retryAfterDelta},
		{"date", retryAfterDate},
	}
	for _, lib := range libraries() {
		for _, c := range cases {
			b.Run(lib.Name+"/"+c.name, func(b *testing.B) {
				if !lib.Retries {
					b.Skip(notApplicable)
				}
				var total time.Duration
				for b.Loop() {
					time.Sleep(untilNextSecond(time.Now()))
					wait, err := measureRetryAfter(context.Background(), lib, c.header)
					if err != nil {
						b.Fatal(err)
					}
					total += wait
				}
				b.ReportMetric(total.Seconds()/float64(b.N), "wait-s")
			})
		}
	}
}

// BenchmarkOutage is figure 6: one call from each of 1, 8 and 64
// concurrent callers to a server that answers every request 503 after
// outageDelay, through a fresh instance of each library per iteration.
// It reports the mean attempts per call as attempts/call.
func BenchmarkOutage(b *testing.B) {
	for _, lib := range libraries() {
		for _, callers := range []int{1, 8, 64} {
			b.Run(lib.Name+"/"+strconv.Itoa(callers), func(b *testing.B) {
				if !lib.Retries {
					b.Skip(notApplicable)
				}
				var total float64
				for b.Loop() {
					v, err := measureOutage(context.Background(), lib, []int{callers}, outageDelay)
					if err != nil {
						b.Fatal(err)
					}
					total += v[0]
				}
				b.ReportMetric(total/float64(b.N), "attempts/call")
			})
		}
	}
}
