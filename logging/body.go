package logging

import (
	"io"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"
)

// body passes the response body through to the caller and finishes the
// attempt's event when the body is read to EOF or closed, whichever comes
// first. At debug it keeps the first limit bytes the caller read.
type body struct {
	rc     io.ReadCloser
	closed atomic.Bool

	red   *redactor
	url   *url.URL
	start time.Time
	limit int // excerpt size; 0 = no excerpt

	mu      sync.Mutex // guards the fields below: Close may race with Read
	e       *zerolog.Event
	excerpt []byte
	readErr error
}

// Read reads from the original body. The caller gets every byte and every
// error exactly as the original returns them.
func (b *body) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	b.mu.Lock()
	if b.e != nil {
		if room := b.limit - len(b.excerpt); room > 0 && n > 0 {
			b.excerpt = append(b.excerpt, p[:min(n, room)]...)
		}
		if err != nil && err != io.EOF && b.readErr == nil {
			b.readErr = err
		}
	}
	b.mu.Unlock()
	if err == io.EOF {
		b.finish()
	}
	return n, err
}

// Close closes the original body once and finishes the event. Later calls
// return nil.
func (b *body) Close() error {
	if !b.closed.CompareAndSwap(false, true) {
		return nil
	}
	err := b.rc.Close()
	b.finish()
	return err
}

// finish writes the event, once.
func (b *body) finish() {
	b.mu.Lock()
	defer b.mu.Unlock()
	e := b.e
	if e == nil {
		return
	}
	b.e = nil
	if b.limit > 0 {
		e.Str("response_body", b.red.text(string(b.excerpt), b.url))
	}
	if b.readErr != nil {
		e.Str("error", b.red.errText(b.readErr, b.url))
	}
	writeEvent(e, b.start)
}
