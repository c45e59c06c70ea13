package timeout_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/roundtrip-go/roundtrip/internal/attempt"
	"github.com/roundtrip-go/roundtrip/middleware"
	"github.com/roundtrip-go/roundtrip/middleware/middlewaretest"
	"github.com/roundtrip-go/roundtrip/timeout"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// stallLimit bounds every stall in these tests: a limit that never fires
// fails the test after it instead of hanging it.
const stallLimit = 10 * time.Second

// stallServer answers after the request's context ends, the test ends or
// stallLimit passes. With headersFirst it sends the headers and part of the
// body at once, then stalls inside the body.
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
		case <-time.After(stallLimit):
		}
	}))
	t.Cleanup(func() {
		close(release)
		srv.Close()
	})
	return srv
}

// errNeverCancelled is what stallBase returns when nothing ends the
// request's context in time.
var errNeverCancelled = errors.New("stallBase: the request's context was not cancelled in time")

// stallBase waits for the request's context to end, as a server that never
// answers would, and returns its cause as net/http's Transport does.
var stallBase = middleware.Func(func(req *http.Request) (*http.Response, error) {
	select {
	case <-req.Context().Done():
		return nil, context.Cause(req.Context())
	case <-time.After(stallLimit):
		return nil, errNeverCancelled
	}
})

// newClient returns a client whose transport is mw over a fresh
// http.Transport, closed at the end of the test.
func newClient(t *testing.T, mw middleware.Middleware) *http.Client {
	t.Helper()
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: mw(tr)}
}

func newGet(t *testing.T, ctx context.Context, url string) *http.Request {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	require.NoError(t, err)
	return req
}

// assertAttemptTimeout checks that err is an attempt timeout of the given
// limit and kind, by every test a caller may use.
func assertAttemptTimeout(t *testing.T, err error, limit time.Duration, idle bool) {
	t.Helper()
	require.Error(t, err)
	var te *timeout.Error
	require.True(t, errors.As(err, &te), "got %T %v; want a *timeout.Error", err, err)
	assert.Equal(t, limit, te.Limit)
	assert.Equal(t, idle, te.Idle)
	assert.True(t, errors.Is(err, context.DeadlineExceeded), "got %v; want it to match context.DeadlineExceeded", err)
	assert.False(t, errors.Is(err, context.Canceled), "got %v; want it not to match context.Canceled", err)
	var ne net.Error
	if assert.True(t, errors.As(err, &ne), "got %T; want a net.Error", err) {
		assert.True(t, ne.Timeout(), "got Timeout() false; want true")
	}
	assert.True(t, strings.HasPrefix(te.Error(), "timeout: "), "got %q; want the package prefix", te.Error())
}

func TestFiresOnSlowServer(t *testing.T) {
	srv := stallServer(t, false)
	client := newClient(t, timeout.New(30*time.Millisecond))

	start := time.Now()
	resp, err := client.Get(srv.URL)
	assert.Nil(t, resp)
	assertAttemptTimeout(t, err, 30*time.Millisecond, false)
	assert.Less(t, time.Since(start), stallLimit, "the deadline did not end the attempt")
}

// stalledBody gives "partial", then blocks until ctx ends and returns its
// cause, as net/http's response body does.
type stalledBody struct {
	ctx  context.Context
	sent bool
}

func (b *stalledBody) Read(p []byte) (int, error) {
	if !b.sent {
		b.sent = true
		return copy(p, "partial"), nil
	}
	select {
	case <-b.ctx.Done():
		return 0, context.Cause(b.ctx)
	case <-time.After(stallLimit):
		return 0, errNeverCancelled
	}
}

func (b *stalledBody) Close() error { return nil }

