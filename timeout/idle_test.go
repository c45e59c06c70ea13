package timeout_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roundtrip-go/roundtrip/middleware"
	"github.com/roundtrip-go/roundtrip/timeout"
)

// The Idle tests pace their bytes every idleGap under a limit of idleLimit,
// ten times the gap, and run for idleRun, ten times the limit: a slow
// machine stretches a gap, but not tenfold.
const (
	idleLimit = 200 * time.Millisecond
	idleGap   = idleLimit / 10
	idleRun   = 10 * idleLimit
	idleSteps = int(idleRun / idleGap)
)

// pacedReader gives one byte every idleGap, idleSteps bytes in all.
type pacedReader struct{ left int }

func (r *pacedReader) Read(p []byte) (int, error) {
	if r.left == 0 {
		return 0, io.EOF
	}
	time.Sleep(idleGap) // pacing, not synchronisation
	r.left--
	return copy(p, "x"), nil
}

// TestIdleSteadyDownloadPasses streams a body for ten times the limit, a
// chunk every tenth of it: no gap is long enough to fail, though the whole
// download takes far longer than the limit.
func TestIdleSteadyDownloadPasses(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		for range idleSteps {
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
	require.NoError(t, err, "a steady download failed")
	assert.Equal(t, strings.Repeat("chunk", idleSteps), string(got))
	assert.GreaterOrEqual(t, time.Since(start), idleRun, "the download was not slower than the limit; the test proves nothing")
}

// TestIdleSteadyUploadPasses sends a request body for ten times the limit,
// a byte every tenth of it, to a server that answers only once it has read
// it all: the bytes taken from the body are progress.
func TestIdleSteadyUploadPasses(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		io.WriteString(w, strconv.FormatInt(n, 10))
	}))
	defer srv.Close()
	client := newClient(t, timeout.Idle(idleLimit))

	resp, err := client.Post(srv.URL, "text/plain", &pacedReader{left: idleSteps})
	require.NoError(t, err, "a steady upload failed")
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.Equal(t, strconv.Itoa(idleSteps), string(got))
}

func TestIdleStallBeforeHeadersFails(t *testing.T) {
	t.Parallel()
	srv := stallServer(t, false)
	client := newClient(t, timeout.Idle(idleLimit))

	start := time.Now()
	resp, err := client.Get(srv.URL)
	assert.Nil(t, resp)
	assertAttemptTimeout(t, err, idleLimit, true)
	assert.GreaterOrEqual(t, time.Since(start), idleLimit, "failed before the limit")
}

// TestIdleStallMidBodyFails sends the headers and a few chunks, then
// stalls: the caller's Read fails with an *Error. The limit here is
// 500 ms, so that the headers come in time on a loaded machine.
func TestIdleStallMidBodyFails(t *testing.T) {
	t.Parallel()
	const limit = 500 * time.Millisecond
	srv := stallServer(t, true)
	client := newClient(t, timeout.Idle(limit))

	resp, err := client.Get(srv.URL)
	require.NoError(t, err, "the headers came in time")
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	assert.Equal(t, "partial", string(got))
	assertAttemptTimeout(t, err, limit, true)
}

// infiniteReader gives zeros until limit bytes, more than any socket
// buffer holds.
func infiniteReader() io.Reader { return io.LimitReader(zeros{}, 1<<30) }

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// TestIdleStalledUploadFails sends a body to a server that never reads it:
// once the socket buffers are full the transport takes no more bytes, and
// the attempt fails after the limit.
func TestIdleStalledUploadFails(t *testing.T) {
	t.Parallel()
	srv := stallServer(t, false)
	client := newClient(t, timeout.Idle(idleLimit))

	resp, err := client.Post(srv.URL, "application/octet-stream", infiniteReader())
	assert.Nil(t, resp)
	assertAttemptTimeout(t, err, idleLimit, true)
}

// TestIdleRequestBodyKept checks that the request Idle passes on still
// carries the caller's body, which is closed once, and a GetBody whose
// replay is progress too: the base reads a replay for ten times the limit,
// a byte every tenth of it, and the attempt lives on.
func TestIdleRequestBodyKept(t *testing.T) {
	t.Parallel()
	const payload = "payload"
	body := &countingCloser{Reader: strings.NewReader(payload)}
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
	req.GetBody = func() (io.ReadCloser, error) {
		return io.NopCloser(&pacedReader{left: idleSteps}), nil
	}

	resp, err := timeout.Idle(idleLimit)(base).RoundTrip(req)
	require.NoError(t, err, "reads from the GetBody replay were not progress")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, payload, string(gotBody))
	assert.Equal(t, int64(idleSteps), replayed)
	assert.Equal(t, 1, body.closes, "the caller's body was not closed exactly once")
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

type countingCloser struct {
	io.Reader
	closes int
}

func (c *countingCloser) Close() error { c.closes++; return nil }
