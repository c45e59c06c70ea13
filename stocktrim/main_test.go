package stocktrim_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/roundtrip-go/roundtrip/internal/testutil"
)

// TestMain runs the package's tests and examples without the developer's
// STOCKTRIM_* variables, which would change the stacks they build (an
// example has no t.Setenv), and sets them back after.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(testutil.WithoutEnv(m, testutil.StocktrimEnvPrefix))
}
