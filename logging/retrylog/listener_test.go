package retrylog

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/roundtrip-go/roundtrip/logging"
	"github.com/roundtrip-go/roundtrip/retry"
)

// TestGiveUpFields checks the give-up event of both loggers: level error,
// the reason, the redacted error text, and no delay.
func TestGiveUpFields(t *testing.T) {
	req, err := http.NewRequest(http.MethodPost, "https://joe:pw@api.example.test/x?token=T0KEN&page=1", nil)
	if err != nil {
		t.Fatal(err)
	}
	ev := retry.Event{Request: req, Attempt: 4, Delay: time.Second, Reason: retry.ReasonMaxRetries,
		Err: errors.New(`Post "https://joe:pw@api.example.test/x?token=T0KEN&page=1": connection reset`)}
	var zbuf, sbuf bytes.Buffer
	zl := zerolog.New(&zbuf)
	listener{red: logging.NewRedactor(), zl: &zl}.giveUp(ev)
	listener{red: logging.NewRedactor(), sl: slog.New(slog.NewJSONHandler(&sbuf, nil))}.giveUp(ev)
	for name, out := range map[string][]byte{"zerolog": zbuf.Bytes(), "slog": sbuf.Bytes()} {
		var e map[string]any
		if err := json.Unmarshal(out, &e); err != nil {
			t.Fatalf("%s: %v in %q", name, err, out)
		}
		want := map[string]any{
			"method":  "POST",
			"url":     "https://REDACTED@api.example.test/x?token=REDACTED&page=1",
			"attempt": 4.0,
			"error":   `Post "https://REDACTED@api.example.test/x?token=REDACTED&page=1": connection reset`,
			"reason":  "max_retries",
		}
		for k, v := range want {
			if e[k] != v {
				t.Errorf("%s: %s = %v; want %v", name, k, e[k], v)
			}
		}
		if _, ok := e["delay_ms"]; ok {
			t.Errorf("%s: a give-up has delay_ms %v; want none", name, e["delay_ms"])
		}
		if _, ok := e["status"]; ok {
			t.Errorf("%s: an error event has a status", name)
		}
		if lvl, _ := e["level"].(string); lvl != "error" && lvl != "ERROR" {
			t.Errorf("%s: level %q; want error", name, lvl)
		}
	}
}
