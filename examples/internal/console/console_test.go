package console

import (
	"bytes"
	"regexp"
	"testing"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
)

func TestNewLogger(t *testing.T) {
	t.Setenv("NO_COLOR", "")
	var buf bytes.Buffer
	l := NewLogger(&buf, zerolog.InfoLevel)
	l.Debug().Msg("hidden")
	l.Warn().Int("attempt", 2).Msg("retrying request")
	got := buf.String()
	want := regexp.MustCompile(`^\d\d:\d\d:\d\d\.\d{3} WRN retrying request attempt=2\n$`)
	assert.Regexp(t, want, got, "got %q", got)
}

func TestNewLoggerShowsUnits(t *testing.T) {
	var buf bytes.Buffer
	l := NewLogger(&buf, zerolog.InfoLevel)
	l.Warn().Float64("delay_ms", 1000).Float64("duration_ms", 0.545103).Float64("x_ms", 1234.5678).Msg("m")
	got := buf.String()
	for _, want := range []string{" delay=1s ", " duration=0.545ms ", " x=1.235s"} {
		assert.Contains(t, got, want)
	}
	assert.NotContains(t, got, "_ms")
}
