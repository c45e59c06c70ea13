package timeout_test

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roundtrip-go/roundtrip/middleware"
	"github.com/roundtrip-go/roundtrip/middleware/middlewaretest"
	"github.com/roundtrip-go/roundtrip/timeout"
)

// errNeverCancelled is what stallBase returns when nothing ends the
// request's context in time.
var errNeverCancelled = errors.New("stallBase: the request's context was not cancelled within 5s")

// stallBase waits for the request's context to end, as a server that never
// answers would, and returns its cause as net/http's Transport does. It
// gives up after 5 s, so that a deadline that never fires fails the test
// instead of hanging it.
var stallBase = middleware.Func(func(req *http.Request) (*http.Response, error) {
	select {
	case <-req.Context().Done():
		return nil, context.Cause(req.Context())
	case <-time.After(5 * time.Second):
		return nil, errNeverCancelled
	}
})

func newGet(t *testing.T) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, "http://example.test/", nil)
	require.NoError(t, err)
	return req
}

// TestNestedTimeouts checks that each of two nested timeout middlewares
// claims only its own deadline.
func TestNestedTimeouts(t *testing.T) {
	const short = 20 * time.Millisecond
	tests := []struct {
		give       string
		outer      time.Duration
		inner      time.Duration
		innerClaim bool // the inner middleware's error is an *Error
	}{
		{give: "outer fires", outer: short, inner: time.Minute},
		{give: "inner fires", outer: time.Minute, inner: short, innerClaim: true},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			var innerErr error
			spy := middleware.Func(func(req *http.Request) (*http.Response, error) {
				resp, err := timeout.New(tt.inner)(stallBase).RoundTrip(req)
				innerErr = err
				return resp, err
			})
			_, err := timeout.New(tt.outer)(spy).RoundTrip(newGet(t))

			var te *timeout.Error
			require.True(t, errors.As(err, &te), "got %T %v; want a *timeout.Error", err, err)
			assert.Equal(t, short, te.Limit, "the error names the limit that fired")
			assert.Equal(t, tt.innerClaim, errors.As(innerErr, new(*timeout.Error)),
				"inner error %v: claimed by the inner middleware", innerErr)
		})
	}
}

// TestReleasedHeadDoesNotStopOthers releases the oldest attempt early and
// checks that a later one still ends at its own deadline, not before.
func TestReleasedHeadDoesNotStopOthers(t *testing.T) {
	const limit = 30 * time.Millisecond
	var mu sync.Mutex
	var ctxs []context.Context
	base := middleware.Func(func(req *http.Request) (*http.Response, error) {
		mu.Lock()
		ctxs = append(ctxs, req.Context())
		mu.Unlock()
		return middlewaretest.Static{Body: "ok"}.RoundTrip(req)
	})
	rt := timeout.New(limit)(base)

	first, err := rt.RoundTrip(newGet(t))
	require.NoError(t, err)
	secondStart := time.Now()
	second, err := rt.RoundTrip(newGet(t))
	require.NoError(t, err)
	defer second.Body.Close()
	require.NoError(t, first.Body.Close())

	mu.Lock()
	firstCtx, secondCtx := ctxs[0], ctxs[1]
	mu.Unlock()
	select {
	case <-secondCtx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the second attempt never fired after the first was released")
	}
	assert.GreaterOrEqual(t, time.Since(secondStart), limit, "fired before its deadline")
	assert.Equal(t, context.DeadlineExceeded, secondCtx.Err())
	assert.Equal(t, context.Canceled, firstCtx.Err(), "the released attempt was later marked as fired")
}

// TestFiresAgainAfterIdle checks that the shared timer serves attempts
// that start after the queue has emptied, more than once.
func TestFiresAgainAfterIdle(t *testing.T) {
	rt := timeout.New(10 * time.Millisecond)(stallBase)
	for i := range 3 {
		start := time.Now()
		_, err := rt.RoundTrip(newGet(t))
		assertAttemptTimeout(t, err)
		assert.GreaterOrEqual(t, time.Since(start), 10*time.Millisecond, "round %d fired early", i)
	}
}

// TestManyConcurrentAttempts runs stalled and quick attempts at once on one
// transport: every stalled one times out, every quick one succeeds.
func TestManyConcurrentAttempts(t *testing.T) {
	base := middleware.Func(func(req *http.Request) (*http.Response, error) {
		if req.URL.Path == "/stall" {
			return stallBase.RoundTrip(req)
		}
		return middlewaretest.Static{Body: "ok"}.RoundTrip(req)
	})
	rt := timeout.New(15 * time.Millisecond)(base)
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
			assertAttemptTimeout(t, err)
		} else {
			assert.NoError(t, err, "quick request %d", i)
		}
	}
}
