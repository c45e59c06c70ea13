package stocktrimtest

import (
	"net"
	"net/http"
	"strings"
	"time"
)

// Fault scripts a failure for the next requests that match it. A fault
// applies in this order: its Delay, then either a dropped connection
// (Drop) or a made-up response (Status); with neither, the request goes on
// to the credential check and the API after the delay, as a slow response.
type Fault struct {
	// Method is the request method the fault applies to; empty matches
	// every method. Compared case-sensitively, as methods are.
	Method string
	// Path is the URL path the fault applies to, such as "/api/Products";
	// empty matches every path.
	Path string
	// Times is the number of matching requests the fault applies to; zero
	// or less means once.
	Times int

	// Delay holds the request this long before anything else. It ends
	// early when the client gives up on the request (an attempt timeout,
	// say) or the server is closed, so Close never waits for a delay; the
	// request is then aborted without an answer, so a client still
	// waiting sees a broken connection, never a made-up 200.
	Delay time.Duration

	// Drop resets the connection without an answer: the client sees a
	// "connection reset by peer" error (on HTTP/2, a reset stream). Note that net/http's Transport itself replays an
	// idempotent request once, on a new connection, when a kept-alive
	// connection it had used before is dropped, so a drop on such a
	// connection may never reach the caller's middlewares; a drop on a new
	// connection always does. Both attempts appear in Requests.
	Drop bool

	// Status is the status code of the answer, such as 503 or 429; zero
	// means no made-up answer.
	Status int
	// RetryAfter, when not empty, is sent as the Retry-After header of the
	// answer: delta-seconds such as "1" or an HTTP-date.
	RetryAfter string
	// Header holds more header fields for the answer, such as a Location
	// for a redirect; nil means none.
	Header http.Header
	// Body is the answer's body; empty means a ProblemDetails body for
	// Status, with the content type application/problem+json. A Body is
	// sent with the Content-Type of Header, or else application/json when
	// it starts with { or [, and text/plain otherwise.
	Body string
}

// Inject queues faults. A request takes the first queued fault that
// matches its method and path and still has uses left, so faults for the
// same path apply in the order they were injected: Inject(a, b) with a
// and b for the same path answers with a until its Times are used up,
// then with b. A request that no fault matches is served normally.
func (s *Server) Inject(faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range faults {
		f.Header = f.Header.Clone()
		if f.Times <= 0 {
			f.Times = 1
		}
		s.faults = append(s.faults, &f)
	}
}

// PendingFaults returns the number of uses left, summed over the queued
// faults: zero once every injected fault has been applied.
func (s *Server) PendingFaults() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, f := range s.faults {
		n += f.Times
	}
	return n
}

// takeFault removes one use of the first fault that matches r and returns
// a copy of it, or nil when none matches.
func (s *Server) takeFault(r *http.Request) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if (f.Method == "" || f.Method == r.Method) && (f.Path == "" || f.Path == r.URL.Path) {
			f.Times--
			if f.Times == 0 {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			}
			c := *f
			return &c
		}
	}
	return nil
}

// apply carries out the fault and reports whether it answered the request
// (or gave up on it), so that the API must not.
func (s *Server) apply(w http.ResponseWriter, r *http.Request, f *Fault) bool {
	if f.Delay > 0 && !s.wait(r, f.Delay) {
		// Returning would send 200 OK with an empty body: a fake success.
		panic(http.ErrAbortHandler)
	}
	switch {
	case f.Drop:
		drop(w)
		return true
	case f.Status != 0:
		h := w.Header()
		for k, vs := range f.Header {
			h[k] = vs
		}
		if f.RetryAfter != "" {
			h.Set("Retry-After", f.RetryAfter)
		}
		if f.Body == "" {
			problem(w, f.Status, "injected fault")
			return true
		}
		if h.Get("Content-Type") == "" {
			ct := "text/plain; charset=utf-8"
			if strings.HasPrefix(strings.TrimSpace(f.Body), "{") || strings.HasPrefix(strings.TrimSpace(f.Body), "[") {
				ct = "application/json; charset=utf-8"
			}
			h.Set("Content-Type", ct)
		}
		w.WriteHeader(f.Status)
		_, _ = w.Write([]byte(f.Body))
		return true
	}
	return false
}

// drop resets the connection under the request without an answer: with
// SO_LINGER at zero, closing a TCP connection sends an RST, not a FIN.
// Where the connection cannot be taken over (HTTP/2), it aborts the
// handler, which resets the stream.
func drop(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	raw := conn
	if c, ok := conn.(interface{ NetConn() net.Conn }); ok {
		raw = c.NetConn() // under TLS
	}
	if tcp, ok := raw.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = raw.Close()
}
