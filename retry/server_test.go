package retry

import (
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// step is one scripted answer of a test server.
type step struct {
	status int
	header http.Header
	body   string
	delay  time.Duration // before answering; cut short when the client goes
	hangup bool          // close the connection without a response
}

// server is an httptest server that answers request n with steps[n], the
// last step repeating, and counts connections and requests.
type server struct {
	*httptest.Server
	conns atomic.Int32

	mu     sync.Mutex
	steps  []step
	bodies []string
}

func newServer(t *testing.T, steps ...step) *server {
	t.Helper()
	s := &server{steps: steps}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.Start()
	t.Cleanup(s.Close)
	return s
}

func (s *server) serve(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	n := len(s.bodies)
	s.bodies = append(s.bodies, string(b))
	st := step{status: http.StatusOK}
	if len(s.steps) > 0 {
		st = s.steps[min(n, len(s.steps)-1)]
	}
	s.mu.Unlock()
	if st.delay > 0 {
		timer := time.NewTimer(st.delay)
		defer timer.Stop()
		select {
		case <-timer.C:
		case <-r.Context().Done():
			return
		}
	}
	if st.hangup {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
		return
	}
	for k, v := range st.header {
		w.Header()[k] = v
	}
	w.WriteHeader(st.status)
	io.WriteString(w, st.body)
}

// requests returns the bodies of the requests received so far.
func (s *server) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.bodies...)
}

// newClientTransport returns a fresh transport whose idle connections are
// closed when the test ends.
func newClientTransport(t *testing.T) *http.Transport {
	t.Helper()
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return tr
}

// fast are options that keep tests quick and delays exact.
var fast = []Option{WithBackoff(time.Millisecond, 4*time.Millisecond), WithJitter(0)}

func opts(extra ...Option) []Option {
	return append(append([]Option(nil), fast...), extra...)
}

// newTLSServer returns a TLS server whose certificate no client trusts.
func newTLSServer(t *testing.T) *httptest.Server {
	t.Helper()
	s := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	s.Config.ErrorLog = log.New(io.Discard, "", 0) // handshake failures are expected
	s.StartTLS()
	t.Cleanup(s.Close)
	return s
}
