package stocktrim

import (
	"net/url"
	"time"

	"github.com/rs/zerolog"

	"github.com/roundtrip-go/roundtrip/retry"
)

// retryWarner returns an OnRetry listener that writes one warn event per
// scheduled retry, with the method, the URL, the attempt that failed, its
// status or error, and the delay before the next attempt in milliseconds.
func retryWarner(l zerolog.Logger) func(retry.Event) {
	return func(ev retry.Event) {
		e := l.Warn()
		if e == nil {
			return
		}
		req := ev.Request
		e = e.Str("method", req.Method).
			Str("url", logURL(req.URL)).
			Int("attempt", ev.Attempt).
			Float64("delay", float64(ev.Delay)/float64(time.Millisecond))
		if ev.Err != nil {
			e = e.Str("error", errText(ev.Err))
		} else {
			e = e.Int("status", ev.StatusCode)
		}
		e.Msg("retrying request")
	}
}

// logURL returns u without its user info, query and fragment: the parts
// that may carry a secret are left out, not redacted. StockTrim sends its
// credentials in headers, so its URLs lose nothing worth logging.
func logURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	v := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path, RawPath: u.RawPath}
	return v.String()
}

// errText returns the error's message without the URL a *url.Error
// quotes.
func errText(err error) string {
	if ue, ok := err.(*url.Error); ok && ue.Err != nil {
		return ue.Op + ": " + ue.Err.Error()
	}
	return err.Error()
}
