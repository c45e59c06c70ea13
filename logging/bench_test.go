package logging_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/roundtrip-go/roundtrip/logging"
)

const benchBody = `{"items":[{"id":1,"name":"widget"},{"id":2,"name":"gadget"}]}`

// memBase is an in-memory transport: a fresh response per request, as a
// real transport would give, with no network.
type memBase struct{ header http.Header }

func (m memBase) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{
		StatusCode:    http.StatusOK,
		Header:        m.header,
		Body:          io.NopCloser(strings.NewReader(benchBody)),
		ContentLength: int64(len(benchBody)),
		Request:       req,
	}, nil
}

func newMemBase() memBase {
	return memBase{header: http.Header{"Content-Type": {"application/json"}, "Set-Cookie": {"s=1"}}}
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
	req := newBenchRequest(b, rawURL)
	b.ReportAllocs()
	for b.Loop() {
		once(b, rt, req)
	}
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
