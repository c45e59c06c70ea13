package secret

import (
	"context"
	"slices"
	"testing"
)

func TestMarkAddsUp(t *testing.T) {
	ctx := context.Background()
	if IsHeader(ctx, "X-Auth-Token") {
		t.Fatal("empty context marks X-Auth-Token")
	}
	ctx = NewNames("x-auth-token").Mark(ctx)
	ctx = NewNames("Api-Auth-Id", "X-AUTH-TOKEN").Mark(ctx)
	for _, name := range []string{"X-Auth-Token", "x-auth-token", "api-auth-id"} {
		if !IsHeader(ctx, name) {
			t.Errorf("IsHeader(%q) = false; want true", name)
		}
	}
	if IsHeader(ctx, "Accept") {
		t.Error("IsHeader(Accept) = true; want false")
	}
	if got := len(Headers(ctx)); got != 2 {
		t.Errorf("len(Headers) = %d; want 2 (no duplicates)", got)
	}
	if IsHeader(nil, "X") {
		t.Error("nil context marks a header")
	}
}

func TestNamesMark(t *testing.T) {
	n := NewNames("x-auth-token", "Api-Auth-Id", "X-AUTH-TOKEN")
	if got := len(n.names); got != 2 {
		t.Fatalf("NewNames kept %d names; want 2 (no duplicates)", got)
	}
	ctx := n.Mark(context.Background())
	if !IsHeader(ctx, "X-Auth-Token") || !IsHeader(ctx, "api-auth-id") {
		t.Errorf("Mark on an unmarked context: Headers = %q", Headers(ctx))
	}
	if &Headers(ctx)[0] != &n.names[0] {
		t.Error("Mark on an unmarked context copied the names")
	}
	// On a context that marks others already, Mark adds to them and leaves
	// n as it was.
	ctx = NewNames("X-Tenant", "x-auth-token").Mark(NewNames("X-Tenant").Mark(context.Background()))
	ctx = n.Mark(ctx)
	want := []string{"X-Tenant", "X-Auth-Token", "Api-Auth-Id"}
	if got := Headers(ctx); !slices.Equal(got, want) {
		t.Errorf("Headers = %q; want %q", got, want)
	}
	if got := len(n.names); got != 2 {
		t.Errorf("Mark modified n: %q", n.names)
	}
}
