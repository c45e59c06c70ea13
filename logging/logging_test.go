package logging_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/roundtrip-go/roundtrip/internal/attempt"
	"github.com/roundtrip-go/roundtrip/logging"
	"github.com/roundtrip-go/roundtrip/logging/internal/logtest"
	"github.com/roundtrip-go/roundtrip/middleware"
	"github.com/roundtrip-go/roundtrip/middleware/middlewaretest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// syncBuffer is where the tests' loggers write.
type syncBuffer = logtest.Buffer

// newLogger returns a JSON logger at lvl writing to a fresh buffer.
func newLogger(lvl zerolog.Level) (zerolog.Logger, *syncBuffer) {
	buf := &syncBuffer{}
	return zerolog.New(buf).Level(lvl), buf
}

// roundTrip sends req through rt, reads the whole body and closes it.
func roundTrip(t *testing.T, rt http.RoundTripper, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	resp, err := rt.RoundTrip(req)
	require.NoError(t, err)
	got, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	return resp, got
}

func TestRedactsSecretsEverywhere(t *testing.T) {
	secrets := []string{
		"AUTHIDSECRET", "SIGNATURESECRET", "BEARERSECRET", "USERSECRET", "PASSSECRET",
		"APIKEYSECRET", "COOKIESECRET", "LOCATIONSECRET", "TOKENSECRET",
	}
	for _, lvl := range []zerolog.Level{zerolog.DebugLevel, zerolog.InfoLevel, zerolog.TraceLevel} {
		t.Run(lvl.String(), func(t *testing.T) {
			logger, buf := newLogger(lvl)
			base := middlewaretest.NewTransport(middlewaretest.Reply{
				Status: http.StatusOK,
				Header: http.Header{
					"Set-Cookie":   {"session=COOKIESECRET; HttpOnly"},
					"Location":     {"https://other.example.test/cb?access_token=LOCATIONSECRET&state=xyz"},
					"Content-Type": {"application/json"},
				},
				Body: `{"items":[]}`,
			})
			rt := logging.New(logger)(base)

			req, err := http.NewRequest(http.MethodPost,
				"https://USERSECRET:PASSSECRET@api.example.test/v1/items?page=2&api_key=APIKEYSECRET&Token=TOKENSECRET",
				strings.NewReader(`{"name":"widget"}`))
			require.NoError(t, err)
			req.Header.Set("api-auth-id", "AUTHIDSECRET")
			req.Header.Set("api-auth-signature", "SIGNATURESECRET")
			req.Header.Set("Authorization", "Bearer BEARERSECRET")
			req.Header.Set("X-Request-Id", "visible-id")

			_, got := roundTrip(t, rt, req)
			assert.Equal(t, `{"items":[]}`, string(got))

			e := buf.Only(t, secrets...)
			assert.Contains(t, buf.String(), "REDACTED")
			assert.Contains(t, buf.String(), "page=2")
			assert.Equal(t, "https://REDACTED@api.example.test/v1/items?page=2&api_key=REDACTED&Token=REDACTED", e["url"])
			if lvl > zerolog.DebugLevel {
				assert.NotContains(t, e, "request_headers")
				assert.NotContains(t, e, "response_body")
				return
			}
			reqH, _ := e["request_headers"].(map[string]any)
			assert.Equal(t, "visible-id", reqH["X-Request-Id"])
			for _, name := range []string{"Api-Auth-Id", "Api-Auth-Signature", "Authorization"} {
				assert.Equal(t, "REDACTED", reqH[name], name)
			}
			respH, _ := e["response_headers"].(map[string]any)
			assert.Equal(t, "REDACTED", respH["Set-Cookie"])
			assert.Equal(t, "https://other.example.test/cb?access_token=REDACTED&state=xyz", respH["Location"])
			assert.Equal(t, `{"name":"widget"}`, e["request_body"])
			assert.Equal(t, `{"items":[]}`, e["response_body"])
		})
	}
}

func TestRedactionOptions(t *testing.T) {
	logger, buf := newLogger(zerolog.DebugLevel)
	rt := logging.New(logger,
		logging.WithRedactedHeaders("x-session"),
		logging.WithRedactedQueryParams("Session_ID"),
		nil,
	)(middlewaretest.NewTransport())
	req := httptest.NewRequest(http.MethodGet, "http://example.test/?SESSION_ID=SESSIONSECRET&page=3", nil)
	req.RequestURI = ""
	req.Header.Set("X-Session", "HEADERSECRET")
	req.Header.Set("X-Api-Key", "APIKEYSECRET")
	roundTrip(t, rt, req)

	e := buf.Only(t, "SESSIONSECRET", "HEADERSECRET", "APIKEYSECRET")
	assert.Equal(t, "http://example.test/?SESSION_ID=REDACTED&page=3", e["url"])
	reqH, _ := e["request_headers"].(map[string]any)
	assert.Equal(t, "REDACTED", reqH["X-Session"])
	assert.Equal(t, "REDACTED", reqH["X-Api-Key"])
}

