package stocktrim

import "errors"

// Errors that [Middlewares], [NewTransport] and [NewClient] return, wrapped
// with the option or environment variable at fault, for errors.Is. Several
// problems at once are joined (errors.Join), so that one run reports them
// all. No error message contains a credential or the base URL.
var (
	// ErrMissingCredentials: the api-auth-id or api-auth-signature is
	// neither given with WithCredentials nor set in the environment.
	ErrMissingCredentials = errors.New("stocktrim: missing credentials")
	// ErrInvalidCredentials: the api-auth-id or api-auth-signature cannot
	// be sent as a header value as it is: it has a control character (often
	// a trailing newline read from a file) or white space at either end.
	ErrInvalidCredentials = errors.New("stocktrim: invalid credentials")
	// ErrInvalidBaseURL: the base URL is not an absolute http or https URL
	// with a host, or it has a query or a fragment.
	ErrInvalidBaseURL = errors.New("stocktrim: invalid base URL")
	// ErrInvalidMaxRetries: the number of retries is negative, not a whole
	// number, or too large for an int.
	ErrInvalidMaxRetries = errors.New("stocktrim: invalid max retries")
	// ErrInvalidTimeout: the attempt timeout is not positive or not a
	// duration.
	ErrInvalidTimeout = errors.New("stocktrim: invalid timeout")
)
