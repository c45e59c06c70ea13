package retry

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"

	fstimeout "github.com/failsafe-go/failsafe-go/timeout"
	"golang.org/x/net/http2"
)

// Retryable is the default classification of an attempt's outcome, the one
// [WithRetryIf] replaces; exactly one of resp and err is set. It reports
// true for the status codes 408, 429, 500, 502, 503 and 504 (not those of
// [WithStatusCodes]), and for transient network errors: a refused, reset
// or aborted connection, a DNS failure, EOF before a response, an HTTP/2
// stream reset, GOAWAY or refused stream, a replay stopped by the wire
// bound (a [*ReplayError]: the server reset the request), and an attempt
// timeout (a
// [net.Error] whose Timeout() is true, such as the timeout package's, or a
// failsafe-go timeout). It reports false for every other status, for TLS
// certificate and handshake errors, and for errors not known to be
// transient (an unsupported scheme, an invalid header, an open circuit
// breaker). It does not look at the method or at the caller's context:
// those rules apply after it.
func Retryable(resp *http.Response, err error) bool {
	if err != nil {
		return retryableError(err)
	}
	return resp != nil && defaultCodes.has(resp.StatusCode)
}

// defaultCodes is the set of defaultStatusCodes.
var defaultCodes = func() (s statusSet) {
	s.add(defaultStatusCodes...)
	return s
}()

// retryable reports whether the outcome of one attempt of req may be
// retried, before any limit is considered: the classification, then the
// method rules. Exactly one of resp and err is set. req is nil when the
// policy runs in a foreign executor and the attempt failed with an error:
// then the method is unknown and it fails closed, retrying only what the
// server cannot have processed.
func (c *config) retryable(req *http.Request, resp *http.Response, err error) bool {
	if req != nil && req.Context().Err() != nil {
		return false // the caller gave up; so do we
	}
	var ok bool
	switch {
	case c.retryIf != nil:
		ok = c.retryIf(resp, err)
	case err != nil:
		ok = retryableError(err)
	default:
		ok = resp != nil && c.codes.has(resp.StatusCode)
	}
	if !ok {
		return false
	}
	if err != nil && neverSent(err) || resp != nil && resp.StatusCode == http.StatusTooManyRequests {
		return true // the server did not act on it, or says to come back
	}
	return req != nil && (c.allMethods || idempotent(req.Method) || hasIdempotencyKey(req.Header))
}

// idempotent reports whether method is idempotent under RFC 9110 section
// 9.2.2. The empty method means GET.
func idempotent(method string) bool {
	switch method {
	case "", http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace,
		http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

// hasIdempotencyKey reports whether the request says it may be repeated.
func hasIdempotencyKey(h http.Header) bool {
	return len(h["Idempotency-Key"]) > 0 || len(h["X-Idempotency-Key"]) > 0
}

// neverSent reports whether err means the server cannot have processed the
// request: the connection was never established (a dial error), or an
// HTTP/2 server refused the stream (REFUSED_STREAM: RFC 9113 section 8.7).
func neverSent(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var se http2.StreamError
	return errors.As(err, &se) && se.Code == http2.ErrCodeRefusedStream
}

// retryableError reports whether err is a transient network failure: a
// refused, reset or aborted connection, a DNS failure, EOF before a
// response, an HTTP/2 stream reset or GOAWAY (or the replay of one that
// the wire bound stopped), or a timeout of the attempt.
// Certificate and TLS configuration errors are never retried, and neither
// is an error reading the caller's own request body nor anything not known
// to be transient (an unsupported scheme, an invalid header, an open
// circuit breaker).
func retryableError(err error) bool {
	if certificateError(err) || callerBodyError(err) {
		return false
	}
	var (
		op  *net.OpError
		dns *net.DNSError
		se  http2.StreamError
		ga  http2.GoAwayError
		re  *ReplayError
		ne  net.Error
	)
	switch {
	case errors.Is(err, fstimeout.ErrExceeded):
		return true
	case errors.As(err, &op), errors.As(err, &dns), errors.As(err, &se), errors.As(err, &ga), errors.As(err, &re):
		return true
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ECONNREFUSED),
		errors.Is(err, syscall.ECONNABORTED), errors.Is(err, syscall.EPIPE),
		errors.Is(err, syscall.ETIMEDOUT):
		return true
	case errors.As(err, &ne):
		return ne.Timeout() // an attempt timeout, a response header timeout
	}
	// net/http's bundled HTTP/2 GOAWAY error has no exported type.
	return strings.HasPrefix(err.Error(), "http2: server sent GOAWAY")
}

// callerBodyError reports whether err is net/http's report of a failed
// read of the request body: a *net.OpError with Op "readfrom" whose cause
// is not the connection's own (a system call error). Such an error is the
// caller's, and the same on every attempt.
func callerBodyError(err error) bool {
	var op *net.OpError
	if !errors.As(err, &op) || op.Op != "readfrom" {
		return false
	}
	var errno syscall.Errno
	var sys *os.SyscallError
	return !errors.As(op.Err, &errno) && !errors.As(op.Err, &sys) && !errors.Is(op.Err, net.ErrClosed)
}

// certificateError reports whether err comes from verifying the server's
// certificate or from a TLS handshake that cannot succeed on a retry.
func certificateError(err error) bool {
	var (
		verify   *tls.CertificateVerificationError
		record   tls.RecordHeaderError
		alert    tls.AlertError
		unknown  x509.UnknownAuthorityError
		invalid  x509.CertificateInvalidError
		hostname x509.HostnameError
		roots    x509.SystemRootsError
		critical x509.UnhandledCriticalExtension
	)
	var op *net.OpError
	if errors.As(err, &op) && (op.Op == "remote error" || op.Op == "local error") {
		return true // a TLS alert: the handshake was refused
	}
	return errors.As(err, &verify) || errors.As(err, &record) || errors.As(err, &alert) ||
		errors.As(err, &unknown) || errors.As(err, &invalid) || errors.As(err, &hostname) ||
		errors.As(err, &roots) || errors.As(err, &critical)
}
