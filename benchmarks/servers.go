package main

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// requestIDHeader carries the harness's number for a request, so a server
// can tell the attempts of one request apart from other requests.
const requestIDHeader = "X-Bench-Request"

// server is an httptest server on loopback that counts the connections it
// accepts.
type server struct {
	*httptest.Server
	conns atomic.Int64
}

// startServer starts h on 127.0.0.1.
func startServer(h http.Handler) *server {
	s := &server{Server: httptest.NewUnstartedServer(h)}
	s.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.Start()
	return s
}

// Conns returns the number of connections the server has accepted.
func (s *server) Conns() int { return int(s.conns.Load()) }

// okHandler discards the request body and answers 200 "ok".
func okHandler(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	_, _ = io.WriteString(w, "ok")
}

// attempts counts the attempts each request (by requestIDHeader) made.
type attempts struct {
	mu   sync.Mutex
	seen map[string]int
}

// next records one more attempt of the request r and returns its 1-based
// number.
func (a *attempts) next(r *http.Request) int {
	id := r.Header.Get(requestIDHeader)
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.seen == nil {
		a.seen = make(map[string]int)
	}
	a.seen[id]++
	return a.seen[id]
}

// total returns the number of attempts recorded.
func (a *attempts) total() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	n := 0
	for _, c := range a.seen {
		n += c
	}
	return n
}

// faultHandler answers the first failures attempts of each request with 503
// and a body of bodySize bytes, and later attempts with 200 "ok".
type faultHandler struct {
	attempts
	failures int
	body     []byte
}

func newFaultHandler(failures, bodySize int) *faultHandler {
	return &faultHandler{failures: failures, body: bytes.Repeat([]byte("x"), bodySize)}
}

func (h *faultHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	if h.next(r) <= h.failures {
		w.Header().Set("Content-Length", strconv.Itoa(len(h.body)))
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write(h.body)
		return
	}
	_, _ = io.WriteString(w, "ok")
}

// sinkHandler discards the request body, counting its bytes, and answers
// 200 "ok".
type sinkHandler struct {
	received atomic.Int64
}

func (h *sinkHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n, _ := io.Copy(io.Discard, r.Body)
	h.received.Add(n)
	_, _ = io.WriteString(w, "ok")
}

// retryAfterHandler answers the first attempt of a request with 503 and the
// Retry-After value that header returns for the arrival time, and every later
// attempt with 200 "ok". It records when the first two attempts arrived.
type retryAfterHandler struct {
	header func(now time.Time) string

	mu     sync.Mutex
	first  time.Time
	second time.Time
	count  int
}

func (h *retryAfterHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	now := time.Now()
	_, _ = io.Copy(io.Discard, r.Body)
	h.mu.Lock()
	h.count++
	n := h.count
	switch n {
	case 1:
		h.first = now
	case 2:
		h.second = now
	}
	h.mu.Unlock()
	if n == 1 {
		w.Header().Set("Retry-After", h.header(now))
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, "busy")
		return
	}
	_, _ = io.WriteString(w, "ok")
}

// wait returns the time between the first and second attempt, and false when
// there was no second attempt.
func (h *retryAfterHandler) wait() (time.Duration, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.count < 2 {
		return 0, false
	}
	return h.second.Sub(h.first), true
}

// newLoopbackTransport returns the base transport of every loopback figure:
// a clone of http.DefaultTransport whose idle pool holds a connection for
// each parallel client, so that reuse, not pool size, decides connection
// counts.
func newLoopbackTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 64
	t.MaxIdleConnsPerHost = 64
	return t
}
