package middlewaretest

import (
	"strings"
	"sync/atomic"
)

// Body is an io.ReadCloser over a string that counts how often it was
// closed and how many bytes were read from it. Use it as a request body to
// check that a middleware closes the caller's body exactly once; the
// [Transport] uses it for every response body it returns. It is safe for
// concurrent use of its counters, though, like any body, not for concurrent
// reads.
type Body struct {
	r      *strings.Reader
	closes atomic.Int32
	read   atomic.Int64
}

// NewBody returns a Body that reads s.
func NewBody(s string) *Body {
	return &Body{r: strings.NewReader(s)}
}

// Read reads from the string. It keeps working after Close, so that a test
// can tell a missing close from a failed read.
func (b *Body) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.read.Add(int64(n))
	return n, err
}

// Close counts the close and returns nil.
func (b *Body) Close() error {
	b.closes.Add(1)
	return nil
}

// Closes reports how many times Close was called.
func (b *Body) Closes() int { return int(b.closes.Load()) }

// BytesRead reports how many bytes were read so far.
func (b *Body) BytesRead() int64 { return b.read.Load() }
