package timeout_test

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/roundtrip-go/roundtrip/middleware"
	"github.com/roundtrip-go/roundtrip/timeout"
)

func ExampleNew() {
	// A base that never answers until the attempt's context ends.
	hang := middleware.Func(func(req *http.Request) (*http.Response, error) {
		<-req.Context().Done()
		return nil, req.Context().Err()
	})
	client := &http.Client{Transport: timeout.New(10 * time.Millisecond)(hang)}

	_, err := client.Get("http://example.test/")
	var te *timeout.Error
	fmt.Println(errors.As(err, &te), te.Limit)
	fmt.Println(err)
	// Output:
	// true 10ms
	// Get "http://example.test/": timeout: attempt exceeded its 10ms deadline
}
