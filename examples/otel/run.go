package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/exporters/stdout/stdoutmetric"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/roundtrip-go/roundtrip"
	"github.com/roundtrip-go/roundtrip/retry"
	"github.com/roundtrip-go/roundtrip/telemetry"
	"github.com/roundtrip-go/roundtrip/telemetry/otelretry"
)

// failures is how many requests the flaky server fails before it answers.
const failures = 2

// flakyServer answers 503 (without Retry-After, so retry backs off) to its
// first failures requests, then 200 with a small JSON list.
type flakyServer struct {
	requests atomic.Int32
}

func (s *flakyServer) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	if s.requests.Add(1) <= failures {
		http.Error(w, "warming up", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, `[{"id":"A-1"},{"id":"A-2"}]`)
}

// newStack returns the chain of the example: retry (millisecond backoffs,
// its events counted by metrics), then otelhttp (a CLIENT span and
// http.client.request.duration per attempt), then telemetry.New (the
// resend count on that span), over base.
func newStack(tp trace.TracerProvider, mp metric.MeterProvider, metrics *telemetry.Metrics, base http.RoundTripper) http.RoundTripper {
	otelMW := func(next http.RoundTripper) http.RoundTripper {
		return otelhttp.NewTransport(next, otelhttp.WithTracerProvider(tp), otelhttp.WithMeterProvider(mp))
	}
	return roundtrip.Chain(
		retry.New(
			retry.WithMaxRetries(3),
			retry.WithBackoff(10*time.Millisecond, 50*time.Millisecond),
			otelretry.Metrics(metrics),
		),
		otelMW,
		telemetry.New(),
	).Then(base)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) (err error) {
	fs := flag.NewFlagSet("otel", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: otel\n\nCalls a local flaky server through retry → otelhttp → telemetry and prints\nthe spans and metrics with the OpenTelemetry stdout exporters.")
	}
	if err := fs.Parse(args); err != nil {
		return err
	}

	res := resource.NewSchemaless(semconv.ServiceName("roundtrip-otel-example"))
	spanExp, err := stdouttrace.New(stdouttrace.WithWriter(stdout), stdouttrace.WithPrettyPrint(), stdouttrace.WithoutTimestamps())
	if err != nil {
		return fmt.Errorf("otel: span exporter: %w", err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spanExp), sdktrace.WithResource(res))
	metricExp, err := stdoutmetric.New(stdoutmetric.WithWriter(stdout), stdoutmetric.WithPrettyPrint(), stdoutmetric.WithoutTimestamps())
	if err != nil {
		return fmt.Errorf("otel: metric exporter: %w", err)
	}
	// The reader exports once, when the provider shuts down at the end.
	mp := sdkmetric.NewMeterProvider(
		sdkmetric.WithReader(sdkmetric.NewPeriodicReader(metricExp, sdkmetric.WithInterval(time.Hour))),
		sdkmetric.WithResource(res),
	)
	var summary string
	defer func() {
		// Spans first (already written as they ended), then the metrics,
		// then the one-line result, so that it is the last thing printed.
		err = errors.Join(err, tp.Shutdown(context.Background()), mp.Shutdown(context.Background()))
		if summary != "" {
			fmt.Fprint(stderr, summary)
		}
	}()

	metrics, err := telemetry.NewMetrics(telemetry.WithMeterProvider(mp))
	if err != nil {
		return err
	}

	api := &flakyServer{}
	srv := httptest.NewServer(api)
	defer srv.Close()
	base := http.DefaultTransport.(*http.Transport).Clone()
	defer base.CloseIdleConnections()
	client := &http.Client{Transport: newStack(tp, mp, metrics, base), Timeout: 10 * time.Second}

	// The caller's span: the attempts' spans are its children.
	ctx, span := tp.Tracer("roundtrip/examples/otel").Start(ctx, "list items")
	defer span.End()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/items", nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return err
	}
	n := int(api.requests.Load())
	summary = fmt.Sprintf("GET /items: %s %s after %d attempts (%d retries)\n", resp.Status, body, n, n-1)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("otel: got %s; want 200 OK after %d failures", resp.Status, failures)
	}
	return nil
}
