package stocktrimtest_test

import (
	"fmt"
	"net/http"
	"time"

	"github.com/roundtrip-go/roundtrip/retry"
	"github.com/roundtrip-go/roundtrip/stocktrim"
	"github.com/roundtrip-go/roundtrip/stocktrim/stocktrimtest"
)

// Example_noWaiting tests a StockTrim client's recovery from an outage
// and a dropped connection without waiting the stack's 1 to 16 s backoff:
// millisecond backoffs through stocktrim.WithRetryOptions, and every
// setting given explicitly, so that no STOCKTRIM_* variable of the
// environment changes the test.
func Example_noWaiting() {
	srv := stocktrimtest.NewServer()
	defer srv.Close()
	client, err := stocktrim.NewClient(
		stocktrim.WithRetryOptions(retry.WithBackoff(time.Millisecond, time.Millisecond)),
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
	start := time.Now()
	resp, err := client.Get(srv.URL + "/api/Suppliers")
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println("status:", resp.StatusCode)
	fmt.Println("requests the server got:", len(srv.Requests()))
	fmt.Println("under a second:", time.Since(start) < time.Second)
	// Output:
	// status: 200
	// requests the server got: 4
	// under a second: true
}
