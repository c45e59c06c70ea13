package logging

import (
	"time"

	"github.com/rs/zerolog"

	"github.com/roundtrip-go/roundtrip/retry"
)

// Retries returns a listener for [retry.OnRetry] that writes one warn
// event per scheduled retry, with the fields method, url (redacted as by
// [New]), attempt (the attempt that failed), status or error (redacted),
// and delay (the wait before the next attempt, in milliseconds). Its
// message is "retrying request".
//
// opts are [New]'s options; only the redaction ones matter here. The
// listener costs no allocation when the warn level is disabled, and
// ignores an event without a request.
func Retries(logger zerolog.Logger, opts ...Option) func(retry.Event) {
	red := NewRedactor(opts...).get()
	return func(ev retry.Event) {
		req := ev.Request
		if req == nil {
			return
		}
		e := logger.Warn()
		if e == nil {
			return
		}
		e.Str("method", method(req)).
			Str("url", red.url(req.URL)).
			Int("attempt", ev.Attempt)
		if ev.Err != nil {
			e.Str("error", red.errText(ev.Err, req.URL))
		} else {
			e.Int("status", ev.StatusCode)
		}
		e.Float64("delay_ms", float64(ev.Delay)/float64(time.Millisecond)).Msg("retrying request")
	}
}
