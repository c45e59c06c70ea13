package retry

import (
	"context"
	"net/http"
)

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

// attemptRequest is the request of one attempt together with its context,
// so that both take one allocation.
type attemptRequest struct {
	req http.Request
	ctx attemptContext
}

// attemptContext is a child of a context that carries the attempt number
// for Attempt.
type attemptContext struct {
	context.Context
	n int
}

func (c *attemptContext) Value(key any) any {
	if key == (attemptKey{}) {
		return c.n
	}
	return c.Context.Value(key)
}

// newAttempt returns a copy of req for attempt n, under a child of ctx
// that carries n.
func newAttempt(req *http.Request, ctx context.Context, n int) *http.Request {
	a := &attemptRequest{ctx: attemptContext{Context: ctx, n: n}}
	a.req = *req.WithContext(&a.ctx) // the copy WithContext makes stays on the stack
	return &a.req
}
