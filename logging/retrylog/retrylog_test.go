package retrylog_test

import (
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roundtrip-go/roundtrip"
	"github.com/roundtrip-go/roundtrip/logging"
	"github.com/roundtrip-go/roundtrip/logging/internal/logtest"
	"github.com/roundtrip-go/roundtrip/logging/retrylog"
	"github.com/roundtrip-go/roundtrip/middleware/middlewaretest"
	"github.com/roundtrip-go/roundtrip/retry"
)

// syncBuffer is where the tests' loggers write.
type syncBuffer = logtest.Buffer

// stack is a retry middleware with the listener over a logging middleware,
// both writing JSON lines to one buffer, for zerolog or slog.
type stack struct {
	name string
	new  func(buf *syncBuffer, retryOpts ...retry.Option) roundtrip.Builder
}

var fast = []retry.Option{retry.WithBackoff(time.Millisecond, time.Millisecond), retry.WithJitter(0)}

var stacks = []stack{
	{name: "zerolog", new: func(buf *syncBuffer, opts ...retry.Option) roundtrip.Builder {
		logger := zerolog.New(buf).Level(zerolog.InfoLevel)
		opts = append(append(opts, fast...), retrylog.New(logger, logging.WithRedactedQueryParams("session")))
		return roundtrip.Chain(retry.New(opts...), logging.New(logger, logging.WithRedactedQueryParams("session")))
	}},
	{name: "slog", new: func(buf *syncBuffer, opts ...retry.Option) roundtrip.Builder {
		logger := slog.New(slog.NewJSONHandler(buf, nil))
		opts = append(append(opts, fast...), retrylog.NewSlog(logger, logging.WithRedactedQueryParams("session")))
		return roundtrip.Chain(retry.New(opts...), logging.NewSlog(logger, logging.WithRedactedQueryParams("session")))
	}},
}

const rawURL = "https://joe:pa55word@api.example.test/items?page=2&api_key=k3y&session=s3ss"
const wantURL = "https://REDACTED@api.example.test/items?page=2&api_key=REDACTED&session=REDACTED"

func get(t *testing.T, rt http.RoundTripper) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	require.NoError(t, err)
	resp, err := rt.RoundTrip(req)
	if err == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		require.NoError(t, resp.Body.Close())
	}
	return resp, err
}

// byMessage returns the events with message msg, and the levels of all.
func byMessage(events []map[string]any, msg string) (out []map[string]any) {
	for _, e := range events {
		if e["message"] == msg {
			out = append(out, e)
		}
	}
	return out
}

func levels(events []map[string]any) map[string]int {
	n := map[string]int{}
	for _, e := range events {
		n[e["level"].(string)]++
	}
	return n
}

func TestRecoveredCallLogsNoError(t *testing.T) {
	for _, s := range stacks {
		t.Run(s.name, func(t *testing.T) {
			var buf syncBuffer
			base := middlewaretest.NewTransport(
				middlewaretest.Reply{Status: http.StatusServiceUnavailable, Body: "busy"},
				middlewaretest.Reply{Err: &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}},
				middlewaretest.Reply{Status: http.StatusOK, Body: "ok"},
			)
			_, err := get(t, s.new(&buf).Then(base))
			require.NoError(t, err)

			out := buf.String()
			for _, secret := range []string{"pa55word", "joe", "k3y", "s3ss"} {
				assert.NotContains(t, out, secret)
			}
			events := buf.Events(t)
			assert.Zero(t, levels(events)["error"], "a call that recovers logs no error; log:\n%s", out)
			retries := byMessage(events, "retrying request")
			require.Len(t, retries, 2, "log:\n%s", out)
			for i, e := range retries {
				assert.Equal(t, "warn", e["level"])
				assert.Equal(t, "GET", e["method"])
				assert.Equal(t, wantURL, e["url"])
				assert.EqualValues(t, i+1, e["attempt"])
				assert.EqualValues(t, 1, e["delay_ms"])
				assert.NotContains(t, e, "reason")
			}
			assert.EqualValues(t, 503, retries[0]["status"])
			assert.Contains(t, retries[1]["error"], "connection refused")
			assert.NotContains(t, retries[1], "status")
			assert.Len(t, byMessage(events, "http request"), 3)
		})
	}
}

func TestFailedCallLogsOneError(t *testing.T) {
	for _, s := range stacks {
		t.Run(s.name, func(t *testing.T) {
			var buf syncBuffer
			base := middlewaretest.NewTransport(
				middlewaretest.Reply{Status: http.StatusServiceUnavailable},
				middlewaretest.Reply{Status: http.StatusServiceUnavailable},
				middlewaretest.Reply{Status: http.StatusServiceUnavailable},
			)
			resp, err := get(t, s.new(&buf, retry.WithMaxRetries(2)).Then(base))
			require.NoError(t, err)
			assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)

			events := buf.Events(t)
			errs := 0
			for _, e := range events {
				if e["level"] == "error" {
					errs++
					assert.Equal(t, "giving up", e["message"])
					assert.Equal(t, retry.ReasonMaxRetries, e["reason"])
					assert.EqualValues(t, 3, e["attempt"])
					assert.EqualValues(t, 503, e["status"])
					assert.Equal(t, wantURL, e["url"])
					assert.NotContains(t, e, "delay_ms")
				}
			}
			assert.Equal(t, 1, errs, "got %d error events; want exactly the give-up; log:\n%s", errs, buf.String())
			assert.Len(t, byMessage(events, "retrying request"), 2)
		})
	}
}

