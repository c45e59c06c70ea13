package timeout_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/roundtrip-go/roundtrip/middleware"
	"github.com/roundtrip-go/roundtrip/middleware/middlewaretest"
	"github.com/roundtrip-go/roundtrip/retry"
	"github.com/roundtrip-go/roundtrip/timeout"
)

// attemptContext runs one request under ctx through New(d) over a base that
// answers at once with a small body, and returns the context the base saw
// and the response.
func attemptContext(t *testing.T, ctx context.Context, d time.Duration) (context.Context, *http.Response) {
	t.Helper()
	var got context.Context
	base := middlewaretest.NewTransport(middlewaretest.Reply{Body: "hello"})
	spy := middleware.Func(func(req *http.Request) (*http.Response, error) {
		got = req.Context()
		return base.RoundTrip(req)
	})
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://example.test/", nil)
	require.NoError(t, err)
	resp, err := timeout.New(d)(spy).RoundTrip(req)
	require.NoError(t, err)
	t.Cleanup(func() { resp.Body.Close() })
	return got, resp
}

func isClosed(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

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
			before := time.Now()
			attemptCtx, _ := attemptContext(t, ctx, time.Minute)
			after := time.Now()

			got, ok := attemptCtx.Deadline()
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

func TestAttemptValueForwards(t *testing.T) {
	ctx := context.WithValue(context.Background(), valueKey{}, "v")
	attemptCtx, _ := attemptContext(t, ctx, time.Minute)
	assert.Equal(t, "v", attemptCtx.Value(valueKey{}))
	assert.Nil(t, attemptCtx.Value("missing"))
}

func TestRetryAttemptVisibleBelowTimeout(t *testing.T) {
	var got []int
	base := middleware.Func(func(req *http.Request) (*http.Response, error) {
		got = append(got, retry.Attempt(req.Context()))
		if len(got) == 1 {
			return &http.Response{StatusCode: http.StatusServiceUnavailable, Body: http.NoBody, Header: http.Header{}, Request: req}, nil
		}
		return &http.Response{StatusCode: http.StatusOK, Body: io.NopCloser(strings.NewReader("ok")), Header: http.Header{}, Request: req}, nil
	})
	rt := retry.New(retry.WithBackoff(time.Millisecond, time.Millisecond))(timeout.New(time.Minute)(base))
	req, err := http.NewRequest(http.MethodGet, "http://example.test/", nil)
	require.NoError(t, err)
	resp, err := rt.RoundTrip(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, []int{1, 2}, got)
}

func TestAttemptLifecycle(t *testing.T) {
	attemptCtx, resp := attemptContext(t, context.Background(), time.Minute)
	done := attemptCtx.Done()
	require.NotNil(t, done)
	assert.False(t, isClosed(done), "done closed while the body is unread")
	assert.NoError(t, attemptCtx.Err())

	child, cancelChild := context.WithCancel(attemptCtx)
	defer cancelChild()
	causeChild, cancelCause := context.WithCancelCause(attemptCtx)
	defer cancelCause(nil)
	goleak.VerifyNone(t) // children of the attempt need no goroutine

	resp.Body.Close()
	assert.True(t, isClosed(done), "done still open after Close")
	assert.True(t, isClosed(attemptCtx.Done()), "a later Done is open after Close")
	assert.Equal(t, context.Canceled, attemptCtx.Err())
	assert.True(t, isClosed(child.Done()), "child not cancelled with the attempt")
	assert.Equal(t, context.Canceled, child.Err())
	assert.Equal(t, context.Canceled, context.Cause(causeChild))
}

func TestAttemptFiresChildren(t *testing.T) {
	attemptCtx, resp := attemptContext(t, context.Background(), 20*time.Millisecond)
	child, cancel := context.WithCancel(attemptCtx)
	defer cancel()
	goleak.VerifyNone(t)
	afterFuncRan := make(chan struct{})
	context.AfterFunc(attemptCtx, func() { close(afterFuncRan) })

	select {
	case <-child.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("child not cancelled when the deadline fired")
	}
	<-afterFuncRan
	assert.Equal(t, context.DeadlineExceeded, attemptCtx.Err())
	assert.ErrorIs(t, context.Cause(attemptCtx), context.DeadlineExceeded)
	assert.ErrorIs(t, context.Cause(child), context.DeadlineExceeded, "the child's cause is the attempt's")

	// Children made after the end are born done.
	late, lateCancel := context.WithCancel(attemptCtx)
	defer lateCancel()
	assert.True(t, isClosed(late.Done()), "a child of an ended attempt is live")
	resp.Body.Close()
	assert.Equal(t, context.DeadlineExceeded, attemptCtx.Err(), "closing the body changed why the attempt ended")
}

func TestAttemptAfterFuncStop(t *testing.T) {
	attemptCtx, resp := attemptContext(t, context.Background(), time.Minute)
	ran := make(chan string, 2)
	stopA := context.AfterFunc(attemptCtx, func() { ran <- "a" })
	context.AfterFunc(attemptCtx, func() { ran <- "b" })
	assert.True(t, stopA(), "got stop() false before the end; want true")
	assert.False(t, stopA(), "got a second stop() true; want false")

	// A child cancelled on its own lets go of the attempt.
	child, cancel := context.WithCancel(attemptCtx)
	cancel()
	assert.Equal(t, context.Canceled, child.Err())

	resp.Body.Close()
	assert.Equal(t, "b", <-ran)
	select {
	case got := <-ran:
		t.Errorf("got %q run; want the stopped func never run", got)
	default:
	}
}

func TestAttemptFollowsParent(t *testing.T) {
	tests := []struct {
		give  string
		watch bool // the base watches Done; else only Err is asked
	}{
		{give: "watched", watch: true},
		{give: "polled"},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			parent, cancel := context.WithCancel(context.Background())
			defer cancel()
			attemptCtx, resp := attemptContext(t, parent, time.Minute)
			var done <-chan struct{}
			if tt.watch {
				done = attemptCtx.Done()
			}
			cancel()
			if tt.watch {
				select {
				case <-done:
				case <-time.After(5 * time.Second):
					t.Fatal("the attempt did not follow its parent")
				}
			}
			assert.Equal(t, context.Canceled, attemptCtx.Err())
			assert.True(t, isClosed(attemptCtx.Done()), "done open after the parent ended")
			resp.Body.Close()
			assert.Equal(t, context.Canceled, attemptCtx.Err())
		})
	}
}