func TestLevels(t *testing.T) {
	tests := []struct {
		give int
		want string
	}{
		{give: http.StatusContinue, want: "info"},
		{give: http.StatusSwitchingProtocols, want: "info"},
		{give: http.StatusOK, want: "info"},
		{give: http.StatusNoContent, want: "info"},
		{give: http.StatusMovedPermanently, want: "info"},
		{give: http.StatusNotModified, want: "info"},
		{give: http.StatusBadRequest, want: "warn"},
		{give: http.StatusNotFound, want: "warn"},
		{give: http.StatusTooManyRequests, want: "warn"},
		{give: http.StatusInternalServerError, want: "error"},
		{give: http.StatusServiceUnavailable, want: "error"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.give), func(t *testing.T) {
			logger, buf := newLogger(zerolog.InfoLevel)
			rt := logging.New(logger)(middlewaretest.NewTransport(middlewaretest.Reply{Status: tt.give, Body: "b"}))
			req, err := http.NewRequest(http.MethodGet, "http://example.test/path?q=1", nil)
			require.NoError(t, err)
			req.Method = "" // means GET
			resp, _ := roundTrip(t, rt, req)
			assert.Equal(t, tt.give, resp.StatusCode)

			events := buf.Events(t)
			require.Len(t, events, 1)
			e := events[0]
			assert.Equal(t, tt.want, e["level"], "got level %v; want %v", e["level"], tt.want)
			assert.Equal(t, float64(tt.give), e["status"])
			assert.Equal(t, "GET", e["method"])
			assert.Equal(t, "http://example.test/path?q=1", e["url"])
			assert.Equal(t, "http request", e["message"])
			assert.IsType(t, float64(0), e["duration_ms"])
			assert.NotContains(t, e, "attempt")
			assert.NotContains(t, e, "error")
		})
	}
}

func TestTransportError(t *testing.T) {
	const raw = "https://bob:PASSSECRET@api.example.test/v1?api_key=APIKEYSECRET&page=2"
	tests := []struct {
		name string
		give error
	}{
		{name: "url.Error", give: &url.Error{Op: "Get", URL: raw, Err: errors.New("connection refused")}},
		{name: "text", give: fmt.Errorf("dial for %s: connection refused", raw)},
		{name: "query only", give: errors.New("GET /v1?api_key=APIKEYSECRET&page=2 by bob:PASSSECRET: connection refused")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logger, buf := newLogger(zerolog.InfoLevel)
			rt := logging.New(logger)(middlewaretest.NewTransport(middlewaretest.Reply{Err: tt.give}))
			req, err := http.NewRequest(http.MethodGet, raw, nil)
			require.NoError(t, err)

			resp, err := rt.RoundTrip(req)
			assert.Nil(t, resp)
			assert.Same(t, tt.give, err, "got error %v; want the same value next returned", err)

			e := buf.Only(t, "PASSSECRET", "APIKEYSECRET")
			assert.Equal(t, "error", e["level"])
			assert.NotContains(t, e, "status")
			msg, _ := e["error"].(string)
			assert.Contains(t, msg, "connection refused")
			assert.Contains(t, msg, "REDACTED")
			assert.Contains(t, msg, "page=2")
		})
	}
}

// TestCancelCauseLogged checks that an attempt ended by its context logs
// the context's cause, which says why, and still returns next's error.
func TestCancelCauseLogged(t *testing.T) {
	cause := errors.New("stopped by the layer above")
	for _, tt := range []struct {
		name  string
		cause error // nil: cancelled without one
		want  string
	}{
		{name: "cause", cause: cause, want: cause.Error()},
		{name: "no cause", want: context.Canceled.Error()},
	} {
		t.Run(tt.name, func(t *testing.T) {
			logger, buf := newLogger(zerolog.InfoLevel)
			ctx, cancel := context.WithCancelCause(context.Background())
			cancel(tt.cause)
			rt := logging.New(logger)(middlewaretest.NewTransport(middlewaretest.Reply{Err: context.Canceled}))
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, "https://api.example.test/v1", nil)
			require.NoError(t, err)

			_, err = rt.RoundTrip(req)
			assert.Same(t, context.Canceled, err)
			assert.Equal(t, tt.want, buf.Only(t)["error"])
		})
	}
}

