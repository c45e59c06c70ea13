package telemetry_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"testing"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/metric/metricdata/metricdatatest"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"

	"github.com/roundtrip-go/roundtrip/telemetry"
	"github.com/roundtrip-go/roundtrip/telemetry/internal/metricstest"
)

// collect returns the metrics of telemetry's scope, by name.
func collect(t *testing.T, reader sdkmetric.Reader) map[string]metricdata.Metrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	got := map[string]metricdata.Metrics{}
	for _, sm := range rm.ScopeMetrics {
		if sm.Scope.Name != telemetry.ScopeName {
			t.Errorf("scope %q; want %q", sm.Scope.Name, telemetry.ScopeName)
		}
		if sm.Scope.SchemaURL != semconv.SchemaURL {
			t.Errorf("schema URL %q; want %q", sm.Scope.SchemaURL, semconv.SchemaURL)
		}
		for _, m := range sm.Metrics {
			got[m.Name] = m
		}
	}
	return got
}

func mustRequest(t *testing.T, method, url string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// descriptions are the instruments' descriptions, checked here once.
var descriptions = map[string]string{
	telemetry.MetricRetries:        "Retries scheduled by the retry layer: resends of a request after a failed attempt.",
	telemetry.MetricGiveUps:        "Calls that ended on a retryable failure because a limit stopped the retries.",
	telemetry.MetricBudgetRefusals: "Retries the retry budget refused.",
}

func counter(unit string, name string, points ...metricdata.DataPoint[int64]) metricdata.Metrics {
	return metricdata.Metrics{
		Name:        name,
		Description: descriptions[name],
		Unit:        unit,
		Data: metricdata.Sum[int64]{
			Temporality: metricdata.CumulativeTemporality,
			IsMonotonic: true,
			DataPoints:  points,
		},
	}
}

func point(v int64, kv ...attribute.KeyValue) metricdata.DataPoint[int64] {
	return metricdata.DataPoint[int64]{Attributes: attribute.NewSet(kv...), Value: v}
}

// refused is a dial error, as the base transport returns it.
var refused = &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}

func TestRecordRetry(t *testing.T) {
	m, reader := metricstest.New(t)
	ctx := t.Context()
	get := mustRequest(t, http.MethodGet, "http://127.0.0.1:8080/items")
	put := mustRequest(t, http.MethodPut, "https://api.example.com/items/1")

	m.RecordRetry(ctx, telemetry.Outcome{Request: get, StatusCode: 503}, 20*time.Millisecond)
	m.RecordRetry(ctx, telemetry.Outcome{Request: get, StatusCode: 503}, 40*time.Millisecond)
	m.RecordRetry(ctx, telemetry.Outcome{Request: put, StatusCode: 429, Err: refused}, 2*time.Second)

	got := collect(t, reader)
	getAttrs := []attribute.KeyValue{
		semconv.HTTPRequestMethodKey.String("GET"),
		semconv.ServerAddress("127.0.0.1"),
		semconv.ServerPort(8080),
		semconv.HTTPResponseStatusCode(503),
	}
	putAttrs := []attribute.KeyValue{
		semconv.HTTPRequestMethodKey.String("PUT"),
		semconv.ServerAddress("api.example.com"),
		semconv.ServerPort(443),
		semconv.ErrorTypeKey.String("*net.OpError"), // the error wins over a status
	}
	metricdatatest.AssertEqual(t, counter("{retry}", telemetry.MetricRetries,
		point(2, getAttrs...), point(1, putAttrs...)),
		got[telemetry.MetricRetries], metricdatatest.IgnoreTimestamp())

	hist, ok := got[telemetry.MetricRetryDelay].Data.(metricdata.Histogram[float64])
	if !ok {
		t.Fatalf("%s: data %T; want a float64 histogram", telemetry.MetricRetryDelay, got[telemetry.MetricRetryDelay].Data)
	}
	if unit := got[telemetry.MetricRetryDelay].Unit; unit != "s" {
		t.Errorf("delay unit %q; want s", unit)
	}
	getSet, putSet := attribute.NewSet(getAttrs...), attribute.NewSet(putAttrs...)
	want := map[attribute.Distinct]struct {
		count uint64
		sum   float64
	}{
		getSet.Equivalent(): {2, 0.06},
		putSet.Equivalent(): {1, 2},
	}
	if len(hist.DataPoints) != len(want) {
		t.Fatalf("delay: %d data points; want %d", len(hist.DataPoints), len(want))
	}
	for _, dp := range hist.DataPoints {
		w, ok := want[dp.Attributes.Equivalent()]
		if !ok {
			t.Errorf("delay: unexpected attributes %v", dp.Attributes.ToSlice())
			continue
		}
		if dp.Count != w.count || dp.Sum < w.sum-1e-9 || dp.Sum > w.sum+1e-9 {
			t.Errorf("delay %v: count %d, sum %v; want %d, %v", dp.Attributes.ToSlice(), dp.Count, dp.Sum, w.count, w.sum)
		}
		if len(dp.Bounds) == 0 || dp.Bounds[0] != 0.001 || dp.Bounds[len(dp.Bounds)-1] != 64 {
			t.Errorf("delay bounds %v; want 0.001 .. 64 seconds", dp.Bounds)
		}
	}
}

