// Command otel shows the OpenTelemetry of a retried call: a local server
// fails twice with 503, then answers; the chain
//
//	retry → otelhttp → telemetry → base transport
//
// makes one CLIENT span per attempt, the resends marked with
// http.request.resend_count, and metrics for the retries (from
// telemetry/otelretry) beside otelhttp's own. The stdout exporters print
// the spans, then the metrics, as JSON on standard output; a summary goes
// to standard error.
//
//	go run ./examples/otel
package main

import "github.com/roundtrip-go/roundtrip/examples/internal/cli"

func main() {
	cli.Main(run)
}
