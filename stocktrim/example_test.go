package stocktrim_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/rs/zerolog"

	"github.com/roundtrip-go/roundtrip"
	"github.com/roundtrip-go/roundtrip/retry"
	"github.com/roundtrip-go/roundtrip/stocktrim"
	"github.com/roundtrip-go/roundtrip/stocktrim/stocktrimtest"
)

func ExampleNewClient() {
	// A fake StockTrim API that fails twice before it answers.
	srv := stocktrimtest.NewServer()
	defer srv.Close()
	srv.Inject(stocktrimtest.Fault{Path: "/api/Products", Status: http.StatusServiceUnavailable, Times: 2})

	// In production, NewClient() alone takes the credentials from
	// STOCKTRIM_API_AUTH_ID and STOCKTRIM_API_AUTH_SIGNATURE.
	client, err := stocktrim.NewClient(
		stocktrim.WithBaseURL(srv.URL),
		stocktrim.WithCredentials(srv.AuthID(), srv.Signature()),
		stocktrim.WithRetryOptions(retry.WithBackoff(time.Millisecond, 10*time.Millisecond)),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer client.CloseIdleConnections()

	resp, err := client.Get(srv.URL + "/api/Products?code=WIDGET-001")
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
	fmt.Println(resp.StatusCode, products[0].ProductID, "after", len(srv.Requests()), "attempts")
	// Output: 200 WIDGET-001 after 3 attempts
}

func ExampleNewClient_missingCredentials() {
	// With neither STOCKTRIM_API_AUTH_ID nor STOCKTRIM_API_AUTH_SIGNATURE
	// set (TestMain unsets them), and a bad option too:
	_, err := stocktrim.NewClient(stocktrim.WithTimeout(-time.Second))
	fmt.Println(err)
	// Output:
	// stocktrim: missing credentials: set STOCKTRIM_API_AUTH_ID and STOCKTRIM_API_AUTH_SIGNATURE, or use WithCredentials (both are missing)
	// stocktrim: invalid timeout: WithTimeout(-1s) is not positive
}

func ExampleMiddlewares() {
	srv := stocktrimtest.NewServer()
	defer srv.Close()

	// The default layers inside a chain of one's own, over one's own
	// transport. The console writer leaves out what changes from run to
	// run: the server's port, the durations and the jittered delays.
	logger := zerolog.New(zerolog.ConsoleWriter{
		Out: os.Stdout, NoColor: true,
		PartsOrder:    []string{zerolog.LevelFieldName, zerolog.MessageFieldName},
		FieldsExclude: []string{"url", "duration_ms", "delay_ms"},
	}).Level(zerolog.InfoLevel)
	mws, err := stocktrim.Middlewares(
		stocktrim.WithBaseURL(srv.URL),
		stocktrim.WithCredentials(srv.AuthID(), srv.Signature()),
		stocktrim.WithLogger(logger),
		stocktrim.WithRetryOptions(retry.WithBackoff(time.Millisecond, 10*time.Millisecond)),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	base := &http.Transport{}
	defer base.CloseIdleConnections()
	client := &http.Client{Transport: roundtrip.Chain(mws...).Then(base)}

	srv.Inject(stocktrimtest.Fault{Path: "/api/Customers", Status: http.StatusTooManyRequests})
	resp, err := client.Get(srv.URL + "/api/Customers")
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode, "after", len(srv.Requests()), "attempts")
	// Output:
	// WRN http request attempt=1 method=GET status=429
	// WRN retrying request attempt=1 method=GET status=429
	// INF http request attempt=2 method=GET status=200
	// 200 after 2 attempts
}
