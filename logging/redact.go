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
}

func newRedactor(headers, params []string) *redactor {
	return &redactor{headers: headers, params: params}
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
	// The array form of a name (api_key[], token[0]) is the name.
	if i := strings.IndexByte(name, '['); i > 0 && strings.HasSuffix(name, "]") {
		name = name[:i]
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
		if j < len(s) && s[j] == '[' { // the array form: api_key[]=, token[0]=
			k := j + 1
			for k < len(s) && isNameByte(s[k]) {
				k++
			}
			if k < len(s) && s[k] == ']' {
				j = k + 1
			}
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

// userinfoInText replaces with REDACTED the user info of every URL in s
// that has an authority: after "scheme://" (or JSON-escaped
// "scheme:\/\/"), and after a scheme-relative "//" (or "\/\/") that
// starts s or follows white space, '<', '=', ',', ';' or a quote, as in a
// Location, Link or Refresh header. It does not parse the URL, so that a
// URL that does not parse loses it too. Slashes inside a word or a path
// ("a//b", "/p//q") start no authority, and an authority with no '@'
// before its end (the next '/', '?', '#', white space ...) is left as it
// is.
func userinfoInText(s string) string {
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); {
		j, sep := nextSlashes(s, i)
		if j < 0 {
			break
		}
		if j > 0 && !startsAuthority(s[j-1]) {
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

// nextSlashes returns the index of the first "//" or JSON-escaped "\/\/"
// in s at or after i, and which of the two it is; -1 when there is none.
func nextSlashes(s string, i int) (int, string) {
	const plain, escaped = "//", `\/\/`
	j := strings.Index(s[i:], plain)
	k := strings.Index(s[i:], escaped)
	switch {
	case j < 0 && k < 0:
		return -1, ""
	case j < 0 || k >= 0 && k < j:
		return i + k, escaped
	}
	return i + j, plain
}

// startsAuthority reports whether "//" right after c starts a URL's
// authority: after a scheme's ':', white space, '<', '=', ',', ';' or a
// quote.
func startsAuthority(c byte) bool {
	return c <= ' ' || strings.IndexByte(":<=,;\"'`", c) >= 0
}

// endsAuthority reports whether c ends the authority of a URL in text:
// '/', '?', or what ends a value in text (see [endsValue]) except '&' and
// ';', which user info may hold unescaped (url.URL.String writes the user
// name "a&b;c" as it is).
func endsAuthority(c byte) bool {
	return c == '/' || c == '?' || c != '&' && c != ';' && endsValue(c, true)
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

// text redacts free text other than an error message (a header value, a
// body excerpt): the user info of every URL in it (see [userinfoInText])
// and the value of every secret name=value pair (in a URL, absolute or
// relative, or a form-encoded body). Where s quotes u verbatim, u's
// redacted form replaces it, which takes the user info of an opaque
// "http:user:pw@host" too. The rest is left intact: a word that merely
// equals a secret value of u (a Content-Type "application/json" when u has
// "key=json", a body field "user=bob" when bob is u's user) is not a
// secret there.
func (r *redactor) text(s string, u *url.URL) string {
	if u != nil && r.needsRedaction(u) {
		if raw := u.String(); strings.Contains(s, raw) {
			s = strings.ReplaceAll(s, raw, r.url(u))
		}
	}
	return r.redactPairs(userinfoInText(s), true)
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

// errText returns err's message redacted as by [redactor.text], and with
// every secret value of the request URL u, and of the URL of any
// [*url.Error] in err's chain, replaced where it stands as a whole token
// (see [redactor.secrets]). An error may quote its URL in any form (Go
// quoted, decoded, or its user name alone, "user u"), which the pair and
// user info scans cannot all see.
func (r *redactor) errText(err error, u *url.URL) string {
	list := r.secrets(u, nil)
	var ue *url.Error
	if errors.As(err, &ue) {
		if pu, perr := url.Parse(ue.URL); perr == nil {
			list = r.secrets(pu, list)
		}
	}
	s := r.text(err.Error(), u)
	// Longest first, so that a secret that contains another goes whole.
	slices.SortFunc(list, func(a, b string) int { return len(b) - len(a) })
	for _, v := range list {
		s = replaceToken(s, v)
	}
	return s
}

// headerValue returns the value of header name as it is logged: REDACTED
// for a secret header, otherwise the values joined by ", " and redacted by
// [redactor.text].
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
