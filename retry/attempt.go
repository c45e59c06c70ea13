package retry

import "context"

// attemptKey is the context key under which retry stores the attempt number.
type attemptKey struct{}

// Attempt returns the 1-based number of the current attempt of a request
// inside a chain below a retry middleware ([New] or [Failsafe]): 1 for the
// first try, 2 for the first retry, and so on. It returns 0 for a context
// that did not come through retry, including a nil context.
func Attempt(ctx context.Context) int {
	if ctx == nil {
		return 0
	}
	n, _ := ctx.Value(attemptKey{}).(int)
	return n
}

// withAttempt returns a child of ctx that carries attempt number n.
func withAttempt(ctx context.Context, n int) context.Context {
	return context.WithValue(ctx, attemptKey{}, n)
}
