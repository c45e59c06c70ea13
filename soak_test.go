package roundtrip_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roundtrip-go/roundtrip/retry"
	"github.com/roundtrip-go/roundtrip/stocktrim"
)

// fault is what the soak server does to one attempt.
type fault int

const (
	ok          fault = iota
	unavailable       // 503
	tooMany           // 429 with Retry-After: 0
	drop              // the connection is closed without a response
	slow              // no answer until the attempt times out
)

func (f fault) String() string {
	return [...]string{"ok", "503", "429", "drop", "slow"}[f]
}

// killsConn reports whether the fault costs the client its connection.
func (f fault) killsConn() bool { return f == drop || f == slow }

// soakRequest is one scripted request of the soak: its method, whether it
// carries an idempotency key, and the faults its first attempts meet.
type soakRequest struct {
	method string
	key    bool
	faults []fault
}

// idempotent reports whether the request may be retried on every fault.
func (r soakRequest) idempotent() bool { return r.method != http.MethodPost || r.key }

// planSoak scripts n requests from seed. Requests that may be retried meet
// up to three faults, fewer than the five retries allow; a POST without an
// idempotency key meets at most one fault, of a kind it must not be
// retried on, so that it never reaches the server twice.
func planSoak(n int, seed uint64) []soakRequest {
	rng := rand.New(rand.NewPCG(seed, seed^0x5eed))
	retryable := []fault{unavailable, tooMany, drop, slow}
	once := []fault{unavailable, drop, slow}
	plans := make([]soakRequest, n)
	for i := range plans {
		r := soakRequest{method: http.MethodGet}
		switch p := rng.IntN(10); {
		case p < 2:
			r.method = http.MethodPut
		case p < 3:
			r.method, r.key = http.MethodPost, true
		case p < 4:
			r.method = http.MethodPost
		}
		k := 0
		switch p := rng.IntN(100); {
		case p >= 96:
			k = 3
		case p >= 87:
			k = 2
		case p >= 70:
			k = 1
		}
		for range k {
			if r.idempotent() {
				r.faults = append(r.faults, retryable[rng.IntN(len(retryable))])
			} else {
				r.faults = append(r.faults, once[rng.IntN(len(once))])
				break
			}
		}
		plans[i] = r
	}
	return plans
}

// soakServer plays the plans and counts what it saw.
type soakServer struct {
	plans     []soakRequest
	arrivals  []atomic.Int32 // per request
	processed []atomic.Int32 // per request: answered 200
	conns     atomic.Int32
	badAuth   atomic.Int32
	release   chan struct{}
}

