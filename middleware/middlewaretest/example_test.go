package middlewaretest_test

import (
	"fmt"
	"net/http"
	"time"

	"github.com/roundtrip-go/roundtrip/middleware/middlewaretest"
	"github.com/roundtrip-go/roundtrip/retry"
)

// ExampleTransport unit-tests a retry policy with no network: the scripted
// transport answers 503, then fails as a real network would (a
// connection reset, a refused dial, an attempt timeout: the ready faults
// a retry layer classifies as the real ones), then answers 200, and tells
// how many requests it got and whether every discarded response was
// closed.
func ExampleTransport() {
	base := middlewaretest.NewTransport(
		middlewaretest.Reply{Status: http.StatusServiceUnavailable, Body: "busy"},
		middlewaretest.Reply{Err: middlewaretest.ErrConnReset},
		middlewaretest.Reply{Err: middlewaretest.ErrConnRefused},
		middlewaretest.Reply{Err: middlewaretest.ErrAttemptTimeout},
		middlewaretest.Reply{Status: http.StatusOK, Body: "ok"},
	)
	client := &http.Client{Transport: retry.New(retry.WithBackoff(time.Millisecond, time.Millisecond))(base)}

	resp, err := client.Get("https://api.example.test/items")
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println("status:", resp.StatusCode)
	fmt.Println("requests:", base.Calls())
	fmt.Println("bodies left open:", base.Unclosed())
	// Output:
	// status: 200
	// requests: 5
	// bodies left open: 0
}
