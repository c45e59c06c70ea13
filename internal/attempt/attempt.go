// Package attempt carries the 1-based attempt number of a request in its
// context. retry sets it; logging and telemetry read it. It is a leaf
// package so that those middlewares need not import one another; users read
// the number with retry.Attempt.
package attempt

import "context"

// key is the context key of the attempt number.
type key struct{}

// With returns a child of ctx that carries attempt n (1-based).
func With(ctx context.Context, n int) context.Context {
	return context.WithValue(ctx, key{}, n)
}

// From returns the attempt number that ctx carries, or 0 when ctx is nil
// or did not come through a retry layer.
func From(ctx context.Context) int {
	if ctx == nil {
		return 0
	}
	n, _ := ctx.Value(key{}).(int)
	return n
}
