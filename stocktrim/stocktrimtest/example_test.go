package stocktrimtest_test

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/roundtrip-go/roundtrip/stocktrim/stocktrimtest"
)

// getWithCredentials sends a GET with the credentials the server accepts.
// The stocktrim package's client does that for real code.
func getWithCredentials(srv *stocktrimtest.Server, path string) (*http.Response, error) {
	req, err := http.NewRequest("GET", srv.URL+path, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("api-auth-id", srv.AuthID())
	req.Header.Set("api-auth-signature", srv.Signature())
	return srv.Client().Do(req)
}

func ExampleNewServer() {
	srv := stocktrimtest.NewServer()
	defer srv.Close()

	resp, err := getWithCredentials(srv, "/api/Products?code=WIDGET-002")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	var products []stocktrimtest.Product
	if err := json.NewDecoder(resp.Body).Decode(&products); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(resp.StatusCode, products[0].ProductID, products[0].Name, *products[0].StockOnHand)

	fmt.Println(len(srv.Requests()), "request received, with", srv.Requests()[0].Query.Get("code"))
	// Output:
	// 200 WIDGET-002 Large widget 15
	// 1 request received, with WIDGET-002
}

func ExampleServer_Inject() {
	srv := stocktrimtest.NewServer()
	defer srv.Close()
	srv.Inject(
		stocktrimtest.Fault{Method: "GET", Path: "/api/Products", Status: http.StatusServiceUnavailable, Times: 2},
		stocktrimtest.Fault{Method: "GET", Path: "/api/Products", Status: http.StatusTooManyRequests, RetryAfter: "1"},
	)
	for range 4 {
		resp, err := getWithCredentials(srv, "/api/Products")
		if err != nil {
			fmt.Println(err)
			return
		}
		resp.Body.Close()
		fmt.Printf("%d Retry-After=%q\n", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	fmt.Println("pending faults:", srv.PendingFaults())
	// Output:
	// 503 Retry-After=""
	// 503 Retry-After=""
	// 429 Retry-After="1"
	// 200 Retry-After=""
	// pending faults: 0
}
