// Package console gives the examples a human-readable zerolog logger, so
// that a newcomer can follow every attempt and retry in a terminal.
package console

import (
	"encoding/json"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"
)

// NewLogger returns a logger to w at level lvl that writes one line per
// event: the time to the millisecond, the level, the message and the
// fields. It is coloured when w is a terminal and NO_COLOR is not set.
func NewLogger(w io.Writer, lvl zerolog.Level) zerolog.Logger {
	color := os.Getenv("NO_COLOR") == ""
	if f, ok := w.(*os.File); !ok {
		color = false
	} else if fi, err := f.Stat(); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		color = false
	}
	// The time is added as text, not with Timestamp, whose format is the
	// global zerolog.TimeFieldFormat (whole seconds by default), which a
	// program should not have to change for its log to show the waits.
	stamp := zerolog.HookFunc(func(e *zerolog.Event, _ zerolog.Level, _ string) {
		e.Str(zerolog.TimestampFieldName, time.Now().Format("15:04:05.000"))
	})
	cw := zerolog.ConsoleWriter{Out: w, NoColor: !color, FormatPrepare: withUnits}
	return zerolog.New(cw).Level(lvl).Hook(stamp)
}

// withUnits shows every millisecond field (duration_ms, delay_ms) with its
// unit, under the name without "_ms": duration=0.545ms, delay=1s.
func withUnits(fields map[string]any) error {
	for k, v := range fields {
		num, ok := v.(json.Number) // ConsoleWriter decodes numbers so
		name, isMillis := strings.CutSuffix(k, "_ms")
		if !ok || !isMillis || name == "" {
			continue
		}
		ms, err := num.Float64()
		if err != nil {
			continue
		}
		delete(fields, k)
		if ms >= 1000 {
			fields[name] = time.Duration(ms * float64(time.Millisecond)).Round(time.Millisecond).String()
		} else {
			fields[name] = strconv.FormatFloat(math.Round(ms*1000)/1000, 'f', -1, 64) + "ms"
		}
	}
	return nil
}
