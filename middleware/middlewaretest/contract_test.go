package middlewaretest_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/roundtrip-go/roundtrip/internal/body"
	"github.com/roundtrip-go/roundtrip/middleware"
	"github.com/roundtrip-go/roundtrip/middleware/middlewaretest"
)

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) { r.Errorf(format, args...) }

func TestCheckContractPassesIdentity(t *testing.T) {
	middlewaretest.CheckContract(t, func(next http.RoundTripper) http.RoundTripper { return next })
}

func TestCheckContractCatchesBreaches(t *testing.T) {
	tests := []struct {
		give string
		mw   middleware.Middleware
		want string
	}{
		{
			give: "header mutated",
			mw: func(next http.RoundTripper) http.RoundTripper {
				return middleware.Func(func(req *http.Request) (*http.Response, error) {
					req.Header.Set("X-Injected", "1")
					return next.RoundTrip(req)
				})
			},
			want: "caller's header changed",
		},
		{
			give: "response with error",
			mw: func(next http.RoundTripper) http.RoundTripper {
				return middleware.Func(func(req *http.Request) (*http.Response, error) {
					resp, err := next.RoundTrip(req)
					if err == nil {
						return resp, fmt.Errorf("spurious")
					}
					return nil, err
				})
			},
			want: "a response",
		},
		{
			give: "body never closed",
			mw: func(next http.RoundTripper) http.RoundTripper {
				return middleware.Func(func(req *http.Request) (*http.Response, error) {
					return &http.Response{StatusCode: 200, Body: http.NoBody, Header: http.Header{}}, nil
				})
			},
			want: "closed 0 times",
		},
		{
			give: "defer cancel",
			mw: func(next http.RoundTripper) http.RoundTripper {
				return middleware.Func(func(req *http.Request) (*http.Response, error) {
					ctx, cancel := context.WithTimeout(req.Context(), time.Hour)
					defer cancel() // ends the attempt before the caller reads the body
					return next.RoundTrip(req.WithContext(ctx))
				})
			},
			want: "context ended when RoundTrip returned",
		},
		{
			give: "timeout never released",
			mw: func(next http.RoundTripper) http.RoundTripper {
				var mu sync.Mutex
				var forgotten []context.CancelFunc
				return middleware.Func(func(req *http.Request) (*http.Response, error) {
					ctx, cancel := context.WithTimeout(req.Context(), time.Hour)
					mu.Lock()
					forgotten = append(forgotten, cancel) // kept, never called
					mu.Unlock()
					return next.RoundTrip(req.WithContext(ctx))
				})
			},
			want: "never released",
		},
		{
			give: "AfterFunc never stopped",
			mw: func(next http.RoundTripper) http.RoundTripper {
				return middleware.Func(func(req *http.Request) (*http.Response, error) {
					context.AfterFunc(req.Context(), func() {})
					return next.RoundTrip(req)
				})
			},
			want: "never released",
		},
		{
			give: "context dropped",
			mw: func(next http.RoundTripper) http.RoundTripper {
				return middleware.Func(func(req *http.Request) (*http.Response, error) {
					return next.RoundTrip(req.WithContext(context.Background()))
				})
			},
			want: "want one that matches context.Canceled",
		},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			r := &recorder{TB: t}
			middlewaretest.CheckContract(r, tt.mw)
			joined := strings.Join(r.errs, "\n")
			if !strings.Contains(joined, tt.want) {
				t.Errorf("got failures %q; want one containing %q", joined, tt.want)
			}
		})
	}
}

// TestCheckContractPassesReleaseAtClose: a middleware that scopes a
// context to the attempt and releases it when the body ends, as the
// contract asks, passes.
func TestCheckContractPassesReleaseAtClose(t *testing.T) {
	middlewaretest.CheckContract(t, func(next http.RoundTripper) http.RoundTripper {
		return middleware.Func(func(req *http.Request) (*http.Response, error) {
			ctx, cancel := context.WithTimeout(req.Context(), time.Hour)
			resp, err := next.RoundTrip(req.WithContext(ctx))
			if err != nil {
				cancel()
				return nil, err
			}
			body.Watch(resp, nil, cancel)
			return resp, nil
		})
	})
}

// TestCheckContractReusesRoundTripper: every case goes through one
// RoundTripper, as a client's requests do.
func TestCheckContractReusesRoundTripper(t *testing.T) {
	var built, distinct atomic.Int32
	middlewaretest.CheckContract(t, func(next http.RoundTripper) http.RoundTripper {
		built.Add(1)
		var seen sync.Map
		return middleware.Func(func(req *http.Request) (*http.Response, error) {
			if _, loaded := seen.LoadOrStore(req, true); !loaded {
				distinct.Add(1)
			}
			return next.RoundTrip(req)
		})
	})
	if n := built.Load(); n != 1 {
		t.Errorf("got the middleware called %d times; want 1", n)
	}
	if n := distinct.Load(); n < 12 {
		t.Errorf("got %d requests through the RoundTripper; want every case (at least 12)", n)
	}
}

func TestTransportScript(t *testing.T) {
	tr := middlewaretest.NewTransport(
		middlewaretest.Reply{Status: 503, Body: "busy"},
		middlewaretest.Reply{Status: 200, Body: "ok"},
	)
	for i, want := range []int{503, 200, 200} {
		req, _ := http.NewRequest(http.MethodPost, "http://example.test/", strings.NewReader(fmt.Sprint(i)))
		resp, err := tr.RoundTrip(req)
		if err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("call %d: got status %d; want %d", i, resp.StatusCode, want)
		}
	}
	got := tr.Received()
	if len(got) != 3 || string(got[2].Body) != "2" {
		t.Errorf("got %d received, last body %q; want 3 and %q", len(got), got[len(got)-1].Body, "2")
	}
	if tr.Unclosed() != 0 {
		t.Errorf("got %d unclosed; want 0", tr.Unclosed())
	}
}
