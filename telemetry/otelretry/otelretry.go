// Package otelretry feeds the events of a retry layer ([retry.New],
// [retry.Failsafe]) to [telemetry.Metrics]: every retry, with its reason and
// delay, every give-up with the limit that ended the retries, and every
// retry the budget refused. It is the adapter between two middleware
// packages that do not import each other.
//
//	m, err := telemetry.NewMetrics()
//	...
//	rt := retry.New(retry.WithMaxRetries(3), otelretry.Metrics(m))
package otelretry

import (
	"context"

	"github.com/roundtrip-go/roundtrip/retry"
	"github.com/roundtrip-go/roundtrip/telemetry"
)

// Metrics returns one [retry.Option] that adds [OnRetry] and [OnGiveUp]
// listeners for m. Other listeners, given before or after it, are still
// called. A nil m records nothing.
func Metrics(m *telemetry.Metrics) retry.Option {
	return retry.Options(retry.OnRetry(OnRetry(m)), retry.OnGiveUp(OnGiveUp(m)))
}

// OnRetry returns a [retry.OnRetry] listener that records each retry in
// m with [telemetry.Metrics.RecordRetry]: the failed attempt's status code
// or error, and the delay before the next attempt. A nil m records nothing.
func OnRetry(m *telemetry.Metrics) func(retry.Event) {
	return func(e retry.Event) {
		m.RecordRetry(eventContext(e), outcome(e), e.Delay)
	}
}

// OnGiveUp returns a [retry.OnGiveUp] listener that records each give-up
// in m with [telemetry.Metrics.RecordGiveUp], with the event's reason; a
// give-up for [retry.ReasonBudget] is also recorded as a budget refusal
// ([telemetry.Metrics.RecordBudgetRefusal]). A nil m records nothing.
func OnGiveUp(m *telemetry.Metrics) func(retry.Event) {
	return func(e retry.Event) {
		ctx, o := eventContext(e), outcome(e)
		m.RecordGiveUp(ctx, o, e.Reason)
		if e.Reason == retry.ReasonBudget {
			m.RecordBudgetRefusal(ctx, o)
		}
	}
}

// eventContext is the context to record e under: the caller's request
// context, which links a measurement to the caller's span as an exemplar.
func eventContext(e retry.Event) context.Context {
	if e.Request != nil {
		return e.Request.Context()
	}
	return context.Background()
}

func outcome(e retry.Event) telemetry.Outcome {
	return telemetry.Outcome{Request: e.Request, StatusCode: e.StatusCode, Err: e.Err}
}
