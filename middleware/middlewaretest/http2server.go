package middlewaretest

import (
	"bytes"
	"crypto/tls"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// HeadersFunc answers one request of a [NewHTTP2Server] at the frame level:
// it gets the request's HEADERS (f.PseudoValue("method") is its method)
// and the connection's framer to write the answer with (a RST_STREAM, a
// GOAWAY, response HEADERS from [StatusBlock]). It returns true to go on
// reading the connection, false to close it at once (as after a GOAWAY
// that ends it). The server reads and ignores request bodies' DATA frames
// and every other frame but SETTINGS.
type HeadersFunc func(fr *http2.Framer, f *http2.MetaHeadersFrame) bool

// HTTP2Server is a server from [NewHTTP2Server].
type HTTP2Server struct {
	*httptest.Server
	conns, requests atomic.Int32
}

// Conns returns how many HTTP/2 connections the server accepted: TLS
// handshakes that negotiated HTTP/2, whether a request came on them or not.
func (s *HTTP2Server) Conns() int { return int(s.conns.Load()) }

// Requests returns how many requests reached the server: the HEADERS
// frames it passed to its HeadersFunc.
func (s *HTTP2Server) Requests() int { return int(s.requests.Load()) }

// NewHTTP2Server starts an HTTP/2 server over TLS on 127.0.0.1 that speaks
// frames itself, with golang.org/x/net/http2's Framer: it reads the client
// preface, sends its SETTINGS, acknowledges the client's, and passes each
// request's HEADERS to onHeaders, which answers. It is for the faults a
// real server does not make on demand: a reset with a given code, a
// refused stream, a GOAWAY, a connection closed without an answer. The
// caller closes it, as with httptest.NewServer; a connection that sends
// nothing is dropped after 10 s. Its Client, or a clone of that client's
// *http.Transport, trusts its certificate and negotiates HTTP/2; a request
// over HTTP/1 gets a 404. onHeaders may be called concurrently, once per
// connection at a time.
func NewHTTP2Server(onHeaders HeadersFunc) *HTTP2Server {
	s := &HTTP2Server{}
	srv := httptest.NewUnstartedServer(http.NotFoundHandler())
	srv.EnableHTTP2 = true
	// Clients that give up mid-handshake are expected here, not news.
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	// A non-nil TLSNextProto keeps http.Server from configuring its own
	// HTTP/2: connections that negotiate "h2" come to serveFrames.
	srv.Config.TLSNextProto = map[string]func(*http.Server, *tls.Conn, http.Handler){
		http2.NextProtoTLS: func(_ *http.Server, c *tls.Conn, _ http.Handler) {
			s.conns.Add(1)
			serveFrames(c, func(fr *http2.Framer, f *http2.MetaHeadersFrame) bool {
				s.requests.Add(1)
				return onHeaders(fr, f)
			})
		},
	}
	srv.StartTLS()
	s.Server = srv
	return s
}

// serveFrames serves one connection until onHeaders returns false or the
// client goes; the http.Server closes the connection when it returns.
func serveFrames(c *tls.Conn, onHeaders HeadersFunc) {
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
			if !onHeaders(fr, f) {
				return
			}
		}
	}
}

// StatusBlock returns the HPACK-encoded header block of a response with
// status code and no other header, for a HEADERS frame a [HeadersFunc]
// writes.
func StatusBlock(code int) []byte {
	var b bytes.Buffer
	_ = hpack.NewEncoder(&b).WriteField(hpack.HeaderField{Name: ":status", Value: strconv.Itoa(code)})
	return b.Bytes()
}
