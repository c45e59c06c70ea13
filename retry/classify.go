package retry

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"syscall"

	fstimeout "github.com/failsafe-go/failsafe-go/timeout"

	"github.com/roundtrip-go/roundtrip/timeout"
)

// shouldRetry reports whether the outcome of one attempt of req may be
// retried, before any limit is considered. Exactly one of resp and err is
// set. req may be nil when the policy runs in a foreign executor: then the
// method and the caller's context are unknown and only the outcome counts.
func (c *config) shouldRetry(req *http.Request, resp *http.Response, err error) bool {
	if req != nil && req.Context().Err() != nil {
		return false // the caller gave up; so do we
	}
	if err != nil {
		if !retryableError(err) {
			return false
		}
		return req == nil || c.allMethods || idempotent(req.Method) || hasIdempotencyKey(req.Header) || isDialError(err)
	}
	if resp == nil || !c.codes.has(resp.StatusCode) {
		return false
	}
	return req == nil || c.allMethods || idempotent(req.Method) || hasIdempotencyKey(req.Header) ||
		resp.StatusCode == http.StatusTooManyRequests
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

// isDialError reports whether err means the connection was never
// established, so the server cannot have seen the request.
func isDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// retryableError reports whether err is a transient network failure: a
// refused, reset or aborted connection, a DNS failure, EOF before a
// response, or a timeout of the attempt. Certificate and TLS configuration
// errors are never retried, and neither is anything not known to be
// transient (an unsupported scheme, an invalid header, an open circuit
// breaker).
func retryableError(err error) bool {
	if certificateError(err) {
		return false
	}
	var (
		te  *timeout.Error
		op  *net.OpError
		dns *net.DNSError
		ne  net.Error
	)
	switch {
	case errors.As(err, &te), errors.Is(err, fstimeout.ErrExceeded):
		return true
	case errors.As(err, &op), errors.As(err, &dns):
		return true
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ECONNREFUSED),
		errors.Is(err, syscall.ECONNABORTED), errors.Is(err, syscall.EPIPE),
		errors.Is(err, syscall.ETIMEDOUT):
		return true
	case errors.As(err, &ne):
		return ne.Timeout() // a response header timeout, an inner deadline
	}
	return false
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
