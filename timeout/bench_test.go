package timeout_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/roundtrip-go/roundtrip/middleware"
	"github.com/roundtrip-go/roundtrip/middleware/middlewaretest"
	"github.com/roundtrip-go/roundtrip/timeout"
)

// memBase answers every request with 200 and a small body, in memory: what
// is measured on top of it is the timeout middleware alone.
var memBase = middlewaretest.Static{Header: http.Header{"Content-Type": {"application/json"}}, Body: `[]`}

// bigBase answers with a 256 KiB body. The raw row copies it with one
// WriteTo; through a middleware it takes 32 Reads of 8 KiB, and under Idle
// each of them is progress.
var bigBase = middlewaretest.Static{Body: strings.Repeat("x", 256<<10)}

// childBase derives a cancellable child of the request's context and
// watches it, as net/http's Transport does for every request.
var childBase = middleware.Func(func(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithCancelCause(req.Context())
	defer cancel(nil)
	select {
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	default:
	}
	return memBase.RoundTrip(req)
})

// BenchmarkTimeout measures a successful request over an in-memory base:
// raw (the base alone, the baseline of its case), through New, and through
// Idle. The cases: a small body under a caller context that cannot end;
// the same under one that can, which the attempt must follow; a base that
// derives a child context as net/http's Transport does; a 256 KiB body.
func BenchmarkTimeout(b *testing.B) {
	cancellable, cancel := context.WithCancel(context.Background())
	defer cancel()
	cases := []struct {
		name string
		ctx  context.Context
		base http.RoundTripper
	}{
		{name: "small", ctx: context.Background(), base: memBase},
		{name: "caller-cancel", ctx: cancellable, base: memBase},
		{name: "child-context", ctx: context.Background(), base: childBase},
		{name: "256KiB", ctx: context.Background(), base: bigBase},
	}
	layers := []struct {
		name string
		mw   middleware.Middleware
	}{
		{name: "raw", mw: func(next http.RoundTripper) http.RoundTripper { return next }},
		{name: "New", mw: timeout.New(30 * time.Second)},
		{name: "Idle", mw: timeout.Idle(30 * time.Second)},
	}
	for _, c := range cases {
		req, err := http.NewRequestWithContext(c.ctx, http.MethodGet, "http://example.test/api/Products", nil)
		if err != nil {
			b.Fatal(err)
		}
		for _, l := range layers {
			b.Run(c.name+"/"+l.name, func(b *testing.B) {
				middlewaretest.Benchmark(b, l.mw(c.base), req)
			})
		}
	}
}
