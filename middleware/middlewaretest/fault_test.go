package middlewaretest_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/http2"

	"github.com/roundtrip-go/roundtrip/middleware/middlewaretest"
	"github.com/roundtrip-go/roundtrip/stocktrim/stocktrimtest"
)

// shape is what a retry policy can tell about a transport error.
type shape struct {
	op        string // the *net.OpError's Op, "" when there is none
	errno     syscall.Errno
	timeout   bool // a net.Error whose Timeout is true
	deadline  bool // errors.Is context.DeadlineExceeded
	streamErr http2.ErrCode
	stream    bool // errors.As an http2.StreamError
}

func shapeOf(err error) shape {
	var s shape
	if op, ok := errors.AsType[*net.OpError](err); ok {
		s.op = op.Op
	}
	if errno, ok := errors.AsType[syscall.Errno](err); ok {
		s.errno = errno
	}
	if ne, ok := errors.AsType[net.Error](err); ok {
		s.timeout = ne.Timeout()
	}
	s.deadline = errors.Is(err, context.DeadlineExceeded)
	if se, ok := errors.AsType[http2.StreamError](err); ok {
		s.stream, s.streamErr = true, se.Code
	}
	return s
}

func TestReadyFaultShapes(t *testing.T) {
	tests := []struct {
		name string
		give error
		want shape
	}{
		{name: "reset", give: middlewaretest.ErrConnReset, want: shape{op: "read", errno: syscall.ECONNRESET}},
		{name: "refused", give: middlewaretest.ErrConnRefused, want: shape{op: "dial", errno: syscall.ECONNREFUSED}},
		{name: "attempt timeout", give: middlewaretest.ErrAttemptTimeout, want: shape{timeout: true, deadline: true}},
		{name: "stream reset", give: middlewaretest.ErrStreamReset, want: shape{stream: true, streamErr: http2.ErrCodeInternal}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, shapeOf(tt.give))
			// As a Reply, the fault comes back unchanged, with no response.
			base := middlewaretest.NewTransport(middlewaretest.Reply{Err: tt.give})
			req, err := http.NewRequest(http.MethodGet, "http://example.test/", nil)
			require.NoError(t, err)
			resp, err := base.RoundTrip(req)
			assert.Nil(t, resp)
			assert.Equal(t, tt.give, err)
		})
	}
}

// TestReadyFaultsMatchRealOnes: the faults have the shape of the errors
// net/http returns for a reset connection, a refused dial and an HTTP/2
// stream reset.
func TestReadyFaultsMatchRealOnes(t *testing.T) {
	t.Run("reset", func(t *testing.T) {
		srv := stocktrimtest.NewServer()
		defer srv.Close()
		srv.Inject(stocktrimtest.Fault{Drop: true}) // an RST after the request
		tr := &http.Transport{DisableKeepAlives: true}
		defer tr.CloseIdleConnections()
		req, err := http.NewRequest(http.MethodGet, srv.URL+"/api/Products", nil)
		require.NoError(t, err)
		_, err = tr.RoundTrip(req)
		require.Error(t, err)
		assert.Equal(t, shapeOf(err), shapeOf(middlewaretest.ErrConnReset), "real: %v", err)
	})
	t.Run("refused", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		addr := ln.Addr().String()
		require.NoError(t, ln.Close()) // nothing listens there now
		tr := &http.Transport{}
		defer tr.CloseIdleConnections()
		req, err := http.NewRequest(http.MethodGet, "http://"+addr+"/", nil)
		require.NoError(t, err)
		_, err = tr.RoundTrip(req)
		require.Error(t, err)
		assert.Equal(t, shapeOf(err), shapeOf(middlewaretest.ErrConnRefused), "real: %v", err)
	})
	t.Run("stream reset", func(t *testing.T) {
		srv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
			panic(http.ErrAbortHandler) // RST_STREAM INTERNAL_ERROR
		}))
		srv.EnableHTTP2 = true
		srv.StartTLS()
		defer srv.Close()
		tr := srv.Client().Transport.(*http.Transport)
		defer tr.CloseIdleConnections()
		req, err := http.NewRequest(http.MethodGet, srv.URL, nil)
		require.NoError(t, err)
		_, err = tr.RoundTrip(req)
		require.Error(t, err)
		assert.Equal(t, shapeOf(err), shapeOf(middlewaretest.ErrStreamReset), "real: %v", err)
	})
}