// TestLimitCoversBody checks that the limit still runs while the caller
// reads the body, and that the Read it ends fails with an *Error, under a
// caller context that cannot end and one that can. The base answers at
// once from memory and its body stalls after a few bytes, so the outcome
// does not depend on how fast the machine is.
func TestLimitCoversBody(t *testing.T) {
	const limit = 20 * time.Millisecond
	base := middleware.Func(func(req *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: http.StatusOK, Body: &stalledBody{ctx: req.Context()}, Header: http.Header{}, Request: req}, nil
	})
	for _, idle := range []bool{false, true} {
		for _, cancellable := range []bool{false, true} {
			mw := timeout.New(limit)
			if idle {
				mw = timeout.Idle(limit)
			}
			ctx := context.Background()
			if cancellable {
				var cancel context.CancelFunc
				ctx, cancel = context.WithCancel(ctx)
				defer cancel()
			}
			resp, err := mw(base).RoundTrip(newGet(t, ctx, "http://example.test/"))
			require.NoError(t, err)
			got, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			assert.Equal(t, "partial", string(got))
			assertAttemptTimeout(t, err, limit, idle)
		}
	}
}

// TestLimitCoversBodyOverHTTP is TestLimitCoversBody through net/http and
// a real server that sends the headers and part of the body, then stalls.
// The limit is 2 s, so that the headers come in time on a loaded machine.
func TestLimitCoversBodyOverHTTP(t *testing.T) {
	const limit = 2 * time.Second
	for _, idle := range []bool{false, true} {
		t.Run(map[bool]string{false: "New", true: "Idle"}[idle], func(t *testing.T) {
			t.Parallel()
			mw := timeout.New(limit)
			if idle {
				mw = timeout.Idle(limit)
			}
			srv := stallServer(t, true)
			resp, err := newClient(t, mw).Get(srv.URL)
			require.NoError(t, err, "the headers came in time")
			defer resp.Body.Close()
			got, err := io.ReadAll(resp.Body)
			assert.Equal(t, "partial", string(got))
			assertAttemptTimeout(t, err, limit, idle)
		})
	}
}

func TestBodyReadableAfterReturn(t *testing.T) {
	want := strings.Repeat("x", 256<<10) // more than the transport buffers
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, want)
	}))
	defer srv.Close()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()

	for _, mw := range []middleware.Middleware{timeout.New(time.Minute), timeout.Idle(time.Minute)} {
		resp, err := mw(tr).RoundTrip(newGet(t, context.Background(), srv.URL))
		require.NoError(t, err)
		got, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		assert.Equal(t, len(want), len(got))
	}
}

// spy returns a base that answers like base and records the context of the
// last request it got.
func spy(base http.RoundTripper) (http.RoundTripper, func() context.Context) {
	var mu sync.Mutex
	var last context.Context
	rt := middleware.Func(func(req *http.Request) (*http.Response, error) {
		mu.Lock()
		last = req.Context()
		mu.Unlock()
		return base.RoundTrip(req)
	})
	return rt, func() context.Context {
		mu.Lock()
		defer mu.Unlock()
		return last
	}
}

// TestReleasedOnEOFOrClose checks that the attempt's context lives exactly
// until the body is read to EOF or closed.
func TestReleasedOnEOFOrClose(t *testing.T) {
	tests := []struct {
		give string
		mw   middleware.Middleware
		end  func(io.ReadCloser)
	}{
		{give: "New read to EOF", mw: timeout.New(time.Minute), end: func(b io.ReadCloser) { io.ReadAll(b) }},
		{give: "New closed unread", mw: timeout.New(time.Minute), end: func(b io.ReadCloser) { b.Close() }},
		{give: "Idle read to EOF", mw: timeout.Idle(time.Minute), end: func(b io.ReadCloser) { io.ReadAll(b) }},
		{give: "Idle closed unread", mw: timeout.Idle(time.Minute), end: func(b io.ReadCloser) { b.Close() }},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			base := middlewaretest.NewTransport(middlewaretest.Reply{Body: "hello"})
			rt, attemptCtx := spy(base)
			req := newGet(t, context.Background(), "http://example.test/")
			resp, err := tt.mw(rt).RoundTrip(req)
			require.NoError(t, err)
			require.NoError(t, attemptCtx().Err(), "released before the body was done")
			tt.end(resp.Body)
			assert.ErrorIs(t, attemptCtx().Err(), context.Canceled, "not released after the body was done")
			assert.ErrorIs(t, context.Cause(attemptCtx()), context.Canceled, "a release is not a timeout")
			assert.NoError(t, req.Context().Err(), "the caller's context must live on")
			resp.Body.Close()
			assert.Equal(t, 1, base.Responses()[0].Closes())
		})
	}
}

