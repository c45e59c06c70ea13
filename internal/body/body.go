// Package body is the module's one response-body wrapper: it lets a
// middleware act when a response body ends, which is when whatever it
// scoped to the attempt (a deadline, a log event, retry bookkeeping) ends
// too. net/http's cancelTimerBody and otelhttp's wrappedBody are the model.
//
// Watch handles every case a middleware must get right: a nil or
// [http.NoBody] body, a 101 Switching Protocols body that must stay an
// [io.Writer], Close called more than once or concurrently with Read, EOF
// seen more than once, and read errors passed through untouched.
package body

import (
	"io"
	"net/http"
	"sync/atomic"
)

// Watch replaces resp.Body with a wrapper that gives the caller every byte
// and error of the original body and:
//   - calls onRead, when not nil, after every Read with the bytes just read
//     and the error; what onRead returns is the error the caller gets
//     (return err to pass it through unchanged);
//   - calls onEnd, when not nil, exactly once: when Read first returns
//     io.EOF or at the first Close, whichever comes first. On Close the
//     original body is closed before onEnd runs.
//
// Close closes the original body once; later calls return nil. When resp
// or resp.Body is nil, or the body is [http.NoBody], Watch calls onEnd at
// once and leaves the response as it is. The body of a 101 Switching
// Protocols response that is an [io.ReadWriteCloser] stays one.
func Watch(resp *http.Response, onRead func(p []byte, err error) error, onEnd func()) {
	if resp == nil || resp.Body == nil || resp.Body == http.NoBody {
		if onEnd != nil {
			onEnd()
		}
		return
	}
	b := &watched{rc: resp.Body, onRead: onRead, onEnd: onEnd}
	if rw, ok := resp.Body.(io.ReadWriteCloser); ok && resp.StatusCode == http.StatusSwitchingProtocols {
		resp.Body = &writable{watched: b, w: rw}
		return
	}
	resp.Body = b
}

// watched is the wrapper Watch installs.
type watched struct {
	rc     io.ReadCloser
	onRead func(p []byte, err error) error
	onEnd  func()
	closed atomic.Bool
	ended  atomic.Bool
}

func (b *watched) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if b.onRead != nil {
		err = b.onRead(p[:n], err)
	}
	if err == io.EOF {
		b.end()
	}
	return n, err
}

// Close closes the original body the first time and ends the watch.
func (b *watched) Close() error {
	if !b.closed.CompareAndSwap(false, true) {
		return nil
	}
	err := b.rc.Close()
	b.end()
	return err
}

func (b *watched) end() {
	if b.ended.CompareAndSwap(false, true) && b.onEnd != nil {
		b.onEnd()
	}
}

// writable is a watched 101 body that keeps the original's Write.
type writable struct {
	*watched
	w io.Writer
}

func (b *writable) Write(p []byte) (int, error) { return b.w.Write(p) }
