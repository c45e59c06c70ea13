package timeout

import (
	"context"
	"time"
)

// overrideKey is the context key of the limit Override sets.
type overrideKey struct{}

// Override returns a copy of ctx under which requests get d as their limit
// in every [New] and [Idle] middleware they pass through, in place of the
// limit each was made with: a deadline of d under New, d without progress
// under Idle. A d of zero or less turns the limit off for those requests.
// Requests made with other contexts keep the middleware's own limit.
//
// Override changes only middlewares that are in the chain: one made with a
// d of zero or less returned next unchanged and does not see it. A later
// Override on a context derived from ctx replaces this one. Like
// [context.WithValue], it panics when ctx is nil.
func Override(ctx context.Context, d time.Duration) context.Context {
	return context.WithValue(ctx, overrideKey{}, max(d, 0))
}

// overridden returns the limit Override set on ctx, if any.
func overridden(ctx context.Context) (time.Duration, bool) {
	d, ok := ctx.Value(overrideKey{}).(time.Duration)
	return d, ok
}
