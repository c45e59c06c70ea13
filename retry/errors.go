package retry

import (
	"errors"
	"strconv"
)

// Error is the error a call returns when it ends in an error: the last
// attempt's error, after retries or without them. [errors.Is] and
// [errors.As] reach through it to the cause (a *net.OpError,
// context.Canceled, circuitbreaker.ErrOpen, ...). Its message keeps the
// "retry: " prefix and says how many attempts were made.
type Error struct {
	// Attempts is how many attempts were sent to the next RoundTripper: 0
	// when none was (an open circuit breaker rejected the call, say).
	Attempts int
	// Err is the last attempt's error, or what ended the call (the
	// caller's context, a policy's rejection). It is never nil.
	Err error
}

// Error says how many attempts were sent, then the cause:
// "retry: giving up after 3 attempts: ..." or, when none was sent,
// "retry: no attempt sent: ...".
func (e *Error) Error() string {
	s := "retry: "
	switch {
	case e.Attempts == 0:
		s += "no attempt sent"
	case e.Attempts == 1:
		s += "giving up after 1 attempt"
	default:
		s += "giving up after " + strconv.Itoa(e.Attempts) + " attempts"
	}
	return s + ": " + e.Err.Error()
}

// Unwrap returns Err, so that errors.Is and errors.As reach the cause.
func (e *Error) Unwrap() error { return e.Err }

// Timeout reports whether the cause was a timeout, so that
// [net/url.Error.Timeout] still sees it through this wrapper.
func (e *Error) Timeout() bool {
	var t interface{ Timeout() bool }
	return errors.As(e.Err, &t) && t.Timeout()
}

// giveUp wraps err, the outcome of the last attempt of a call that sent
// sent attempts. An *Error from an inner layer of this package is
// unwrapped first, so that the prefix appears once; sent already counts its
// attempts (see sentBy).
func giveUp(sent int, err error) *Error {
	if inner, ok := err.(*Error); ok {
		err = inner.Err
	}
	return &Error{Attempts: sent, Err: err}
}

// sentBy returns how many attempts reaching the next RoundTripper an
// attempt's error stands for: an *Error from an inner layer of this package
// counts its own (0 when a policy rejected the call), any other outcome 1.
func sentBy(err error) int {
	if inner, ok := err.(*Error); ok {
		return inner.Attempts
	}
	return 1
}

// errNoResponse is reported when the next RoundTripper returns neither a
// response nor an error.
var errNoResponse = errors.New("next RoundTripper returned neither a response nor an error")

// errBodyNotReplayable is returned when a failsafe-go policy asks for
// another attempt of a request whose body has no GetBody.
var errBodyNotReplayable = errors.New("request body cannot be sent again: the request has no GetBody")

// errAttemptAbandoned is what an attempt that ended after its request was
// done (a hedge or a timed-out attempt) reports to nobody: its response has
// been discarded.
var errAttemptAbandoned = errors.New("attempt ended after the request was done")