func TestResponseBodyExcerpt(t *testing.T) {
	var sb strings.Builder
	for i := range 300 {
		fmt.Fprintf(&sb, "%d,", i)
	}
	payload := sb.String()
	tests := []struct {
		name string
		opts []logging.Option
		want int
	}{
		{name: "default", want: 200},
		{name: "zero means default", opts: []logging.Option{logging.WithBodyLimit(0)}, want: 200},
		{name: "small", opts: []logging.Option{logging.WithBodyLimit(7)}, want: 7},
		{name: "larger than body", opts: []logging.Option{logging.WithBodyLimit(1 << 20)}, want: len(payload)},
		{name: "off", opts: []logging.Option{logging.WithBodyLimit(-1)}, want: -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logger, buf := newLogger(zerolog.DebugLevel)
			base := middlewaretest.NewTransport(middlewaretest.Reply{Body: payload})
			rt := logging.New(logger, tt.opts...)(base)
			req, err := http.NewRequest(http.MethodGet, "http://example.test/", nil)
			require.NoError(t, err)

			resp, err := rt.RoundTrip(req)
			require.NoError(t, err)
			// Read in small pieces, so the excerpt spans many reads.
			got, err := io.ReadAll(iotest.OneByteReader(resp.Body))
			require.NoError(t, err)
			assert.True(t, bytes.Equal([]byte(payload), got), "got a body of %d bytes; want the %d bytes sent", len(got), len(payload))
			require.NoError(t, resp.Body.Close())
			require.NoError(t, resp.Body.Close())
			assert.Equal(t, 1, base.Responses()[0].Closes(), "got %d closes of the original body; want 1", base.Responses()[0].Closes())

			events := buf.Events(t)
			require.Len(t, events, 1)
			if tt.want < 0 {
				assert.NotContains(t, events[0], "response_body")
				return
			}
			assert.Equal(t, payload[:tt.want], events[0]["response_body"])
		})
	}
}

func TestEventWrittenAtEOFOrClose(t *testing.T) {
	t.Run("EOF", func(t *testing.T) {
		logger, buf := newLogger(zerolog.InfoLevel)
		base := middlewaretest.NewTransport(middlewaretest.Reply{Body: "hello"})
		resp, err := logging.New(logger)(base).RoundTrip(httptest.NewRequest(http.MethodGet, "http://example.test/", nil).WithContext(t.Context()))
		require.NoError(t, err)
		assert.Empty(t, buf.String(), "got an event before the body was read; want none yet")
		_, err = io.ReadAll(resp.Body)
		require.NoError(t, err)
		assert.Len(t, buf.Events(t), 1)
		require.NoError(t, resp.Body.Close())
		assert.Len(t, buf.Events(t), 1, "got a second event on Close after EOF; want one")
	})
	t.Run("close unread", func(t *testing.T) {
		logger, buf := newLogger(zerolog.DebugLevel)
		base := middlewaretest.NewTransport(middlewaretest.Reply{Body: "hello"})
		resp, err := logging.New(logger)(base).RoundTrip(httptest.NewRequest(http.MethodGet, "http://example.test/", nil).WithContext(t.Context()))
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		events := buf.Events(t)
		require.Len(t, events, 1)
		assert.Equal(t, "", events[0]["response_body"])
		assert.Equal(t, 1, base.Responses()[0].Closes())
	})
	t.Run("no body", func(t *testing.T) {
		logger, buf := newLogger(zerolog.DebugLevel)
		next := middleware.Func(func(req *http.Request) (*http.Response, error) {
			return &http.Response{StatusCode: http.StatusNoContent, Header: http.Header{}, Body: http.NoBody, Request: req}, nil
		})
		resp, err := logging.New(logger)(next).RoundTrip(httptest.NewRequest(http.MethodGet, "http://example.test/", nil).WithContext(t.Context()))
		require.NoError(t, err)
		assert.Equal(t, http.NoBody, resp.Body)
		e := buf.Only(t)
		assert.NotContains(t, e, "response_body", "got an excerpt of no body")
	})
}

