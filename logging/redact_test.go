package logging

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
)

func testRedactor(opts ...Option) *redactor {
	c := newConfig(opts)
	return newRedactor(c.headers, c.params)
}

func TestRedactURL(t *testing.T) {
	tests := []struct {
		give string
		want string
	}{
		{give: "https://api.example.test/v1/items?page=2&sort=name", want: "https://api.example.test/v1/items?page=2&sort=name"},
		{give: "https://user:pw@h.test/p", want: "https://REDACTED@h.test/p"},
		{give: "https://user@h.test/p", want: "https://REDACTED@h.test/p"},
		{give: "https://h.test/?api_key=s&page=2", want: "https://h.test/?api_key=REDACTED&page=2"},
		{give: "https://h.test/?API_KEY=s&Token=t&SIG=u", want: "https://h.test/?API_KEY=REDACTED&Token=REDACTED&SIG=REDACTED"},
		{give: "https://h.test/?apikey=1&key=2&access_token=3&signature=4&password=5&secret=6", want: "https://h.test/?apikey=REDACTED&key=REDACTED&access_token=REDACTED&signature=REDACTED&password=REDACTED&secret=REDACTED"},
		{give: "https://h.test/?api%5Fkey=s&x=%20y", want: "https://h.test/?api%5Fkey=REDACTED&x=%20y"},
		{give: "https://h.test/?a=1;token=s", want: "https://h.test/?a=1;token=REDACTED"},
		{give: "https://h.test/?sig=a&sig=b&q=c", want: "https://h.test/?sig=REDACTED&sig=REDACTED&q=c"},
		{give: "https://h.test/?token&q=1", want: "https://h.test/?token&q=1"},
		{give: "https://h.test/?api_key[]=s&api_key%5B%5D=t", want: "https://h.test/?api_key[]=REDACTED&api_key%5B%5D=REDACTED"},
		{give: "https://h.test/?keyboard=1&monkey=2&tokens=3", want: "https://h.test/?keyboard=1&monkey=2&tokens=3"},
		{give: "https://h.test/cb#access_token=s&state=x", want: "https://h.test/cb#access_token=REDACTED&state=x"},
		{give: "https://h.test/cb#section-2", want: "https://h.test/cb#section-2"},
		{give: "http:user:pw@h.test/p", want: "http:REDACTED@h.test/p"},
		{give: "https://u:p@h.test/a%2Fb?token=t&q=%E2%82%AC#x", want: "https://REDACTED@h.test/a%2Fb?token=REDACTED&q=%E2%82%AC#x"},
		{give: "/relative?secret=s", want: "/relative?secret=REDACTED"},
	}
	r := testRedactor()
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			u, err := url.Parse(tt.give)
			if err != nil {
				t.Fatal(err)
			}
			if got := r.url(u); got != tt.want {
				t.Errorf("got %q; want %q", got, tt.want)
			}
		})
	}
	if got := r.url(nil); got != "" {
		t.Errorf("got %q for a nil URL; want empty", got)
	}
}

func TestRedactURLAllocations(t *testing.T) {
	u, err := url.Parse("https://api.example.test/v1/items?page=2&sort=name&keyboard=1")
	if err != nil {
		t.Fatal(err)
	}
	r := testRedactor()
	// Nothing to redact: only u.String's own allocation.
	want := testing.AllocsPerRun(100, func() { _ = u.String() })
	if got := testing.AllocsPerRun(100, func() { _ = r.url(u) }); got != want {
		t.Errorf("got %v allocations; want %v, as for u.String()", got, want)
	}
}