func (s *soakServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.Atoi(r.Header.Get("X-Soak-Id"))
	if err != nil || id < 0 || id >= len(s.plans) {
		http.Error(w, "bad soak id", http.StatusBadRequest)
		return
	}
	if r.Header.Get("api-auth-id") != "soak-id" || r.Header.Get("api-auth-signature") != "soak-signature" {
		s.badAuth.Add(1)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	io.Copy(io.Discard, r.Body)
	n := int(s.arrivals[id].Add(1))
	f := ok
	if n <= len(s.plans[id].faults) {
		f = s.plans[id].faults[n-1]
	}
	switch f {
	case unavailable:
		http.Error(w, "busy", http.StatusServiceUnavailable)
	case tooMany:
		w.Header().Set("Retry-After", "0")
		http.Error(w, "slow down", http.StatusTooManyRequests)
	case drop:
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	case slow:
		select {
		case <-r.Context().Done():
		case <-s.release:
		}
	default:
		s.processed[id].Add(1)
		fmt.Fprintf(w, `{"id":%d}`, id)
	}
}

// TestSoak sends 2000 scripted requests, 32 at a time, through the
// stocktrim stack with millisecond backoffs, against a loopback server
// where about 30% of all attempts fail.
func TestSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("soak skipped under -short")
	}
	const (
		requests    = 2000
		concurrency = 32
		attemptTime = 500 * time.Millisecond
	)
	plans := planSoak(requests, 20261128)
	s := &soakServer{
		plans:     plans,
		arrivals:  make([]atomic.Int32, requests),
		processed: make([]atomic.Int32, requests),
		release:   make(chan struct{}),
	}
	srv := httptest.NewUnstartedServer(s)
	srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	defer close(s.release)

	base := &http.Transport{MaxIdleConnsPerHost: concurrency}
	defer base.CloseIdleConnections()
	rt, err := stocktrim.NewTransport(
		stocktrim.WithCredentials("soak-id", "soak-signature"),
		stocktrim.WithBaseURL(srv.URL),
		stocktrim.WithTimeout(attemptTime),
		stocktrim.WithTransport(base),
		stocktrim.WithRetryOptions(retry.WithBackoff(time.Millisecond, 8*time.Millisecond)),
	)
	require.NoError(t, err)
	client := &http.Client{Transport: rt}

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	start := time.Now()
	outcomes := make([]int, requests) // status, or -1 for an error
	ids := make(chan int)
	var wg sync.WaitGroup
	for range concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range ids {
				outcomes[id] = soakOne(ctx, client, srv.URL, id, plans[id])
			}
		}()
	}
	for id := range requests {
		ids <- id
	}
	close(ids)
	wg.Wait()
	elapsed := time.Since(start)

	var attempts, failedAttempts, killers, succeeded int
	for id, p := range plans {
		n := int(s.arrivals[id].Load())
		attempts += n
		failedAttempts += min(n, len(p.faults))
		for _, f := range p.faults[:min(n, len(p.faults))] {
			if f.killsConn() {
				killers++
			}
		}
		if outcomes[id] == http.StatusOK {
			succeeded++
		}
		switch {
		case p.idempotent():
			assert.Equal(t, http.StatusOK, outcomes[id], "request %d (%s, faults %v) did not succeed", id, p.method, p.faults)
			assert.Equal(t, len(p.faults)+1, n, "request %d (%s, faults %v): attempts", id, p.method, p.faults)
		default:
			assert.LessOrEqual(t, n, 1, "POST %d without an idempotency key reached the server %d times", id, n)
			if len(p.faults) > 0 {
				assert.NotEqual(t, http.StatusOK, outcomes[id], "POST %d met %v yet succeeded", id, p.faults)
			}
		}
		assert.LessOrEqual(t, int(s.processed[id].Load()), 1, "request %d processed twice", id)
	}
	assert.Zero(t, s.badAuth.Load(), "requests without credentials")
	// Every connection the pool opens is either one of the concurrent
	// ones, or replaces one that a dropped or timed-out attempt killed.
	conns := int(s.conns.Load())
	assert.LessOrEqual(t, conns, concurrency+killers, "connections opened")
	t.Logf("soak: %d requests (%d succeeded), %d attempts, %d failed (%.0f%%), %d connections for %d killed, %v",
		requests, succeeded, attempts, failedAttempts, 100*float64(failedAttempts)/float64(attempts), conns, killers, elapsed.Round(time.Millisecond))
	assert.InDelta(t, 0.30, float64(failedAttempts)/float64(attempts), 0.08, "share of failed attempts")
}

func soakOne(ctx context.Context, client *http.Client, url string, id int, p soakRequest) int {
	var body io.Reader
	if p.method != http.MethodGet {
		body = strings.NewReader(`{"id":` + strconv.Itoa(id) + `}`)
	}
	req, err := http.NewRequestWithContext(ctx, p.method, url+"/api/Products", body)
	if err != nil {
		return -1
	}
	req.Header.Set("X-Soak-Id", strconv.Itoa(id))
	if p.key {
		req.Header.Set("Idempotency-Key", "soak-"+strconv.Itoa(id))
	}
	resp, err := client.Do(req)
	if err != nil {
		return -1
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}
