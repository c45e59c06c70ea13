package stocktrimtest_test

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/roundtrip-go/roundtrip/retry"
	"github.com/roundtrip-go/roundtrip/stocktrim"
	"github.com/roundtrip-go/roundtrip/stocktrim/stocktrimtest"
)

// Example_noWaiting tests a StockTrim client's recovery from an outage
// and a dropped connection without waiting the stack's 1 to 16 s backoff:
// retry.WithWait through stocktrim.WithRetryOptions, which sees each wait
// and sleeps through none (two 503s, two waits; net/http replays the
// request whose kept-alive connection dropped by itself), and every
// setting given explicitly, so that no STOCKTRIM_* variable of the
// environment changes the test.
func Example_noWaiting() {
	srv := stocktrimtest.NewServer()
	defer srv.Close()
	// The retry layer's waits go through this function, which counts them
	// and returns at once: the test sleeps through none of them.
	waits := 0
	noWait := retry.WithWait(func(ctx context.Context, _ time.Duration) error {
		waits++
		return ctx.Err()
	})
	client, err := stocktrim.NewClient(
		stocktrim.WithRetryOptions(retry.WithBackoff(time.Millisecond, time.Millisecond), noWait),
		stocktrim.WithMaxRetries(3),
		stocktrim.WithTimeout(10*time.Second),
		stocktrim.WithCredentials(srv.AuthID(), srv.Signature()),
		stocktrim.WithBaseURL(srv.URL),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer client.CloseIdleConnections()

	srv.Inject(
		stocktrimtest.Fault{Path: "/api/Suppliers", Status: http.StatusServiceUnavailable, Times: 2},
		stocktrimtest.Fault{Path: "/api/Suppliers", Drop: true},
	)
	resp, err := client.Get(srv.URL + "/api/Suppliers")
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println("status:", resp.StatusCode)
	fmt.Println("requests the server got:", len(srv.Requests()))
	fmt.Println("waits, none slept:", waits)
	// Output:
	// status: 200
	// requests the server got: 4
	// waits, none slept: 2
}
