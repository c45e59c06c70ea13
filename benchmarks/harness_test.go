package main

import (
	"bytes"
	"context"
	"io"
	"math"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/roundtrip-go/roundtrip/middleware"
)

// These tests run the harness on tiny inputs: they check that each figure's
// work is done and counted right, never how fast it is.

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestMedian(t *testing.T) {
	tests := []struct {
		give []float64
		want float64
	}{
		{give: []float64{3}, want: 3},
		{give: []float64{5, 1, 3}, want: 3},
		{give: []float64{4, 1, 3, 2}, want: 2.5},
	}
	for _, tt := range tests {
		if got := median(tt.give); got != tt.want {
			t.Errorf("median(%v) = %v; want %v", tt.give, got, tt.want)
		}
	}
	if got := median(nil); !math.IsNaN(got) {
		t.Errorf("median(nil) = %v; want NaN", got)
	}
}

func TestPercentile(t *testing.T) {
	ds := make([]time.Duration, 100)
	for i := range ds {
		ds[i] = time.Duration(100-i) * time.Millisecond
	}
	tests := []struct {
		give float64
		want time.Duration
	}{
		{give: 50, want: 50 * time.Millisecond},
		{give: 99, want: 99 * time.Millisecond},
		{give: 100, want: 100 * time.Millisecond},
		{give: 0.1, want: time.Millisecond},
	}
	for _, tt := range tests {
		if got := percentile(ds, tt.give); got != tt.want {
			t.Errorf("percentile(1..100 ms, %v) = %v; want %v", tt.give, got, tt.want)
		}
	}
	if got := percentile(nil, 50); got != 0 {
		t.Errorf("percentile(nil, 50) = %v; want 0", got)
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		give string
		want string
	}{
		{give: formatNS(850), want: "850 ns"},
		{give: formatNS(-850), want: "-850 ns"},
		{give: formatNS(1240), want: "1.24 µs"},
		{give: formatDuration(3100 * time.Microsecond), want: "3.10 ms"},
		{give: formatDuration(1990 * time.Millisecond), want: "1.99 s"},
		{give: formatBytes(512), want: "512 B"},
		{give: formatBytes(71 << 10), want: "71 KiB"},
		{give: formatBytes(64 << 20), want: "64.0 MiB"},
		{give: signed(2, "2"), want: "+2"},
		{give: signed(-2, "-2"), want: "-2"},
	}
	for _, tt := range tests {
		if tt.give != tt.want {
			t.Errorf("got %q; want %q", tt.give, tt.want)
		}
	}
}

func TestParseFigures(t *testing.T) {
	tests := []struct {
		give    string
		want    []int
		wantErr bool
	}{
		{give: "1,2,3,4,5,6,7", want: []int{1, 2, 3, 4, 5, 6, 7}},
		{give: " 4 , 1,4", want: []int{4, 1}},
		{give: "8", wantErr: true},
		{give: "0", wantErr: true},
		{give: "1,,2", wantErr: true},
		{give: "x", wantErr: true},
	}
	for _, tt := range tests {
		got, err := parseFigures(tt.give)
		if (err != nil) != tt.wantErr {
			t.Errorf("parseFigures(%q) error = %v; want error %v", tt.give, err, tt.wantErr)
			continue
		}
		if !tt.wantErr && !slices.Equal(got, tt.want) {
			t.Errorf("parseFigures(%q) = %v; want %v", tt.give, got, tt.want)
		}
	}
}

// TestMeasureReplay checks figure 7's counts where they are certain: our
// columns put a GET on the wire at most twice per attempt (6 attempts) and
// a POST once, however long the call may last.
func TestMeasureReplay(t *testing.T) {
	for _, lib := range libraries() {
		if lib.Name != "retry" && lib.Name != "stocktrim" {
			continue
		}
		got, err := measureReplay(t.Context(), lib, 5*time.Second)
		if err != nil {
			t.Fatalf("%s: %v", lib.Name, err)
		}
		if got.Get < 1+benchRetries || got.Get > 2*(1+benchRetries) || got.Post != 1 {
			t.Errorf("%s: server received %d GETs and %d POSTs; want %d to %d, and 1",
				lib.Name, got.Get, got.Post, 1+benchRetries, 2*(1+benchRetries))
		}
	}
}