func TestRedactText(t *testing.T) {
	reqURL, _ := url.Parse("https://bob:hunter2@h.test/v1?api_key=KEY123&page=2")
	tests := []struct {
		give string
		want string
	}{
		{give: "plain error", want: "plain error"},
		{give: `Get "https://bob:hunter2@h.test/v1?api_key=KEY123&page=2": refused`, want: `Get "https://REDACTED@h.test/v1?api_key=REDACTED&page=2": refused`},
		{give: "redirect to https://x:y@other.test/?token=T1&a=b failed", want: "redirect to https://REDACTED@other.test/?token=REDACTED&a=b failed"},
		{give: "ws://h.test/%zz?sig=bad%", want: "ws://h.test/%zz?sig=REDACTED"},
		// A header or a body that merely holds a word equal to a secret
		// value of the request URL is not a secret (issue 13.3's review).
		{give: "GET /v1?api_key=KEY123 as bob: 500", want: "GET /v1?api_key=REDACTED as bob: 500"},
		{give: "key KEY123 rejected", want: "key KEY123 rejected"},
		{give: "user=bob&page=2", want: "user=bob&page=2"},
	}
	r := testRedactor()
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			if got := r.text(tt.give, reqURL); got != tt.want {
				t.Errorf("got %q; want %q", got, tt.want)
			}
		})
	}
}

func TestRedactErrText(t *testing.T) {
	r := testRedactor()
	reqURL, _ := url.Parse("https://h.test/")
	// The *url.Error names another URL (a redirect, say) whose secret value
	// also appears unquoted.
	err := fmt.Errorf("wrapped: %w; pw was s3cr3tpw", &url.Error{Op: "Get", URL: "https://u:s3cr3tpw@h.test/", Err: errors.New("EOF")})
	got := r.errText(err, reqURL)
	if strings.Contains(got, "s3cr3tpw") {
		t.Errorf("got %q; want the password redacted", got)
	}

	// An error may quote the request URL in any form, so every secret
	// value of it goes where it stands as a whole token, and only there.
	reqURL, _ = url.Parse("https://bob:hunter2@h.test/v1?api_key=KEY123&page=2")
	tests := []struct {
		give string
		want string
	}{
		{give: "GET /v1?api_key=KEY123 as bob: 500", want: "GET /v1?api_key=REDACTED as REDACTED: 500"},
		{give: "key KEY123 rejected", want: "key REDACTED rejected"},
		{give: "bobby sent KEY1234", want: "bobby sent KEY1234"},
	}
	for _, tt := range tests {
		if got := r.errText(errors.New(tt.give), reqURL); got != tt.want {
			t.Errorf("%q: got %q; want %q", tt.give, got, tt.want)
		}
	}
}

// TestRedactLeavesOtherTextIntact covers the over-redaction a review found
// after issue 13.3: secret values of the request URL that are ordinary
// words ("json", "1", a user name "bob") were replaced in every header and
// body excerpt. Only name=value pairs and user info are redacted there.
func TestRedactLeavesOtherTextIntact(t *testing.T) {
	reqURL, _ := url.Parse("https://bob:pw@h.test/v1?key=json&sig=1")
	r := testRedactor()
	for _, tt := range []struct {
		name   string
		values []string
		want   string
	}{
		{name: "Content-Type", values: []string{"application/json"}, want: "application/json"},
		{name: "X-Count", values: []string{"1"}, want: "1"},
		{name: "X-User", values: []string{"bob"}, want: "bob"},
		{name: "Referer", values: []string{"https://bob:pw@h.test/v1?key=json&sig=1"}, want: "https://REDACTED@h.test/v1?key=REDACTED&sig=REDACTED"},
	} {
		if got := r.headerValue(tt.name, tt.values, reqURL); got != tt.want {
			t.Errorf("header %s %q: got %q; want %q", tt.name, tt.values, got, tt.want)
		}
	}
	for _, tt := range []struct{ give, want string }{
		{give: "user=bob&n=1", want: "user=bob&n=1"},
		{give: `{"type":"json","user":"bob","sig":1}`, want: `{"type":"json","user":"bob","sig":1}`},
		{give: "user=bob&sig=1&key=json", want: "user=bob&sig=REDACTED&key=REDACTED"},
	} {
		if got := r.text(tt.give, reqURL); got != tt.want {
			t.Errorf("body %q: got %q; want %q", tt.give, got, tt.want)
		}
	}
}

