package retry

import (
	"math"
	"math/rand/v2"
	"net/http"
	"time"
)

// backoff returns the delay before retry k (1-based): that of
// [WithBackoffFunc], or min(initial*2^(k-1), max), then jittered uniformly
// in [d*(1-f), d*(1+f)].
func (c *config) backoff(k int) time.Duration {
	if c.backoffFunc != nil {
		return max(c.backoffFunc(k), 0)
	}
	d := c.initial
	for i := 1; i < k && d < c.max; i++ {
		if d > c.max/2 {
			d = c.max
			break
		}
		d *= 2
	}
	d = min(d, c.max)
	if c.jitter > 0 {
		j := float64(d) * (1 - c.jitter + 2*c.jitter*rand.Float64())
		if j >= math.MaxInt64 {
			return math.MaxInt64
		}
		d = time.Duration(j)
	}
	return d
}

// delay returns the wait before retry k, which follows resp (nil after an
// error): a usable Retry-After, not jittered, or else the backoff. tooLong
// reports a Retry-After above the configured maximum: that response is
// returned without a retry.
func (c *config) delay(k int, resp *http.Response, now time.Time) (d time.Duration, tooLong bool) {
	if ra, ok := retryAfter(resp, now); ok {
		return ra, ra > c.maxRetryAfter
	}
	return c.backoff(k), false
}

// retryAfter returns the usable Retry-After of a 429 or 503 response.
func retryAfter(resp *http.Response, now time.Time) (time.Duration, bool) {
	if resp == nil || (resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusServiceUnavailable) {
		return 0, false
	}
	v := resp.Header.Get("Retry-After")
	if v == "" {
		return 0, false
	}
	return parseRetryAfter(v, now)
}

// maxDelaySeconds is the largest delta-seconds value a time.Duration holds.
const maxDelaySeconds = math.MaxInt64 / int64(time.Second)

// parseRetryAfter parses a Retry-After header value (RFC 9110 section
// 10.2.3): either delta-seconds, a non-negative decimal integer, or an
// HTTP-date, which is turned into the time left from now. A number too
// large for a time.Duration is the longest Duration: longer than any cap.
// It reports false for anything else: garbage, a sign, a fraction, or a
// date that is not in the future. It never panics.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = trimSpace(v)
	if v == "" {
		return 0, false
	}
	if v[0] >= '0' && v[0] <= '9' {
		var n int64
		for i := 0; i < len(v); i++ {
			ch := v[i]
			if ch < '0' || ch > '9' {
				// Not delta-seconds; HTTP-dates start with a day name.
				return 0, false
			}
			if n > maxDelaySeconds {
				continue // too long already; still check it is a number
			}
			n = n*10 + int64(ch-'0')
		}
		if n > maxDelaySeconds {
			return math.MaxInt64, true
		}
		return time.Duration(n) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	d := t.Sub(now)
	if d <= 0 {
		return 0, false
	}
	return d, true
}

// trimSpace trims the optional whitespace (spaces and tabs) of a header
// value.
func trimSpace(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}