func TestReleasedOnError(t *testing.T) {
	errBoom := errors.New("boom")
	for _, mw := range []middleware.Middleware{timeout.New(time.Minute), timeout.Idle(time.Minute)} {
		rt, attemptCtx := spy(middlewaretest.NewTransport(middlewaretest.Reply{Err: errBoom}))
		resp, err := mw(rt).RoundTrip(newGet(t, context.Background(), "http://example.test/"))
		assert.Nil(t, resp)
		assert.ErrorIs(t, err, errBoom, "a transport error passes through")
		assert.False(t, errors.As(err, new(*timeout.Error)), "got %v; not a timeout", err)
		assert.ErrorIs(t, attemptCtx().Err(), context.Canceled, "not released after the error")
	}
}

func TestCallerContextIsNotAnAttemptTimeout(t *testing.T) {
	srv := stallServer(t, false)
	tests := []struct {
		give string
		mw   middleware.Middleware
		ctx  func() (context.Context, context.CancelFunc)
		want error
	}{
		{
			give: "caller deadline",
			mw:   timeout.New(time.Minute),
			ctx: func() (context.Context, context.CancelFunc) {
				return context.WithTimeout(context.Background(), 30*time.Millisecond)
			},
			want: context.DeadlineExceeded,
		},
		{
			give: "caller cancel",
			mw:   timeout.New(time.Minute),
			ctx: func() (context.Context, context.CancelFunc) {
				ctx, cancel := context.WithCancel(context.Background())
				time.AfterFunc(30*time.Millisecond, cancel)
				return ctx, cancel
			},
			want: context.Canceled,
		},
		{
			give: "caller deadline under Idle",
			mw:   timeout.Idle(time.Minute),
			ctx: func() (context.Context, context.CancelFunc) {
				return context.WithTimeout(context.Background(), 30*time.Millisecond)
			},
			want: context.DeadlineExceeded,
		},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			ctx, cancel := tt.ctx()
			defer cancel()
			resp, err := newClient(t, tt.mw).Do(newGet(t, ctx, srv.URL))
			assert.Nil(t, resp)
			require.Error(t, err)
			assert.False(t, errors.As(err, new(*timeout.Error)), "got %v; the caller's context is not an attempt timeout", err)
			assert.ErrorIs(t, err, tt.want)
		})
	}
}

func TestNonPositivePassesThrough(t *testing.T) {
	base := middlewaretest.NewTransport()
	for _, d := range []time.Duration{0, -time.Second} {
		for name, mw := range map[string]middleware.Middleware{"New": timeout.New(d), "Idle": timeout.Idle(d)} {
			if got := mw(base); got != http.RoundTripper(base) {
				t.Errorf("%s(%v): got %T; want the next RoundTripper itself", name, d, got)
			}
			if got := mw(nil); got != http.DefaultTransport {
				t.Errorf("%s(%v)(nil): got %T; want http.DefaultTransport", name, d, got)
			}
		}
	}
}

func TestErrorText(t *testing.T) {
	cause := &net.OpError{Op: "read", Net: "tcp", Err: errors.New("i/o timeout")}
	err := error(&timeout.Error{Limit: time.Second, Err: cause})
	var op *net.OpError
	assert.True(t, errors.As(err, &op))
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	tests := []struct {
		give *timeout.Error
		want string
	}{
		{give: &timeout.Error{Limit: time.Second, Err: cause}, want: "timeout: attempt exceeded its 1s deadline: read tcp: i/o timeout"},
		{give: &timeout.Error{Limit: 2 * time.Second}, want: "timeout: attempt exceeded its 2s deadline"},
		{give: &timeout.Error{Limit: 2 * time.Second, Err: context.DeadlineExceeded}, want: "timeout: attempt exceeded its 2s deadline"},
		{give: &timeout.Error{Limit: 3 * time.Second, Idle: true}, want: "timeout: attempt made no progress for 3s"},
		{give: &timeout.Error{Limit: 3 * time.Second, Idle: true, Err: cause}, want: "timeout: attempt made no progress for 3s: read tcp: i/o timeout"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.give.Error())
	}
}

