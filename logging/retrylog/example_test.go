package retrylog_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/rs/zerolog"

	"github.com/roundtrip-go/roundtrip/logging/retrylog"
	"github.com/roundtrip-go/roundtrip/middleware/middlewaretest"
	"github.com/roundtrip-go/roundtrip/retry"
)

// ExampleNew logs a warn per retry and one error when the retries run
// out, redacted like the access events.
func ExampleNew() {
	logger := zerolog.New(os.Stdout)
	base := middlewaretest.NewTransport(
		middlewaretest.Reply{Status: http.StatusServiceUnavailable},
		middlewaretest.Reply{Status: http.StatusServiceUnavailable},
	)
	client := &http.Client{Transport: retry.New(
		retry.WithMaxRetries(1),
		retry.WithBackoff(time.Millisecond, time.Millisecond),
		retry.WithJitter(0),
		retrylog.New(logger),
	)(base)}

	resp, err := client.Get("https://api.example.test/items?page=2&token=s3cret")
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode)
	// Output:
	// {"level":"warn","method":"GET","url":"https://api.example.test/items?page=2&token=REDACTED","attempt":1,"status":503,"delay_ms":1,"message":"retrying request"}
	// {"level":"error","method":"GET","url":"https://api.example.test/items?page=2&token=REDACTED","attempt":2,"status":503,"reason":"max_retries","message":"giving up"}
	// 503
}

// ExampleNewSlog is ExampleNew with log/slog.
func ExampleNewSlog() {
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey { // left out for a stable output
				return slog.Attr{}
			}
			return a
		},
	}))
	base := middlewaretest.NewTransport(
		middlewaretest.Reply{Status: http.StatusTooManyRequests},
		middlewaretest.Reply{Status: http.StatusOK},
	)
	client := &http.Client{Transport: retry.New(
		retry.WithBackoff(time.Millisecond, time.Millisecond),
		retry.WithJitter(0),
		retrylog.NewSlog(logger),
	)(base)}

	resp, err := client.Get("https://api.example.test/items?page=2&token=s3cret")
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode)
	// Output:
	// level=WARN msg="retrying request" method=GET url="https://api.example.test/items?page=2&token=REDACTED" attempt=1 status=429 delay_ms=1
	// 200
}
