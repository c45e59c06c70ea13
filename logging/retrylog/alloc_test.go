//go:build !race

package retrylog_test

import (
	"io"
	"log/slog"
	"net/http"
	"testing"

	"github.com/rs/zerolog"

	"github.com/roundtrip-go/roundtrip/logging/retrylog"
	"github.com/roundtrip-go/roundtrip/middleware"
	"github.com/roundtrip-go/roundtrip/retry"
)

// The race detector changes allocation counts, hence the build tag.

// TestDisabledAllocatesNothing checks that a listener whose levels are
// disabled adds no allocation to a call with one retry and a give-up.
func TestDisabledAllocatesNothing(t *testing.T) {
	busy := middleware.Func(func(req *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: http.StatusServiceUnavailable, Header: http.Header{}, Body: http.NoBody, Request: req}, nil
	})
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	allocs := func(opts ...retry.Option) float64 {
		rt := retry.New(append([]retry.Option{retry.WithMaxRetries(1)}, append(fast, opts...)...)...)(busy)
		return testing.AllocsPerRun(50, func() {
			if _, err := rt.RoundTrip(req); err != nil {
				t.Fatal(err)
			}
		})
	}
	want := allocs()
	for name, opt := range map[string]retry.Option{
		"zerolog above error": retrylog.New(zerolog.New(io.Discard).Level(zerolog.FatalLevel)),
		"zerolog nop":         retrylog.New(zerolog.Nop()),
		"slog above error":    retrylog.NewSlog(slog.New(slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelError + 1}))),
		"slog nil":            retrylog.NewSlog(nil),
	} {
		if got := allocs(opt); got != want {
			t.Errorf("%s: got %v allocations; want %v, as without the listener", name, got, want)
		}
	}
}
