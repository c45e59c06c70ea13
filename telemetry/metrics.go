package telemetry

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
)

// ScopeName is the instrumentation scope of the meter that [NewMetrics]
// uses: the import path of this package.
const ScopeName = "github.com/roundtrip-go/roundtrip/telemetry"

// The names of the instruments and of the one attribute this package
// defines. The package documentation says why each was chosen.
const (
	MetricRetries        = "roundtrip.retries"
	MetricGiveUps        = "roundtrip.retry.give_ups"
	MetricBudgetRefusals = "roundtrip.retry.budget_refusals"
	MetricRetryDelay     = "roundtrip.retry.delay"

	// AttrReason is the attribute key of a give-up's reason, such as
	// "max_retries" or "budget".
	AttrReason = attribute.Key("roundtrip.retry.reason")
)

// delayBuckets are the explicit bucket boundaries, in seconds, advised for
// the retry delay histogram: from millisecond backoffs in tests to the
// 16 s default backoff cap and a 60 s Retry-After.
var delayBuckets = []float64{0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64}

// Outcome is what a retry layer saw of the failed attempt behind a retry,
// a give-up or a budget refusal.
type Outcome struct {
	// Request is the caller's request. It gives the http.request.method,
	// server.address and server.port attributes; nil leaves them out.
	Request *http.Request
	// StatusCode is the failed attempt's response status, recorded as
	// http.response.status_code when Err is nil; 0 when there was no
	// response.
	StatusCode int
	// Err is the failed attempt's error, recorded as error.type; when it is
	// set, StatusCode is ignored.
	Err error
}

// Metrics records what a retry layer does, as OpenTelemetry metrics: how
// many retries, why, how long they waited, and how many calls gave up. It
// is safe for concurrent use. Feed it from retry's listeners with
// telemetry/otelretry, or from any other retry code through its Record
// methods. The methods of a nil *Metrics do nothing.
type Metrics struct {
	retries        metric.Int64Counter
	giveUps        metric.Int64Counter
	budgetRefusals metric.Int64Counter
	delay          metric.Float64Histogram
}

// NewMetrics creates the instruments on a meter named [ScopeName] from the
// configured provider (the global one by default, see
// [WithMeterProvider]). It fails only when the provider fails to create an
// instrument.
func NewMetrics(opts ...Option) (*Metrics, error) {
	c := newConfig(opts)
	mp := c.meterProvider
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	meter := mp.Meter(ScopeName, metric.WithSchemaURL(semconv.SchemaURL))

	var m Metrics
	var err error
	counters := []struct {
		dst               *metric.Int64Counter
		name, unit, about string
	}{
		{&m.retries, MetricRetries, "{retry}", "Retries scheduled by the retry layer: resends of a request after a failed attempt."},
		{&m.giveUps, MetricGiveUps, "{call}", "Calls that ended on a retryable failure because a limit stopped the retries."},
		{&m.budgetRefusals, MetricBudgetRefusals, "{retry}", "Retries the retry budget refused."},
	}
	for _, c := range counters {
		if *c.dst, err = meter.Int64Counter(c.name, metric.WithUnit(c.unit), metric.WithDescription(c.about)); err != nil {
			return nil, instrumentError(c.name, err)
		}
	}
	if m.delay, err = meter.Float64Histogram(MetricRetryDelay,
		metric.WithUnit("s"),
		metric.WithDescription("Wait before each retry: the backoff delay or the server's Retry-After."),
		metric.WithExplicitBucketBoundaries(delayBuckets...),
	); err != nil {
		return nil, instrumentError(MetricRetryDelay, err)
	}
	return &m, nil
}

func instrumentError(name string, err error) error {
	return fmt.Errorf("telemetry: create instrument %s (check the meter provider): %w", name, err)
}

// RecordRetry records one retry after the failed attempt o, which waits
// delay first: it adds 1 to roundtrip.retries and records delay, in
// seconds, in roundtrip.retry.delay, both with the attributes of o. Call it
// once per retry, when the retry is decided (retry's OnRetry).
func (m *Metrics) RecordRetry(ctx context.Context, o Outcome, delay time.Duration) {
	if m == nil {
		return
	}
	set := metric.WithAttributeSet(o.attributes())
	m.retries.Add(ctx, 1, set)
	m.delay.Record(ctx, delay.Seconds(), set)
}

// RecordGiveUp records a call that ended on the retryable failure o
// because of reason (such as "max_retries", "deadline" or "budget"): it
// adds 1 to roundtrip.retry.give_ups with the attributes of o and
// roundtrip.retry.reason (left out when reason is empty). Call it once per
// call that gives up (retry's OnGiveUp).
func (m *Metrics) RecordGiveUp(ctx context.Context, o Outcome, reason string) {
	if m == nil {
		return
	}
	var extra []attribute.KeyValue
	if reason != "" {
		extra = []attribute.KeyValue{AttrReason.String(reason)}
	}
	m.giveUps.Add(ctx, 1, metric.WithAttributeSet(o.attributes(extra...)))
}

// RecordBudgetRefusal records a retry that the retry budget refused after
// the failed attempt o: it adds 1 to roundtrip.retry.budget_refusals with
// the attributes of o. A refusal also ends the call's retries, so the
// retry layer reports it as a give-up too; record both.
func (m *Metrics) RecordBudgetRefusal(ctx context.Context, o Outcome) {
	if m == nil {
		return
	}
	m.budgetRefusals.Add(ctx, 1, metric.WithAttributeSet(o.attributes()))
}

// attributes returns the attribute set of o, with extra added.
func (o Outcome) attributes(extra ...attribute.KeyValue) attribute.Set {
	kv := make([]attribute.KeyValue, 0, 4+len(extra))
	if r := o.Request; r != nil {
		kv = append(kv, semconv.HTTPRequestMethodKey.String(method(r.Method)))
		if r.URL != nil {
			if host := r.URL.Hostname(); host != "" {
				kv = append(kv, semconv.ServerAddress(host))
				if port := port(r.URL.Scheme, r.URL.Port()); port > 0 {
					kv = append(kv, semconv.ServerPort(port))
				}
			}
		}
	}
	switch {
	case o.Err != nil:
		kv = append(kv, semconv.ErrorType(o.Err))
	case o.StatusCode > 0:
		kv = append(kv, semconv.HTTPResponseStatusCode(o.StatusCode))
	}
	kv = append(kv, extra...)
	return attribute.NewSet(kv...)
}

// method returns m as http.request.method wants it: one of the known
// methods, or _OTHER, so that the attribute's cardinality stays bounded.
// An empty method is GET, as in net/http.
func method(m string) string {
	switch m {
	case "":
		return http.MethodGet
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodConnect, http.MethodOptions, http.MethodTrace:
		return m
	}
	return "_OTHER"
}

// port returns the server port of a URL: the explicit one, or the
// scheme's default; 0 when neither is known.
func port(scheme, explicit string) int {
	if explicit != "" {
		p, err := strconv.Atoi(explicit)
		if err != nil || p <= 0 || p > 65535 {
			return 0
		}
		return p
	}
	switch scheme {
	case "http":
		return 80
	case "https":
		return 443
	}
	return 0
}
