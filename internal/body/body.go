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
	watch(resp, funcs{onRead: onRead, onEnd: onEnd}, nil)
}

// Watcher receives what [WatchWith] reports: OnRead is Watch's onRead and
// OnEnd its onEnd.
type Watcher interface {
	OnRead(p []byte, err error) error
	OnEnd()
}

// WatchWith is [Watch] with the two callbacks as the methods of w. A
// caller that keeps its state in one struct anyway saves the allocation of
// two closures per response (the logging middleware's info event does).
// A nil w watches nothing: the body is wrapped all the same.
func WatchWith(resp *http.Response, w Watcher) {
	watch(resp, funcs{}, w)
}

// funcs are Watch's callbacks; each may be nil.
type funcs struct {
	onRead func(p []byte, err error) error
	onEnd  func()
}

func (f *funcs) OnRead(p []byte, err error) error {
	if f.onRead == nil {
		return err
	}
	return f.onRead(p, err)
}

func (f *funcs) OnEnd() {
	if f.onEnd != nil {
		f.onEnd()
	}
}

// watch wraps resp.Body for w, or for fn when w is nil.
func watch(resp *http.Response, fn funcs, w Watcher) {
	if resp == nil || resp.Body == nil || resp.Body == http.NoBody {
		if w != nil {
			w.OnEnd()
		} else {
			fn.OnEnd()
		}
		return
	}
	b := &watched{rc: resp.Body, fn: fn}
	b.w = w
	if w == nil {
		b.w = &b.fn // in the same allocation
	}
	if rw, ok := resp.Body.(io.ReadWriteCloser); ok && resp.StatusCode == http.StatusSwitchingProtocols {
		resp.Body = &writable{watched: b, w: rw}
		return
	}
	resp.Body = b
}

type watched struct {
	rc     io.ReadCloser
	w      Watcher
	fn     funcs
	closed atomic.Bool
	ended  atomic.Bool
}

func (b *watched) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	err = b.w.OnRead(p[:n], err)
	if err == io.EOF {
		b.end()
	}
	return n, err
}

func (b *watched) Close() error {
	if !b.closed.CompareAndSwap(false, true) {
		return nil
	}
	err := b.rc.Close()
	b.end()
	return err
}

func (b *watched) end() {
	if b.ended.CompareAndSwap(false, true) {
		b.w.OnEnd()
	}
}

type writable struct {
	*watched
	w io.Writer
}

func (b *writable) Write(p []byte) (int, error) { return b.w.Write(p) }
