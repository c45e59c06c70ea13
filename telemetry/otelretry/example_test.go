package otelretry_test

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/roundtrip-go/roundtrip/middleware"
	"github.com/roundtrip-go/roundtrip/retry"
	"github.com/roundtrip-go/roundtrip/telemetry"
	"github.com/roundtrip-go/roundtrip/telemetry/otelretry"
)

// One option wires retry's events to the metrics.
func ExampleMetrics() {
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	defer func() { _ = mp.Shutdown(context.Background()) }()
	m, err := telemetry.NewMetrics(telemetry.WithMeterProvider(mp))
	if err != nil {
		fmt.Println(err)
		return
	}

	// A stub server that fails twice with 503, then answers.
	var calls atomic.Int32
	flaky := middleware.Func(func(req *http.Request) (*http.Response, error) {
		status := http.StatusOK
		if calls.Add(1) <= 2 {
			status = http.StatusServiceUnavailable
		}
		return &http.Response{StatusCode: status, Body: http.NoBody, Request: req}, nil
	})
	client := &http.Client{Transport: retry.New(
		retry.WithBackoff(time.Millisecond, 2*time.Millisecond),
		retry.WithJitter(0),
		otelretry.Metrics(m),
	)(flaky)}
	resp, err := client.Get("http://api.example.test/items")
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = resp.Body.Close()

	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		fmt.Println(err)
		return
	}
	for _, sm := range rm.ScopeMetrics {
		for _, mt := range sm.Metrics {
			switch d := mt.Data.(type) {
			case metricdata.Sum[int64]:
				fmt.Printf("%s: %d %s\n", mt.Name, d.DataPoints[0].Value, mt.Unit)
			case metricdata.Histogram[float64]:
				fmt.Printf("%s: %d waits, %g %s in all\n", mt.Name, d.DataPoints[0].Count, d.DataPoints[0].Sum, mt.Unit)
			}
		}
	}
	// Output:
	// roundtrip.retries: 2 {retry}
	// roundtrip.retry.delay: 2 waits, 0.003 s in all
}
