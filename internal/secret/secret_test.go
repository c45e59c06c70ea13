package secret

import (
	"context"
	"testing"
)

func TestWithHeaders(t *testing.T) {
	ctx := context.Background()
	if IsHeader(ctx, "X-Auth-Token") {
		t.Fatal("empty context marks X-Auth-Token")
	}
	ctx = WithHeaders(ctx, "x-auth-token")
	ctx = WithHeaders(ctx, "Api-Auth-Id", "X-AUTH-TOKEN")
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
