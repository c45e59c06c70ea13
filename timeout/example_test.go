package timeout_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/roundtrip-go/roundtrip/middleware"
	"github.com/roundtrip-go/roundtrip/timeout"
)

func ExampleNew() {
	// A base that never answers until the attempt's context ends.
	hang := middleware.Func(func(req *http.Request) (*http.Response, error) {
		<-req.Context().Done()
		return nil, context.Cause(req.Context())
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

// trickle is a response body that gives one chunk every 25ms, then EOF
// when chunks is 0; or, when chunks starts below 0, stalls until its
// attempt's context ends, as a server that stops sending would.
type trickle struct {
	ctx    context.Context
	chunks int
}

func (b *trickle) Read(p []byte) (int, error) {
	switch {
	case b.chunks < 0:
		<-b.ctx.Done()
		return 0, context.Cause(b.ctx)
	case b.chunks == 0:
		return 0, io.EOF
	}
	time.Sleep(25 * time.Millisecond)
	b.chunks--
	return copy(p, "chunk "), nil
}

func (b *trickle) Close() error { return nil }

func ExampleIdle() {
	// A base whose body trickles in for 30 chunks, 750ms in all, or, for
	// /stalled, stops after the headers.
	base := middleware.Func(func(req *http.Request) (*http.Response, error) {
		chunks := 30
		if req.URL.Path == "/stalled" {
			chunks = -1
		}
		body := &trickle{ctx: req.Context(), chunks: chunks}
		return &http.Response{StatusCode: http.StatusOK, Body: body, Header: http.Header{}, Request: req}, nil
	})
	// 500ms without a byte fails the attempt; 750ms of steady bytes does not.
	client := &http.Client{Transport: timeout.Idle(500 * time.Millisecond)(base)}

	for _, path := range []string{"/steady", "/stalled"} {
		resp, err := client.Get("http://example.test" + path)
		if err != nil {
			fmt.Println(err)
			continue
		}
		got, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Printf("%s: %d bytes, error: %v\n", path, len(got), err)
	}
	// Output:
	// /steady: 180 bytes, error: <nil>
	// /stalled: 0 bytes, error: timeout: attempt made no progress for 500ms
}

func ExampleOverride() {
	// A base that reports the deadline it was given and answers at once.
	base := middleware.Func(func(req *http.Request) (*http.Response, error) {
		if deadline, ok := req.Context().Deadline(); ok {
			fmt.Println("deadline in", time.Until(deadline).Round(time.Minute))
		} else {
			fmt.Println("no deadline")
		}
		return &http.Response{StatusCode: http.StatusNoContent, Body: http.NoBody, Header: http.Header{}, Request: req}, nil
	})
	client := &http.Client{Transport: timeout.New(time.Minute)(base)}

	get := func(ctx context.Context) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://example.test/export", nil)
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
		}
	}
	get(context.Background())                                   // the middleware's minute
	get(timeout.Override(context.Background(), 10*time.Minute)) // one long export
	get(timeout.Override(context.Background(), 0))              // no limit for this one
	// Output:
	// deadline in 1m0s
	// deadline in 10m0s
	// no deadline
}
