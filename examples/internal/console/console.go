// Package console gives the examples a human-readable zerolog logger, so
// that a newcomer can follow every attempt and retry in a terminal.
package console

import (
	"io"
	"os"
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
	return zerolog.New(zerolog.ConsoleWriter{Out: w, NoColor: !color}).Level(lvl).Hook(stamp)
}
