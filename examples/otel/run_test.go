package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// keyValue is an attribute as the stdout exporters write it.
type keyValue struct {
	Key   string
	Value struct {
		Type  string
		Value any
	}
}

// exported is one JSON document on stdout: a span or the metrics.
type exported struct {
	// Span fields.
	Name        string
	SpanKind    int
	SpanContext struct{ SpanID string }
	Parent      struct{ SpanID string }
	Attributes  []keyValue
	// Metrics fields.
	ScopeMetrics []struct {
		Scope   struct{ Name string }
		Metrics []struct {
			Name string
			Unit string
			Data struct {
				DataPoints []struct {
					Attributes []keyValue
					Value      float64
					Count      int
					Sum        float64
				}
			}
		}
	}
}

func attr(kvs []keyValue, key string) (any, bool) {
	for _, kv := range kvs {
		if kv.Key == key {
			return kv.Value.Value, true
		}
	}
	return nil, false
}

func TestRun(t *testing.T) {
	var stdout, stderr bytes.Buffer
	require.NoError(t, run(t.Context(), nil, &stdout, &stderr), "stderr:\n%s", stderr.String())
	assert.Equal(t, "GET /items: 200 OK [{\"id\":\"A-1\"},{\"id\":\"A-2\"}] after 3 attempts (2 retries)\n", stderr.String())

	var spans, metrics []exported
	dec := json.NewDecoder(&stdout)
	for {
		var e exported
		err := dec.Decode(&e)
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		if e.ScopeMetrics != nil {
			metrics = append(metrics, e)
		} else {
			spans = append(spans, e)
		}
	}

	// Three attempt spans, children of the caller's span, which ends last.
	require.Len(t, spans, 4)
	caller := spans[3]
	assert.Equal(t, "list items", caller.Name)
	for i, s := range spans[:3] {
		assert.Equal(t, "HTTP GET", s.Name)
		assert.Equal(t, 3, s.SpanKind, "span %d: SpanKind 3 is client", i)
		assert.Equal(t, caller.SpanContext.SpanID, s.Parent.SpanID, "span %d: parent", i)
		status, _ := attr(s.Attributes, "http.response.status_code")
		resend, ok := attr(s.Attributes, "http.request.resend_count")
		if i == 0 {
			assert.EqualValues(t, 503, status)
			assert.False(t, ok, "first attempt: resend_count %v; want none", resend)
			continue
		}
		assert.EqualValues(t, map[int]int{1: 503, 2: 200}[i], status, "span %d", i)
		assert.EqualValues(t, i, resend, "span %d: resend_count", i)
	}

	// The retry metrics, beside otelhttp's.
	require.Len(t, metrics, 1)
	got := map[string]float64{}
	for _, sm := range metrics[0].ScopeMetrics {
		for _, m := range sm.Metrics {
			for _, dp := range m.Data.DataPoints {
				got[m.Name] += dp.Value + float64(dp.Count)
				if m.Name == "roundtrip.retries" {
					status, _ := attr(dp.Attributes, "http.response.status_code")
					assert.EqualValues(t, 503, status)
				}
			}
		}
	}
	assert.Equal(t, 2.0, got["roundtrip.retries"], "metrics: %v", got)
	assert.Equal(t, 2.0, got["roundtrip.retry.delay"], "two waits; metrics: %v", got)
	assert.Equal(t, 3.0, got["http.client.request.duration"], "one per attempt; metrics: %v", got)
	assert.NotContains(t, got, "roundtrip.retry.give_ups")
}

func TestRunHelp(t *testing.T) {
	var stdout, stderr bytes.Buffer
	err := run(t.Context(), []string{"-h"}, &stdout, &stderr)
	assert.True(t, errors.Is(err, flag.ErrHelp), "got %v; want flag.ErrHelp", err)
	assert.Contains(t, stderr.String(), "usage: otel")
	assert.Empty(t, stdout.String())
}
