package timeout_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/roundtrip-go/roundtrip/middleware"
	"github.com/roundtrip-go/roundtrip/middleware/middlewaretest"
	"github.com/roundtrip-go/roundtrip/timeout"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// stallServer answers after the request's context ends or the test ends.
// With headersFirst it sends the headers and part of the body at once, then
// stalls inside the body.
func stallServer(t *testing.T, headersFirst bool) *httptest.Server {
	t.Helper()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if headersFirst {
			w.Header().Set("Content-Length", "100")
			w.WriteHeader(http.StatusOK)
			io.WriteString(w, "partial")
			w.(http.Flusher).Flush()
		}
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(func() {
		close(release)
		srv.Close()
	})
	return srv
}

func newTransport() *http.Transport {
	return &http.Transport{}
}

func assertAttemptTimeout(t *testing.T, err error) {
	t.Helper()
	require.Error(t, err)
	var te *timeout.Error
	assert.True(t, errors.As(err, &te), "got %T %v; want a *timeout.Error", err, err)
	assert.True(t, errors.Is(err, context.DeadlineExceeded), "got %v; want it to match context.DeadlineExceeded", err)
	var ne net.Error
	if assert.True(t, errors.As(err, &ne), "got %T; want a net.Error", err) {
		assert.True(t, ne.Timeout(), "got Timeout() false; want true")
	}
	assert.True(t, strings.HasPrefix(te.Error(), "timeout: "), "got %q; want the package prefix", te.Error())
}

func TestFiresOnSlowServer(t *testing.T) {
	srv := stallServer(t, false)
	tr := newTransport()
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: timeout.New(30 * time.Millisecond)(tr)}

	start := time.Now()
	resp, err := client.Get(srv.URL)
	assert.Nil(t, resp)
	assertAttemptTimeout(t, err)
	assert.Less(t, time.Since(start), 5*time.Second, "the deadline did not end the attempt")
}

func TestDeadlineCoversBody(t *testing.T) {
	srv := stallServer(t, true)
	tr := newTransport()
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: timeout.New(50 * time.Millisecond)(tr)}

	resp, err := client.Get(srv.URL)
	require.NoError(t, err, "the headers came in time")
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	assert.Equal(t, "partial", string(got))
	assertAttemptTimeout(t, err)
}

func TestBodyReadableAfterReturn(t *testing.T) {
	want := strings.Repeat("x", 256<<10) // more than the transport buffers
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, want)
	}))
	defer srv.Close()
	tr := newTransport()
	defer tr.CloseIdleConnections()

	req, err := http.NewRequest(http.MethodGet, srv.URL, nil)
	require.NoError(t, err)
	resp, err := timeout.New(10 * time.Second)(tr).RoundTrip(req)
	require.NoError(t, err)
	got, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	assert.Equal(t, len(want), len(got))
}

// TestReleasedOnEOFOrClose checks that the attempt's context lives exactly
// until the body is read to EOF or closed.
func TestReleasedOnEOFOrClose(t *testing.T) {
	tests := []struct {
		give string
		end  func(io.ReadCloser)
	}{
		{give: "read to EOF", end: func(b io.ReadCloser) { io.ReadAll(b) }},
		{give: "closed unread", end: func(b io.ReadCloser) { b.Close() }},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			var attemptCtx context.Context
			base := middlewaretest.NewTransport(middlewaretest.Reply{Body: "hello"})
			spy := middleware.Func(func(req *http.Request) (*http.Response, error) {
				attemptCtx = req.Context()
				return base.RoundTrip(req)
			})
			req, err := http.NewRequest(http.MethodGet, "http://example.test/", nil)
			require.NoError(t, err)
			resp, err := timeout.New(time.Minute)(spy).RoundTrip(req)
			require.NoError(t, err)
			require.NoError(t, attemptCtx.Err(), "released before the body was done")
			tt.end(resp.Body)
			assert.ErrorIs(t, attemptCtx.Err(), context.Canceled, "not released after the body was done")
			assert.NoError(t, req.Context().Err(), "the caller's context must live on")
			resp.Body.Close()
			assert.Equal(t, 1, base.Responses()[0].Closes())
		})
	}
}

