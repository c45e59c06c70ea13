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

// eachSecretValue calls fn with the bounds of the value of every name=value
// pair in s whose name is a secret parameter, until fn returns false. A
// name is a whole token: a run of name bytes (letters, digits, _ . - % +)
// right before '=', so "monkey=" is not "key=", and a name may follow
// anything else: '?', '&', ';', '#', a '/' or a space. That finds the pairs
// of a query, of a fragment with a path before its query
// ("#/cb?access_token=..."), of a form-encoded body, and of a URL in any
// text. In a URL (inText false) a value ends at '&' or ';'; in text it also
// ends at white space, a quote, '<', '>', '#' or a backslash (a
// JSON-escaped "\u0026", say).
func (r *redactor) eachSecretValue(s string, inText bool, fn func(start, end int) bool) {
	for i := 0; i < len(s); {
		if !isNameByte(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isNameByte(s[j]) {
			j++
		}
		if j == len(s) || s[j] != '=' || !r.secretParam(s[i:j]) {
			i = j
			continue
		}
		k := j + 1
		for k < len(s) && !endsValue(s[k], inText) {
			k++
		}
		if !fn(j+1, k) {
			return
		}
		i = k
	}
}

// isNameByte reports whether c may be part of a parameter name.
func isNameByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '_' || c == '.' || c == '-' || c == '%' || c == '+' || c >= 0x80
}

// endsValue reports whether c ends a parameter value.
func endsValue(c byte, inText bool) bool {
	if c == '&' || c == ';' {
		return true
	}
	return inText && (c <= ' ' || c == '"' || c == '\'' || c == '<' || c == '>' ||
		c == '`' || c == '\\' || c == '#' || c == 0x7f)
}

// hasSecretParam reports whether s has a pair with a secret name. It only
// scans; it never decodes a value.
func (r *redactor) hasSecretParam(s string) bool {
	found := false
	r.eachSecretValue(s, false, func(int, int) bool { found = true; return false })
	return found
}

// redactPairs returns s with the value of every secret pair replaced by
// REDACTED (see [redactor.eachSecretValue]). Everything else is copied
// byte for byte: nothing is decoded or re-encoded.
func (r *redactor) redactPairs(s string, inText bool) string {
	var b strings.Builder
	last := 0
	r.eachSecretValue(s, inText, func(start, end int) bool {
		if s[start:end] == redacted {
			return true
		}
		b.WriteString(s[last:start])
		b.WriteString(redacted)
		last = end
		return true
	})
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
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
	cp.RawQuery = r.redactPairs(cp.RawQuery, false)
	if u.Fragment == "" {
		return cp.String()
	}
	frag := r.redactPairs(u.EscapedFragment(), false)
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

// userinfoInText replaces the user info of every absolute URL in s
// ("scheme://user:pw@host", or JSON-escaped "scheme:\\/\\/user:pw@host")
// with REDACTED, without parsing the URL, so that a URL that does not
// parse loses it too.
func userinfoInText(s string) string {
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); {
		j := strings.Index(s[i:], ":/")
		k := strings.Index(s[i:], `:\/\/`)
		sep := "://"
		switch {
		case j < 0 && k < 0:
			i = len(s)
			continue
		case j < 0 || k >= 0 && k < j:
			j, sep = k, `:\/\/`
		}
		j += i
		if !strings.HasPrefix(s[j:], sep) {
			i = j + 1
			continue
		}
		start := j + len(sep)
		end := start
		for end < len(s) && !endsAuthority(s[end]) {
			end++
		}
		if at := strings.LastIndexByte(s[start:end], '@'); at >= 0 {
			b.WriteString(s[last:start])
			b.WriteString(redacted)
			last = start + at
		}
		i = end
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// endsAuthority reports whether c ends the authority of a URL in text.
func endsAuthority(c byte) bool {
	return c == '/' || c == '?' || c == '#' || c == '\\' || endsValue(c, true)
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
		r.eachSecretValue(s, false, func(start, end int) bool {
			value := s[start:end]
			dst = append(dst, value)
			if dec, err := url.QueryUnescape(value); err == nil {
				dst = append(dst, dec)
			}
			if dec, err := url.PathUnescape(value); err == nil {
				dst = append(dst, dec)
			}
			return true
		})
	}
	return dst
}

// text redacts free text, such as an error message, a header value or a
// body excerpt, that may quote u or another URL: the user info of every
// absolute URL, the value of every secret name=value pair (in a URL,
// absolute or relative, or a form-encoded body), and every secret value of
// u (see [redactor.secrets]) where it stands as a whole token. extra are
// more URLs whose secret values are removed.
func (r *redactor) text(s string, u *url.URL, extra ...*url.URL) string {
	s = r.redactPairs(userinfoInText(s), true)
	list := r.secrets(u, nil)
	for _, x := range extra {
		list = r.secrets(x, list)
	}
	// Longest first, so that a secret that contains another goes whole.
	slices.SortFunc(list, func(a, b string) int { return len(b) - len(a) })
	for _, v := range list {
		s = replaceToken(s, v)
	}
	return s
}

// replaceToken replaces v with REDACTED wherever it stands in s as a whole
// token: not inside a longer word, so that a one-letter user name "u"
// leaves "unexpected EOF" as it is.
func replaceToken(s, v string) string {
	if v == "" || v == redacted {
		return s
	}
	var b strings.Builder
	last := 0
	for i := 0; i <= len(s)-len(v); {
		j := strings.Index(s[i:], v)
		if j < 0 {
			break
		}
		j += i
		end := j + len(v)
		if (j == 0 || !isWordByte(s[j-1]) || !isWordByte(v[0])) &&
			(end == len(s) || !isWordByte(s[end]) || !isWordByte(v[len(v)-1])) {
			b.WriteString(s[last:j])
			b.WriteString(redacted)
			last = end
			i = end
			continue
		}
		i = j + 1
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// isWordByte reports whether c is part of a word: a letter, a digit, '_'
// or a byte of a non-ASCII character.
func isWordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c >= 0x80
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