func TestNoBodyResponse(t *testing.T) {
	for _, mw := range []middleware.Middleware{timeout.New(time.Minute), timeout.Idle(time.Minute)} {
		rt, attemptCtx := spy(middleware.Func(func(req *http.Request) (*http.Response, error) {
			return &http.Response{StatusCode: http.StatusNoContent, Body: http.NoBody, Header: http.Header{}, Request: req}, nil
		}))
		resp, err := mw(rt).RoundTrip(newGet(t, context.Background(), "http://example.test/"))
		require.NoError(t, err)
		assert.Equal(t, http.NoBody, resp.Body)
		assert.Error(t, attemptCtx().Err(), "with no body to wait for, the attempt ends at once")
	}
}

type rwc struct {
	io.Reader
	written strings.Builder
}

func (r *rwc) Write(p []byte) (int, error) { return r.written.Write(p) }
func (r *rwc) Close() error                { return nil }

func TestSwitchingProtocolsKeepsWriter(t *testing.T) {
	for _, mw := range []middleware.Middleware{timeout.New(time.Minute), timeout.Idle(time.Minute)} {
		conn := &rwc{Reader: strings.NewReader("")}
		rt := mw(middleware.Func(func(req *http.Request) (*http.Response, error) {
			return &http.Response{StatusCode: http.StatusSwitchingProtocols, Body: conn, Header: http.Header{}, Request: req}, nil
		}))
		resp, err := rt.RoundTrip(newGet(t, context.Background(), "http://example.test/"))
		require.NoError(t, err)
		w, ok := resp.Body.(io.Writer)
		require.True(t, ok, "got %T; want an io.Writer body for 101", resp.Body)
		io.WriteString(w, "ping")
		assert.Equal(t, "ping", conn.written.String())
		resp.Body.Close()
	}
}

type closeCounter struct{ n int }

func (c *closeCounter) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New("unused")
}
func (c *closeCounter) CloseIdleConnections() { c.n++ }

func TestCloseIdleConnectionsForwards(t *testing.T) {
	base := &closeCounter{}
	for _, mw := range []middleware.Middleware{timeout.New(time.Minute), timeout.Idle(time.Minute)} {
		(&http.Client{Transport: mw(base)}).CloseIdleConnections()
	}
	assert.Equal(t, 2, base.n)
}

func TestContract(t *testing.T) {
	t.Run("New", func(t *testing.T) { middlewaretest.CheckContract(t, timeout.New(time.Minute)) })
	t.Run("Idle", func(t *testing.T) { middlewaretest.CheckContract(t, timeout.Idle(time.Minute)) })
}

// TestAttemptDeadline checks the Deadline the next RoundTripper sees under
// New: its own, or the caller's when that comes first.
func TestAttemptDeadline(t *testing.T) {
	tests := []struct {
		give       string
		parent     time.Duration // 0: no parent deadline
		wantParent bool          // the parent's deadline is reported
	}{
		{give: "no parent deadline"},
		{give: "later parent deadline", parent: time.Hour},
		{give: "earlier parent deadline", parent: time.Second, wantParent: true},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			ctx := context.Background()
			if tt.parent > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.parent)
				defer cancel()
			}
			rt, attemptCtx := spy(middlewaretest.Static{Body: "ok"})
			before := time.Now()
			resp, err := timeout.New(time.Minute)(rt).RoundTrip(newGet(t, ctx, "http://example.test/"))
			after := time.Now()
			require.NoError(t, err)
			defer resp.Body.Close()

			got, ok := attemptCtx().Deadline()
			require.True(t, ok, "got no deadline; want one")
			if tt.wantParent {
				want, _ := ctx.Deadline()
				assert.True(t, got.Equal(want), "got %v; want the parent's %v", got, want)
				return
			}
			assert.False(t, got.Before(before.Add(time.Minute)), "got %v; want at least %v", got, before.Add(time.Minute))
			assert.False(t, got.After(after.Add(time.Minute)), "got %v; want at most %v", got, after.Add(time.Minute))
		})
	}
}

type valueKey struct{}

