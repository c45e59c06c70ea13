package middleware_test

import (
	"fmt"
	"net/http"

	"github.com/roundtrip-go/roundtrip/middleware"
	"github.com/roundtrip-go/roundtrip/middleware/middlewaretest"
)

// userAgent is a middleware written with Func: it sets the User-Agent on
// a clone of each request, never on the caller's request.
func userAgent(ua string) middleware.Middleware {
	return func(next http.RoundTripper) http.RoundTripper {
		return middleware.Func(func(req *http.Request) (*http.Response, error) {
			out := req.Clone(req.Context())
			out.Header.Set("User-Agent", ua)
			return next.RoundTrip(out)
		})
	}
}

func ExampleMiddleware() {
	base := middlewaretest.NewTransport()
	client := &http.Client{Transport: userAgent("inventory-sync/1.0")(base)}

	resp, err := client.Get("https://api.example.test/items")
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode, base.Received()[0].Request.Header.Get("User-Agent"))
	// Output: 200 inventory-sync/1.0
}

// idleBase is a base transport that says when its idle connections are
// closed.
type idleBase struct{ middlewaretest.Transport }

func (*idleBase) CloseIdleConnections() { fmt.Println("base: idle connections closed") }

// wrapper is a middleware's transport: its CloseIdleConnections passes the
// call on, so http.Client.CloseIdleConnections reaches the base.
type wrapper struct{ next http.RoundTripper }

func (w wrapper) RoundTrip(req *http.Request) (*http.Response, error) { return w.next.RoundTrip(req) }
func (w wrapper) CloseIdleConnections()                               { middleware.CloseIdleConnections(w.next) }

func ExampleCloseIdleConnections() {
	client := &http.Client{Transport: wrapper{next: &idleBase{}}}
	client.CloseIdleConnections()

	middleware.CloseIdleConnections(nil)                           // does nothing
	middleware.CloseIdleConnections(middlewaretest.NewTransport()) // has no pool: does nothing
	// Output: base: idle connections closed
}