func TestRetryAfterHeaders(t *testing.T) {
	at := time.Date(2026, 3, 4, 5, 6, 7, 300_000_000, time.FixedZone("X", 3600))
	if got, want := retryAfterDelta(at), "1"; got != want {
		t.Errorf("retryAfterDelta = %q; want %q", got, want)
	}
	if got, want := retryAfterDate(at), "Wed, 04 Mar 2026 04:06:09 GMT"; got != want {
		t.Errorf("retryAfterDate = %q; want %q", got, want)
	}
	if got, want := untilNextSecond(at), 705*time.Millisecond; got != want {
		t.Errorf("untilNextSecond = %v; want %v", got, want)
	}
}

func TestStreamedBodyHidesLength(t *testing.T) {
	req, err := http.NewRequest(http.MethodPut, "http://example.test/", streamedBody(10))
	if err != nil {
		t.Fatal(err)
	}
	if req.GetBody != nil || req.ContentLength != 0 {
		t.Errorf("got GetBody set %v, ContentLength %d; want no GetBody, 0", req.GetBody != nil, req.ContentLength)
	}
	n, err := io.Copy(io.Discard, req.Body)
	if err != nil || n != 10 {
		t.Errorf("got %d bytes, %v; want 10, nil", n, err)
	}
}

func TestTracker(t *testing.T) {
	tr := newTracker(memTransport)
	var resps []*http.Response
	for range 3 {
		req, err := http.NewRequest(http.MethodGet, memBaseURL, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := tr.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resps = append(resps, resp)
	}
	_ = resps[0].Body.Close()
	_ = resps[0].Body.Close()
	if got := tr.closeOpen(); got != 2 {
		t.Errorf("closeOpen() = %d; want 2", got)
	}
	if got := tr.closeOpen(); got != 0 {
		t.Errorf("second closeOpen() = %d; want 0", got)
	}
}

func TestMeasurePerRequest(t *testing.T) {
	for _, lib := range libraries() {
		t.Run(lib.Name, func(t *testing.T) {
			rt := wrap(t, lib, memTransport, memBaseURL)
			m, err := measurePerRequest(rt, memBaseURL+"/items", 20)
			if err != nil {
				t.Fatal(err)
			}
			if m.NS <= 0 || m.Allocs <= 0 {
				t.Errorf("got %+v; want time and allocations above 0", m)
			}
		})
	}
}

func TestMeasureThroughput(t *testing.T) {
	h := newFaultHandler(0, 0)
	srv := startServer(h)
	defer srv.Close()
	for _, lib := range libraries() {
		t.Run(lib.Name, func(t *testing.T) {
			rt := wrapLoopback(t, lib, srv.URL)
			before := h.total()
			v, err := measureThroughput(context.Background(), rt, srv.URL+"/items", 3, 20)
			if err != nil {
				t.Fatal(err)
			}
			if got := h.total() - before; got != 20 || v <= 0 {
				t.Errorf("got %d requests at %v/s; want 20 at above 0/s", got, v)
			}
		})
	}
}

func TestMeasureFaulty(t *testing.T) {
	const requests = 4
	for _, lib := range libraries() {
		t.Run(lib.Name, func(t *testing.T) {
			res, err := measureFaulty(context.Background(), lib, 2, requests, 100*time.Millisecond)
			if !retried(t, lib, err) {
				return
			}
			if want := requests * (faultFailures + 1); res.Attempts != want {
				t.Errorf("got %d attempts; want %d", res.Attempts, want)
			}
			if res.Conns < 1 || res.P50 <= 0 || res.P99 < res.P50 {
				t.Errorf("got %+v; want a connection and 0 < p50 <= p99", res)
			}
		})
	}
}

func TestMeasureStreamedPut(t *testing.T) {
	for _, lib := range libraries() {
		t.Run(lib.Name, func(t *testing.T) {
			// measureStreamedPut checks that the server got every byte.
			const size = 4 << 20
			b, err := measureStreamedPut(context.Background(), lib, size)
			if err != nil {
				t.Fatal(err)
			}
			if b == 0 {
				t.Error("got 0 bytes allocated; want a count")
			}
			// A body buffered for retries costs at least its size; a
			// streamed one costs the same small amount at any size.
			if lib.StreamBound > 0 && b >= lib.StreamBound {
				t.Errorf("got %d bytes allocated for a %d-byte stream; want under %d", b, size, lib.StreamBound)
			}
		})
	}
}

func TestMeasureRetryAfter(t *testing.T) {
	zero := func(time.Time) string { return "0" }
	for _, lib := range libraries() {
		t.Run(lib.Name, func(t *testing.T) {
			wait, err := measureRetryAfter(context.Background(), lib, zero)
			if !retried(t, lib, err) {
				return
			}
			if wait <= 0 {
				t.Errorf("got wait %v; want above 0", wait)
			}
		})
	}
}

func TestRun(t *testing.T) {
	s := settings{
		Rounds: 2, PerRequestN: 20, Clients: 2, ThroughputN: 20,
		FaultRequests: 4, StreamSize: 1 << 20, RetryAfterRounds: 1, SettleLimit: 100 * time.Millisecond,
		OutageCallers: []int{1, 4}, OutageDelay: 5 * time.Millisecond,
	}
	var out, progress bytes.Buffer
	libs := libraries()
	if err := run(&out, &progress, libs, s, []int{1, 2, 3, 4, 6}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	var rows []string
	for _, l := range lines {
		if strings.HasPrefix(l, "| ") {
			rows = append(rows, l)
		}
	}
	if len(rows) != 7 {
		t.Fatalf("got %d table rows; want 7 (header, rule, 5 figures):\n%s", len(rows), out.String())
	}
	for _, r := range rows {
		if got, want := strings.Count(r, " | "), len(libs); got != want {
			t.Errorf("got %d cell separators in %q; want %d", got, r, want)
		}
		if strings.Contains(r, "error") {
			t.Errorf("got an error cell in %q", r)
		}
	}
	for _, alt := range outageAlternatives() {
		if !strings.Contains(out.String(), "Figure 6, "+alt.Name+": ") {
			t.Errorf("no note for %q in:\n%s", alt.Name, out.String())
		}
	}
}

// TestMeasureOutage checks figure 6's counts where they are certain: a
// lone caller makes every attempt through each retrying library, and
// without a budget every caller does.
func TestMeasureOutage(t *testing.T) {
	const delay = time.Millisecond
	for _, lib := range libraries() {
		t.Run(lib.Name, func(t *testing.T) {
			if !lib.Retries {
				t.Skip(notApplicable)
			}
			got, err := measureOutage(context.Background(), lib, []int{1}, delay)
			if err != nil {
				t.Fatal(err)
			}
			if want := float64(benchRetries + 1); got[0] != want {
				t.Errorf("got %v attempts per call for a lone caller; want %v", got[0], want)
			}
		})
	}
	t.Run("phases through one stack without a budget", func(t *testing.T) {
		got, err := measureOutage(context.Background(), outageAlternatives()[1], []int{3, 1}, delay)
		if err != nil {
			t.Fatal(err)
		}
		if want := []float64{benchRetries + 1, benchRetries + 1}; !slices.Equal(got, want) {
			t.Errorf("got %v attempts per call; want %v", got, want)
		}
	})
}

func TestOutageHandlerAnswers503(t *testing.T) {
	h := &outageHandler{delay: time.Millisecond}
	srv := startServer(h)
	defer srv.Close()
	err := callOnce(context.Background(), wrapLoopback(t, libraries()[0], srv.URL), srv.URL)
	if err != nil || h.requests.Load() != 1 {
		t.Errorf("got %v after %d requests; want nil after 1 (a 503 ends a call)", err, h.requests.Load())
	}
}

func TestRunStack(t *testing.T) {
	var out, progress bytes.Buffer
	s := settings{StackRounds: 2, StackN: 20}
	if err := runStack(&out, &progress, s); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, row := range stackRows() {
		if !strings.Contains(got, "| "+row.Label+" | ") {
			t.Errorf("no row %q in:\n%s", row.Label, got)
		}
	}
	if strings.Contains(got, "error") {
		t.Errorf("got an error cell in:\n%s", got)
	}
	for _, want := range []string{"retry.New alone adds ", "stocktrim stack adds "} {
		if !strings.Contains(got, want) {
			t.Errorf("no ratio line %q in:\n%s", want, got)
		}
	}
}

// TestStackRowsSendCredentials checks that both stacks of the stack table
// do their work: the credentials reach the base on every request.
func TestStackRowsSendCredentials(t *testing.T) {
	for _, row := range stackRows() {
		if row.Name != rowStack && row.Name != rowFailsafeStack {
			continue
		}
		t.Run(row.Name, func(t *testing.T) {
			var got http.Header
			base := middleware.Func(func(req *http.Request) (*http.Response, error) {
				got = req.Header.Clone()
				return memTransport.RoundTrip(req)
			})
			if err := get(context.Background(), wrap(t, row, base, memBaseURL), memBaseURL+"/items", ""); err != nil {
				t.Fatal(err)
			}
			if got.Get("api-auth-id") != stackAuthID || got.Get("api-auth-signature") != stackSignature {
				t.Errorf("got headers %v; want the credentials", got)
			}
		})
	}
}
