package middlewaretest

import (
	"crypto/tls"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// ResetServer is an HTTP/2 server over TLS, on loopback, that answers the
// HEADERS of every request with RST_STREAM(PROTOCOL_ERROR) and closes the
// connection: what nginx's "return 444" looks like over HTTP/2. net/http's
// HTTP/2 client treats a PROTOCOL_ERROR reset from the peer as safe to
// replay, for any method, and goes on replaying on new connections
// (golang/go#52459). The server counts what reaches it.
//
// It speaks HTTP/2 itself, with golang.org/x/net/http2's Framer, on the
// connections an httptest TLS server accepts, on 127.0.0.1. Its Client, or
// a clone of that client's *http.Transport, trusts its certificate and
// negotiates HTTP/2; a request over HTTP/1 gets a 404.
type ResetServer struct {
	*httptest.Server

	mu    sync.Mutex
	conns int
	sends map[string]int // HEADERS frames received, by :method
}

// NewResetServer starts a ResetServer, which the caller closes, as with
// httptest.NewServer. A connection that sends nothing is dropped after
// 10 s.
func NewResetServer() *ResetServer {
	s := &ResetServer{sends: make(map[string]int)}
	srv := httptest.NewUnstartedServer(http.NotFoundHandler())
	srv.EnableHTTP2 = true
	// Clients that give up mid-handshake are expected here, not news.
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	// A non-nil TLSNextProto keeps http.Server from configuring its own
	// HTTP/2: connections that negotiate "h2" come to serve.
	srv.Config.TLSNextProto = map[string]func(*http.Server, *tls.Conn, http.Handler){
		http2.NextProtoTLS: func(_ *http.Server, c *tls.Conn, _ http.Handler) { s.serve(c) },
	}
	srv.StartTLS()
	s.Server = srv
	return s
}

// serve reads frames from one connection until the first request's
// HEADERS, which it counts and resets; the http.Server closes the
// connection when serve returns.
func (s *ResetServer) serve(c *tls.Conn) {
	s.mu.Lock()
	s.conns++
	s.mu.Unlock()
	// Bounded: a client that stalls does not keep the test waiting.
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	preface := make([]byte, len(http2.ClientPreface))
	if _, err := io.ReadFull(c, preface); err != nil || string(preface) != http2.ClientPreface {
		return
	}
	fr := http2.NewFramer(c, c)
	fr.ReadMetaHeaders = hpack.NewDecoder(4096, nil)
	if err := fr.WriteSettings(); err != nil {
		return
	}
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			return
		}
		switch f := f.(type) {
		case *http2.SettingsFrame:
			if !f.IsAck() {
				if err := fr.WriteSettingsAck(); err != nil {
					return
				}
			}
		case *http2.MetaHeadersFrame:
			s.mu.Lock()
			s.sends[f.PseudoValue("method")]++
			s.mu.Unlock()
			_ = fr.WriteRSTStream(f.StreamID, http2.ErrCodeProtocol)
			return
		}
	}
}

// Sends returns how many requests with method reached the server: the
// HEADERS frames it received.
func (s *ResetServer) Sends(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sends[method]
}

// Conns returns how many HTTP/2 connections the server accepted.
func (s *ResetServer) Conns() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns
}