// TestContextValuesForward checks that the next RoundTripper sees the
// caller's values, the attempt number among them.
func TestContextValuesForward(t *testing.T) {
	ctx := attempt.With(context.WithValue(context.Background(), valueKey{}, "v"), 2)
	for _, mw := range []middleware.Middleware{timeout.New(time.Minute), timeout.Idle(time.Minute)} {
		rt, attemptCtx := spy(middlewaretest.Static{})
		_, err := mw(rt).RoundTrip(newGet(t, ctx, "http://example.test/"))
		require.NoError(t, err)
		assert.Equal(t, "v", attemptCtx().Value(valueKey{}))
		assert.Equal(t, 2, attempt.From(attemptCtx()))
	}
}

// TestParentCancelDuringRoundTrip checks that cancelling the caller's
// context reaches a base waiting on the attempt, and passes through as the
// caller's error.
func TestParentCancelDuringRoundTrip(t *testing.T) {
	for _, mw := range []middleware.Middleware{timeout.New(time.Minute), timeout.Idle(time.Minute)} {
		parent, cancel := context.WithCancel(context.Background())
		waiting := make(chan struct{})
		base := middleware.Func(func(req *http.Request) (*http.Response, error) {
			close(waiting)
			return stallBase.RoundTrip(req)
		})
		go func() {
			<-waiting
			cancel()
		}()
		resp, err := mw(base).RoundTrip(newGet(t, parent, "http://example.test/"))
		assert.Nil(t, resp)
		assert.Equal(t, context.Canceled, err)
	}
}

// TestFiredContext checks what the next RoundTripper's context, and one
// derived from it as net/http derives one, report when the limit fires
// under a caller context that can end but has not.
func TestFiredContext(t *testing.T) {
	tests := []struct {
		give    string
		mw      middleware.Middleware
		wantErr error
	}{
		{give: "New", mw: timeout.New(10 * time.Millisecond), wantErr: context.DeadlineExceeded},
		{give: "Idle", mw: timeout.Idle(10 * time.Millisecond), wantErr: context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			parent, cancel := context.WithCancel(context.Background())
			defer cancel()
			var child context.Context
			rt, attemptCtx := spy(middleware.Func(func(req *http.Request) (*http.Response, error) {
				var stop context.CancelFunc
				child, stop = context.WithCancel(req.Context())
				defer stop()
				return stallBase.RoundTrip(req)
			}))
			_, err := tt.mw(rt).RoundTrip(newGet(t, parent, "http://example.test/"))
			assertAttemptTimeout(t, err, 10*time.Millisecond, tt.give == "Idle")
			assert.Same(t, context.Cause(attemptCtx()), err, "the base returned the cause; the caller gets it as is")
			assert.Equal(t, tt.wantErr, attemptCtx().Err())
			assert.Equal(t, tt.wantErr, child.Err())
			assert.Same(t, err, context.Cause(child))
			assert.NoError(t, parent.Err(), "the caller's context ended with the attempt")
		})
	}
}

// TestParentCauseReachesChildren checks that when the caller's context
// ends with a cause, the attempt reports the caller's error and cause.
func TestParentCauseReachesChildren(t *testing.T) {
	parent, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	rt, attemptCtx := spy(middlewaretest.Static{Body: "ok"})
	resp, err := timeout.New(time.Minute)(rt).RoundTrip(newGet(t, parent, "http://example.test/"))
	require.NoError(t, err)
	defer resp.Body.Close()
	errShutdown := errors.New("shutting down")
	cancel(errShutdown)
	assert.Equal(t, context.Canceled, attemptCtx().Err())
	assert.Equal(t, errShutdown, context.Cause(attemptCtx()))
}

// stallBody returns a byte per Read until it is closed, then an error;
// safe for concurrent use.
type stallBody struct {
	once   sync.Once
	closed chan struct{}
}

func (b *stallBody) Read(p []byte) (int, error) {
	select {
	case <-b.closed:
		return 0, errors.New("read on closed body")
	default:
		return copy(p, "x"), nil
	}
}

func (b *stallBody) Close() error {
	b.once.Do(func() { close(b.closed) })
	return nil
}