// TestRedactQuotedRequestURL checks that a header or body quoting the
// request URL verbatim shows its redacted form, even when it is an opaque
// URL ("http:user:pw@host") that no text scan recognises.
func TestRedactQuotedRequestURL(t *testing.T) {
	reqURL, _ := url.Parse("http:bob:TOPSECRET@h.test/x?token=T0K")
	r := testRedactor()
	got := r.headerValue("X-Original-Url", []string{"was http:bob:TOPSECRET@h.test/x?token=T0K"}, reqURL)
	if want := "was http:REDACTED@h.test/x?token=REDACTED"; got != want {
		t.Errorf("got %q; want %q", got, want)
	}
}

func TestUserinfoInText(t *testing.T) {
	tests := []struct {
		give string
		want string
	}{
		{give: "https://u:p@h/x", want: "https://REDACTED@h/x"},
		{give: "//bob:TOPSECRET@h/x", want: "//REDACTED@h/x"},
		{give: "see //bob:pw@h/x and //joe@h2", want: "see //REDACTED@h/x and //REDACTED@h2"},
		{give: `</next?page=2>, <//u:p@h/n>; rel="next"`, want: `</next?page=2>, <//REDACTED@h/n>; rel="next"`},
		{give: "0; url=//u:p@h/r", want: "0; url=//REDACTED@h/r"},
		{give: "a,//u:p@h;//v:q@h", want: "a,//REDACTED@h;//REDACTED@h"},
		{give: `{"a":"//u:p@h/","b":'//v:q@h'}`, want: `{"a":"//REDACTED@h/","b":'//REDACTED@h'}`},
		{give: `{"next":"\/\/u:p@h\/p"}`, want: `{"next":"\/\/REDACTED@h\/p"}`},
		{give: `\/\/u:p@h\/p`, want: `\/\/REDACTED@h\/p`},
		{give: "line\n//u:p@h/x", want: "line\n//REDACTED@h/x"},
		// User info may hold sub-delimiters unescaped.
		{give: "https://a&b;c:p=w,x$@h/", want: "https://REDACTED@h/"},
		{give: `Get "//00000&:00000&@?\"&x=1": refused`, want: `Get "//REDACTED@?\"&x=1": refused`},
		// Not an authority: no boundary before the slashes, or no '@'
		// before the authority ends.
		{give: "a//b@c", want: "a//b@c"},
		{give: "/p//u:p@h", want: "/p//u:p@h"},
		{give: `a\/\/u:p@h`, want: `a\/\/u:p@h`},
		{give: "//host/path@x", want: "//host/path@x"},
		{give: "// note: mail joe@h", want: "// note: mail joe@h"},
		{give: "///x@y", want: "///x@y"},
		{give: "//", want: "//"},
		{give: "x=//", want: "x=//"},
	}
	for _, tt := range tests {
		if got := userinfoInText(tt.give); got != tt.want {
			t.Errorf("%q: got %q; want %q", tt.give, got, tt.want)
		}
	}
}

func TestHeaderValue(t *testing.T) {
	reqURL, _ := url.Parse("https://h.test/?token=TOK")
	tests := []struct {
		name   string
		values []string
		want   string
	}{
		{name: "Authorization", values: []string{"Bearer x"}, want: "REDACTED"},
		{name: "authorization", values: []string{"Basic x"}, want: "REDACTED"},
		{name: "PROXY-AUTHORIZATION", values: []string{"x"}, want: "REDACTED"},
		{name: "Cookie", values: []string{"a=b"}, want: "REDACTED"},
		{name: "Set-Cookie", values: []string{"a=b", "c=d"}, want: "REDACTED"},
		{name: "api-auth-id", values: []string{"x"}, want: "REDACTED"},
		{name: "Api-Auth-Signature", values: []string{"x"}, want: "REDACTED"},
		{name: "x-api-key", values: []string{"x"}, want: "REDACTED"},
		{name: "X-Custom-Secret", values: []string{"x"}, want: "REDACTED"},
		{name: "Accept", values: []string{"a", "b"}, want: "a, b"},
		{name: "Referer", values: []string{"https://h.test/?token=TOK&q=1"}, want: "https://h.test/?token=REDACTED&q=1"},
		{name: "X-Echo", values: []string{"TOK"}, want: "TOK"},
	}
	r := testRedactor(WithRedactedHeaders("x-custom-secret", ""))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := r.headerValue(tt.name, tt.values, reqURL); got != tt.want {
				t.Errorf("got %q; want %q", got, tt.want)
			}
		})
	}
}

