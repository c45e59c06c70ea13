// Package metricstest builds a [telemetry.Metrics] on an in-memory SDK
// reader, for the tests of telemetry and its adapters. Only tests import
// it, so the SDK stays out of telemetry's own dependencies.
package metricstest

import (
	"context"
	"testing"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"

	"github.com/roundtrip-go/roundtrip/telemetry"
)

// New returns Metrics recording into a fresh meter provider, and the
// manual reader that collects from it. The provider shuts down when the
// test ends.
func New(t testing.TB) (*telemetry.Metrics, *sdkmetric.ManualReader) {
	t.Helper()
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	t.Cleanup(func() { _ = mp.Shutdown(context.Background()) })
	m, err := telemetry.NewMetrics(telemetry.WithMeterProvider(mp))
	if err != nil {
		t.Fatal(err)
	}
	return m, reader
}
