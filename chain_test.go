package roundtrip_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/roundtrip-go/roundtrip"
	"github.com/roundtrip-go/roundtrip/middleware"
	"github.com/roundtrip-go/roundtrip/middleware/middlewaretest"
)

// trace records the order in which middlewares see the request and the
// response.
type trace struct {
	mu    sync.Mutex
	steps []string
}

func (tr *trace) add(s string) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.steps = append(tr.steps, s)
}

func (tr *trace) String() string {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return strings.Join(tr.steps, " ")
}

// tag returns a middleware that records "name>" on the way in and "<name"
// on the way out.
func tag(tr *trace, name string) middleware.Middleware {
	return func(next http.RoundTripper) http.RoundTripper {
		return middleware.Func(func(req *http.Request) (*http.Response, error) {
			tr.add(name + ">")
			resp, err := next.RoundTrip(req)
			tr.add("<" + name)
			return resp, err
		})
	}
}

func roundTrip(t *testing.T, rt http.RoundTripper) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, "http://example.test/", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := rt.RoundTrip(req)
	if err != nil {
		t.Fatalf("RoundTrip: %v", err)
	}
	resp.Body.Close()
}

func TestChainOrder(t *testing.T) {
	tests := []struct {
		give  func(tr *trace) roundtrip.Builder
		want  string
		giveN string
	}{
		{
			giveN: "empty",
			give:  func(*trace) roundtrip.Builder { return roundtrip.Chain() },
			want:  "",
		},
		{
			giveN: "a b c",
			give: func(tr *trace) roundtrip.Builder {
				return roundtrip.Chain(tag(tr, "a"), tag(tr, "b"), tag(tr, "c"))
			},
			want: "a> b> c> <c <b <a",
		},
		{
			giveN: "nil skipped",
			give: func(tr *trace) roundtrip.Builder {
				return roundtrip.Chain(nil, tag(tr, "a"), nil, tag(tr, "b"), nil)
			},
			want: "a> b> <b <a",
		},
		{
			giveN: "append goes inside",
			give: func(tr *trace) roundtrip.Builder {
				return roundtrip.Chain(tag(tr, "a")).Append(tag(tr, "b"), nil).Append(tag(tr, "c"))
			},
			want: "a> b> c> <c <b <a",
		},
		{
			giveN: "zero builder",
			give:  func(*trace) roundtrip.Builder { return roundtrip.Builder{} },
			want:  "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.giveN, func(t *testing.T) {
			tr := &trace{}
			base := middlewaretest.NewTransport()
			roundTrip(t, tt.give(tr).Then(base))
			if got := tr.String(); got != tt.want {
				t.Errorf("got order %q; want %q", got, tt.want)
			}
			if base.Calls() != 1 {
				t.Errorf("got %d calls to base; want 1", base.Calls())
			}
		})
	}
}

func TestChainEquivalence(t *testing.T) {
	// Chain(a, b, c).Then(t) is a(b(c(t))).
	tr1, tr2 := &trace{}, &trace{}
	base := middlewaretest.NewTransport()
	roundTrip(t, roundtrip.Chain(tag(tr1, "a"), tag(tr1, "b"), tag(tr1, "c")).Then(base))
	roundTrip(t, tag(tr2, "a")(tag(tr2, "b")(tag(tr2, "c")(base))))
	if tr1.String() != tr2.String() {
		t.Errorf("got %q; want %q", tr1, tr2)
	}
}

func TestAppendLeavesReceiverUnchanged(t *testing.T) {
	tr := &trace{}
	base := middlewaretest.NewTransport()
	root := roundtrip.Chain(tag(tr, "a"))
	// Two extensions of one Builder must not see each other, even when the
	// backing array has room to spare.
	left := root.Append(tag(tr, "l"))
	right := root.Append(tag(tr, "r"))

	for _, tt := range []struct {
		give roundtrip.Builder
		want string
	}{
		{give: root, want: "a> <a"},
		{give: left, want: "a> l> <l <a"},
		{give: right, want: "a> r> <r <a"},
	} {
		tr.steps = nil
		roundTrip(t, tt.give.Then(base))
		if got := tr.String(); got != tt.want {
			t.Errorf("got %q; want %q", got, tt.want)
		}
	}
}

func TestChainCopiesInput(t *testing.T) {
	tr := &trace{}
	mws := []middleware.Middleware{tag(tr, "a"), tag(tr, "b")}
	b := roundtrip.Chain(mws...)
	mws[0] = tag(tr, "x")
	roundTrip(t, b.Then(middlewaretest.NewTransport()))
	if got, want := tr.String(), "a> b> <b <a"; got != want {
		t.Errorf("got %q; want %q", got, want)
	}
}

func TestThenNilUsesDefaultTransport(t *testing.T) {
	if got := roundtrip.Chain().Then(nil); got != http.DefaultTransport {
		t.Errorf("got %T; want http.DefaultTransport", got)
	}
	var seen http.RoundTripper
	spy := func(next http.RoundTripper) http.RoundTripper { seen = next; return next }
	roundtrip.Chain(spy).Then(nil)
	if seen != http.DefaultTransport {
		t.Errorf("got next %T; want http.DefaultTransport", seen)
	}
}

func TestChainConcurrentUse(t *testing.T) {
	tr := &trace{}
	root := roundtrip.Chain(tag(tr, "a"))
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b := root.Append(tag(tr, string(rune('b'+i))))
			roundTrip(t, b.Then(middlewaretest.NewTransport()))
		}()
	}
	wg.Wait()
	if got := strings.Count(tr.String(), "a>"); got != 8 {
		t.Errorf("got %d passes through a; want 8", got)
	}
}