// plant returns base with secret as the user name and password, as the
// value of a secret query parameter and of a secret fragment parameter.
func plant(base *url.URL, name, secret string) *url.URL {
	u := *base
	u.User = url.UserPassword(secret, secret)
	pair := name + "=" + url.QueryEscape(secret)
	if u.RawQuery == "" {
		u.RawQuery = pair
	} else {
		u.RawQuery += "&" + pair
	}
	if u.Fragment == "" {
		// Fragment holds the decoded form; the name is written decoded.
		// Half the time a path comes before the fragment's query, as in
		// an OAuth implicit-flow callback.
		fname, _ := url.QueryUnescape(name)
		u.Fragment = fname + "=" + url.QueryEscape(secret)
		if len(u.Path)%2 == 1 {
			u.Fragment = "/callback?" + u.Fragment
		}
		u.RawFragment = ""
	}
	return &u
}

var fuzzNames = append(append([]string(nil), defaultRedactedQueryParams...), "Api_Key", "TOKEN", "api%5Fkey", "Session_ID")

// FuzzRedactURL checks that redaction never panics and that its output does
// not depend on the planted secret values at all: the output for a URL
// with secret s equals the output with a placeholder, so no trace of s
// survives, in any encoding.
func FuzzRedactURL(f *testing.F) {
	f.Add("https://api.example.test/v1/items?page=2", uint8(0), "hunter2")
	f.Add("http://h.test/?a=1;b=2#frag", uint8(3), "s e&c=r;e#t")
	f.Add("https://h.test/p%2Fq?token=x&api_key=y", uint8(10), "%zz")
	f.Add("http:opaque@h.test/x?sig=1", uint8(6), "ünïcode")
	f.Add("/relative/path?", uint8(12), "")
	f.Add("https://[::1]:8080/?q=%ZZ", uint8(1), "REDACTED")
	f.Add("https://h.test/a", uint8(4), "hunter22")
	r := testRedactor(WithRedactedQueryParams("session_id"))
	f.Fuzz(func(t *testing.T, raw string, nameIdx uint8, secret string) {
		base, err := url.Parse(raw)
		if err != nil {
			return
		}
		name := fuzzNames[int(nameIdx)%len(fuzzNames)]
		got := r.url(plant(base, name, secret))
		want := r.url(plant(base, name, "placeholder"))
		if got != want {
			t.Errorf("redacting %q with secret %q: got %q; want %q, as with a placeholder", raw, secret, got, want)
		}
		// Text redaction of a message quoting the URL must not panic and
		// must keep the secret out, in the encodings the URL uses.
		u := plant(base, name, secret)
		msg := r.text(fmt.Sprintf("Get %q: refused", u.String()), u)
		if len(secret) >= 6 && !strings.Contains(raw, secret) && !strings.Contains(redacted, secret) {
			for _, form := range []string{url.QueryEscape(secret), url.UserPassword("", secret).String()[1:]} {
				if strings.Contains(strings.ReplaceAll(msg, redacted, "\x00"), form) && !strings.Contains(fmt.Sprintf("Get %q: refused", base.String()), form) {
					t.Errorf("secret %q survives in %q", form, msg)
				}
			}
		}
	})
}

