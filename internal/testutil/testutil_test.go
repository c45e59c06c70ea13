package testutil

import (
	"fmt"
	"os"
	"sync"
	"testing"
)

const testPrefix = "ROUNDTRIP_TESTUTIL_"

func TestClearEnvUnsetsAndRestores(t *testing.T) {
	t.Setenv(testPrefix+"A", "a")
	t.Setenv(testPrefix+"B", "")
	t.Setenv("ROUNDTRIP_OTHER", "kept")
	t.Run("cleared", func(t *testing.T) {
		ClearEnv(t, testPrefix)
		for _, name := range []string{testPrefix + "A", testPrefix + "B"} {
			if v, ok := os.LookupEnv(name); ok {
				t.Errorf("%s = %q inside the test; want it unset", name, v)
			}
		}
		if got := os.Getenv("ROUNDTRIP_OTHER"); got != "kept" {
			t.Errorf("ROUNDTRIP_OTHER = %q; want %q", got, "kept")
		}
	})
	if got := os.Getenv(testPrefix + "A"); got != "a" {
		t.Errorf("after the test %sA = %q; want %q", testPrefix, got, "a")
	}
	if _, ok := os.LookupEnv(testPrefix + "B"); !ok {
		t.Errorf("after the test %sB is unset; want it set back (empty)", testPrefix)
	}
}

// runFunc is a TestingM that runs fn.
type runFunc func() int

func (f runFunc) Run() int { return f() }

func TestWithoutEnvUnsetsDuringRun(t *testing.T) {
	t.Setenv(testPrefix+"A", "a")
	var during bool
	code := WithoutEnv(runFunc(func() int {
		_, during = os.LookupEnv(testPrefix + "A")
		return 3
	}), testPrefix).Run()
	if code != 3 {
		t.Errorf("Run() = %d; want the inner code 3", code)
	}
	if during {
		t.Errorf("%sA was set during Run; want it unset", testPrefix)
	}
	if got := os.Getenv(testPrefix + "A"); got != "a" {
		t.Errorf("after Run %sA = %q; want %q", testPrefix, got, "a")
	}
}

func TestSyncBufferEvents(t *testing.T) {
	var b SyncBuffer
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() { fmt.Fprintf(&b, "{\"n\":%d}\n", i) })
	}
	wg.Wait()
	events := b.Events(t)
	if len(events) != 8 {
		t.Fatalf("got %d events; want 8 from %q", len(events), b.String())
	}
	seen := map[float64]bool{}
	for _, e := range events {
		seen[e["n"].(float64)] = true
	}
	if len(seen) != 8 {
		t.Errorf("got events %v; want n = 0..7 once each", events)
	}
}
