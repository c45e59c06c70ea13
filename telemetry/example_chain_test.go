package telemetry_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"

	"github.com/roundtrip-go/roundtrip"
	"github.com/roundtrip-go/roundtrip/middleware"
	"github.com/roundtrip-go/roundtrip/retry"
	"github.com/roundtrip-go/roundtrip/telemetry"
)

// A retry layer above otelhttp gives each attempt a CLIENT span of its own;
// telemetry.New, directly below otelhttp, marks the resends.
func ExampleNew() {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	defer func() { _ = tp.Shutdown(context.Background()) }()

	// A stub server that fails twice, then answers.
	var calls atomic.Int32
	flaky := middleware.Func(func(req *http.Request) (*http.Response, error) {
		status := http.StatusOK
		if calls.Add(1) <= 2 {
			status = http.StatusServiceUnavailable
		}
		return &http.Response{StatusCode: status, Body: io.NopCloser(strings.NewReader("")), Request: req}, nil
	})

	otelMW := func(next http.RoundTripper) http.RoundTripper {
		return otelhttp.NewTransport(next, otelhttp.WithTracerProvider(tp))
	}
	client := &http.Client{Transport: roundtrip.Chain(
		retry.New(retry.WithBackoff(time.Millisecond, time.Millisecond), retry.WithJitter(0)),
		otelMW,
		telemetry.New(),
	).Then(flaky)}

	resp, err := client.Get("http://api.example.test/items")
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = resp.Body.Close()

	for _, s := range rec.Ended() {
		attrs := attribute.NewSet(s.Attributes()...)
		status, _ := attrs.Value(semconv.HTTPResponseStatusCodeKey)
		resend := "-"
		if v, ok := attrs.Value(semconv.HTTPRequestResendCountKey); ok {
			resend = v.Emit()
		}
		fmt.Printf("%s %s: status %d, resend_count %s\n", s.SpanKind(), s.Name(), status.AsInt64(), resend)
	}
	// Output:
	// client HTTP GET: status 503, resend_count -
	// client HTTP GET: status 503, resend_count 1
	// client HTTP GET: status 200, resend_count 2
}
