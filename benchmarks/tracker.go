package main

import (
	"io"
	"net/http"
	"sync"
)

// tracker is a base RoundTripper that remembers each response body it hands
// out until the body is closed. A library that drops a discarded response
// without closing it strands a connection and its goroutines for good; the
// tracker lets a run count them and then close them, so one column's leak
// does not spill into the next.
type tracker struct {
	next http.RoundTripper

	mu   sync.Mutex
	open map[*trackedBody]struct{}
}

var _ http.RoundTripper = (*tracker)(nil)

func newTracker(next http.RoundTripper) *tracker {
	return &tracker{next: next, open: make(map[*trackedBody]struct{})}
}

func (t *tracker) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	b := &trackedBody{ReadCloser: resp.Body, t: t}
	t.mu.Lock()
	t.open[b] = struct{}{}
	t.mu.Unlock()
	resp.Body = b
	return resp, nil
}

// closeOpen closes every body not closed yet and returns how many there were.
func (t *tracker) closeOpen() int {
	t.mu.Lock()
	left := make([]*trackedBody, 0, len(t.open))
	for b := range t.open {
		left = append(left, b)
	}
	t.mu.Unlock()
	for _, b := range left {
		_ = b.Close()
	}
	return len(left)
}

// trackedBody is a response body that leaves its tracker's open set when
// closed.
type trackedBody struct {
	io.ReadCloser
	t    *tracker
	once sync.Once
}

func (b *trackedBody) Close() error {
	b.once.Do(func() {
		b.t.mu.Lock()
		delete(b.t.open, b)
		b.t.mu.Unlock()
	})
	return b.ReadCloser.Close()
}
