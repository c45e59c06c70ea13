package logging_test

import (
	"io"
	"log/slog"
	"net/http"
	"testing"

	"github.com/rs/zerolog"

	"github.com/roundtrip-go/roundtrip/logging"
	"github.com/roundtrip-go/roundtrip/middleware/middlewaretest"
)

const benchBody = `{"items":[{"id":1,"name":"widget"},{"id":2,"name":"gadget"}]}`

// newMemBase returns an in-memory transport: a fresh response per
// request, as a real transport would give, with no network.
func newMemBase() middlewaretest.Static {
	return middlewaretest.Static{
		Header: http.Header{"Content-Type": {"application/json"}, "Set-Cookie": {"s=1"}},
		Body:   benchBody,
	}
}

func newBenchRequest(tb testing.TB, rawURL string) *http.Request {
	tb.Helper()
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "Bearer t")
	return req
}

// once runs one request through rt, reading and closing the body as a
// caller does.
func once(tb testing.TB, rt http.RoundTripper, req *http.Request) {
	resp, err := rt.RoundTrip(req)
	if err != nil {
		tb.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

const (
	plainURL    = "https://api.example.test/v1/items?page=2&sort=name"
	redactedURL = "https://api.example.test/v1/items?page=2&api_key=s3cret"
)

func bench(b *testing.B, rt http.RoundTripper, rawURL string) {
	middlewaretest.Benchmark(b, rt, newBenchRequest(b, rawURL))
}

// benchLevel benchmarks the middleware with a JSON logger at lvl writing
// to io.Discard.
func benchLevel(b *testing.B, lvl zerolog.Level, rawURL string) {
	logger := zerolog.New(io.Discard).Level(lvl)
	bench(b, logging.New(logger)(newMemBase()), rawURL)
}

func BenchmarkBase(b *testing.B) {
	bench(b, newMemBase(), plainURL)
}

// BenchmarkLoggingDisabled logs a 200 under a warn logger: the info event
// is disabled.
func BenchmarkLoggingDisabled(b *testing.B) { benchLevel(b, zerolog.WarnLevel, plainURL) }

func BenchmarkLoggingInfo(b *testing.B) { benchLevel(b, zerolog.InfoLevel, plainURL) }

// BenchmarkLoggingInfoRedacted has a secret query parameter to redact.
func BenchmarkLoggingInfoRedacted(b *testing.B) { benchLevel(b, zerolog.InfoLevel, redactedURL) }

func BenchmarkLoggingDebug(b *testing.B) { benchLevel(b, zerolog.DebugLevel, plainURL) }

// benchSlog benchmarks NewSlog with a JSON handler at lvl writing to
// io.Discard.
func benchSlog(b *testing.B, lvl slog.Level, rawURL string) {
	logger := slog.New(slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: lvl}))
	bench(b, logging.NewSlog(logger)(newMemBase()), rawURL)
}

func BenchmarkSlogDisabled(b *testing.B)     { benchSlog(b, slog.LevelWarn, plainURL) }
func BenchmarkSlogInfo(b *testing.B)         { benchSlog(b, slog.LevelInfo, plainURL) }
func BenchmarkSlogInfoRedacted(b *testing.B) { benchSlog(b, slog.LevelInfo, redactedURL) }
func BenchmarkSlogDebug(b *testing.B)        { benchSlog(b, slog.LevelDebug, plainURL) }