func TestReadErrorLogged(t *testing.T) {
	logger, buf := newLogger(zerolog.DebugLevel)
	readErr := errors.New("connection reset reading https://bob:PASSSECRET@api.example.test/")
	next := middleware.Func(func(req *http.Request) (*http.Response, error) {
		return &http.Response{
			StatusCode: http.StatusOK,
			Header:     http.Header{},
			Body:       io.NopCloser(io.MultiReader(strings.NewReader("partial"), iotest.ErrReader(readErr))),
			Request:    req,
		}, nil
	})
	req, err := http.NewRequest(http.MethodGet, "https://bob:PASSSECRET@api.example.test/", nil)
	require.NoError(t, err)
	resp, err := logging.New(logger)(next).RoundTrip(req)
	require.NoError(t, err)
	got, err := io.ReadAll(resp.Body)
	assert.Equal(t, "partial", string(got))
	assert.Same(t, readErr, err, "got read error %v; want the original", err)
	require.NoError(t, resp.Body.Close())

	events := buf.Events(t)
	require.Len(t, events, 1)
	assert.Equal(t, "partial", events[0]["response_body"])
	assert.Equal(t, "connection reset reading https://REDACTED@api.example.test/", events[0]["error"])
	assert.NotContains(t, buf.String(), "PASSSECRET")
}

func TestRequestBodyExcerpt(t *testing.T) {
	payload := strings.Repeat("0123456789", 50)
	t.Run("GetBody", func(t *testing.T) {
		logger, buf := newLogger(zerolog.DebugLevel)
		base := middlewaretest.NewTransport()
		req, err := http.NewRequest(http.MethodPost, "http://example.test/", strings.NewReader(payload))
		require.NoError(t, err)
		roundTrip(t, logging.New(logger, logging.WithBodyLimit(25))(base), req)

		assert.Equal(t, payload, string(base.Received()[0].Body), "the base got a different body than the caller sent")
		assert.Equal(t, payload[:25], buf.Events(t)[0]["request_body"])
	})
	t.Run("no GetBody", func(t *testing.T) {
		logger, buf := newLogger(zerolog.DebugLevel)
		base := middlewaretest.NewTransport()
		body := middlewaretest.NewBody(payload)
		req, err := http.NewRequest(http.MethodPost, "http://example.test/", body)
		require.NoError(t, err)
		roundTrip(t, logging.New(logger)(base), req)

		assert.Equal(t, payload, string(base.Received()[0].Body))
		assert.Equal(t, 1, body.Closes())
		assert.NotContains(t, buf.Events(t)[0], "request_body")
	})
}

func TestReturnsWhatNextReturned(t *testing.T) {
	for _, lvl := range []zerolog.Level{zerolog.DebugLevel, zerolog.InfoLevel, zerolog.WarnLevel, zerolog.Disabled} {
		t.Run(lvl.String(), func(t *testing.T) {
			logger, _ := newLogger(lvl)
			orig := middlewaretest.NewBody("hello")
			want := &http.Response{StatusCode: http.StatusOK, Header: http.Header{"A": {"b"}}, Body: orig}
			next := middleware.Func(func(*http.Request) (*http.Response, error) { return want, nil })
			req := httptest.NewRequest(http.MethodGet, "http://example.test/", nil).WithContext(t.Context())

			resp, err := logging.New(logger)(next).RoundTrip(req)
			require.NoError(t, err)
			assert.Same(t, want, resp)
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			if lvl > zerolog.InfoLevel {
				assert.Equal(t, io.ReadCloser(orig), resp.Body, "a disabled event wrapped the body")
			}
			got, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			assert.Equal(t, "hello", string(got))
			require.NoError(t, resp.Body.Close())
			assert.Equal(t, 1, orig.Closes())
		})
	}
}

func TestDisabledLoggers(t *testing.T) {
	var zero zerolog.Logger
	tests := []struct {
		name string
		give zerolog.Logger
	}{
		{name: "zero", give: zero},
		{name: "nop", give: zerolog.Nop()},
		{name: "disabled level", give: zerolog.New(io.Discard).Level(zerolog.Disabled)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			middlewaretest.CheckContract(t, logging.New(tt.give))
			orig := middlewaretest.NewBody("x")
			next := middleware.Func(func(*http.Request) (*http.Response, error) {
				return &http.Response{StatusCode: http.StatusInternalServerError, Body: orig}, nil
			})
			resp, err := logging.New(tt.give)(next).RoundTrip(httptest.NewRequest(http.MethodGet, "http://example.test/", nil))
			require.NoError(t, err)
			assert.Equal(t, io.ReadCloser(orig), resp.Body, "got a wrapped body; want the original")
			resp.Body.Close()
		})
	}
}

