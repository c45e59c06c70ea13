package roundtrip

import (
	"net/http"
	"slices"

	"github.com/roundtrip-go/roundtrip/middleware"
)

// Builder is an ordered list of middlewares, outermost first. It is an
// immutable value: [Builder.Append] returns a new Builder and leaves the
// receiver as it was, so one Builder can be shared, and extended in two
// directions, from several goroutines. The zero Builder holds no
// middleware.
type Builder struct {
	mws []middleware.Middleware
}

// Chain returns a Builder of mws, outermost first:
//
//	Chain(a, b, c).Then(t)
//
// is
//
//	a(b(c(t)))
//
// so a request passes a, then b, then c, then t, and the response comes
// back through c, b, a. Nil middlewares are skipped. Chain copies mws: later
// changes to the slice do not affect the Builder.
func Chain(mws ...middleware.Middleware) Builder {
	return Builder{}.Append(mws...)
}

// Append returns a new Builder with mws added after (inside) the ones b
// already has: Chain(a).Append(b, c) is Chain(a, b, c). Nil middlewares are
// skipped. b is not changed.
func (b Builder) Append(mws ...middleware.Middleware) Builder {
	out := make([]middleware.Middleware, 0, len(b.mws)+len(mws))
	out = append(out, b.mws...)
	for _, mw := range mws {
		if mw != nil {
			out = append(out, mw)
		}
	}
	return Builder{mws: slices.Clip(out)}
}

// Then wraps base in the Builder's middlewares and returns the result,
// outermost first. A nil base means [http.DefaultTransport]. With no
// middlewares, Then returns base itself. Each call builds a new chain; the
// middlewares are called once per Then, not per request.
func (b Builder) Then(base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	rt := base
	for _, mw := range slices.Backward(b.mws) {
		rt = mw(rt)
	}
	return rt
}
