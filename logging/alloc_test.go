//go:build !race

package logging_test

import (
	"io"
	"log/slog"
	"net/http"
	"testing"

	"github.com/rs/zerolog"

	"github.com/roundtrip-go/roundtrip/logging"
)

// The race detector changes allocation counts, hence the build tag.

func allocs(t *testing.T, rt http.RoundTripper, rawURL string) float64 {
	req := newBenchRequest(t, rawURL)
	return testing.AllocsPerRun(200, func() { once(t, rt, req) })
}

func TestDisabledAddsNoAllocation(t *testing.T) {
	base := allocs(t, newMemBase(), plainURL)
	tests := []struct {
		name string
		give zerolog.Logger
	}{
		{name: "info event under warn", give: zerolog.New(io.Discard).Level(zerolog.WarnLevel)},
		{name: "nop", give: zerolog.Nop()},
		{name: "zero", give: zerolog.Logger{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, u := range []string{plainURL, redactedURL} {
				if got := allocs(t, logging.New(tt.give)(newMemBase()), u); got != base {
					t.Errorf("%s: got %v allocations; want %v, as the bare base", u, got, base)
				}
			}
		})
	}
	slogs := []struct {
		name string
		give *slog.Logger
	}{
		{name: "slog info event under warn", give: slog.New(slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn}))},
		{name: "slog discard", give: slog.New(slog.DiscardHandler)},
		{name: "slog nil", give: nil},
	}
	for _, tt := range slogs {
		t.Run(tt.name, func(t *testing.T) {
			for _, u := range []string{plainURL, redactedURL} {
				if got := allocs(t, logging.NewSlog(tt.give)(newMemBase()), u); got != base {
					t.Errorf("%s: got %v allocations; want %v, as the bare base", u, got, base)
				}
			}
		})
	}
}

func TestInfoAddsAtMostTwoAllocations(t *testing.T) {
	base := allocs(t, newMemBase(), plainURL)
	logger := zerolog.New(io.Discard).Level(zerolog.InfoLevel)
	got := allocs(t, logging.New(logger)(newMemBase()), plainURL)
	if got-base > 2 {
		t.Errorf("got %v allocations more than the bare base; want at most 2", got-base)
	}
	t.Logf("zerolog info: %v allocations over the base", got-base)
	sl := slog.New(slog.NewJSONHandler(io.Discard, nil))
	t.Logf("slog info: %v allocations over the base", allocs(t, logging.NewSlog(sl)(newMemBase()), plainURL)-base)
}
