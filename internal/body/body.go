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
	fn := funcs{onRead: onRead, onEnd: onEnd}
	if unwatchable(resp) {
		fn.OnEnd()
		return
	}
	b := &Wrapper{fn: fn}
	b.wrap(resp, &b.fn) // the callbacks in the same allocation
}

// Watcher receives what [Wrapper.Watch] reports: OnRead is Watch's onRead
// and OnEnd its onEnd.
type Watcher interface {
	OnRead(p []byte, err error) error
	OnEnd()
}

// Wrapper is the body that [Watch] installs. A caller that keeps its
// per-response state in a struct anyway may hold a Wrapper in that struct,
// implement [Watcher] on it and call [Wrapper.Watch]: neither the wrapper
// nor the callbacks then cost an allocation of their own. The zero value is ready to use; a
// Wrapper watches one body, once, and must not be copied after use.
type Wrapper struct {
	rc     io.ReadCloser
	w      Watcher
	fn     funcs
	closed atomic.Bool
	ended  atomic.Bool
}

// Watch is [Watch] with b as the wrapper and w's methods as the callbacks
// (a nil w: none). It panics when b has watched a body already.
func (b *Wrapper) Watch(resp *http.Response, w Watcher) {
	if unwatchable(resp) {
		if w != nil {
			w.OnEnd()
		}
		return
	}
	if w == nil {
		w = &b.fn // no callbacks
	}
	b.wrap(resp, w)
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

// unwatchable reports whether resp has no body to wrap: then the body has
// ended already.
func unwatchable(resp *http.Response) bool {
	return resp == nil || resp.Body == nil || resp.Body == http.NoBody
}

// wrap makes b the body of resp, reporting to w, which is not nil.
func (b *Wrapper) wrap(resp *http.Response, w Watcher) {
	if b.rc != nil {
		panic("body: a Wrapper watches one body only")
	}
	b.rc, b.w = resp.Body, w
	if rw, ok := resp.Body.(io.ReadWriteCloser); ok && resp.StatusCode == http.StatusSwitchingProtocols {
		resp.Body = &writable{Wrapper: b, w: rw}
		return
	}
	resp.Body = b
}

// Read reads from the original body and reports to the watcher: see
// [Watch].
func (b *Wrapper) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	err = b.w.OnRead(p[:n], err)
	if err == io.EOF {
		b.end()
	}
	return n, err
}

// Close closes the original body once, then reports the end if Read has
// not; later calls return nil.
func (b *Wrapper) Close() error {
	if !b.closed.CompareAndSwap(false, true) {
		return nil
	}
	err := b.rc.Close()
	b.end()
	return err
}

func (b *Wrapper) end() {
	if b.ended.CompareAndSwap(false, true) {
		b.w.OnEnd()
	}
}

type writable struct {
	*Wrapper
	w io.Writer
}

func (b *writable) Write(p []byte) (int, error) { return b.w.Write(p) }
