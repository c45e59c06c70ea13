// Package testutil holds the helpers the module's tests share: a log sink
// safe for concurrent writes, and a way to run a test, or a whole test
// binary, without the developer's environment variables.
//
// Only tests import it.
package testutil