func TestRecordGiveUpAndBudgetRefusal(t *testing.T) {
	m, reader := metricstest.New(t)
	ctx := t.Context()
	post := mustRequest(t, "PURGE", "http://[::1]/jobs")

	m.RecordGiveUp(ctx, telemetry.Outcome{Request: post, StatusCode: 503}, "max_retries")
	m.RecordGiveUp(ctx, telemetry.Outcome{Request: post, Err: refused}, "budget")
	m.RecordBudgetRefusal(ctx, telemetry.Outcome{Request: post, Err: refused})
	m.RecordGiveUp(ctx, telemetry.Outcome{}, "") // no request, no outcome, no reason

	got := collect(t, reader)
	base := []attribute.KeyValue{
		semconv.HTTPRequestMethodKey.String("_OTHER"),
		semconv.ServerAddress("::1"),
		semconv.ServerPort(80),
	}
	with := func(kv ...attribute.KeyValue) []attribute.KeyValue {
		return append(append([]attribute.KeyValue(nil), base...), kv...)
	}
	metricdatatest.AssertEqual(t, counter("{call}", telemetry.MetricGiveUps,
		point(1, with(semconv.HTTPResponseStatusCode(503), telemetry.AttrReason.String("max_retries"))...),
		point(1, with(semconv.ErrorTypeKey.String("*net.OpError"), telemetry.AttrReason.String("budget"))...),
		point(1),
	), got[telemetry.MetricGiveUps], metricdatatest.IgnoreTimestamp())
	metricdatatest.AssertEqual(t, counter("{retry}", telemetry.MetricBudgetRefusals,
		point(1, with(semconv.ErrorTypeKey.String("*net.OpError"))...),
	), got[telemetry.MetricBudgetRefusals], metricdatatest.IgnoreTimestamp())
	if _, ok := got[telemetry.MetricRetries]; ok {
		t.Errorf("%s recorded without a retry", telemetry.MetricRetries)
	}
}

// typedError names its own error.type, as semconv.ErrorType allows.
type typedError struct{}

func (typedError) Error() string     { return "attempt timed out" }
func (typedError) ErrorType() string { return "timeout" }

func TestErrorTypeFromErrorTypeMethod(t *testing.T) {
	m, reader := metricstest.New(t)
	m.RecordBudgetRefusal(t.Context(), telemetry.Outcome{Err: typedError{}})
	metricdatatest.AssertEqual(t, counter("{retry}", telemetry.MetricBudgetRefusals,
		point(1, semconv.ErrorTypeKey.String("timeout")),
	), collect(t, reader)[telemetry.MetricBudgetRefusals], metricdatatest.IgnoreTimestamp())
}

func TestNilMetricsDoesNothing(t *testing.T) {
	var m *telemetry.Metrics
	o := telemetry.Outcome{StatusCode: 503}
	m.RecordRetry(t.Context(), o, time.Second)
	m.RecordGiveUp(t.Context(), o, "max_retries")
	m.RecordBudgetRefusal(t.Context(), o)
}

// Not parallel: it sets the global meter provider.
func TestNewMetricsDefaultsToGlobalProvider(t *testing.T) {
	prev := otel.GetMeterProvider()
	t.Cleanup(func() { otel.SetMeterProvider(prev) })
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	t.Cleanup(func() { _ = mp.Shutdown(context.Background()) })
	otel.SetMeterProvider(mp)

	m, err := telemetry.NewMetrics(telemetry.WithMeterProvider(nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	m.RecordRetry(t.Context(), telemetry.Outcome{StatusCode: 502}, time.Millisecond)
	metricdatatest.AssertEqual(t, counter("{retry}", telemetry.MetricRetries,
		point(1, semconv.HTTPResponseStatusCode(502)),
	), collect(t, reader)[telemetry.MetricRetries], metricdatatest.IgnoreTimestamp())
}

// failingMeter fails to create any instrument.
type failingMeter struct {
	metric.Meter
}

func (failingMeter) Int64Counter(string, ...metric.Int64CounterOption) (metric.Int64Counter, error) {
	return nil, errors.New("meter closed")
}

type failingProvider struct {
	metric.MeterProvider
}

func (failingProvider) Meter(string, ...metric.MeterOption) metric.Meter { return failingMeter{} }

func TestNewMetricsError(t *testing.T) {
	m, err := telemetry.NewMetrics(telemetry.WithMeterProvider(failingProvider{}))
	if err == nil || m != nil {
		t.Fatalf("NewMetrics = %v, %v; want nil and an error", m, err)
	}
	const want = "telemetry: create instrument roundtrip.retries (check the meter provider): meter closed"
	if err.Error() != want {
		t.Errorf("error %q; want %q", err, want)
	}
}
