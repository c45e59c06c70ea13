package stocktrim_test

import (
	"fmt"

	"github.com/roundtrip-go/roundtrip/stocktrim"
	"github.com/roundtrip-go/roundtrip/stocktrim/stocktrimtest"
)

func ExampleBaseURL() {
	srv := stocktrimtest.NewServer()
	defer srv.Close()
	// The same options for the client and for the URLs it is sent to; in
	// production, both come from the environment:
	//
	//	client, err := stocktrim.NewClient()
	//	base, err := stocktrim.BaseURL()
	opts := []stocktrim.Option{
		stocktrim.WithBaseURL(srv.URL + "/"),
		stocktrim.WithCredentials(srv.AuthID(), srv.Signature()),
	}
	client, err := stocktrim.NewClient(opts...)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer client.CloseIdleConnections()
	base, err := stocktrim.BaseURL(opts...)
	if err != nil {
		fmt.Println(err)
		return
	}

	resp, err := client.Get(base + "/api/Products")
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode, srv.Requests()[0].Path)
	// Output: 200 /api/Products
}