// TestConcurrentCloseReadFire races body reads, closes, context watchers,
// the caller's cancel and the limit firing; run it with -race.
func TestConcurrentCloseReadFire(t *testing.T) {
	for i := range 50 {
		limit := time.Duration(i%5+1) * time.Millisecond / 2
		mw := timeout.New(limit)
		if i%3 == 0 {
			mw = timeout.Idle(limit)
		}
		rt, attemptCtx := spy(middleware.Func(func(req *http.Request) (*http.Response, error) {
			return &http.Response{StatusCode: http.StatusOK, Body: &stallBody{closed: make(chan struct{})}, Header: http.Header{}, Request: req}, nil
		}))
		parent, cancel := context.WithCancel(context.Background())
		resp, err := mw(rt).RoundTrip(newGet(t, parent, "http://example.test/"))
		require.NoError(t, err)

		var wg sync.WaitGroup
		wg.Go(func() {
			buf := make([]byte, 8)
			for range 100 {
				if _, err := resp.Body.Read(buf); err != nil {
					return
				}
			}
		})
		wg.Go(func() { resp.Body.Close() })
		wg.Go(func() {
			child, stop := context.WithCancel(attemptCtx())
			defer stop()
			<-child.Done()
		})
		wg.Go(func() {
			if i%2 == 0 {
				cancel()
			}
			attemptCtx().Err()
		})
		wg.Wait()
		cancel()
		assert.Error(t, attemptCtx().Err(), "iteration %d: the attempt is live after Close", i)
		assert.Nil(t, resp.Body.Close(), "iteration %d: a second Close returned an error", i)
	}
}

// TestNestedTimeouts checks that of two nested timeout middlewares only
// the one whose limit fired claims the error, and the other passes it on.
func TestNestedTimeouts(t *testing.T) {
	const short = 20 * time.Millisecond
	tests := []struct {
		give     string
		outer    middleware.Middleware
		inner    middleware.Middleware
		wantIdle bool // the limit that fired is Idle's
	}{
		{give: "outer fires", outer: timeout.New(short), inner: timeout.New(time.Minute)},
		{give: "inner fires", outer: timeout.New(time.Minute), inner: timeout.New(short)},
		{give: "outer idle fires", outer: timeout.Idle(short), inner: timeout.New(time.Minute), wantIdle: true},
		{give: "inner idle fires", outer: timeout.New(time.Minute), inner: timeout.Idle(short), wantIdle: true},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			var innerErr error
			inner := tt.inner(stallBase)
			between := middleware.Func(func(req *http.Request) (*http.Response, error) {
				resp, err := inner.RoundTrip(req)
				innerErr = err
				return resp, err
			})
			_, err := tt.outer(between).RoundTrip(newGet(t, context.Background(), "http://example.test/"))
			assertAttemptTimeout(t, err, short, tt.wantIdle)
			assert.Same(t, innerErr, err, "the outer layer changed the inner layer's error")
		})
	}
}

// TestManyConcurrentAttempts runs stalled and quick attempts at once on one
// transport: every stalled one times out, every quick one succeeds. The
// limit is far above what a quick in-memory attempt takes even when 64
// goroutines share two busy cores under -race; the stalled ones all fire
// in parallel, so the test still takes about one limit.
func TestManyConcurrentAttempts(t *testing.T) {
	base := middleware.Func(func(req *http.Request) (*http.Response, error) {
		if req.URL.Path == "/stall" {
			return stallBase.RoundTrip(req)
		}
		return middlewaretest.Static{Body: "ok"}.RoundTrip(req)
	})
	const limit = time.Second
	for _, idle := range []bool{false, true} {
		mw := timeout.New(limit)
		if idle {
			mw = timeout.Idle(limit)
		}
		rt := mw(base)
		const n = 64
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				path := "/quick"
				if i%2 == 0 {
					path = "/stall"
				}
				req, err := http.NewRequest(http.MethodGet, "http://example.test"+path, nil)
				if err != nil {
					errs[i] = err
					return
				}
				resp, err := rt.RoundTrip(req)
				if err == nil {
					err = resp.Body.Close()
				}
				errs[i] = err
			})
		}
		wg.Wait()
		for i, err := range errs {
			if i%2 == 0 {
				assertAttemptTimeout(t, err, limit, idle)
			} else {
				assert.NoError(t, err, "quick request %d", i)
			}
		}
	}
}
