package logging

import (
	"io"
	"net/http"
	"time"

	"github.com/rs/zerolog"

	"github.com/roundtrip-go/roundtrip/middleware"
	"github.com/roundtrip-go/roundtrip/retry"
)

// message is the message of every event the middleware writes.
const message = "http request"

// New returns a middleware that writes one zerolog event to logger for
// every request (every attempt, below a retry middleware) that passes
// through it. The fields, levels, redaction and timing are described in
// the package documentation.
//
// The logger's level decides what is logged: at info, warn or error only
// the events of those levels, without the debug fields; at debug or trace,
// every event with the debug fields. Note that [zerolog.New] starts at trace
// level: use logger.Level(zerolog.InfoLevel) for plain access logs.
//
// A zero or disabled logger (such as [zerolog.Nop]) is valid and logs
// nothing, at no cost. A nil next means [http.DefaultTransport]. The
// options add to the defaults; nil options are ignored.
func New(logger zerolog.Logger, opts ...Option) middleware.Middleware {
	c := newConfig(opts)
	red := newRedactor(c.headers, c.params)
	return func(next http.RoundTripper) http.RoundTripper {
		if next == nil {
			next = http.DefaultTransport
		}
		return &transport{next: next, logger: logger, red: red, bodyLimit: c.bodyLimit}
	}
}

type transport struct {
	next      http.RoundTripper
	logger    zerolog.Logger
	red       *redactor
	bodyLimit int
}

var _ http.RoundTripper = (*transport)(nil)

// minLevel returns the lowest level the logger writes now.
func (t *transport) minLevel() zerolog.Level {
	return max(t.logger.GetLevel(), zerolog.GlobalLevel())
}

// level maps a response status to the level of its event.
func level(status int) zerolog.Level {
	switch {
	case status >= 500:
		return zerolog.ErrorLevel
	case status >= 400:
		return zerolog.WarnLevel
	default:
		return zerolog.InfoLevel
	}
}

// RoundTrip passes req to the next RoundTripper unchanged and returns its
// result unchanged, apart from the response body, which it wraps to finish
// the event when the body is read to EOF or closed.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	lowest := t.minLevel()
	if lowest > zerolog.ErrorLevel {
		return t.next.RoundTrip(req)
	}
	start := time.Now()
	resp, err := t.next.RoundTrip(req)

	if err != nil || resp == nil {
		e := t.logger.Error()
		if e == nil {
			return resp, err
		}
		t.head(e, req, resp, lowest)
		if err != nil {
			e.Str("error", t.red.errText(err, req.URL))
		}
		writeEvent(e, start)
		return resp, err
	}

	e := t.logger.WithLevel(level(resp.StatusCode))
	if e == nil {
		return resp, nil
	}
	t.head(e, req, resp, lowest)
	if resp.Body == nil || resp.Body == http.NoBody || resp.StatusCode == http.StatusSwitchingProtocols {
		// Nothing to wait for: a 101 body is the connection itself.
		writeEvent(e, start)
		return resp, nil
	}
	b := &body{rc: resp.Body, e: e, start: start, red: t.red, url: req.URL}
	if lowest <= zerolog.DebugLevel && t.bodyLimit > 0 {
		b.limit = t.bodyLimit
	}
	resp.Body = b
	return resp, nil
}

// head adds the fields known when RoundTrip returns. At debug it adds the
// headers and the request body excerpt too.
func (t *transport) head(e *zerolog.Event, req *http.Request, resp *http.Response, lowest zerolog.Level) {
	var buf [256]byte // most URLs fit: no allocation for them
	textBytes(e.Str("method", method(req)), "url", t.red.appendURL(buf[:0], req.URL))
	if resp != nil {
		e.Int("status", resp.StatusCode)
	}
	if n := retry.Attempt(req.Context()); n > 0 {
		e.Int("attempt", n)
	}
	if lowest > zerolog.DebugLevel {
		return
	}
	e.Dict("request_headers", t.headers(req.Header, req))
	if x, ok := t.requestExcerpt(req); ok {
		e.Str("request_body", t.red.text(string(x), req.URL))
	}
	if resp != nil {
		e.Dict("response_headers", t.headers(resp.Header, req))
	}
}

// headers returns h as a dictionary event, secrets redacted.
func (t *transport) headers(h http.Header, req *http.Request) *zerolog.Event {
	d := zerolog.Dict()
	for _, k := range sortedKeys(h) {
		d.Str(k, t.red.headerValue(k, h[k], req.URL))
	}
	return d
}

// requestExcerpt reads the first bodyLimit bytes of a fresh copy of the
// request body from req.GetBody. The caller's req.Body is never touched:
// without GetBody there is no excerpt.
func (t *transport) requestExcerpt(req *http.Request) ([]byte, bool) {
	if t.bodyLimit <= 0 || req.GetBody == nil || req.Body == nil || req.Body == http.NoBody {
		return nil, false
	}
	rc, err := req.GetBody()
	if err != nil || rc == nil {
		return nil, false
	}
	defer rc.Close()
	x, err := io.ReadAll(io.LimitReader(rc, int64(t.bodyLimit)))
	if err != nil {
		return nil, false
	}
	return x, true
}

// method returns req's method as net/http sends it: GET when empty.
func method(req *http.Request) string {
	if req.Method == "" {
		return http.MethodGet
	}
	return req.Method
}

// writeEvent adds the duration since start, in milliseconds, and writes e.
func writeEvent(e *zerolog.Event, start time.Time) {
	var buf [32]byte
	e.RawJSON("duration", appendMillis(buf[:0], time.Since(start))).Msg(message)
}

// CloseIdleConnections closes the idle connections of the next
// RoundTripper, so that [http.Client.CloseIdleConnections] reaches the base
// transport through this middleware.
func (t *transport) CloseIdleConnections() { middleware.CloseIdleConnections(t.next) }
