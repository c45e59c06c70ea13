package retry_test

import (
	"context"
	"errors"
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

func ExampleOverride() {
	base := middlewaretest.NewTransport(middlewaretest.Reply{Status: http.StatusServiceUnavailable})
	client := &http.Client{Transport: retry.New(
		retry.WithBackoff(time.Millisecond, 10*time.Millisecond),
	)(base)}

	// This one call is not retried; every other request still is.
	ctx := retry.Override(context.Background(), retry.WithMaxRetries(0))
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://api.example/health", nil)
	resp, err := client.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode, "after", base.Calls(), "attempt")

	// This POST is known to be safe to repeat.
	ctx = retry.Override(context.Background(), retry.WithAllMethods(), retry.WithMaxRetries(1))
	req, _ = http.NewRequestWithContext(ctx, http.MethodPost, "http://api.example/upsert", nil)
	resp, err = client.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode, "after", base.Calls()-1, "attempts")
	// Output:
	// 503 after 1 attempt
	// 503 after 2 attempts
}

func ExampleWithRetryIf() {
	base := middlewaretest.NewTransport(
		middlewaretest.Reply{Status: http.StatusConflict},
		middlewaretest.Reply{Status: http.StatusOK},
	)
	rt := retry.New(
		retry.WithBackoff(time.Millisecond, 10*time.Millisecond),
		// The default classification, plus 409 Conflict.
		retry.WithRetryIf(func(resp *http.Response, err error) bool {
			return retry.Retryable(resp, err) || resp != nil && resp.StatusCode == http.StatusConflict
		}),
	)(base)

	status := send(rt, http.MethodPut, "http://api.example/items/1")
	fmt.Println(status, "after", base.Calls(), "attempts")
	// Output:
	// 200 after 2 attempts
}

func ExampleWithWait() {
	// A test that sees the waits without sleeping through them.
	var waits []time.Duration
	base := middlewaretest.NewTransport(
		middlewaretest.Reply{Status: http.StatusServiceUnavailable, Header: http.Header{"Retry-After": {"30"}}},
		middlewaretest.Reply{Status: http.StatusBadGateway},
		middlewaretest.Reply{Status: http.StatusOK},
	)
	rt := retry.New(
		retry.WithJitter(0),
		retry.WithWait(func(ctx context.Context, d time.Duration) error {
			waits = append(waits, d)
			return ctx.Err()
		}),
	)(base)

	status := send(rt, http.MethodGet, "http://api.example/items")
	fmt.Println(status, waits)
	// Output:
	// 200 [30s 2s]
}

func ExampleWithBackoffFunc() {
	base := middlewaretest.NewTransport(
		middlewaretest.Reply{Status: http.StatusBadGateway},
		middlewaretest.Reply{Status: http.StatusServiceUnavailable, Header: http.Header{"Retry-After": {"0"}}},
		middlewaretest.Reply{Status: http.StatusOK},
	)
	client := &http.Client{Transport: retry.New(
		// Linear: k ms before retry k, used as is. Retry-After still wins.
		retry.WithBackoffFunc(func(k int) time.Duration { return time.Duration(k) * time.Millisecond }),
		retry.OnRetry(func(e retry.Event) { fmt.Println(e.StatusCode, "then wait", e.Delay) }),
	)(base)}

	resp, err := client.Get("http://api.example/items")
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode)
	// Output:
	// 502 then wait 1ms
	// 503 then wait 0s
	// 200
}

func ExampleOnGiveUp() {
	base := middlewaretest.NewTransport(middlewaretest.Reply{Status: http.StatusServiceUnavailable})
	rt := retry.New(
		retry.WithMaxRetries(2),
		retry.WithBackoff(time.Millisecond, 10*time.Millisecond),
		retry.Options(
			retry.OnRetry(func(e retry.Event) { fmt.Println("attempt", e.Attempt, "got", e.StatusCode) }),
			retry.OnGiveUp(func(e retry.Event) {
				fmt.Println("giving up after attempt", e.Attempt, "on", e.StatusCode, "because", e.Reason)
			}),
		),
	)(base)

	fmt.Println("returned", send(rt, http.MethodGet, "http://api.example/items"))
	// Output:
	// attempt 1 got 503
	// attempt 2 got 503
	// giving up after attempt 3 on 503 because max_retries
	// returned 503
}

func ExampleError() {
	base := middlewaretest.NewTransport(middlewaretest.Reply{Err: errors.New("connection reset by peer")})
	rt := retry.New()(base)

	// A POST is not retried after a reset: the server may have acted on it.
	req, _ := http.NewRequest(http.MethodPost, "http://api.example/orders", nil)
	_, err := rt.RoundTrip(req)
	var re *retry.Error
	if errors.As(err, &re) {
		fmt.Println(re.Attempts, "attempt:", re.Err)
	}
	fmt.Println(err)
	// Output:
	// 1 attempt: connection reset by peer
	// retry: giving up after 1 attempt: connection reset by peer
}

// send makes one request through rt and returns the status it got, or 0
// after printing the error.
func send(rt http.RoundTripper, method, url string) int {
	req, _ := http.NewRequest(method, url, nil)
	resp, err := rt.RoundTrip(req)
	if err != nil {
		fmt.Println(err)
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// counting is an adapter as a metrics package would write one: a single
// Option that sets both listeners.
func counting(retries, giveUps *int) retry.Option {
	return retry.Options(
		retry.OnRetry(func(retry.Event) { *retries++ }),
		retry.OnGiveUp(func(retry.Event) { *giveUps++ }),
	)
}

func ExampleOptions() {
	var retries, giveUps int
	base := middlewaretest.NewTransport(middlewaretest.Reply{Status: http.StatusBadGateway})
	rt := retry.New(
		retry.WithMaxRetries(3),
		retry.WithBackoff(time.Millisecond, 10*time.Millisecond),
		counting(&retries, &giveUps),
	)(base)

	fmt.Println(send(rt, http.MethodGet, "http://api.example/items"), "retries:", retries, "give-ups:", giveUps)
	// Output:
	// 502 retries: 3 give-ups: 1
}
