package retry

import (
	"errors"
	"strconv"
)

// errBodyNotReplayable is returned when a failsafe-go policy asks for
// another attempt of a request whose body has no GetBody.
var errBodyNotReplayable = errors.New("request body cannot be sent again: the request has no GetBody")

// giveUpError is the error retry returns: the last attempt's error, with the
// number of attempts made. errors.Is and errors.As reach the cause.
type giveUpError struct {
	attempts int
	reason   string // what ended the retries, "" for the plain form
	err      error
}

func (e *giveUpError) Error() string {
	s := "retry: "
	if e.reason != "" {
		s += e.reason + " after attempt " + strconv.Itoa(e.attempts) + ": "
	} else if e.attempts > 0 {
		s += "giving up after " + strconv.Itoa(e.attempts) + " attempt"
		if e.attempts > 1 {
			s += "s"
		}
		s += ": "
	}
	return s + e.err.Error()
}

func (e *giveUpError) Unwrap() error { return e.err }

// Timeout reports whether the cause was a timeout, so that
// [net/url.Error.Timeout] still sees it through this wrapper.
func (e *giveUpError) Timeout() bool {
	var t interface{ Timeout() bool }
	return errors.As(e.err, &t) && t.Timeout()
}

// giveUp wraps err, the outcome of the last of attempts. An error that is
// already ours (from an inner Failsafe) is unwrapped first, so the prefix
// appears once.
func giveUp(attempts int, reason string, err error) error {
	if g, ok := err.(*giveUpError); ok {
		err = g.err
	}
	return &giveUpError{attempts: attempts, reason: reason, err: err}
}

// errNoResponse is reported when the next RoundTripper returns neither a
// response nor an error.
var errNoResponse = errors.New("next RoundTripper returned neither a response nor an error")

// errAttemptAbandoned is what an attempt that ended after its request was
// done (a hedge or a timed-out attempt) reports to nobody: its response has
// been discarded.
var errAttemptAbandoned = errors.New("attempt ended after the request was done")
