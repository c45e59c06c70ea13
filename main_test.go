package roundtrip_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/roundtrip-go/roundtrip/internal/testutil"
)

// TestMain runs the package's tests without the developer's STOCKTRIM_*
// variables, which would change the stocktrim stacks they build, and sets
// them back after.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(testutil.WithoutEnv(m, testutil.StocktrimEnvPrefix))
}
