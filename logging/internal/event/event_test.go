package event

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"
	"time"

	"github.com/rs/zerolog"
)

// TestSameFieldsForBoth checks that zerolog and slog get the same names
// and values, groups included, at the same level.
func TestSameFieldsForBoth(t *testing.T) {
	fields := []slog.Attr{
		slog.String("method", "GET"),
		slog.Int("status", 503),
		Millis("duration_ms", 1500*time.Microsecond),
		Group("request_headers", []slog.Attr{slog.String("Accept", "a, b")}),
		slog.Bool("other", true),
	}
	var zbuf, sbuf bytes.Buffer
	zl := zerolog.New(&zbuf)
	AddTo(zl.WithLevel(Warn.Zerolog()), fields).Msg("m")
	WriteSlog(context.Background(), slog.New(slog.NewJSONHandler(&sbuf, nil)), Warn, "m", fields)
	WriteSlog(context.Background(), slog.New(slog.NewJSONHandler(&sbuf, nil)), Debug, "hidden", fields)
	WriteSlog(context.Background(), nil, Error, "nil logger", fields)

	var z, s map[string]any
	if err := json.Unmarshal(zbuf.Bytes(), &z); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(sbuf.Bytes(), &s); err != nil {
		t.Fatalf("%v in %q; want one event (debug is disabled)", err, sbuf.Bytes())
	}
	if z["level"] != "warn" || s["level"] != "WARN" {
		t.Errorf("levels %v, %v; want warn, WARN", z["level"], s["level"])
	}
	for _, k := range []string{"method", "status", "duration_ms", "other"} {
		if z[k] != s[k] {
			t.Errorf("%s: zerolog %v, slog %v; want the same", k, z[k], s[k])
		}
	}
	if z["duration_ms"] != 1.5 {
		t.Errorf("duration_ms = %v; want 1.5", z["duration_ms"])
	}
	zh, _ := z["request_headers"].(map[string]any)
	sh, _ := s["request_headers"].(map[string]any)
	if zh["Accept"] != "a, b" || sh["Accept"] != "a, b" {
		t.Errorf("groups %v, %v; want Accept: a, b in both", zh, sh)
	}
	if AddTo(nil, fields) != nil {
		t.Error("AddTo(nil) is not nil")
	}
}
