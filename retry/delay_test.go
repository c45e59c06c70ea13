package retry

import (
	"math"
	"net/http"
	"strconv"
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		give   string
		want   time.Duration
		wantOK bool
	}{
		{give: "0", want: 0, wantOK: true},
		{give: "3", want: 3 * time.Second, wantOK: true},
		{give: " 120\t", want: 120 * time.Second, wantOK: true},
		{give: "007", want: 7 * time.Second, wantOK: true},
		{give: now.Add(90 * time.Second).Format(http.TimeFormat), want: 90 * time.Second, wantOK: true},
		{give: "Saturday, 01-Mar-25 12:00:30 GMT", want: 30 * time.Second, wantOK: true}, // RFC 850
		{give: "Sat Mar  1 12:00:45 2025", want: 45 * time.Second, wantOK: true},         // ANSI C
		{give: now.Add(-time.Hour).Format(http.TimeFormat)},                              // past
		{give: now.Format(http.TimeFormat)},                                              // not in the future
		{give: ""},
		{give: "   "},
		{give: "-5"},
		{give: "+5"},
		{give: "1.5"},
		{give: "5s"},
		{give: "soon"},
		// Too large for a Duration: the longest one, longer than any cap.
		{give: "9999999999", want: math.MaxInt64, wantOK: true},
		{give: "9223372036854775807", want: math.MaxInt64, wantOK: true},
		{give: "99999999999999999999999999999999999", want: math.MaxInt64, wantOK: true},
		{give: "99999999999999999999x"},
		{give: strconv.FormatInt(maxDelaySeconds, 10), want: time.Duration(maxDelaySeconds) * time.Second, wantOK: true},
		{give: strconv.FormatInt(maxDelaySeconds+1, 10), want: math.MaxInt64, wantOK: true},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			got, ok := parseRetryAfter(tt.give, now)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("got %v, %v; want %v, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func FuzzParseRetryAfter(f *testing.F) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, s := range []string{
		"0", "120", "-1", "1e3", "", " 5 ", "18446744073709551616",
		"Sat, 01 Mar 2025 12:01:00 GMT", "Sat, 01 Mar 2025 11:00:00 GMT",
		"Fri, 31 Dec 9999 23:59:59 GMT", "Mon, 01 Jan 0001 00:00:00 GMT",
		"Saturday, 01-Mar-25 12:00:30 GMT", "Sat Mar  1 12:00:45 2025", "\x00\xff", "-0", "+5",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		d, ok := parseRetryAfter(v, now)
		if !ok && d != 0 {
			t.Errorf("got %v with ok false; want 0", d)
		}
		if ok && d < 0 {
			t.Errorf("got negative %v for %q", d, v)
		}
		// Plain digits are delta-seconds, exactly, or the longest Duration.
		if allDigits(trimSpace(v)) {
			want := time.Duration(math.MaxInt64)
			if n, err := strconv.ParseInt(trimSpace(v), 10, 64); err == nil && n <= maxDelaySeconds {
				want = time.Duration(n) * time.Second
			}
			if !ok || d != want {
				t.Errorf("got %v, %v for %q; want %v, true", d, ok, v, want)
			}
		}
	})
}

func TestBackoffWithoutJitter(t *testing.T) {
	c := newConfig([]Option{WithBackoff(10*time.Millisecond, 80*time.Millisecond), WithJitter(0)})
	want := []time.Duration{10, 20, 40, 80, 80, 80}
	for k, w := range want {
		if got := c.backoff(k + 1); got != w*time.Millisecond {
			t.Errorf("retry %d: got %v; want %v", k+1, got, w*time.Millisecond)
		}
	}
	if got := c.backoff(1000); got != 80*time.Millisecond {
		t.Errorf("retry 1000: got %v; want the max 80ms", got)
	}
}

func TestBackoffDefaults(t *testing.T) {
	c := newConfig(nil)
	for k, w := range []time.Duration{1, 2, 4, 8, 16, 16} {
		d := w * time.Second
		lo, hi := d*3/4, d*5/4
		for range 50 {
			if got := c.backoff(k + 1); got < lo || got > hi {
				t.Fatalf("retry %d: got %v; want within [%v, %v]", k+1, got, lo, hi)
			}
		}
	}
}

