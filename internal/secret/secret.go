// Package secret lets auth tell logging which request headers carry
// credentials, whatever their names, without either importing the other.
// An auth middleware marks the names in the request's context; a logging
// layer below it redacts those headers.
package secret

import (
	"context"
	"net/http"
	"slices"
)

// key is the context key of the marked header names. Its value is a
// *Names: a pointer, so that storing it in a context allocates nothing
// beyond the context itself.
type key struct{}

// Names is a set of canonical header names, built once by [NewNames] so
// that marking a request with [Names.Mark] costs only the context value.
// It is immutable.
type Names struct {
	names []string
}

// NewNames returns the set of names, canonicalised as http.Header does and
// without duplicates.
func NewNames(names ...string) *Names {
	return &Names{names: merge(nil, names)}
}

// Mark returns a child of ctx in which n's headers are marked secret, in
// addition to any that ctx already marks. When ctx marks none, the child
// holds n itself, and Headers returns n's slice as it is.
func (n *Names) Mark(ctx context.Context) context.Context {
	if have := Headers(ctx); len(have) > 0 {
		return context.WithValue(ctx, key{}, &Names{names: merge(have, n.names)})
	}
	return context.WithValue(ctx, key{}, n)
}

// merge returns a new slice with the names of have, then the canonical
// form of each of names that is not in it yet.
func merge(have, names []string) []string {
	all := make([]string, 0, len(have)+len(names))
	all = append(all, have...)
	for _, n := range names {
		n = http.CanonicalHeaderKey(n)
		if !slices.Contains(all, n) {
			all = append(all, n)
		}
	}
	return all
}

// Headers returns the canonical names of the headers marked secret in ctx,
// or nil. The slice may be shared by every request marked by the same
// [Names]: the caller must not modify it.
func Headers(ctx context.Context) []string {
	if ctx == nil {
		return nil
	}
	if n, _ := ctx.Value(key{}).(*Names); n != nil {
		return n.names
	}
	return nil
}

// IsHeader reports whether the header name is marked secret in ctx.
func IsHeader(ctx context.Context, name string) bool {
	names := Headers(ctx)
	if len(names) == 0 {
		return false
	}
	return slices.Contains(names, http.CanonicalHeaderKey(name))
}