func TestGlobalLevel(t *testing.T) {
	// Not parallel: it changes the global level.
	defer zerolog.SetGlobalLevel(zerolog.GlobalLevel())
	zerolog.SetGlobalLevel(zerolog.WarnLevel)
	logger, buf := newLogger(zerolog.DebugLevel)
	rt := logging.New(logger)(middlewaretest.NewTransport(
		middlewaretest.Reply{Status: http.StatusOK},
		middlewaretest.Reply{Status: http.StatusNotFound},
	))
	for range 2 {
		roundTrip(t, rt, httptest.NewRequest(http.MethodGet, "http://example.test/", nil))
	}
	events := buf.Events(t)
	require.Len(t, events, 1)
	assert.Equal(t, "warn", events[0]["level"])
	assert.NotContains(t, events[0], "request_headers", "got debug fields under a warn global level")
}

func TestContract(t *testing.T) {
	for _, lvl := range []zerolog.Level{zerolog.TraceLevel, zerolog.DebugLevel, zerolog.InfoLevel, zerolog.ErrorLevel} {
		t.Run(lvl.String(), func(t *testing.T) {
			logger, buf := newLogger(lvl)
			middlewaretest.CheckContract(t, logging.New(logger))
			assert.NotEmpty(t, buf.Events(t))
		})
	}
}

func TestConcurrentReadAndClose(t *testing.T) {
	logger, buf := newLogger(zerolog.DebugLevel)
	pr, pw := io.Pipe()
	next := middleware.Func(func(req *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: pr, Request: req}, nil
	})
	resp, err := logging.New(logger)(next).RoundTrip(httptest.NewRequest(http.MethodGet, "http://example.test/", nil))
	require.NoError(t, err)

	wrote := make(chan error, 1)
	go func() {
		_, err := pw.Write([]byte("streamed"))
		wrote <- err
	}()
	first := make([]byte, len("streamed"))
	_, err = io.ReadFull(resp.Body, first)
	require.NoError(t, err)
	require.NoError(t, <-wrote)

	// A second read blocks on the stream until Close ends it.
	read := make(chan error, 1)
	go func() {
		_, err := io.ReadAll(resp.Body)
		read <- err
	}()
	require.NoError(t, resp.Body.Close()) // closes the pipe's reader, ending the read
	assert.ErrorIs(t, <-read, io.ErrClosedPipe)
	events := buf.Events(t)
	require.Len(t, events, 1)
	assert.Equal(t, "streamed", events[0]["response_body"])
}

func TestNilNext(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "from server")
	}))
	defer srv.Close()
	defer http.DefaultTransport.(*http.Transport).CloseIdleConnections()

	logger, buf := newLogger(zerolog.InfoLevel)
	req, err := http.NewRequest(http.MethodGet, srv.URL, nil)
	require.NoError(t, err)
	_, got := roundTrip(t, logging.New(logger)(nil), req)
	assert.Equal(t, "from server", string(got))
	assert.Equal(t, float64(200), buf.Events(t)[0]["status"])
}

func TestAttemptLevels(t *testing.T) {
	tests := []struct {
		name    string
		attempt int
		reply   middlewaretest.Reply
		want    string
	}{
		{name: "5xx outside retry", reply: middlewaretest.Reply{Status: 503}, want: "error"},
		{name: "error outside retry", reply: middlewaretest.Reply{Err: errors.New("connection reset")}, want: "error"},
		{name: "4xx outside retry", reply: middlewaretest.Reply{Status: 404}, want: "warn"},
		{name: "5xx inside retry", attempt: 1, reply: middlewaretest.Reply{Status: 503}, want: "warn"},
		{name: "error inside retry", attempt: 2, reply: middlewaretest.Reply{Err: errors.New("connection reset")}, want: "warn"},
		{name: "4xx inside retry", attempt: 1, reply: middlewaretest.Reply{Status: 429}, want: "warn"},
		{name: "2xx inside retry", attempt: 3, reply: middlewaretest.Reply{Status: 200}, want: "info"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, b := range backends {
				rt, buf := b.new(zerolog.InfoLevel)
				ctx := t.Context()
				if tt.attempt > 0 {
					ctx = attempt.With(ctx, tt.attempt)
				}
				req := httptest.NewRequest(http.MethodGet, "http://example.test/", nil).WithContext(ctx)
				resp, err := rt(middlewaretest.NewTransport(tt.reply)).RoundTrip(req)
				if err == nil {
					resp.Body.Close()
				}
				e := buf.Only(t)
				assert.Equal(t, tt.want, e["level"], "%s: got level %v; want %v", b.name, e["level"], tt.want)
				if tt.attempt > 0 {
					assert.EqualValues(t, tt.attempt, e["attempt"], b.name)
				} else {
					assert.NotContains(t, e, "attempt", b.name)
				}
			}
		})
	}
}
