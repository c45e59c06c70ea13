package middlewaretest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/net/http2"

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

// ExampleNewHTTP2Server scripts a fault a real server does not make on
// demand: the first stream is refused (REFUSED_STREAM: never processed),
// later ones get a 204. net/http resends the refused POST on the same
// connection, and retry lets it, since the server never processed it.
func ExampleNewHTTP2Server() {
	var streams atomic.Int32
	srv := middlewaretest.NewHTTP2Server(func(fr *http2.Framer, f *http2.MetaHeadersFrame) bool {
		if streams.Add(1) == 1 {
			return fr.WriteRSTStream(f.StreamID, http2.ErrCodeRefusedStream) == nil
		}
		return fr.WriteHeaders(http2.HeadersFrameParam{
			StreamID: f.StreamID, BlockFragment: middlewaretest.StatusBlock(http.StatusNoContent),
			EndHeaders: true, EndStream: true,
		}) == nil
	})
	defer srv.Close()
	base := srv.Client().Transport.(*http.Transport)
	defer base.CloseIdleConnections()
	client := &http.Client{Transport: retry.New(retry.WithMaxRetries(0))(base)}

	resp, err := client.Post(srv.URL+"/orders", "application/json", strings.NewReader(`{"id":1}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode, "after", srv.Requests(), "requests on", srv.Conns(), "connection")
	// Output: 204 after 2 requests on 1 connection
}