func TestSecretParamNames(t *testing.T) {
	tests := []struct {
		give string
		want bool
	}{
		{give: "api_key", want: true},
		{give: "API_KEY", want: true},
		{give: "api%5Fkey", want: true},
		{give: "api+key", want: false},
		{give: "clé", want: true},
		{give: "CLé", want: true},
		{give: "cle", want: false},
		{give: strings.Repeat("k", 70), want: false},
		{give: "", want: false},
		{give: "api_key[]", want: true},
		{give: "token[0]", want: true},
		{give: "[token]", want: false},
	}
	// Of these, the defaults know only the ASCII names; clé is added.
	isASCII := func(s string) bool { return strings.IndexFunc(s, func(r rune) bool { return r >= 0x80 }) < 0 }
	ascii := testRedactor()
	mixed := testRedactor(WithRedactedQueryParams("clé"))
	for _, tt := range tests {
		if got := mixed.secretParam(tt.give); got != tt.want {
			t.Errorf("with clé: %q: got %v; want %v", tt.give, got, tt.want)
		}
		want := tt.want && isASCII(tt.give)
		if got := ascii.secretParam(tt.give); got != want {
			t.Errorf("defaults: %q: got %v; want %v", tt.give, got, want)
		}
	}
}

// textTemplates are the places a secret hides in free text: a pair in a
// relative URL in a header, a fragment with a path before its query, a
// JSON-escaped URL, a form-encoded body, a Link and a Refresh header; and
// the user info of a scheme-relative URL (%[2]s only) in a Location, a
// Link and a Refresh header, a JSON string, escaped or not, and a list.
var textTemplates = []string{
	"/cb?%s=%s&state=x",
	"https://h.test/app#/callback?%s=%s&state=x",
	`{"next":"https:\/\/h.test\/p?%s=%s\u0026page=3"}`,
	"grant_type=password&%s=%s&scope=read",
	`</next?page=2&%s=%s>; rel="next"`,
	"0; url=/r?%s=%s",
	"//joe:%[2]s@h.test/x",
	`<//%[2]s@h.test/next>; rel="next"`,
	"0;url=//joe:%[2]s@h.test/r",
	`{"a":"//%[2]s:pw@h.test/p","b":"\/\/joe:%[2]s@h.test\/p"}`,
	"a,//joe:%[2]s@h.test;b",
}

// FuzzRedactText checks that a secret in any of textTemplates, with any
// text around it, is redacted, and that the text never panics.
func FuzzRedactText(f *testing.F) {
	f.Add("Location:", uint8(0), uint8(4), "hunter22", "")
	f.Add("", uint8(1), uint8(3), "abcdefgh", "tail")
	f.Add(`{"a":`, uint8(2), uint8(1), "s3cr3t-value", "}")
	f.Add("body", uint8(3), uint8(9), "p4ssw0rd", "x=y")
	f.Add("", uint8(4), uint8(10), "zzzzzzzz", "")
	f.Add("Refresh:", uint8(5), uint8(2), "~~~~~~~~", "\\")
	f.Add("Location:", uint8(6), uint8(0), "TOPSECRET", "")
	f.Add("<a>,", uint8(7), uint8(0), "hunter22", "")
	f.Add(`{"x":1,`, uint8(9), uint8(0), "p4ssw0rd", "}")
	r := testRedactor(WithRedactedQueryParams("session_id"))
	f.Fuzz(func(t *testing.T, prefix string, tmpl, nameIdx uint8, rawSecret, suffix string) {
		secret := fuzzSecretValue(rawSecret)
		name := fuzzNames[int(nameIdx)%len(fuzzNames)]
		text := prefix + " " + fmt.Sprintf(textTemplates[int(tmpl)%len(textTemplates)], name, secret) + " " + suffix
		got := r.text(text, nil)
		if len(secret) < 6 || strings.Contains(prefix, secret) || strings.Contains(suffix, secret) || strings.Contains(redacted, secret) {
			return
		}
		if strings.Contains(got, secret) {
			t.Errorf("secret %q survives in %q (from %q)", secret, got, text)
		}
	})
}

// fuzzSecretValue maps raw to a secret made of bytes that no URL, form or
// JSON encoding changes and that never end a value.
func fuzzSecretValue(raw string) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789-._~"
	b := make([]byte, 0, min(len(raw), 64))
	for i := 0; i < len(raw) && i < 64; i++ {
		b = append(b, alphabet[int(raw[i])%len(alphabet)])
	}
	return string(b)
}
