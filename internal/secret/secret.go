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

// key is the context key of the marked header names.
type key struct{}

// WithHeaders returns a child of ctx in which the named headers are marked
// secret, in addition to any that ctx already marks. Names are
// canonicalised as http.Header does.
func WithHeaders(ctx context.Context, names ...string) context.Context {
	have := Headers(ctx)
	all := make([]string, 0, len(have)+len(names))
	all = append(all, have...)
	for _, n := range names {
		n = http.CanonicalHeaderKey(n)
		if !slices.Contains(all, n) {
			all = append(all, n)
		}
	}
	return context.WithValue(ctx, key{}, all)
}

// Headers returns the canonical names of the headers marked secret in ctx,
// or nil. The caller must not modify the slice.
func Headers(ctx context.Context) []string {
	if ctx == nil {
		return nil
	}
	names, _ := ctx.Value(key{}).([]string)
	return names
}

// IsHeader reports whether the header name is marked secret in ctx.
func IsHeader(ctx context.Context, name string) bool {
	names := Headers(ctx)
	if len(names) == 0 {
		return false
	}
	return slices.Contains(names, http.CanonicalHeaderKey(name))
}