func TestAttemptParentAlreadyDone(t *testing.T) {
	parent, cancel := context.WithCancel(context.Background())
	cancel()
	attemptCtx, _ := attemptContext(t, parent, time.Minute)
	assert.True(t, isClosed(attemptCtx.Done()), "done open under an ended parent")
	assert.Equal(t, context.Canceled, attemptCtx.Err())
}

// TestParentCancelDuringRoundTrip checks that cancelling the caller's
// context reaches a base waiting on the attempt, and passes through as the
// caller's error.
func TestParentCancelDuringRoundTrip(t *testing.T) {
	parent, cancel := context.WithCancel(context.Background())
	defer cancel()
	waiting := make(chan struct{})
	base := middleware.Func(func(req *http.Request) (*http.Response, error) {
		ctx, stop := context.WithCancelCause(req.Context()) // as net/http does
		defer stop(nil)
		close(waiting)
		<-ctx.Done()
		return nil, context.Cause(ctx)
	})
	go func() {
		<-waiting
		cancel()
	}()
	req, err := http.NewRequestWithContext(parent, http.MethodGet, "http://example.test/", nil)
	require.NoError(t, err)
	resp, err := timeout.New(time.Minute)(base).RoundTrip(req)
	assert.Nil(t, resp)
	assert.Equal(t, context.Canceled, err)
}

// TestDeadlineCoversBodyUnderCancellableParent is TestDeadlineCoversBody
// with a caller context that can be cancelled but is not.
func TestDeadlineCoversBodyUnderCancellableParent(t *testing.T) {
	srv := stallServer(t, true)
	tr := newTransport()
	defer tr.CloseIdleConnections()
	parent, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, err := http.NewRequestWithContext(parent, http.MethodGet, srv.URL, nil)
	require.NoError(t, err)

	resp, err := timeout.New(50 * time.Millisecond)(tr).RoundTrip(req)
	require.NoError(t, err, "the headers came in time")
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	assert.Equal(t, "partial", string(got))
	assertAttemptTimeout(t, err)
}

// stallBody returns a few bytes per Read until it is closed, then an
// error; safe for concurrent use.
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

