package telemetry_test

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/roundtrip-go/roundtrip/telemetry"
)

// Metrics records what a retry layer decided; telemetry/otelretry feeds it
// from retry's listeners, and other retry code can call it directly.
func ExampleNewMetrics() {
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	defer func() { _ = mp.Shutdown(context.Background()) }()

	m, err := telemetry.NewMetrics(telemetry.WithMeterProvider(mp))
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "https://api.example.test/items", nil)
	m.RecordRetry(ctx, telemetry.Outcome{Request: req, StatusCode: 503}, 250*time.Millisecond)
	m.RecordRetry(ctx, telemetry.Outcome{Request: req, StatusCode: 503}, 500*time.Millisecond)
	m.RecordGiveUp(ctx, telemetry.Outcome{Request: req, StatusCode: 503}, "max_retries")

	var rm metricdata.ResourceMetrics
	if err := reader.Collect(ctx, &rm); err != nil {
		fmt.Println(err)
		return
	}
	for _, sm := range rm.ScopeMetrics {
		for _, mt := range sm.Metrics {
			switch data := mt.Data.(type) {
			case metricdata.Sum[int64]:
				for _, dp := range data.DataPoints {
					fmt.Printf("%s = %d %s %s\n", mt.Name, dp.Value, mt.Unit, dp.Attributes.Encoded(attribute.DefaultEncoder()))
				}
			case metricdata.Histogram[float64]:
				for _, dp := range data.DataPoints {
					fmt.Printf("%s: count %d, sum %g %s\n", mt.Name, dp.Count, dp.Sum, mt.Unit)
				}
			}
		}
	}
	// Output:
	// roundtrip.retries = 2 {retry} http.request.method=GET,http.response.status_code=503,server.address=api.example.test,server.port=443
	// roundtrip.retry.give_ups = 1 {call} http.request.method=GET,http.response.status_code=503,roundtrip.retry.reason=max_retries,server.address=api.example.test,server.port=443
	// roundtrip.retry.delay: count 2, sum 0.75 s
}
