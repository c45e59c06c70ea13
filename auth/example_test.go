package auth_test

import (
	"fmt"
	"net/http"

	"github.com/roundtrip-go/roundtrip/auth"
	"github.com/roundtrip-go/roundtrip/middleware/middlewaretest"
)

func ExampleHeaders() {
	base := middlewaretest.NewTransport()
	mw := auth.Headers(map[string]string{
		"api-auth-id":        "my-id",
		"api-auth-signature": "my-signature",
	}, auth.OnlyHosts("api.stocktrim.com"))
	client := &http.Client{Transport: mw(base)}

	for _, url := range []string{"https://api.stocktrim.com/api/Products", "https://elsewhere.example/"} {
		resp, err := client.Get(url)
		if err != nil {
			fmt.Println(err)
			return
		}
		resp.Body.Close()
	}
	for _, r := range base.Received() {
		fmt.Printf("%s id=%q\n", r.Request.URL.Host, r.Request.Header.Get("api-auth-id"))
	}
	// Output:
	// api.stocktrim.com id="my-id"
	// elsewhere.example id=""
}

func ExampleBearer_invalid() {
	mw := auth.Bearer("token-with-newline\r\nX-Injected: 1")
	client := &http.Client{Transport: mw(middlewaretest.NewTransport())}
	_, err := client.Get("https://api.example.com/")
	fmt.Println(err)
	// Output:
	// Get "https://api.example.com/": auth: invalid header: value of "Authorization" contains a control character such as CR, LF or NUL
}