// TestConcurrentCloseReadFire races body reads, closes, context watchers
// and the deadline firing; run it with -race.
func TestConcurrentCloseReadFire(t *testing.T) {
	for i := range 50 {
		var attemptCtx context.Context
		rt := timeout.New(time.Duration(i%5+1) * time.Millisecond / 2)(middleware.Func(func(req *http.Request) (*http.Response, error) {
			attemptCtx = req.Context()
			return &http.Response{StatusCode: http.StatusOK, Body: &stallBody{closed: make(chan struct{})}, Header: http.Header{}, Request: req}, nil
		}))
		parent, cancel := context.WithCancel(context.Background())
		req, err := http.NewRequestWithContext(parent, http.MethodGet, "http://example.test/", nil)
		require.NoError(t, err)
		resp, err := rt.RoundTrip(req)
		require.NoError(t, err)

		var wg sync.WaitGroup
		wg.Add(4)
		go func() {
			defer wg.Done()
			buf := make([]byte, 8)
			for range 100 {
				if _, err := resp.Body.Read(buf); err != nil {
					return
				}
			}
		}()
		go func() {
			defer wg.Done()
			resp.Body.Close()
		}()
		go func() {
			defer wg.Done()
			child, stop := context.WithCancel(attemptCtx)
			defer stop()
			<-child.Done()
		}()
		go func() {
			defer wg.Done()
			if i%2 == 0 {
				cancel()
			}
			attemptCtx.Err()
		}()
		wg.Wait()
		cancel()
		assert.Error(t, attemptCtx.Err(), "iteration %d: the attempt is live after Close", i)
		assert.Nil(t, resp.Body.Close(), "iteration %d: a second Close returned an error", i)
	}
}

type afterFuncer interface {
	AfterFunc(func()) func() bool
}

// TestAttemptEndedBeforeDone asks for Done and registers an AfterFunc only
// after the attempt has ended, under both kinds of caller context.
func TestAttemptEndedBeforeDone(t *testing.T) {
	parents := map[string]func() (context.Context, context.CancelFunc){
		"never ends": func() (context.Context, context.CancelFunc) { return context.Background(), func() {} },
		"can end":    func() (context.Context, context.CancelFunc) { return context.WithCancel(context.Background()) },
	}
	for name, parent := range parents {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := parent()
			defer cancel()
			attemptCtx, resp := attemptContext(t, ctx, time.Minute)
			require.NoError(t, resp.Body.Close())
			assert.True(t, isClosed(attemptCtx.Done()), "done open after Close")
			assert.Equal(t, context.Canceled, attemptCtx.Err())

			af, ok := attemptCtx.(afterFuncer)
			require.True(t, ok, "the attempt context has no AfterFunc method")
			ran := make(chan struct{})
			stop := af.AfterFunc(func() { close(ran) })
			select {
			case <-ran:
			case <-time.After(5 * time.Second):
				t.Fatal("a func registered after the end never ran")
			}
			assert.False(t, stop(), "got stop() true after the func ran")
		})
	}
}

// TestFiredUnderCancellableParent checks what a fired attempt, and a
// context derived from it as net/http derives one, report when the
// caller's context can end but has not: DeadlineExceeded everywhere, as
// under context.WithTimeout.
func TestFiredUnderCancellableParent(t *testing.T) {
	parent, cancel := context.WithCancel(context.Background())
	defer cancel()
	var attemptCtx, child context.Context
	spy := middleware.Func(func(req *http.Request) (*http.Response, error) {
		attemptCtx = req.Context()
		var stop context.CancelCauseFunc
		child, stop = context.WithCancelCause(attemptCtx)
		// Stopped at the end of the test, not on return: the attempt's end
		// reaches its children a moment after its done channel closes, as
		// a cancelCtx's does, and a stop on return could come first.
		t.Cleanup(func() { stop(nil) })
		return stallBase.RoundTrip(req)
	})
	req, err := http.NewRequestWithContext(parent, http.MethodGet, "http://example.test/", nil)
	require.NoError(t, err)
	_, err = timeout.New(10 * time.Millisecond)(spy).RoundTrip(req)
	assertAttemptTimeout(t, err)
	assert.Equal(t, "timeout: attempt exceeded its 10ms deadline", err.Error())
	assert.Equal(t, context.DeadlineExceeded, attemptCtx.Err())
	assert.Equal(t, context.DeadlineExceeded, context.Cause(attemptCtx))
	select {
	case <-child.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the child did not end with the attempt")
	}
	assert.Equal(t, context.DeadlineExceeded, child.Err())
	assert.Equal(t, context.DeadlineExceeded, context.Cause(child))
	assert.NoError(t, parent.Err(), "the caller's context ended with the attempt")
}

// TestParentCauseReachesChildren checks that when the caller's context
// ends with a cause, the attempt and contexts derived from it report the
// caller's error and cause.
func TestParentCauseReachesChildren(t *testing.T) {
	parent, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	attemptCtx, _ := attemptContext(t, parent, time.Minute)
	child, stop := context.WithCancel(attemptCtx)
	defer stop()
	goleak.VerifyNone(t) // the child needs no goroutine of its own
	errShutdown := errors.New("shutting down")
	cancel(errShutdown)
	select {
	case <-child.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the child did not follow the caller's context")
	}
	assert.Equal(t, context.Canceled, attemptCtx.Err())
	assert.Equal(t, errShutdown, context.Cause(attemptCtx))
	assert.Equal(t, context.Canceled, child.Err())
	assert.Equal(t, errShutdown, context.Cause(child))
}
