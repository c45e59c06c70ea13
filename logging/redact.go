package logging

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// redacted replaces every secret in a log event.
const redacted = "REDACTED"

// redactor removes secrets from URLs, headers and free text. It is
// immutable and safe for concurrent use.
type redactor struct {
	headers []string // header names, compared case-insensitively
	params  []string // query parameter names, compared case-insensitively

	// With only ASCII names (the usual case), a name whose length no
	// parameter has is rejected without comparing: paramLens has bit n set
	// when a parameter is n bytes long (n < 64).
	paramsASCII bool
	paramLens   uint64
}

func newRedactor(headers, params []string) *redactor {
	r := &redactor{headers: headers, params: params, paramsASCII: true}
	for _, p := range params {
		if !isASCII(p) || len(p) >= 64 {
			r.paramsASCII = false
		}
		r.paramLens |= 1 << (len(p) & 63)
	}
	return r
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// secretHeader reports whether the header name's values are secret.
func (r *redactor) secretHeader(name string) bool {
	for _, h := range r.headers {
		if strings.EqualFold(name, h) {
			return true
		}
	}
	return false
}

// secretParam reports whether the raw (possibly percent-encoded) query
// parameter name is secret.
func (r *redactor) secretParam(raw string) bool {
	name := raw
	if strings.ContainsAny(raw, "%+") {
		if dec, err := url.QueryUnescape(raw); err == nil {
			name = dec
		}
	}
	// An ASCII name can only fold to a name of its own length.
	if r.paramsASCII && isASCII(name) && (len(name) >= 64 || r.paramLens&(1<<len(name)) == 0) {
		return false
	}
	for _, p := range r.params {
		if strings.EqualFold(name, p) {
			return true
		}
	}
	return false
}

// nextPair splits s at the first pair separator. Both & and ; separate
// pairs: Go's own parser rejects ;, but a server may honour it, so a secret
// after a ; is redacted too.
func nextPair(s string) (pair string, sep byte, rest string, more bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == '&' || s[i] == ';' {
			return s[:i], s[i], s[i+1:], true
		}
	}
	return s, 0, "", false
}

// hasSecretParam reports whether the raw query (or fragment) s has a pair
// with a secret name. It only scans; it never decodes a value.
func (r *redactor) hasSecretParam(s string) bool {
	for more := s != ""; more; {
		var pair string
		pair, _, s, more = nextPair(s)
		if name, _, ok := strings.Cut(pair, "="); ok && r.secretParam(name) {
			return true
		}
	}
	return false
}

// redactPairs returns the raw query (or fragment) s with the value of every
// secret pair replaced by REDACTED. Everything else is copied byte for
// byte: nothing is decoded or re-encoded.
func (r *redactor) redactPairs(s string) string {
	if !r.hasSecretParam(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + len(redacted))
	for more := true; more; {
		var pair string
		var sep byte
		pair, sep, s, more = nextPair(s)
		if name, _, ok := strings.Cut(pair, "="); ok && r.secretParam(name) {
			b.WriteString(name)
			b.WriteByte('=')
			b.WriteString(redacted)
		} else {
			b.WriteString(pair)
		}
		if more {
			b.WriteByte(sep)
		}
	}
	return b.String()
}

// needsRedaction reports whether u's string form carries a secret.
func (r *redactor) needsRedaction(u *url.URL) bool {
	return u.User != nil ||
		opaqueUserinfo(u.Opaque) ||
		r.hasSecretParam(u.RawQuery) ||
		(u.Fragment != "" && r.hasSecretParam(u.EscapedFragment()))
}

// url returns u's string form with its user info (user name and password)
// and the values of its secret query and fragment parameters replaced by
// REDACTED. When there is nothing to redact it is exactly u.String(): the
// query is scanned, never parsed and re-encoded.
func (r *redactor) url(u *url.URL) string {
	if u == nil {
		return ""
	}
	if !r.needsRedaction(u) {
		return u.String()
	}
	cp := *u
	if cp.User != nil {
		cp.User = url.User(redacted)
	}
	cp.Opaque = redactAuthority(cp.Opaque)
	cp.RawQuery = r.redactPairs(cp.RawQuery)
	if u.Fragment == "" {
		return cp.String()
	}
	frag := r.redactPairs(u.EscapedFragment())
	cp.Fragment, cp.RawFragment = "", ""
	return cp.String() + "#" + frag
}

// opaqueUserinfo reports whether an opaque URL part such as "user:pw@host"
// (from "http:user:pw@host") has something that looks like user info.
func opaqueUserinfo(opaque string) bool {
	authority, _ := splitAuthority(opaque)
	return strings.Contains(authority, "@")
}

// splitAuthority splits s, the part of a URL after "scheme:" (with or
// without the "//"), into the authority and what follows it.
func splitAuthority(s string) (authority, rest string) {
	start := 0
	if strings.HasPrefix(s, "//") {
		start = 2
	}
	end := len(s)
	if i := strings.IndexAny(s[start:], "/?#"); i >= 0 {
		end = start + i
	}
	return s[:end], s[end:]
}

