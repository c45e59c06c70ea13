package roundtrip_test

import (
	"fmt"
	"net/http"

	"github.com/roundtrip-go/roundtrip"
	"github.com/roundtrip-go/roundtrip/middleware"
	"github.com/roundtrip-go/roundtrip/middleware/middlewaretest"
)

// named returns a middleware that prints name on the way in and out.
func named(name string) middleware.Middleware {
	return func(next http.RoundTripper) http.RoundTripper {
		return middleware.Func(func(req *http.Request) (*http.Response, error) {
			fmt.Println("request through", name)
			resp, err := next.RoundTrip(req)
			fmt.Println("response through", name)
			return resp, err
		})
	}
}

func ExampleChain() {
	base := middlewaretest.NewTransport(middlewaretest.Reply{Status: http.StatusOK})
	client := &http.Client{Transport: roundtrip.Chain(named("a"), named("b")).Append(named("c")).Then(base)}

	resp, err := client.Get("http://example.test/")
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println(resp.Status)
	// Output:
	// request through a
	// request through b
	// request through c
	// response through c
	// response through b
	// response through a
	// 200 OK
}
