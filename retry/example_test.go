package retry_test

import (
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/failsafe-go/failsafe-go/circuitbreaker"

	"github.com/roundtrip-go/roundtrip/middleware"
	"github.com/roundtrip-go/roundtrip/middleware/middlewaretest"
	"github.com/roundtrip-go/roundtrip/retry"
)

func ExampleNew() {
	// A server that is busy twice, then answers.
	base := middlewaretest.NewTransport(
		middlewaretest.Reply{Status: http.StatusServiceUnavailable, Header: http.Header{"Retry-After": {"0"}}},
		middlewaretest.Reply{Status: http.StatusBadGateway},
		middlewaretest.Reply{Status: http.StatusOK, Body: "hello"},
	)
	// What the layers below retry see: the attempt number.
	attempts := middleware.Func(func(req *http.Request) (*http.Response, error) {
		fmt.Println("attempt", retry.Attempt(req.Context()))
		return base.RoundTrip(req)
	})
	client := &http.Client{Transport: retry.New(
		retry.WithBackoff(time.Millisecond, 10*time.Millisecond),
		retry.OnRetry(func(e retry.Event) {
			fmt.Printf("attempt %d got %d; retrying\n", e.Attempt, e.StatusCode)
		}),
	)(attempts)}

	resp, err := client.Get("http://api.example/items")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, string(body))
	// Output:
	// attempt 1
	// attempt 1 got 503; retrying
	// attempt 2
	// attempt 2 got 502; retrying
	// attempt 3
	// 200 hello
}

func ExampleFailsafe() {
	// Retries around a circuit breaker that opens after two failures.
	breaker := circuitbreaker.NewBuilder[*http.Response]().
		HandleIf(func(resp *http.Response, err error) bool {
			return err != nil || resp.StatusCode >= 500
		}).
		WithFailureThreshold(2).
		WithDelay(time.Minute).
		Build()
	base := middlewaretest.NewTransport(middlewaretest.Reply{Status: http.StatusInternalServerError})
	rt := retry.Failsafe(
		retry.NewPolicy(retry.WithBackoff(time.Millisecond, 10*time.Millisecond)),
		breaker,
	)(base)

	req, _ := http.NewRequest(http.MethodGet, "http://api.example/items", nil)
	_, err := rt.RoundTrip(req)
	fmt.Println(err)
	fmt.Println("sent:", base.Calls())
	fmt.Println("breaker open:", breaker.IsOpen())
	// Output:
	// retry: giving up after 2 attempts: circuit breaker open
	// sent: 2
	// breaker open: true
}
