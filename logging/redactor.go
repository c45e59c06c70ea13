package logging

import (
	"net/url"
)

// Redactor removes secrets from URLs, header values and error messages in
// the same way [New]'s events do, for code that writes its own logs (an
// OnRetry listener, an error report). Secrets print as REDACTED.
//
// A Redactor is immutable and safe for concurrent use. A nil *Redactor
// redacts with the defaults, as NewRedactor() does.
type Redactor struct {
	r *redactor
}

// defaultRedactor serves nil *Redactor receivers.
var defaultRedactor = NewRedactor()

// NewRedactor returns a Redactor for the default secret headers and query
// parameters plus those added by [WithRedactedHeaders] and
// [WithRedactedQueryParams]. Other options are ignored; nil options are
// skipped.
func NewRedactor(opts ...Option) *Redactor {
	c := newConfig(opts)
	return &Redactor{r: newRedactor(c.headers, c.params)}
}

func (r *Redactor) get() *redactor {
	if r == nil || r.r == nil {
		return defaultRedactor.r
	}
	return r.r
}

// URL returns u's string form with its user info and the values of its
// secret query and fragment parameters replaced by REDACTED. When there is
// nothing to redact it is exactly u.String(). A nil u gives "".
func (r *Redactor) URL(u *url.URL) string {
	return r.get().url(u)
}

// Error returns err's message with every URL in it stripped of its user
// info and secret parameter values, and every secret value of u (the
// request's URL, may be nil) and of the URL of a [*url.Error] in err's
// chain replaced where it stands as a whole token, since an error may
// quote u in any form. A nil err gives "".
func (r *Redactor) Error(err error, u *url.URL) string {
	if err == nil {
		return ""
	}
	return r.get().errText(err, u)
}

// Header returns the value of the header name as a log should show it:
// REDACTED when name is a secret header (compared case-insensitively),
// otherwise values joined by ", " with the user info of every URL in them
// (scheme-relative "//user:pw@host" too) and the value of every secret
// name=value pair redacted, and u (may be nil) replaced by its redacted
// form where the value quotes it verbatim. Other words are left as they
// are, even one equal to a secret value of u.
func (r *Redactor) Header(name string, values []string, u *url.URL) string {
	return r.get().headerValue(name, values, u)
}
