package stocktrimtest_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNoClientStackDependency keeps the fake server independent of the
// client it is used to test: linking stocktrim would pull retry, timeout,
// logging and auth into every user's test binary, and a bug there into
// the fake.
func TestNoClientStackDependency(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	out, err := exec.Command(gobin, "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	const mod = "github.com/roundtrip-go/roundtrip/"
	for _, pkg := range strings.Fields(string(out)) {
		for _, banned := range []string{"stocktrim", "retry", "timeout", "logging", "auth", "telemetry"} {
			if pkg == mod+banned || strings.HasPrefix(pkg, mod+banned+"/") && !strings.HasPrefix(pkg, mod+"stocktrim/stocktrimtest") {
				t.Errorf("stocktrimtest depends on %s; want no package of the client stack", pkg)
			}
		}
	}
}
