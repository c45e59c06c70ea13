// Package event holds a log event in a neutral form, a level and a list of
// fields (as [slog.Attr] values, which cost no allocation and which slog
// takes as they are), and writes it to zerolog or to log/slog. The logging middleware
// and its retry listeners build each event once, here, so that both
// loggers get the same fields, names and levels.
package event

import (
	"context"
	"log/slog"
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

// Millis returns d as a float number of milliseconds: 1.5ms is 1.5.
func Millis(key string, d time.Duration) slog.Attr {
	return slog.Float64(key, float64(d)/float64(time.Millisecond))
}

// Group returns an attribute whose value is the attributes as.
func Group(key string, as []slog.Attr) slog.Attr {
	return slog.Attr{Key: key, Value: slog.GroupValue(as...)}
}

// AddTo adds as to e in order and returns e. A nil e stays nil. Strings,
// integers, floats, booleans and groups (as objects) are written as such;
// any other kind as its string form.
func AddTo(e *zerolog.Event, as []slog.Attr) *zerolog.Event {
	if e == nil {
		return nil
	}
	for _, a := range as {
		switch v := a.Value; v.Kind() {
		case slog.KindString:
			e.Str(a.Key, v.String())
		case slog.KindInt64:
			e.Int64(a.Key, v.Int64())
		case slog.KindFloat64:
			e.Float64(a.Key, v.Float64())
		case slog.KindBool:
			e.Bool(a.Key, v.Bool())
		case slog.KindGroup:
			e.Dict(a.Key, AddTo(zerolog.Dict(), v.Group()))
		default:
			e.Str(a.Key, v.String())
		}
	}
	return e
}

// WriteSlog writes msg with as at lvl to l, if l is enabled at lvl.
func WriteSlog(ctx context.Context, l *slog.Logger, lvl Level, msg string, as []slog.Attr) {
	if l == nil || !l.Enabled(ctx, lvl.Slog()) {
		return
	}
	l.LogAttrs(ctx, lvl.Slog(), msg, as...)
}
