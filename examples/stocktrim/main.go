// Command stocktrim is the main job of this module: it lists StockTrim
// products through the default stack of package stocktrim.
//
//	go run ./examples/stocktrim
//
// With STOCKTRIM_API_AUTH_ID and STOCKTRIM_API_AUTH_SIGNATURE set, it
// lists the products of that account from the real API (or from
// STOCKTRIM_BASE_URL). With neither set, it starts a fake StockTrim API on
// a loopback address (package stocktrimtest) that drops a connection,
// answers 503 twice, throttles with a 429 and Retry-After: 1, stalls one
// response past the attempt timeout, answers 503 to an upsert (retried)
// and to a POST that creates (not retried), and sends one body slowly but
// steadily (it passes: the timeout counts the time without progress). It
// shows, in a readable log, every attempt and retry the stack makes. It
// needs no network and ends in a few seconds.
//
// Run it with -h for its flags.
package main

import "github.com/roundtrip-go/roundtrip/examples/internal/cli"

func main() {
	cli.Main(run)
}
