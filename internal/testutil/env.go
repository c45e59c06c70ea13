package testutil

import (
	"os"
	"strings"
	"testing"
)

// StocktrimEnvPrefix begins the name of every environment variable package
// stocktrim reads (its Env constants; a stocktrim test checks that they
// all do). Clearing by prefix needs no list of names to keep in step.
const StocktrimEnvPrefix = "STOCKTRIM_"

// ClearEnv unsets, for the rest of t, every environment variable whose
// name starts with prefix; they are set back when t ends. Like t.Setenv,
// it cannot be used in a parallel test.
func ClearEnv(t testing.TB, prefix string) {
	t.Helper()
	for _, name := range envNames(prefix) {
		t.Setenv(name, "") // records the value for the cleanup
		if err := os.Unsetenv(name); err != nil {
			t.Fatalf("unset %s: %v", name, err)
		}
	}
}

// TestingM is what go.uber.org/goleak.VerifyTestMain and the testing
// package's M have in common.
type TestingM interface {
	Run() int
}

// WithoutEnv returns m with a Run that unsets every environment variable
// whose name starts with prefix, runs m, and sets them back. Examples have
// no *testing.T to clear the environment with; a TestMain does it for
// them:
//
//	func TestMain(m *testing.M) {
//		goleak.VerifyTestMain(testutil.WithoutEnv(m, testutil.StocktrimEnvPrefix))
//	}
func WithoutEnv(m TestingM, prefix string) TestingM {
	return withoutEnv{m: m, prefix: prefix}
}

type withoutEnv struct {
	m      TestingM
	prefix string
}

func (w withoutEnv) Run() int {
	saved := map[string]string{}
	for _, name := range envNames(w.prefix) {
		saved[name] = os.Getenv(name)
		os.Unsetenv(name)
	}
	defer func() {
		for name, v := range saved {
			os.Setenv(name, v)
		}
	}()
	return w.m.Run()
}

// envNames returns the names of the set environment variables that start
// with prefix.
func envNames(prefix string) []string {
	var names []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, prefix) {
			names = append(names, name)
		}
	}
	return names
}
