package middlewaretest

import (
	"sync"

	"golang.org/x/net/http2"
)

// ResetServer is an HTTP/2 server over TLS, on loopback, that answers the
// HEADERS of every request with RST_STREAM(PROTOCOL_ERROR) and closes the
// connection: what nginx's "return 444" looks like over HTTP/2. net/http's
// HTTP/2 client treats a PROTOCOL_ERROR reset from the peer as safe to
// replay, for any method, and goes on replaying on new connections
// (golang/go#52459). The server counts what reaches it. It is a
// [NewHTTP2Server]; its Client, or a clone of that client's
// *http.Transport, negotiates HTTP/2 with it.
type ResetServer struct {
	*HTTP2Server

	mu    sync.Mutex
	sends map[string]int // HEADERS frames received, by :method
}

// NewResetServer starts a ResetServer, which the caller closes, as with
// httptest.NewServer.
func NewResetServer() *ResetServer {
	s := &ResetServer{sends: make(map[string]int)}
	s.HTTP2Server = NewHTTP2Server(func(fr *http2.Framer, f *http2.MetaHeadersFrame) bool {
		s.mu.Lock()
		s.sends[f.PseudoValue("method")]++
		s.mu.Unlock()
		_ = fr.WriteRSTStream(f.StreamID, http2.ErrCodeProtocol)
		return false
	})
	return s
}

// Sends returns how many requests with method reached the server: the
// HEADERS frames it received.
func (s *ResetServer) Sends(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sends[method]
}
