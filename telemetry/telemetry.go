package telemetry

import (
	"net/http"

	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/roundtrip-go/roundtrip/internal/attempt"
	"github.com/roundtrip-go/roundtrip/middleware"
)

// New returns a middleware that marks each resent attempt's span with
// http.request.resend_count, the number of times the request was sent
// before: 1 on the second attempt, 2 on the third, and so on. The first
// attempt, and a request that did not come through a retry layer, get no
// attribute, as the semantic conventions ask ("if and only if the request
// was retried").
//
// It starts no span and records no metric of its own: it annotates the span
// that is current in the request's context, which must be the attempt's
// CLIENT span. Place it directly below otelhttp, and both below retry:
//
//	roundtrip.Chain(retry.New(), otelhttp-transport, telemetry.New()).Then(base)
//
// (see the package documentation for the full chain). When the context's
// span is not recording (no tracer provider, or the trace is not sampled)
// the request passes through untouched. The request is never cloned or
// changed. A nil next means [http.DefaultTransport].
func New() middleware.Middleware {
	return func(next http.RoundTripper) http.RoundTripper {
		if next == nil {
			next = http.DefaultTransport
		}
		return &transport{next: next}
	}
}

// transport is the middleware New returns.
type transport struct {
	next http.RoundTripper
}

var _ http.RoundTripper = (*transport)(nil)

// RoundTrip sets http.request.resend_count on the current span when the
// request is a resend, then passes the request on unchanged.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if n := attempt.From(req.Context()); n > 1 {
		if span := trace.SpanFromContext(req.Context()); span.IsRecording() {
			span.SetAttributes(semconv.HTTPRequestResendCount(n - 1))
		}
	}
	return t.next.RoundTrip(req)
}

// CloseIdleConnections closes the idle connections of the next transport.
func (t *transport) CloseIdleConnections() {
	middleware.CloseIdleConnections(t.next)
}
