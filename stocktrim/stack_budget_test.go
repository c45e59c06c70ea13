package stocktrim_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/failsafe-go/failsafe-go/budget"
	"github.com/stretchr/testify/assert"

	"github.com/roundtrip-go/roundtrip/internal/testutil"
	"github.com/roundtrip-go/roundtrip/retry"
	"github.com/roundtrip-go/roundtrip/stocktrim"
)

// callerHeader tells the lockstep server which caller sent a request.
const callerHeader = "X-Test-Caller"

// lockstepLimit bounds how long the lockstep server holds a request.
const lockstepLimit = 10 * time.Second

// lockstep is a server in a total outage that answers every request 503,
// but holds attempt k of each caller until every caller has sent its
// attempt k or ended its call. The callers' attempts thus overlap
// round by round, as under a real outage, whatever the scheduler does,
// so a budget sees the same concurrency on every run.
type lockstep struct {
	t        *testing.T
	mu       sync.Mutex
	attempts []int         // attempts received, by caller
	received int           // attempts received from all callers
	done     []bool        // calls ended, by caller
	changed  chan struct{} // closed and replaced on every change
	deadline time.Time     // no request is held past it
}

func newLockstep(t *testing.T, callers int) *lockstep {
	return &lockstep{
		t:        t,
		attempts: make([]int, callers),
		done:     make([]bool, callers),
		changed:  make(chan struct{}),
		deadline: time.Now().Add(lockstepLimit),
	}
}

// changedLocked wakes the held requests to look again. l.mu must be held.
func (l *lockstep) changedLocked() {
	close(l.changed)
	l.changed = make(chan struct{})
}

// end records that caller i's call has ended.
func (l *lockstep) end(i int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.done[i] = true
	l.changedLocked()
}

// total returns the number of attempts received from all callers.
func (l *lockstep) total() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.received
}

// releasedLocked reports whether every caller has sent attempt k or ended.
// l.mu must be held.
func (l *lockstep) releasedLocked(k int) bool {
	for j, a := range l.attempts {
		if a < k && !l.done[j] {
			return false
		}
	}
	return true
}

func (l *lockstep) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	i, err := strconv.Atoi(r.Header.Get(callerHeader))
	if err != nil || i < 0 || i >= len(l.attempts) {
		l.t.Errorf("request without a valid %s header: %q", callerHeader, r.Header.Get(callerHeader))
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	l.mu.Lock()
	l.attempts[i]++
	l.received++
	k := l.attempts[i]
	l.changedLocked()
	timer := time.NewTimer(time.Until(l.deadline))
	defer timer.Stop()
	for !l.releasedLocked(k) {
		changed := l.changed
		l.mu.Unlock()
		select {
		case <-changed:
		case <-timer.C:
			l.t.Errorf("caller %d's attempt %d held for %v: not every caller came", i, k, lockstepLimit)
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		case <-r.Context().Done():
			return
		}
		l.mu.Lock()
	}
	l.mu.Unlock()
	w.WriteHeader(http.StatusServiceUnavailable)
	_, _ = io.WriteString(w, "down")
}

// outage makes one GET from each of n callers at once through one stack
// with opts (retries without waits) against a lockstep server, and returns
// the number of attempts the server received.
func outage(t *testing.T, n int, opts ...stocktrim.Option) int {
	t.Helper()
	testutil.ClearEnv(t, testutil.StocktrimEnvPrefix)
	l := newLockstep(t, n)
	srv := httptest.NewServer(l)
	t.Cleanup(srv.Close)
	client := newClient(t, append([]stocktrim.Option{
		stocktrim.WithBaseURL(srv.URL),
		stocktrim.WithCredentials(testID, testSig),
		stocktrim.WithRetryOptions(retry.WithWait(func(ctx context.Context, _ time.Duration) error {
			return ctx.Err()
		})),
	}, opts...)...)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			defer l.end(i)
			req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/api/Products", nil)
			if !assert.NoError(t, err) {
				return
			}
			req.Header.Set(callerHeader, strconv.Itoa(i))
			resp, err := client.Do(req)
			if !assert.NoError(t, err) {
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
			assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
		})
	}
	wg.Wait()
	return l.total()
}

// The default budget lets retries be 20% of the requests in flight, and at
// least 8 at a time; a retry holds its permit through its wait and its
// attempt. Against the lockstep server that decides every count below.
func TestStackRetryBudget(t *testing.T) {
	t.Run("a lone caller gets all its retries", func(t *testing.T) {
		assert.Equal(t, 6, outage(t, 1))
	})
	t.Run("8 callers: a blip that meets them all is retried for each", func(t *testing.T) {
		// 8 permits at least: every caller keeps its own.
		assert.Equal(t, 8*6, outage(t, 8))
	})
	t.Run("16 callers: 8 get all their retries, 8 none", func(t *testing.T) {
		// A ninth retry would make 8 of 24 in flight, over 20%; the 8
		// keep theirs from round to round.
		assert.Equal(t, 8*6+8, outage(t, 16))
	})
	t.Run("64 callers make at most 2 attempts per call", func(t *testing.T) {
		got := outage(t, 64)
		t.Logf("%d attempts for 64 calls: %.2f per call", got, float64(got)/64)
		assert.LessOrEqual(t, got, 2*64)
		assert.Greater(t, got, 64, "some calls retried")
	})
	t.Run("nil turns it off", func(t *testing.T) {
		assert.Equal(t, 64*6, outage(t, 64, stocktrim.WithRetryBudget(nil)))
	})
	t.Run("a budget of one's own replaces it", func(t *testing.T) {
		b := budget.NewBuilder().WithMaxRate(1).WithMinConcurrency(64).Build()
		assert.Equal(t, 64*6, outage(t, 64, stocktrim.WithRetryBudget(b)), "every retry allowed")
	})
	t.Run("a budget shared by two stacks gets its permits back", func(t *testing.T) {
		b := budget.New()
		assert.Equal(t, 6, outage(t, 1, stocktrim.WithRetryBudget(b)))
		// Had the first call kept its 5 permits, this one would be refused
		// at once: 5 of 6 in flight.
		assert.Equal(t, 6, outage(t, 1, stocktrim.WithRetryBudget(b)))
	})
}
