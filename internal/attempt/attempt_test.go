package attempt

import (
	"context"
	"testing"
)

func TestWithFrom(t *testing.T) {
	if got := From(nil); got != 0 {
		t.Errorf("From(nil) = %d; want 0", got)
	}
	ctx := context.Background()
	if got := From(ctx); got != 0 {
		t.Errorf("From(background) = %d; want 0", got)
	}
	ctx2 := With(ctx, 3)
	if got := From(ctx2); got != 3 {
		t.Errorf("From(With(ctx, 3)) = %d; want 3", got)
	}
	if got := From(With(ctx2, 4)); got != 4 {
		t.Errorf("inner With wins: got %d; want 4", got)
	}
}
