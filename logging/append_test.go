package logging

import (
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestAppendURL(t *testing.T) {
	r := testRedactor()
	parsed := []string{
		"https://api.example.test/v1/items?page=2&sort=name",
		"https://api.example.test",
		"https://api.example.test/?",
		"http://127.0.0.1:8080/a%20b/c?q=%ZZ",
		"http://[::1]:9/x",
		"http://[fe80::1%25en0]:9/x",
		"https://h.test/p%2Fq",
		"https://bob:pw@h.test/?token=t",
		"https://h.test/?api_key=k&page=1",
		"https://h.test/x#frag?token=t",
		"http:opaque@h.test/x",
		"/relative/path?page=2",
		"mailto:someone@example.test",
		"https://h.test/ü?ü=1",
	}
	for _, raw := range parsed {
		u, err := url.Parse(raw)
		if !assert.NoError(t, err, raw) {
			continue
		}
		assert.Equal(t, r.url(u), string(r.appendURL(nil, u)), raw)
	}
	built := []*url.URL{
		{Scheme: "https", Host: "h.test", Path: "no-slash"},
		{Scheme: "https", Host: "h test", Path: "/x"},
		{Scheme: "https", Host: "h.test", Path: "/a b", RawPath: "/a%20b"},
		{Scheme: "https", Host: "h.test", Path: "/", ForceQuery: true},
		{Scheme: "https", Path: "/only-path"},
		{Scheme: "https", Host: "h.test", Path: "/\"quoted\"", RawQuery: "a=\"b\"\n"},
	}
	for _, u := range built {
		assert.Equal(t, r.url(u), string(r.appendURL(nil, u)), "%#v", u)
	}
	assert.Empty(t, r.appendURL(nil, nil))
}

func TestAppendURLAllocations(t *testing.T) {
	u, err := url.Parse("https://api.example.test/v1/items?page=2&sort=name&keyboard=1")
	if err != nil {
		t.Fatal(err)
	}
	r := testRedactor()
	var buf [256]byte
	if got := testing.AllocsPerRun(100, func() { _ = r.appendURL(buf[:0], u) }); got != 0 {
		t.Errorf("got %v allocations; want none for a URL with nothing to redact", got)
	}
}

func TestAppendMillis(t *testing.T) {
	tests := []struct {
		give time.Duration
		want string
	}{
		{give: 0, want: "0"},
		{give: time.Nanosecond, want: "0.000001"},
		{give: 250 * time.Microsecond, want: "0.25"},
		{give: 1500 * time.Microsecond, want: "1.5"},
		{give: time.Second, want: "1000"},
		{give: 1234567891 * time.Nanosecond, want: "1234.567891"},
		{give: -2 * time.Millisecond, want: "-2"},
		{give: time.Duration(-1 << 63), want: "-9223372036854.775808"},
		{give: time.Duration(1<<63 - 1), want: "9223372036854.775807"},
	}
	for _, tt := range tests {
		got := string(appendMillis(nil, tt.give))
		assert.Equal(t, tt.want, got, "%d ns", int64(tt.give))
		f, err := strconv.ParseFloat(got, 64)
		if assert.NoError(t, err, "%q is not a number", got) {
			assert.InEpsilon(t, float64(tt.give)/float64(time.Millisecond)+1e-300, f+1e-300, 1e-12, "%q", got)
		}
	}
}
