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

// ExampleOnlyOrigins scopes a credential to one https origin: the same
// host over plain http, or on another port, gets nothing, so a redirect
// there cannot downgrade the credential to clear text.
func ExampleOnlyOrigins() {
	base := middlewaretest.NewTransport()
	mw := auth.Header("X-Auth-Token", "my-token", auth.OnlyOrigins("https://api.example.com"))
	client := &http.Client{Transport: mw(base)}

	for _, url := range []string{
		"https://api.example.com/items",
		"https://api.example.com:443/items",
		"http://api.example.com/items",
		"https://api.example.com:8443/items",
	} {
		resp, err := client.Get(url)
		if err != nil {
			fmt.Println(err)
			return
		}
		resp.Body.Close()
	}
	for _, r := range base.Received() {
		fmt.Printf("%s token=%q\n", r.Request.URL, r.Request.Header.Get("X-Auth-Token"))
	}

	// A URL given where a host name belongs is an error, not a scope.
	bad := auth.Bearer("tok", auth.OnlyHosts("https://api.example.com"))
	_, err := (&http.Client{Transport: bad(base)}).Get("https://api.example.com/")
	fmt.Println(err)
	// Output:
	// https://api.example.com/items token="my-token"
	// https://api.example.com:443/items token="my-token"
	// http://api.example.com/items token=""
	// https://api.example.com:8443/items token=""
	// Get "https://api.example.com/": auth: invalid scope: OnlyHosts("https://api.example.com"): a URL, not a host name; want a host name such as api.example.com, optionally with a port (or use OnlyOrigins)
}