// redactAuthority replaces the user info in s, the part of a URL after
// "scheme:", with REDACTED.
func redactAuthority(s string) string {
	authority, rest := splitAuthority(s)
	at := strings.LastIndex(authority, "@")
	if at < 0 {
		return s
	}
	prefix := ""
	if strings.HasPrefix(authority, "//") {
		prefix = "//"
	}
	return prefix + redacted + authority[at:] + rest
}

// rawURL redacts a URL found in free text without parsing it, so that a
// URL that does not parse still loses its secrets: the user info, and the
// secret pairs of the query and the fragment.
func (r *redactor) rawURL(s string) string {
	scheme, rest, ok := strings.Cut(s, ":")
	if !ok {
		return s
	}
	rest = redactAuthority(rest)
	path, frag, hasFrag := strings.Cut(rest, "#")
	path, query, hasQuery := strings.Cut(path, "?")
	out := scheme + ":" + path
	if hasQuery {
		out += "?" + r.redactPairs(query)
	}
	if hasFrag {
		out += "#" + r.redactPairs(frag)
	}
	return out
}

// urlsInText redacts every absolute URL ("scheme://...") in s.
func (r *redactor) urlsInText(s string) string {
	if !strings.Contains(s, "://") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "://")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		start := i
		for start > 0 && isSchemeByte(s[start-1]) {
			start--
		}
		end := i + len("://")
		for end < len(s) && !endsURL(s[end]) {
			end++
		}
		b.WriteString(s[:start])
		b.WriteString(r.rawURL(s[start:end]))
		s = s[end:]
	}
}

func isSchemeByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '+' || c == '-' || c == '.'
}

// endsURL reports whether c cannot be part of a URL written in text.
func endsURL(c byte) bool {
	return c <= ' ' || c == '"' || c == '\'' || c == '<' || c == '>' || c == '`' || c == '\\' || c == 0x7f
}

// secrets returns the secret values u carries: the user name and password,
// and the values of the secret query and fragment pairs, raw and decoded.
func (r *redactor) secrets(u *url.URL, dst []string) []string {
	if u == nil {
		return dst
	}
	if u.User != nil {
		// Decoded, and escaped as the URL's string form writes them.
		escUser, escPass, _ := strings.Cut(u.User.String(), ":")
		dst = append(dst, u.User.Username(), escUser, escPass)
		if p, ok := u.User.Password(); ok {
			dst = append(dst, p)
		}
	}
	if authority, _ := splitAuthority(u.Opaque); strings.Contains(authority, "@") {
		info := strings.TrimPrefix(authority[:strings.LastIndex(authority, "@")], "//")
		user, pass, _ := strings.Cut(info, ":")
		dst = append(dst, info, user, pass)
	}
	for _, s := range []string{u.RawQuery, u.EscapedFragment()} {
		for more := s != ""; more; {
			var pair string
			pair, _, s, more = nextPair(s)
			name, value, ok := strings.Cut(pair, "=")
			if !ok || !r.secretParam(name) {
				continue
			}
			dst = append(dst, value)
			if dec, err := url.QueryUnescape(value); err == nil {
				dst = append(dst, dec)
			}
			if dec, err := url.PathUnescape(value); err == nil {
				dst = append(dst, dec)
			}
		}
	}
	return dst
}

// text redacts free text, such as an error message or a header value, that
// may quote u or another URL: every absolute URL in it loses its secrets,
// and every secret value of u (see [redactor.secrets]) is replaced wherever
// it appears. extra are more URLs whose secret values are removed.
func (r *redactor) text(s string, u *url.URL, extra ...*url.URL) string {
	s = r.urlsInText(s)
	list := r.secrets(u, nil)
	for _, x := range extra {
		list = r.secrets(x, list)
	}
	// Longest first, so that a secret that contains another goes whole.
	slices.SortFunc(list, func(a, b string) int { return len(b) - len(a) })
	for _, v := range list {
		if v != "" && v != redacted {
			s = strings.ReplaceAll(s, v, redacted)
		}
	}
	return s
}

// errText returns err's message with the secrets of the request URL u, and
// of the URL of any [*url.Error] in err's chain, redacted.
func (r *redactor) errText(err error, u *url.URL) string {
	var extra []*url.URL
	var ue *url.Error
	if errors.As(err, &ue) {
		if pu, perr := url.Parse(ue.URL); perr == nil {
			extra = append(extra, pu)
		}
	}
	return r.text(err.Error(), u, extra...)
}

// headerValue returns the value of header name as it is logged: REDACTED
// for a secret header, otherwise the values joined by ", " with any URL
// secrets redacted.
func (r *redactor) headerValue(name string, values []string, u *url.URL) string {
	if r.secretHeader(name) {
		return redacted
	}
	return r.text(strings.Join(values, ", "), u)
}

// sortedKeys returns h's names in order, so that debug events are stable.
func sortedKeys(h http.Header) []string {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
