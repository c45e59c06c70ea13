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