func TestCallerContextIsNotAnAttemptTimeout(t *testing.T) {
	srv := stallServer(t, false)
	tr := newTransport()
	defer tr.CloseIdleConnections()
	rt := timeout.New(time.Minute)(tr)

	tests := []struct {
		give string
		ctx  func() (context.Context, context.CancelFunc)
		want error
	}{
		{
			give: "caller deadline",
			ctx: func() (context.Context, context.CancelFunc) {
				return context.WithTimeout(context.Background(), 30*time.Millisecond)
			},
			want: context.DeadlineExceeded,
		},
		{
			give: "caller cancel",
			ctx: func() (context.Context, context.CancelFunc) {
				ctx, cancel := context.WithCancel(context.Background())
				time.AfterFunc(30*time.Millisecond, cancel)
				return ctx, cancel
			},
			want: context.Canceled,
		},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			ctx, cancel := tt.ctx()
			defer cancel()
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
			require.NoError(t, err)
			resp, err := rt.RoundTrip(req)
			assert.Nil(t, resp)
			require.Error(t, err)
			var te *timeout.Error
			assert.False(t, errors.As(err, &te), "got %v; the caller's context is not an attempt timeout", err)
			assert.ErrorIs(t, err, tt.want)
		})
	}
}

func TestNonPositivePassesThrough(t *testing.T) {
	base := middlewaretest.NewTransport()
	for _, d := range []time.Duration{0, -time.Second} {
		if got := timeout.New(d)(base); got != http.RoundTripper(base) {
			t.Errorf("New(%v): got %T; want the next RoundTripper itself", d, got)
		}
	}
	if got := timeout.New(0)(nil); got != http.DefaultTransport {
		t.Errorf("New(0)(nil): got %T; want http.DefaultTransport", got)
	}
}

func TestErrorUnwrapsCause(t *testing.T) {
	cause := &net.OpError{Op: "read", Net: "tcp", Err: errors.New("i/o timeout")}
	err := error(&timeout.Error{Limit: time.Second, Err: cause})
	var op *net.OpError
	assert.True(t, errors.As(err, &op))
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, "timeout: attempt exceeded its 1s deadline: read tcp: i/o timeout", err.Error())
	assert.Equal(t, "timeout: attempt exceeded its 2s deadline", (&timeout.Error{Limit: 2 * time.Second}).Error())
}

func TestNoBodyResponse(t *testing.T) {
	var attemptCtx context.Context
	rt := timeout.New(time.Minute)(middleware.Func(func(req *http.Request) (*http.Response, error) {
		attemptCtx = req.Context()
		return &http.Response{StatusCode: http.StatusNoContent, Body: http.NoBody, Header: http.Header{}, Request: req}, nil
	}))
	req, err := http.NewRequest(http.MethodGet, "http://example.test/", nil)
	require.NoError(t, err)
	resp, err := rt.RoundTrip(req)
	require.NoError(t, err)
	assert.Equal(t, http.NoBody, resp.Body)
	assert.Error(t, attemptCtx.Err(), "with no body to wait for, the attempt ends at once")
}

type rwc struct {
	io.Reader
	written strings.Builder
}

func (r *rwc) Write(p []byte) (int, error) { return r.written.Write(p) }
func (r *rwc) Close() error                { return nil }

func TestSwitchingProtocolsKeepsWriter(t *testing.T) {
	conn := &rwc{Reader: strings.NewReader("")}
	rt := timeout.New(time.Minute)(middleware.Func(func(req *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: http.StatusSwitchingProtocols, Body: conn, Header: http.Header{}, Request: req}, nil
	}))
	req, err := http.NewRequest(http.MethodGet, "http://example.test/", nil)
	require.NoError(t, err)
	resp, err := rt.RoundTrip(req)
	require.NoError(t, err)
	w, ok := resp.Body.(io.Writer)
	require.True(t, ok, "got %T; want an io.Writer body for 101", resp.Body)
	io.WriteString(w, "ping")
	assert.Equal(t, "ping", conn.written.String())
	resp.Body.Close()
}

func TestContract(t *testing.T) {
	middlewaretest.CheckContract(t, timeout.New(time.Minute))
}
