package timeout

import (
	"context"
	"fmt"
	"time"
)

// Error reports that the per-attempt deadline set by [New] fired before the
// attempt finished, while the caller's own context was still live.
//
// It matches [context.DeadlineExceeded] with [errors.Is], satisfies
// [net.Error] with Timeout reporting true, and unwraps to the error the
// next RoundTripper or the body read returned, so [errors.As] still reaches
// a cause such as *net.OpError.
type Error struct {
	// Limit is the deadline each attempt was given.
	Limit time.Duration
	// Err is what the next RoundTripper or the body read returned when the
	// deadline fired. It may be nil.
	Err error
}

// Error describes the timeout. It names the limit, never the request.
func (e *Error) Error() string {
	if e.Err == nil || e.Err == context.DeadlineExceeded {
		return fmt.Sprintf("timeout: attempt exceeded its %v deadline", e.Limit)
	}
	return fmt.Sprintf("timeout: attempt exceeded its %v deadline: %v", e.Limit, e.Err)
}

// Timeout reports true: the attempt ran out of time.
func (e *Error) Timeout() bool { return true }

// Temporary reports true: another attempt may succeed. It is kept for
// [net.Error]; prefer Timeout.
func (e *Error) Temporary() bool { return true }

// Unwrap returns context.DeadlineExceeded and, when set, Err.
func (e *Error) Unwrap() []error {
	if e.Err == nil || e.Err == context.DeadlineExceeded {
		return []error{context.DeadlineExceeded}
	}
	return []error{context.DeadlineExceeded, e.Err}
}
