package middlewaretest

import (
	"context"
	"errors"
	"net"
	"os"
	"syscall"

	"golang.org/x/net/http2"
)

// Ready faults: errors shaped as net/http returns the real failures, for
// [Reply].Err, so that a retry policy classifies a scripted fault as it
// would the real one. An error made with errors.New("connection reset by
// peer") reads like a reset but is not one: nothing can tell it from any
// other error, and a retry layer rightly refuses to retry it. Script these
// instead:
//
//	base := middlewaretest.NewTransport(
//		middlewaretest.Reply{Err: middlewaretest.ErrConnReset},
//		middlewaretest.Reply{Status: 200},
//	)
//
// Each is one shared value; compare with [errors.Is] or inspect with
// [errors.As], as for the real errors, and do not modify them.
var (
	// ErrConnReset is a connection the server reset while the response was
	// awaited, after the request may have been sent: a *net.OpError with
	// Op "read" whose cause is syscall.ECONNRESET, as in "read tcp ...:
	// read: connection reset by peer". A retry layer replays only requests
	// that are safe to repeat after it.
	ErrConnReset error = &net.OpError{
		Op:     "read",
		Net:    "tcp",
		Source: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 49152},
		Addr:   &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 443},
		Err:    os.NewSyscallError("read", syscall.ECONNRESET),
	}

	// ErrConnRefused is a dial the server refused: a *net.OpError with Op
	// "dial" whose cause is syscall.ECONNREFUSED, as in "dial tcp
	// 127.0.0.1:443: connect: connection refused". No request was sent, so
	// every method may be retried after it.
	ErrConnRefused error = &net.OpError{
		Op:   "dial",
		Net:  "tcp",
		Addr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 443},
		Err:  os.NewSyscallError("connect", syscall.ECONNREFUSED),
	}

	// ErrAttemptTimeout is an attempt that ran out of time while the
	// caller's own context is still live, as the timeout middleware
	// reports it: a [net.Error] whose Timeout method reports true and
	// which matches context.DeadlineExceeded with errors.Is. A retry layer
	// retries it; the caller's own deadline, by contrast, ends the call.
	ErrAttemptTimeout error = attemptTimeout{}

	// ErrStreamReset is an HTTP/2 stream the server reset with
	// RST_STREAM INTERNAL_ERROR: an [http2.StreamError] with Code
	// [http2.ErrCodeInternal], as net/http's own HTTP/2 error converts to
	// with errors.As. The connection stays up; only that request failed.
	ErrStreamReset error = http2.StreamError{
		StreamID: 1,
		Code:     http2.ErrCodeInternal,
		Cause:    errors.New("received from peer"),
	}
)

// attemptTimeout is the type of ErrAttemptTimeout.
type attemptTimeout struct{}

var _ net.Error = attemptTimeout{}

func (attemptTimeout) Error() string   { return "middlewaretest: attempt timed out" }
func (attemptTimeout) Timeout() bool   { return true }
func (attemptTimeout) Temporary() bool { return true }
func (attemptTimeout) Unwrap() error   { return context.DeadlineExceeded }
