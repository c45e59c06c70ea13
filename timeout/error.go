package timeout

import (
	"context"
	"fmt"
	"time"
)

// Error reports that the limit set by [New] or [Idle] ended the attempt,
// while the caller's own context was still live.
//
// It matches [context.DeadlineExceeded] with [errors.Is], satisfies
// [net.Error] with Timeout reporting true, and unwraps to the error the
// next RoundTripper or the body read returned, so [errors.As] still reaches
// a cause such as *net.OpError.
type Error struct {
	// Limit is the limit that fired: the deadline under New, the time
	// without progress under Idle, after any [Override].
	Limit time.Duration
	// Idle reports that the limit was Idle's: no progress for Limit.
	Idle bool
	// Err is what the next RoundTripper or the body read returned when the
	// limit fired, when it says more than that the attempt's context
	// ended. It may be nil.
	Err error
}

// Error describes the timeout. It names the limit, never the request.
func (e *Error) Error() string {
	what := fmt.Sprintf("timeout: attempt exceeded its %v deadline", e.Limit)
	if e.Idle {
		what = fmt.Sprintf("timeout: attempt made no progress for %v", e.Limit)
	}
	if e.Err == nil || e.Err == context.DeadlineExceeded {
		return what
	}
	return what + ": " + e.Err.Error()
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
