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

// Error returns err's message with every URL in it stripped of its
// secrets, and every secret value of u (the request's URL, may be nil)
// replaced wherever it appears, as for a [*url.Error] quoting u. A nil err
// gives "".
func (r *Redactor) Error(err error, u *url.URL) string {
	if err == nil {
		return ""
	}
	return r.get().errText(err, u)
}

// Header returns the value of the header name as a log should show it:
// REDACTED when name is a secret header (compared case-insensitively),
// otherwise values joined by ", " with URL secrets redacted as in Error.
func (r *Redactor) Header(name string, values []string, u *url.URL) string {
	return r.get().headerValue(name, values, u)
}
