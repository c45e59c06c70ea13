// Package logtest holds what the tests of the logging packages share: a
// buffer that zerolog and slog JSON handlers write to, read back as events
// that look the same for both.
package logtest

import (
	"strings"
	"testing"

	"github.com/roundtrip-go/roundtrip/internal/testutil"
)

// Buffer is testutil.SyncBuffer whose events read the same whether zerolog
// or a slog JSON handler wrote them.
type Buffer struct {
	testutil.SyncBuffer
}

// Events decodes the JSON lines written so far. A slog event is made to
// look like a zerolog one: its level in lower case, msg as message, and no
// time.
func (b *Buffer) Events(t testing.TB) []map[string]any {
	t.Helper()
	out := b.SyncBuffer.Events(t)
	for _, m := range out {
		if lvl, ok := m["level"].(string); ok {
			m["level"] = strings.ToLower(lvl)
		}
		if msg, ok := m["msg"]; ok {
			m["message"] = msg
			delete(m, "msg")
		}
		delete(m, "time")
	}
	return out
}

// Only checks that exactly one event was written and that none of secrets
// appears anywhere in the output, and returns the event.
func (b *Buffer) Only(t testing.TB, secrets ...string) map[string]any {
	t.Helper()
	out := b.String()
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("secret %q in the log:\n%s", s, out)
		}
	}
	events := b.Events(t)
	if len(events) != 1 {
		t.Fatalf("got %d events; want 1; log:\n%s", len(events), out)
	}
	return events[0]
}
