package middlewaretest

import (
	"io"
	"net/http"
	"strconv"
	"sync"
)

// Reply is one scripted answer of a [Transport].
type Reply struct {
	// Status is the response status code. Zero means 200 OK. It is ignored
	// when Err is set.
	Status int
	// Header is copied into the response. Nil means no header.
	Header http.Header
	// Body is the response body.
	Body string
	// Err, when set, is returned with no response. To script a network
	// failure, use a ready fault such as [ErrConnReset] or
	// [ErrStreamReset]: errors.New("connection reset by peer") only reads
	// like a reset, and a retry policy treats it as an unknown error.
	Err error
}

// Received is a request as the [Transport] received it.
type Received struct {
	// Request is the request passed to RoundTrip, as it was. Its Body has
	// been read and closed; read Body instead.
	Request *http.Request
	// Body is everything read from Request.Body, nil when it had none.
	Body []byte
	// BodyErr is the error reading Request.Body ended with, if any.
	BodyErr error
}

// Transport is a scripted [http.RoundTripper] for unit tests. Each call to
// RoundTrip answers with the next [Reply]; once the script is used up, the
// last reply is repeated, and an empty script answers 200 OK with an empty
// body. Like a real transport, it reads the request body to the end and
// closes it. Every response body it returns is a [*Body], so a test can
// check that a middleware closed the responses it discarded.
//
// A Transport is safe for concurrent use. The zero value is ready to use and
// answers 200 OK to every request.
type Transport struct {
	mu        sync.Mutex
	replies   []Reply
	received  []Received
	responses []*Body
}

var _ http.RoundTripper = (*Transport)(nil)

// NewTransport returns a Transport that answers with replies, in order.
func NewTransport(replies ...Reply) *Transport {
	return &Transport{replies: replies}
}

// RoundTrip records req and answers with the next reply.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	rec := Received{Request: req}
	if req.Body != nil && req.Body != http.NoBody {
		rec.Body, rec.BodyErr = io.ReadAll(req.Body)
	}
	if req.Body != nil {
		req.Body.Close()
	}

	t.mu.Lock()
	defer t.mu.Unlock()
	n := len(t.received)
	t.received = append(t.received, rec)
	reply := Reply{}
	if len(t.replies) > 0 {
		reply = t.replies[min(n, len(t.replies)-1)]
	}
	if reply.Err != nil {
		return nil, reply.Err
	}
	status := reply.Status
	if status == 0 {
		status = http.StatusOK
	}
	body := NewBody(reply.Body)
	t.responses = append(t.responses, body)
	header := reply.Header.Clone()
	if header == nil {
		header = make(http.Header)
	}
	return &http.Response{
		Status:        strconv.Itoa(status) + " " + http.StatusText(status),
		StatusCode:    status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        header,
		Body:          body,
		ContentLength: int64(len(reply.Body)),
		Request:       req,
	}, nil
}

// Received returns a copy of the list of requests received so far, oldest
// first.
func (t *Transport) Received() []Received {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]Received(nil), t.received...)
}

// Calls reports how many times RoundTrip was called.
func (t *Transport) Calls() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.received)
}

// Responses returns the bodies of the responses returned so far, oldest
// first, to check how often each was closed or how much of it was read.
func (t *Transport) Responses() []*Body {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]*Body(nil), t.responses...)
}

// Unclosed reports how many of the response bodies returned so far were
// never closed.
func (t *Transport) Unclosed() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	for _, b := range t.responses {
		if b.Closes() == 0 {
			n++
		}
	}
	return n
}
