package logging

import (
	"net/url"
	"strconv"
	"time"
)

// appendURL appends r.url(u) to dst. The usual URL of an API call (scheme,
// plain host, path, a query with no secret) is written piece by piece,
// without the string that u.String builds; any other URL goes through
// r.url.
func (r *redactor) appendURL(dst []byte, u *url.URL) []byte {
	if u == nil {
		return dst
	}
	path := u.Path
	if u.RawPath != "" || !all(path, pathByte) {
		path = u.EscapedPath()
	}
	if u.Scheme == "" || u.Opaque != "" || u.User != nil || u.Fragment != "" ||
		!plainHost(u.Host) || path != "" && path[0] != '/' || r.hasSecretParam(u.RawQuery) {
		return append(dst, r.url(u)...)
	}
	dst = append(dst, u.Scheme...)
	dst = append(dst, "://"...)
	dst = append(dst, u.Host...)
	dst = append(dst, path...)
	if u.ForceQuery || u.RawQuery != "" {
		dst = append(dst, '?')
		dst = append(dst, u.RawQuery...)
	}
	return dst
}

// plainHost reports whether h is a non-empty host that url.URL.String
// writes as it is.
func plainHost(h string) bool {
	return h != "" && all(h, hostByte)
}

// byteSet is a set of bytes, as a lookup table.
type byteSet [256]bool

func newByteSet(extra string) *byteSet {
	var s byteSet
	for c := range 256 {
		s[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
	}
	for i := range len(extra) {
		s[extra[i]] = true
	}
	return &s
}

var (
	// hostByte: letters, digits, and the punctuation of names, ports and
	// IPv6 literals, which url.URL.String writes as they are.
	hostByte = newByteSet(".-:[]_~")
	// pathByte: what url.URL.EscapedPath leaves as it is in a path.
	pathByte = newByteSet("-_.~$&+,/:;=@")
)

// all reports whether every byte of s is in set.
func all(s string, set *byteSet) bool {
	for i := range len(s) {
		if !set[s[i]] {
			return false
		}
	}
	return true
}

// appendMillis appends d in milliseconds as a JSON number with up to six
// decimals, which is every nanosecond of d: 1.5ms is "1.5", 250µs "0.25".
func appendMillis(dst []byte, d time.Duration) []byte {
	n := uint64(d)
	if d < 0 {
		dst = append(dst, '-')
		n = -n // two's complement: right for the minimum duration too
	}
	dst = strconv.AppendUint(dst, n/1e6, 10)
	frac := n % 1e6
	if frac == 0 {
		return dst
	}
	var digits [7]byte // '.' and six digits
	digits[0] = '.'
	for i := 6; i >= 1; i-- {
		digits[i] = byte('0' + frac%10)
		frac /= 10
	}
	end := 7
	for digits[end-1] == '0' {
		end--
	}
	return append(dst, digits[:end]...)
}