// TestUnretriedFailureLogsOneError checks that a call that fails without a
// retry (a POST's 503: the method rules forbid one) still logs exactly one
// error, the give-up, while the access event inside retry is a warning.
func TestUnretriedFailureLogsOneError(t *testing.T) {
	for _, s := range stacks {
		t.Run(s.name, func(t *testing.T) {
			var buf syncBuffer
			base := middlewaretest.NewTransport(middlewaretest.Reply{Status: http.StatusServiceUnavailable})
			req, err := http.NewRequest(http.MethodPost, rawURL, strings.NewReader("{}"))
			require.NoError(t, err)
			resp, err := s.new(&buf).Then(base).RoundTrip(req)
			require.NoError(t, err)
			_, _ = io.Copy(io.Discard, resp.Body)
			require.NoError(t, resp.Body.Close())

			var reasons []any
			for _, e := range buf.Events(t) {
				if e["level"] == "error" {
					reasons = append(reasons, e["reason"])
				}
			}
			assert.Equal(t, []any{retry.ReasonNotRetryable}, reasons, "log:\n%s", buf.String())
			assert.Equal(t, 1, base.Calls())
		})
	}
}

// TestGiveUpLineOrder pins the order the package documentation states: a
// call that gives up on a response writes the give-up line before the last
// attempt's access line, which comes when the caller reads the body; one
// that gives up on a transport error writes the access line first.
func TestGiveUpLineOrder(t *testing.T) {
	messages := func(events []map[string]any) (out []string) {
		for _, e := range events {
			out = append(out, e["message"].(string))
		}
		return out
	}
	for _, s := range stacks {
		t.Run(s.name+"/response", func(t *testing.T) {
			var buf syncBuffer
			base := middlewaretest.NewTransport(
				middlewaretest.Reply{Status: http.StatusServiceUnavailable, Body: "busy"},
				middlewaretest.Reply{Status: http.StatusServiceUnavailable, Body: "still busy"},
			)
			req, err := http.NewRequest(http.MethodGet, rawURL, nil)
			require.NoError(t, err)
			resp, err := s.new(&buf, retry.WithMaxRetries(1)).Then(base).RoundTrip(req)
			require.NoError(t, err)
			assert.Equal(t, []string{"http request", "retrying request", "giving up"}, messages(buf.Events(t)))

			_, err = io.Copy(io.Discard, resp.Body)
			require.NoError(t, err)
			require.NoError(t, resp.Body.Close())
			events := buf.Events(t)
			require.Equal(t, []string{"http request", "retrying request", "giving up", "http request"}, messages(events))
			assert.EqualValues(t, 2, events[2]["attempt"])
			assert.EqualValues(t, 2, events[3]["attempt"])
		})
		t.Run(s.name+"/transport error", func(t *testing.T) {
			var buf syncBuffer
			refused := middlewaretest.Reply{Err: &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}}
			_, err := get(t, s.new(&buf, retry.WithMaxRetries(1)).Then(middlewaretest.NewTransport(refused, refused)))
			require.Error(t, err)
			assert.Equal(t, []string{"http request", "retrying request", "http request", "giving up"}, messages(buf.Events(t)))
		})
	}
}

// timeoutError is an attempt timeout as retry recognises one.
type timeoutError struct{}

func (timeoutError) Error() string {
	return "timeout: attempt of https://api.example.test/items?api_key=k3y exceeded 10ms"
}
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }

func TestTimeoutSameTextInBothEvents(t *testing.T) {
	for _, s := range stacks {
		t.Run(s.name, func(t *testing.T) {
			var buf syncBuffer
			base := middlewaretest.NewTransport(
				middlewaretest.Reply{Err: timeoutError{}},
				middlewaretest.Reply{Status: http.StatusOK},
			)
			_, err := get(t, s.new(&buf).Then(base))
			require.NoError(t, err)
			events := buf.Events(t)
			access := byMessage(events, "http request")
			retries := byMessage(events, "retrying request")
			require.Len(t, access, 2)
			require.Len(t, retries, 1)
			assert.Equal(t, "warn", access[0]["level"])
			assert.Equal(t, access[0]["error"], retries[0]["error"])
			assert.Equal(t, "timeout: attempt of https://api.example.test/items?api_key=REDACTED exceeded 10ms", retries[0]["error"])
		})
	}
}
