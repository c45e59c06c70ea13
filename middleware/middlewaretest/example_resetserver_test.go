package middlewaretest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/roundtrip-go/roundtrip/middleware/middlewaretest"
	"github.com/roundtrip-go/roundtrip/retry"
)

// ExampleResetServer shows what reaches a server that resets every HTTP/2
// stream: net/http alone would replay the POST on new connections until
// the context ended; through retry it arrives once.
func ExampleResetServer() {
	srv := middlewaretest.NewResetServer()
	defer srv.Close()
	base := srv.Client().Transport.(*http.Transport)
	defer base.CloseIdleConnections()
	client := &http.Client{Transport: retry.New()(base)}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "POST", srv.URL+"/orders", strings.NewReader(`{"id":1}`))
	_, err := client.Do(req)
	var replay *retry.ReplayError
	fmt.Println("stopped a replay:", errors.As(err, &replay))
	fmt.Println("POSTs received:", srv.Sends("POST"))
	// Output:
	// stopped a replay: true
	// POSTs received: 1
}
