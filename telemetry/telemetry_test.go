package telemetry_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/goleak"

	"github.com/roundtrip-go/roundtrip"
	"github.com/roundtrip-go/roundtrip/internal/attempt"
	"github.com/roundtrip-go/roundtrip/middleware"
	"github.com/roundtrip-go/roundtrip/middleware/middlewaretest"
	"github.com/roundtrip-go/roundtrip/telemetry"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// retryLoop is a minimal retry layer for these tests: up to n attempts,
// each numbered with attempt.With as retry numbers them, retrying on 503.
// A discarded response is read and closed, which ends its span.
func retryLoop(n int) middleware.Middleware {
	return func(next http.RoundTripper) http.RoundTripper {
		return middleware.Func(func(req *http.Request) (*http.Response, error) {
			for i := 1; ; i++ {
				resp, err := next.RoundTrip(req.WithContext(attempt.With(req.Context(), i)))
				if i == n || err != nil || resp.StatusCode != http.StatusServiceUnavailable {
					return resp, err
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				_ = resp.Body.Close()
			}
		})
	}
}

// flakyServer answers 503 to its first fails requests, then 200.
func flakyServer(t *testing.T, fails int32) *httptest.Server {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if n.Add(1) <= fails {
			http.Error(w, "try again", http.StatusServiceUnavailable)
			return
		}
		_, _ = io.WriteString(w, "ok")
	}))
	t.Cleanup(srv.Close)
	return srv
}

func otelMiddleware(tp trace.TracerProvider) middleware.Middleware {
	return func(next http.RoundTripper) http.RoundTripper {
		return otelhttp.NewTransport(next, otelhttp.WithTracerProvider(tp))
	}
}

func TestResendCountPerAttempt(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })

	srv := flakyServer(t, 2)
	base := srv.Client().Transport
	t.Cleanup(func() { middleware.CloseIdleConnections(base) })
	rt := roundtrip.Chain(retryLoop(5), otelMiddleware(tp), telemetry.New()).Then(base)

	ctx, parent := tp.Tracer("test").Start(t.Context(), "caller")
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := rt.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	parent.End()

	if got := attempt.From(req.Context()); got != 0 {
		t.Errorf("caller's request context carries attempt %d; want none", got)
	}

	var attempts []sdktrace.ReadOnlySpan
	for _, s := range rec.Ended() {
		if s.SpanContext().SpanID() != parent.SpanContext().SpanID() {
			attempts = append(attempts, s)
		}
	}
	if len(attempts) != 3 {
		t.Fatalf("got %d attempt spans; want 3", len(attempts))
	}
	wantStatus := []int{503, 503, 200}
	for i, s := range attempts {
		if s.SpanKind() != trace.SpanKindClient {
			t.Errorf("span %d: kind %v; want client", i, s.SpanKind())
		}
		if s.Parent().SpanID() != parent.SpanContext().SpanID() {
			t.Errorf("span %d: parent %v; want the caller's span %v", i, s.Parent().SpanID(), parent.SpanContext().SpanID())
		}
		attrs := attribute.NewSet(s.Attributes()...)
		status, _ := attrs.Value(semconv.HTTPResponseStatusCodeKey)
		if int(status.AsInt64()) != wantStatus[i] {
			t.Errorf("span %d: status %v; want %d", i, status.AsInt64(), wantStatus[i])
		}
		resend, ok := attrs.Value(semconv.HTTPRequestResendCountKey)
		switch {
		case i == 0 && ok:
			t.Errorf("first attempt: resend_count %v; want none", resend.Emit())
		case i > 0 && (!ok || resend.AsInt64() != int64(i)):
			t.Errorf("attempt %d: resend_count %v (set %t); want %d", i+1, resend.Emit(), ok, i)
		}
	}
}

// spanProbe records what reached the base transport.
type spanProbe struct {
	req *http.Request
}

func (p *spanProbe) RoundTrip(req *http.Request) (*http.Response, error) {
	p.req = req
	return &http.Response{StatusCode: http.StatusOK, Body: http.NoBody, Request: req}, nil
}

func TestPassesRequestThrough(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	sampledOut := sdktrace.NewTracerProvider(sdktrace.WithSampler(sdktrace.NeverSample()))

	tests := []struct {
		name    string
		give    func(context.Context) (context.Context, trace.Span)
		attempt int
	}{
		{"no span, resend", func(ctx context.Context) (context.Context, trace.Span) {
			return ctx, trace.SpanFromContext(ctx)
		}, 3},
		{"span not sampled, resend", func(ctx context.Context) (context.Context, trace.Span) {
			return sampledOut.Tracer("test").Start(ctx, "unsampled")
		}, 3},
		{"recording span, first attempt", func(ctx context.Context) (context.Context, trace.Span) {
			return tp.Tracer("test").Start(ctx, "first")
		}, 1},
		{"recording span, outside retry", func(ctx context.Context) (context.Context, trace.Span) {
			return tp.Tracer("test").Start(ctx, "outside")
		}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, span := tt.give(t.Context())
			if tt.attempt > 0 {
				ctx = attempt.With(ctx, tt.attempt)
			}
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://example.test/", nil)
			if err != nil {
				t.Fatal(err)
			}
			probe := &spanProbe{}
			resp, err := telemetry.New()(probe).RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			_ = resp.Body.Close()
			span.End()
			if probe.req != req {
				t.Errorf("next got a different request; want the caller's, unchanged")
			}
			for _, s := range rec.Ended() {
				for _, kv := range s.Attributes() {
					if kv.Key == semconv.HTTPRequestResendCountKey {
						t.Errorf("span %q: resend_count %v; want none", s.Name(), kv.Value.Emit())
					}
				}
			}
		})
	}
}

func TestNilNextIsDefaultTransport(t *testing.T) {
	rt := telemetry.New()(nil)
	if rt == nil {
		t.Fatal("New()(nil) = nil; want a transport over http.DefaultTransport")
	}
}

func TestContract(t *testing.T) {
	middlewaretest.CheckContract(t, telemetry.New())
	middlewaretest.CheckContract(t, func(next http.RoundTripper) http.RoundTripper {
		// Under a resend with a recording span, as in a real chain.
		rec := tracetest.NewSpanRecorder()
		tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
		inner := telemetry.New()(next)
		return middleware.Func(func(req *http.Request) (*http.Response, error) {
			ctx, span := tp.Tracer("test").Start(attempt.With(req.Context(), 2), "attempt")
			defer span.End()
			return inner.RoundTrip(req.WithContext(ctx))
		})
	})
}

func TestNoAllocationWithoutRecordingSpan(t *testing.T) {
	probe := &spanProbe{}
	rt := telemetry.New()(probe)
	req, err := http.NewRequestWithContext(attempt.With(t.Context(), 2), http.MethodGet, "http://example.test/", nil)
	if err != nil {
		t.Fatal(err)
	}
	var resp *http.Response
	baseline := testing.AllocsPerRun(100, func() { resp, _ = probe.RoundTrip(req) })
	got := testing.AllocsPerRun(100, func() { resp, _ = rt.RoundTrip(req) })
	_ = resp.Body.Close()
	if got != baseline {
		t.Errorf("a resend without a recording span costs %v allocations; want the base's %v", got, baseline)
	}
}
