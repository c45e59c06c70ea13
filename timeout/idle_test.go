package timeout_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roundtrip-go/roundtrip/middleware"
	"github.com/roundtrip-go/roundtrip/middleware/middlewaretest"
	"github.com/roundtrip-go/roundtrip/timeout"
)

// The steady Idle tests send a little every idleGap for idleRun, three
// times the limit idleLimit: the whole transfer takes longer than the
// limit, and a gap between two bytes would have to stretch two hundred
// times on a slow machine to fail it.
const (
	idleLimit = time.Second
	idleGap   = 5 * time.Millisecond
	idleRun   = 3 * idleLimit
	maxSteps  = int(idleRun / idleGap) // bounds the loops if the clock misbehaves
)

// stallIdle is the limit of the Idle tests that stall for sure, where no
// machine is too slow for the outcome.
const stallIdle = 100 * time.Millisecond

// pacedReader gives one byte every idleGap until idleRun has passed since
// its first Read, and counts them. The transport reads it in a goroutine
// of its own, so its state is behind a lock.
type pacedReader struct {
	mu    sync.Mutex
	start time.Time
	n     int
}

func (r *pacedReader) Read(p []byte) (int, error) {
	r.mu.Lock()
	if r.start.IsZero() {
		r.start = time.Now()
	}
	done := time.Since(r.start) >= idleRun || r.n >= maxSteps
	r.mu.Unlock()
	if done {
		return 0, io.EOF
	}
	time.Sleep(idleGap) // pacing, not synchronisation
	r.mu.Lock()
	r.n++
	r.mu.Unlock()
	return copy(p, "x"), nil
}

// sent returns when the first Read came and how many bytes were read.
func (r *pacedReader) sent() (time.Time, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.start, r.n
}

// TestIdleSteadyDownloadPasses streams a body for three times the limit,
// a chunk every idleGap: no gap is long enough to fail, though the whole
// download takes far longer than the limit.
func TestIdleSteadyDownloadPasses(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		start := time.Now()
		for i := 0; i < maxSteps && time.Since(start) < idleRun; i++ {
			time.Sleep(idleGap) // pacing, not synchronisation
			if _, err := io.WriteString(w, "chunk"); err != nil {
				return
			}
			w.(http.Flusher).Flush()
		}
	}))
	defer srv.Close()
	client := newClient(t, timeout.Idle(idleLimit))

	start := time.Now()
	resp, err := client.Get(srv.URL)
	require.NoError(t, err)
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	require.NoError(t, err, "a steady download failed after %v", time.Since(start))
	assert.NotEmpty(t, got)
	assert.Equal(t, strings.Repeat("chunk", len(got)/5), string(got))
	assert.GreaterOrEqual(t, time.Since(start), idleRun, "the download was not slower than the limit; the test proves nothing")
}

// TestIdleSteadyUploadPasses sends a request body for three times the
// limit, a byte every idleGap, to a server that answers only once it has
// read it all: the bytes taken from the body are progress.
func TestIdleSteadyUploadPasses(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		io.WriteString(w, strconv.FormatInt(n, 10))
	}))
	defer srv.Close()
	client := newClient(t, timeout.Idle(idleLimit))

	body := &pacedReader{}
	resp, err := client.Post(srv.URL, "text/plain", body)
	require.NoError(t, err, "a steady upload failed")
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	start, n := body.sent()
	assert.Equal(t, strconv.Itoa(n), string(got))
	assert.GreaterOrEqual(t, time.Since(start), idleRun, "the upload was not slower than the limit; the test proves nothing")
}

func TestIdleStallBeforeHeadersFails(t *testing.T) {
	t.Parallel()
	srv := stallServer(t, false)
	client := newClient(t, timeout.Idle(stallIdle))

	start := time.Now()
	resp, err := client.Get(srv.URL)
	assert.Nil(t, resp)
	assertAttemptTimeout(t, err, stallIdle, true)
	assert.GreaterOrEqual(t, time.Since(start), stallIdle, "failed before the limit")
}

// infiniteReader gives 1 GiB of zeros, more than any socket buffer holds.
func infiniteReader() io.Reader { return io.LimitReader(zeros{}, 1<<30) }

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// TestIdleStalledUploadFails sends a body to a server that never reads it:
// once the socket buffers are full the transport takes no more bytes, and
// the attempt fails after the limit.
func TestIdleStalledUploadFails(t *testing.T) {
	t.Parallel()
	srv := stallServer(t, false)
	client := newClient(t, timeout.Idle(stallIdle))

	resp, err := client.Post(srv.URL, "application/octet-stream", infiniteReader())
	assert.Nil(t, resp)
	assertAttemptTimeout(t, err, stallIdle, true)
}

// TestIdleRequestBodyKept checks that the request Idle passes on still
// carries the caller's body, which is closed once, and a GetBody whose
// replay is progress too: the base reads a paced replay for longer than
// the limit, and the attempt lives on.
func TestIdleRequestBodyKept(t *testing.T) {
	t.Parallel()
	const payload = "payload"
	body := middlewaretest.NewBody(payload)
	var gotBody []byte
	var replayed int64
	base := middleware.Func(func(req *http.Request) (*http.Response, error) {
		var err error
		gotBody, err = io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		replay, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		defer replay.Close()
		if replayed, err = io.Copy(io.Discard, replay); err != nil {
			return nil, err
		}
		if req.Context().Err() != nil {
			return nil, context.Cause(req.Context())
		}
		return &http.Response{StatusCode: http.StatusOK, Body: http.NoBody, Header: http.Header{}, Request: req}, nil
	})
	req, err := http.NewRequest(http.MethodPost, "http://example.test/", body)
	require.NoError(t, err)
	paced := &pacedReader{}
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(paced), nil }

	resp, err := timeout.Idle(idleLimit)(base).RoundTrip(req)
	require.NoError(t, err, "reads from the GetBody replay were not progress")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, payload, string(gotBody))
	start, n := paced.sent()
	assert.Equal(t, int64(n), replayed)
	assert.GreaterOrEqual(t, time.Since(start), idleRun, "the replay was not slower than the limit; the test proves nothing")
	assert.Equal(t, 1, body.Closes(), "the caller's body was not closed exactly once")
	assert.Same(t, body, req.Body, "the caller's request was changed")
}

// TestIdleNoRequestBody checks that a request without a body keeps it so:
// net/http tells http.NoBody from an unknown-length body.
func TestIdleNoRequestBody(t *testing.T) {
	for _, give := range []io.ReadCloser{nil, http.NoBody} {
		var got io.ReadCloser
		var getBody bool
		base := middleware.Func(func(req *http.Request) (*http.Response, error) {
			got, getBody = req.Body, req.GetBody != nil
			return &http.Response{StatusCode: http.StatusOK, Body: http.NoBody, Header: http.Header{}, Request: req}, nil
		})
		req := newGet(t, context.Background(), "http://example.test/")
		req.Body, req.GetBody = give, nil
		_, err := timeout.Idle(time.Minute)(base).RoundTrip(req)
		require.NoError(t, err)
		assert.Equal(t, give, got)
		assert.False(t, getBody, "got a GetBody; want none, as the caller's")
	}
}
