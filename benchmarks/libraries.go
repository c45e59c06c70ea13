package main

import (
	"io"
	"net/http"
	"time"

	"github.com/failsafe-go/failsafe-go/failsafehttp"
	"github.com/hashicorp/go-retryablehttp"
	"github.com/rs/zerolog"

	"github.com/roundtrip-go/roundtrip/retry"
	"github.com/roundtrip-go/roundtrip/stocktrim"
)

// Retry settings every retrying library gets, each in its own terms. The
// backoffs are far below the libraries' defaults so that the fault figures
// finish in seconds; the ratios between libraries are what the table shows.
const (
	benchRetries    = 5
	benchBackoffMin = time.Millisecond
	benchBackoffMax = 16 * time.Millisecond
	benchJitter     = 0.25
)

// library is one column of the table: a way to wrap a base RoundTripper.
type library struct {
	// Name heads the column and names the go test sub-benchmark.
	Name string
	// Label, when not empty, is the row's text in the stack table.
	Label string
	// Retries is false for the raw base, which has no retry figures.
	Retries bool
	// StreamBound, when above 0, is what figure 4's streamed PUT may
	// allocate through this library: our columns promise to stay under it.
	StreamBound uint64
	// Wrap returns the library's RoundTripper over base, set up for requests
	// to baseURL (an absolute http URL without a path).
	Wrap func(base http.RoundTripper, baseURL string) (http.RoundTripper, error)
}

// libraries returns the columns in table order.
func libraries() []library {
	return []library{
		{Name: "raw", Wrap: wrapRaw},
		{Name: "retry", Retries: true, StreamBound: streamBound, Wrap: wrapRetry},
		{Name: "stocktrim", Retries: true, StreamBound: streamBound, Wrap: wrapStocktrim},
		{Name: "retryablehttp", Retries: true, Wrap: wrapRetryablehttp},
		{Name: "failsafehttp", Retries: true, Wrap: wrapFailsafehttp},
	}
}

// wrapRaw returns base itself: the floor every other column is measured
// against.
func wrapRaw(base http.RoundTripper, _ string) (http.RoundTripper, error) {
	return base, nil
}

// retryOptions are the benchmark's retry settings in retry's terms.
func retryOptions() []retry.Option {
	return []retry.Option{
		retry.WithMaxRetries(benchRetries),
		retry.WithBackoff(benchBackoffMin, benchBackoffMax),
		retry.WithJitter(benchJitter),
	}
}

// wrapRetry returns retry.New over base.
func wrapRetry(base http.RoundTripper, _ string) (http.RoundTripper, error) {
	return retry.New(retryOptions()...)(base), nil
}

// wrapStocktrim returns the stocktrim default stack over base for baseURL:
// retry with the benchmark's settings, the per-attempt timeout, auth, and
// logging of every attempt at info level to io.Discard, so that the
// per-request figures include building each log event.
func wrapStocktrim(base http.RoundTripper, baseURL string) (http.RoundTripper, error) {
	return wrapStocktrimWith(base, baseURL)
}

// stocktrimOptions are the options of the stocktrim column's stack for
// baseURL, without its base transport.
func stocktrimOptions(baseURL string) []stocktrim.Option {
	return []stocktrim.Option{
		stocktrim.WithCredentials("bench-auth-id", "bench-signature"),
		stocktrim.WithBaseURL(baseURL),
		stocktrim.WithLogger(zerolog.New(io.Discard).Level(zerolog.InfoLevel)),
		stocktrim.WithRetryOptions(retryOptions()...),
	}
}

// wrapStocktrimWith returns the stocktrim column's stack over base, with
// more options.
func wrapStocktrimWith(base http.RoundTripper, baseURL string, opts ...stocktrim.Option) (http.RoundTripper, error) {
	opts = append(append(stocktrimOptions(baseURL), stocktrim.WithTransport(base)), opts...)
	return stocktrim.NewTransport(opts...)
}

// wrapStocktrimUnbudgeted returns the stack of wrapStocktrim without its
// retry budget, for figure 6's notes.
func wrapStocktrimUnbudgeted(base http.RoundTripper, baseURL string) (http.RoundTripper, error) {
	return wrapStocktrimWith(base, baseURL, stocktrim.WithRetryBudget(nil))
}

// wrapRetryablehttp returns go-retryablehttp's RoundTripper over base, with
// its default exponential backoff (which has no jitter) and no logger.
func wrapRetryablehttp(base http.RoundTripper, _ string) (http.RoundTripper, error) {
	c := retryablehttp.NewClient()
	c.HTTPClient = &http.Client{Transport: base}
	c.Logger = nil
	c.RetryMax = benchRetries
	c.RetryWaitMin = benchBackoffMin
	c.RetryWaitMax = benchBackoffMax
	return &retryablehttp.RoundTripper{Client: c}, nil
}

// wrapFailsafehttp returns failsafe-go's failsafehttp RoundTripper over base
// with the HTTP retry policy failsafehttp provides.
func wrapFailsafehttp(base http.RoundTripper, _ string) (http.RoundTripper, error) {
	policy := failsafehttp.NewRetryPolicyBuilder().
		WithMaxRetries(benchRetries).
		WithBackoff(benchBackoffMin, benchBackoffMax).
		WithJitterFactor(benchJitter).
		Build()
	return failsafehttp.NewRoundTripper(base, policy), nil
}
