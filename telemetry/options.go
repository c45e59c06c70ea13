package telemetry

import "go.opentelemetry.io/otel/metric"

// Option configures [NewMetrics].
type Option func(*config)

// config is the configuration of one Metrics, fixed once built.
type config struct {
	meterProvider metric.MeterProvider // nil = the global provider
}

func newConfig(opts []Option) config {
	var c config
	for _, opt := range opts {
		if opt != nil {
			opt(&c)
		}
	}
	return c
}

// WithMeterProvider sets the provider whose meter creates the instruments.
// The default, and what a nil mp means, is the global provider
// (otel.GetMeterProvider) at the time [NewMetrics] is called; the global
// provider forwards to one set later with otel.SetMeterProvider.
func WithMeterProvider(mp metric.MeterProvider) Option {
	return func(c *config) { c.meterProvider = mp }
}