func TestBackoffJitterBounds(t *testing.T) {
	c := newConfig([]Option{WithBackoff(10*time.Millisecond, 80*time.Millisecond), WithJitter(0.5)})
	for k, w := range []time.Duration{10, 20, 40, 80, 80} {
		d := w * time.Millisecond
		lo, hi := d/2, d*3/2
		gotMin, gotMax := time.Duration(1<<62), time.Duration(0)
		for range 500 {
			got := c.backoff(k + 1)
			if got < lo || got > hi {
				t.Fatalf("retry %d: got %v; want within [%v, %v]", k+1, got, lo, hi)
			}
			gotMin, gotMax = min(gotMin, got), max(gotMax, got)
		}
		// 500 uniform draws land in the outer fifths of the range with
		// certainty for any practical purpose (failure odds 0.8^500).
		if gotMin > lo+d/5 || gotMax < hi-d/5 {
			t.Errorf("retry %d: draws spread over [%v, %v]; want close to [%v, %v]", k+1, gotMin, gotMax, lo, hi)
		}
	}
}

func TestDelayRetryAfter(t *testing.T) {
	now := time.Now()
	c := newConfig([]Option{WithBackoff(10*time.Millisecond, 10*time.Millisecond), WithJitter(1), WithMaxRetryAfter(time.Minute)})
	date := now.Add(30 * time.Second).UTC().Format(http.TimeFormat)
	tests := []struct {
		give       string
		status     int
		retryAfter string
		want       time.Duration // exact, unless wantBackoff
		wantOK     bool
		// wantBackoff: the jittered 10ms backoff, in [0, 20ms], applies.
		wantBackoff bool
	}{
		{give: "delta on 503", status: 503, retryAfter: "7", want: 7 * time.Second, wantOK: true},
		{give: "delta on 429", status: 429, retryAfter: "2", want: 2 * time.Second, wantOK: true},
		{give: "zero", status: 429, retryAfter: "0", want: 0, wantOK: true},
		{give: "ignored on 500", status: 500, retryAfter: "7", wantOK: true, wantBackoff: true},
		{give: "garbage", status: 503, retryAfter: "later", wantOK: true, wantBackoff: true},
		{give: "negative", status: 503, retryAfter: "-3", wantOK: true, wantBackoff: true},
		{give: "too large for a Duration", status: 503, retryAfter: "9999999999", want: math.MaxInt64, wantOK: false},
		{give: "past", status: 503, retryAfter: now.Add(-time.Minute).UTC().Format(http.TimeFormat), wantOK: true, wantBackoff: true},
		{give: "above max", status: 503, retryAfter: "61", want: 61 * time.Second, wantOK: false},
		{give: "at max", status: 503, retryAfter: "60", want: time.Minute, wantOK: true},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			resp := &http.Response{StatusCode: tt.status, Header: http.Header{"Retry-After": {tt.retryAfter}}}
			got, tooLong := c.delay(1, resp, now)
			if ok := !tooLong; ok != tt.wantOK {
				t.Errorf("got ok %v; want %v", ok, tt.wantOK)
			}
			if tt.wantBackoff {
				if got < 0 || got > 20*time.Millisecond {
					t.Errorf("got %v; want the backoff within [0, 20ms]", got)
				}
				return
			}
			if got != tt.want {
				t.Errorf("got %v; want exactly %v", got, tt.want)
			}
		})
	}
	t.Run("http-date", func(t *testing.T) {
		resp := &http.Response{StatusCode: 503, Header: http.Header{"Retry-After": {date}}}
		got, tooLong := c.delay(1, resp, now)
		ok := !tooLong
		// The date has whole seconds: the wait ends at that second, exactly.
		if want := now.Add(30 * time.Second).Truncate(time.Second).Sub(now); !ok || got != want {
			t.Errorf("got %v, %v; want %v, true", got, ok, want)
		}
	})
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
