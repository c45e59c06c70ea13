// Package event holds a log event in a neutral form, a level and a list of
// fields, and writes it to zerolog or to log/slog. The logging middleware
// and its retry listeners build each event once, here, so that both
// loggers get the same fields, names and levels.
package event

import (
	"context"
	"log/slog"
	"math"
	"time"

	"github.com/rs/zerolog"
)

// Level is the level of an event.
type Level int8

// The levels events use.
const (
	Debug Level = iota
	Info
	Warn
	Error
)

// levels maps each Level to zerolog's and slog's.
var levels = [...]struct {
	z zerolog.Level
	s slog.Level
}{
	Debug: {zerolog.DebugLevel, slog.LevelDebug},
	Info:  {zerolog.InfoLevel, slog.LevelInfo},
	Warn:  {zerolog.WarnLevel, slog.LevelWarn},
	Error: {zerolog.ErrorLevel, slog.LevelError},
}

// Zerolog returns l as a zerolog level.
func (l Level) Zerolog() zerolog.Level { return levels[l].z }

// Slog returns l as a slog level.
func (l Level) Slog() slog.Level { return levels[l].s }

type kind uint8

const (
	kindString kind = iota
	kindInt
	kindFloat
	kindGroup
)

// Field is one named value of an event: a string, an integer, a float or
// a group of fields (an object in JSON).
type Field struct {
	Key   string
	kind  kind
	str   string
	num   uint64 // an int64, or a float64's bits
	group []Field
}

// String returns a string field.
func String(key, v string) Field { return Field{Key: key, kind: kindString, str: v} }

// Int returns an integer field.
func Int(key string, v int) Field { return Field{Key: key, kind: kindInt, num: uint64(v)} }

// Float returns a float field.
func Float(key string, v float64) Field {
	return Field{Key: key, kind: kindFloat, num: math.Float64bits(v)}
}

// Millis returns d as a float number of milliseconds: 1.5ms is 1.5.
func Millis(key string, d time.Duration) Field {
	return Float(key, float64(d)/float64(time.Millisecond))
}

// Group returns a field whose value is the fields fs.
func Group(key string, fs []Field) Field { return Field{Key: key, kind: kindGroup, group: fs} }

// AddTo adds fs to e in order and returns e. A nil e stays nil.
func AddTo(e *zerolog.Event, fs []Field) *zerolog.Event {
	if e == nil {
		return nil
	}
	for _, f := range fs {
		switch f.kind {
		case kindString:
			e.Str(f.Key, f.str)
		case kindInt:
			e.Int64(f.Key, int64(f.num))
		case kindFloat:
			e.Float64(f.Key, math.Float64frombits(f.num))
		case kindGroup:
			e.Dict(f.Key, AddTo(zerolog.Dict(), f.group))
		}
	}
	return e
}

// Attrs appends fs to dst as slog attributes, in order.
func Attrs(dst []slog.Attr, fs []Field) []slog.Attr {
	for _, f := range fs {
		switch f.kind {
		case kindString:
			dst = append(dst, slog.String(f.Key, f.str))
		case kindInt:
			dst = append(dst, slog.Int64(f.Key, int64(f.num)))
		case kindFloat:
			dst = append(dst, slog.Float64(f.Key, math.Float64frombits(f.num)))
		case kindGroup:
			dst = append(dst, slog.Attr{Key: f.Key, Value: slog.GroupValue(Attrs(nil, f.group)...)})
		}
	}
	return dst
}

// WriteSlog writes msg with fs at lvl to l, if l is enabled at lvl.
func WriteSlog(ctx context.Context, l *slog.Logger, lvl Level, msg string, fs []Field) {
	if l == nil || !l.Enabled(ctx, lvl.Slog()) {
		return
	}
	l.LogAttrs(ctx, lvl.Slog(), msg, Attrs(make([]slog.Attr, 0, len(fs)), fs)...)
}
