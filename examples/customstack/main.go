// Command customstack builds a stack of its own for an API other than
// StockTrim from the same pieces: bearer auth scoped to the API's host,
// retries with a failsafe-go circuit breaker through retry.Failsafe, a
// timeout per attempt, and logging. It runs against a local test server
// that goes down and comes back, and shows the breaker open, fail fast,
// and close again.
//
//	go run ./examples/customstack
package main

import "github.com/roundtrip-go/roundtrip/examples/internal/cli"

func main() {
	cli.Main(run)
}
