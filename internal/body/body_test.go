package body

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
)

type countingBody struct {
	io.Reader
	closes int
}

func (c *countingBody) Close() error { c.closes++; return nil }

type rwc struct {
	countingBody
	written strings.Builder
}

func (r *rwc) Write(p []byte) (int, error) { return r.written.Write(p) }

func TestWatchEndsOnceAtEOFThenClose(t *testing.T) {
	orig := &countingBody{Reader: strings.NewReader("hello")}
	resp := &http.Response{StatusCode: 200, Body: orig}
	var ends int
	var seen []byte
	Watch(resp, func(p []byte, err error) error { seen = append(seen, p...); return err }, func() { ends++ })
	got, err := io.ReadAll(resp.Body)
	if err != nil || string(got) != "hello" {
		t.Fatalf("ReadAll = %q, %v; want hello, nil", got, err)
	}
	if ends != 1 {
		t.Errorf("ends after EOF = %d; want 1", ends)
	}
	// A second read at EOF must not end again.
	if _, err := resp.Body.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("read after EOF: got %v; want io.EOF", err)
	}
	for range 2 {
		if err := resp.Body.Close(); err != nil {
			t.Errorf("Close: got %v; want nil", err)
		}
	}
	if ends != 1 || orig.closes != 1 || string(seen) != "hello" {
		t.Errorf("ends = %d, closes = %d, seen = %q; want 1, 1, hello", ends, orig.closes, seen)
	}
}

func TestWatchEndsAtCloseBeforeEOF(t *testing.T) {
	orig := &countingBody{Reader: strings.NewReader("hello")}
	resp := &http.Response{StatusCode: 200, Body: orig}
	var order []string
	orig2 := &closeRecorder{ReadCloser: orig, order: &order}
	resp.Body = orig2
	Watch(resp, nil, func() { order = append(order, "end") })
	_ = resp.Body.Close()
	if strings.Join(order, ",") != "close,end" {
		t.Errorf("order = %v; want close then end", order)
	}
}

type closeRecorder struct {
	io.ReadCloser
	order *[]string
}

func (c *closeRecorder) Close() error {
	*c.order = append(*c.order, "close")
	return c.ReadCloser.Close()
}

func TestWatchOnReadReplacesError(t *testing.T) {
	boom := errors.New("boom")
	mapped := errors.New("mapped")
	resp := &http.Response{StatusCode: 200, Body: io.NopCloser(io.MultiReader(strings.NewReader("ab"), errReader{boom}))}
	ends := 0
	Watch(resp, func(p []byte, err error) error {
		if errors.Is(err, boom) {
			return mapped
		}
		return err
	}, func() { ends++ })
	_, err := io.ReadAll(resp.Body)
	if !errors.Is(err, mapped) {
		t.Errorf("ReadAll error = %v; want mapped", err)
	}
	if ends != 0 {
		t.Errorf("ends after a read error = %d; want 0 until Close", ends)
	}
	_ = resp.Body.Close()
	if ends != 1 {
		t.Errorf("ends after Close = %d; want 1", ends)
	}
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

func TestWatchNoBodyEndsAtOnce(t *testing.T) {
	for _, tt := range []struct {
		name string
		resp *http.Response
	}{
		{"nil response", nil},
		{"nil body", &http.Response{}},
		{"NoBody", &http.Response{Body: http.NoBody}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ends := 0
			Watch(tt.resp, nil, func() { ends++ })
			if ends != 1 {
				t.Errorf("ends = %d; want 1", ends)
			}
			if tt.resp != nil && tt.resp.Body != nil && tt.resp.Body != http.NoBody {
				t.Error("body was wrapped")
			}
		})
	}
}

func TestWatchKeepsWriterFor101(t *testing.T) {
	orig := &rwc{countingBody: countingBody{Reader: strings.NewReader("")}}
	resp := &http.Response{StatusCode: http.StatusSwitchingProtocols, Body: orig}
	Watch(resp, nil, nil)
	w, ok := resp.Body.(io.Writer)
	if !ok {
		t.Fatal("101 body lost io.Writer")
	}
	_, _ = w.Write([]byte("ping"))
	if orig.written.String() != "ping" {
		t.Errorf("written = %q; want ping", orig.written.String())
	}
	resp2 := &http.Response{StatusCode: 200, Body: &rwc{countingBody: countingBody{Reader: strings.NewReader("")}}}
	Watch(resp2, nil, nil)
	if _, ok := resp2.Body.(io.Writer); ok {
		t.Error("a 200 body became writable")
	}
}

func TestWatchConcurrentCloseEndsOnce(t *testing.T) {
	orig := &countingBody{Reader: strings.NewReader(strings.Repeat("x", 1<<16))}
	resp := &http.Response{StatusCode: 200, Body: orig}
	var mu sync.Mutex
	ends := 0
	Watch(resp, nil, func() { mu.Lock(); ends++; mu.Unlock() })
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() { _ = resp.Body.Close() })
	}
	wg.Wait()
	if ends != 1 || orig.closes != 1 {
		t.Errorf("ends = %d, closes = %d; want 1, 1", ends, orig.closes)
	}
}

type recorder struct {
	seen []byte
	ends int
}

func (r *recorder) OnRead(p []byte, err error) error { r.seen = append(r.seen, p...); return err }
func (r *recorder) OnEnd()                           { r.ends++ }

func TestWrapperWatchWithWatcher(t *testing.T) {
	orig := &countingBody{Reader: strings.NewReader("hello")}
	resp := &http.Response{StatusCode: 200, Body: orig}
	var rec recorder
	new(Wrapper).Watch(resp, &rec)
	got, err := io.ReadAll(resp.Body)
	if err != nil || string(got) != "hello" {
		t.Fatalf("ReadAll = %q, %v; want hello, nil", got, err)
	}
	_ = resp.Body.Close()
	_ = resp.Body.Close()
	if rec.ends != 1 || orig.closes != 1 || string(rec.seen) != "hello" {
		t.Errorf("ends = %d, closes = %d, seen = %q; want 1, 1, hello", rec.ends, orig.closes, rec.seen)
	}
	var none recorder
	new(Wrapper).Watch(&http.Response{Body: http.NoBody}, &none)
	if none.ends != 1 {
		t.Errorf("ends for NoBody = %d; want 1", none.ends)
	}
}

// TestWrapperInCallerStruct: a Wrapper held in the caller's own struct
// wraps the body itself, and refuses a second body.
func TestWrapperInCallerStruct(t *testing.T) {
	var state struct {
		recorder
		wrapper Wrapper
	}
	resp := &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader("abc"))}
	state.wrapper.Watch(resp, &state.recorder)
	if resp.Body != io.ReadCloser(&state.wrapper) {
		t.Fatalf("resp.Body is %T; want the caller's Wrapper", resp.Body)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil || string(b) != "abc" {
		t.Fatalf("ReadAll = %q, %v; want abc, nil", b, err)
	}
	resp.Body.Close()
	if string(state.seen) != "abc" || state.ends != 1 {
		t.Errorf("seen = %q, ends = %d; want abc, 1", state.seen, state.ends)
	}
	defer func() {
		if recover() == nil {
			t.Error("a second Watch on the same Wrapper did not panic")
		}
	}()
	state.wrapper.Watch(&http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader(""))}, &state.recorder)
}
