package otelretry_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.uber.org/goleak"

	"github.com/roundtrip-go/roundtrip/middleware"
	"github.com/roundtrip-go/roundtrip/retry"
	"github.com/roundtrip-go/roundtrip/telemetry"
	"github.com/roundtrip-go/roundtrip/telemetry/internal/metricstest"
	"github.com/roundtrip-go/roundtrip/telemetry/otelretry"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// points returns, per instrument, its data points as "attributes" →
// value (the count, for the histogram).
func points(t *testing.T, reader sdkmetric.Reader) map[string]map[string]float64 {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	enc := attribute.DefaultEncoder()
	got := map[string]map[string]float64{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			got[m.Name] = map[string]float64{}
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				for _, dp := range d.DataPoints {
					got[m.Name][dp.Attributes.Encoded(enc)] = float64(dp.Value)
				}
			case metricdata.Histogram[float64]:
				for _, dp := range d.DataPoints {
					got[m.Name][dp.Attributes.Encoded(enc)] = float64(dp.Count)
				}
			default:
				t.Fatalf("%s: unexpected data %T", m.Name, m.Data)
			}
		}
	}
	return got
}

func assertPoints(t *testing.T, got map[string]map[string]float64, name string, want map[string]float64) {
	t.Helper()
	if len(got[name]) != len(want) {
		t.Errorf("%s: got %v; want %v", name, got[name], want)
		return
	}
	for attrs, v := range want {
		if got[name][attrs] != v {
			t.Errorf("%s{%s} = %v; want %v (all: %v)", name, attrs, got[name][attrs], v, got[name])
		}
	}
}

func TestRetriesAndGiveUpThroughRetry(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		http.Error(w, "down", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}

	m, reader := metricstest.New(t)
	var others atomic.Int32 // a listener given beside the adapter
	rt := retry.New(
		retry.WithMaxRetries(2),
		retry.WithBackoff(time.Millisecond, time.Millisecond),
		retry.WithJitter(0),
		otelretry.Metrics(m),
		retry.OnRetry(func(retry.Event) { others.Add(1) }),
	)(srv.Client().Transport)

	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/items", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := rt.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	srv.Client().CloseIdleConnections()
	if resp.StatusCode != http.StatusServiceUnavailable || hits.Load() != 3 {
		t.Fatalf("got status %d after %d requests; want 503 after 3", resp.StatusCode, hits.Load())
	}
	if others.Load() != 2 {
		t.Errorf("other OnRetry listener called %d times; want 2", others.Load())
	}

	base := "http.request.method=GET,http.response.status_code=503,server.address=127.0.0.1,server.port=" + u.Port()
	got := points(t, reader)
	assertPoints(t, got, telemetry.MetricRetries, map[string]float64{base: 2})
	assertPoints(t, got, telemetry.MetricRetryDelay, map[string]float64{base: 2})
	assertPoints(t, got, telemetry.MetricGiveUps, map[string]float64{
		"http.request.method=GET,http.response.status_code=503,roundtrip.retry.reason=max_retries,server.address=127.0.0.1,server.port=" + u.Port(): 1,
	})
	assertPoints(t, got, telemetry.MetricBudgetRefusals, map[string]float64{})
}

// resetError stands for a connection reset, with its own error.type.
type resetError struct{}

func (resetError) Error() string     { return "connection reset by peer" }
func (resetError) ErrorType() string { return "connection_reset" }

func TestListeners(t *testing.T) {
	m, reader := metricstest.New(t)
	req := httptest.NewRequest(http.MethodPost, "http://api.example.test:8443/orders", nil)
	port := strconv.Itoa(8443)
	onRetry, onGiveUp := otelretry.OnRetry(m), otelretry.OnGiveUp(m)

	onRetry(retry.Event{Request: req, Attempt: 1, Delay: 10 * time.Millisecond, Err: resetError{}})
	onRetry(retry.Event{Request: req, Attempt: 2, Delay: 20 * time.Millisecond, StatusCode: 429})
	onGiveUp(retry.Event{Request: req, Attempt: 3, Err: resetError{}, Reason: retry.ReasonBudget})
	onGiveUp(retry.Event{Attempt: 1, Err: errors.New("no request"), Reason: retry.ReasonDeadline})

	server := "server.address=api.example.test,server.port=" + port
	got := points(t, reader)
	assertPoints(t, got, telemetry.MetricRetries, map[string]float64{
		"error.type=connection_reset,http.request.method=POST," + server:   1,
		"http.request.method=POST,http.response.status_code=429," + server: 1,
	})
	assertPoints(t, got, telemetry.MetricGiveUps, map[string]float64{
		"error.type=connection_reset,http.request.method=POST,roundtrip.retry.reason=budget," + server: 1,
		"error.type=*errors.errorString,roundtrip.retry.reason=deadline":                               1,
	})
	assertPoints(t, got, telemetry.MetricBudgetRefusals, map[string]float64{
		"error.type=connection_reset,http.request.method=POST," + server: 1,
	})
}

func TestNilMetricsRecordsNothing(t *testing.T) {
	rt := retry.New(
		retry.WithMaxRetries(1),
		retry.WithBackoff(time.Millisecond, time.Millisecond),
		otelretry.Metrics(nil),
	)(middleware.Func(func(req *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: http.StatusBadGateway, Body: http.NoBody, Request: req}, nil
	}))
	req := httptest.NewRequest(http.MethodGet, "http://example.test/", nil)
	resp, err := rt.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusBadGateway {
		t.Errorf("status %d; want 502", resp.StatusCode)
	}
}
