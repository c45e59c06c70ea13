package middlewaretest_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

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
