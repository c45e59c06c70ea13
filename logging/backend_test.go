package logging_test

import (
	"log/slog"

	"github.com/rs/zerolog"

	"github.com/roundtrip-go/roundtrip/logging"
	"github.com/roundtrip-go/roundtrip/middleware"
)

// backend builds the middleware for one logger (zerolog or slog) at a
// level, writing JSON lines that buf.events decodes the same way for both.
type backend struct {
	name string
	new  func(lvl zerolog.Level, opts ...logging.Option) (middleware.Middleware, *syncBuffer)
}

var backends = []backend{
	{name: "zerolog", new: func(lvl zerolog.Level, opts ...logging.Option) (middleware.Middleware, *syncBuffer) {
		logger, buf := newLogger(lvl)
		return logging.New(logger, opts...), buf
	}},
	{name: "slog", new: func(lvl zerolog.Level, opts ...logging.Option) (middleware.Middleware, *syncBuffer) {
		buf := &syncBuffer{}
		return logging.NewSlog(slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: slogLevel(lvl)})), opts...), buf
	}},
}

// slogLevel maps a zerolog level to the slog level that enables the same
// events.
func slogLevel(lvl zerolog.Level) slog.Level {
	switch {
	case lvl <= zerolog.DebugLevel:
		return slog.LevelDebug
	case lvl == zerolog.InfoLevel:
		return slog.LevelInfo
	case lvl == zerolog.WarnLevel:
		return slog.LevelWarn
	case lvl == zerolog.ErrorLevel:
		return slog.LevelError
	default:
		return slog.LevelError + 100
	}
}
