package stocktrim_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roundtrip-go/roundtrip/retry"
	"github.com/roundtrip-go/roundtrip/stocktrim"
)

const (
	idleLimit  = 400 * time.Millisecond
	chunkGap   = 20 * time.Millisecond // 20 times under the limit
	chunkCount = 30                    // 600 ms or more in all: past the limit
)

// The ways the first request of an idleServer stalls.
const (
	noStall         = iota
	stallBeforeHead // nothing until the client gives up
	stallInBody     // the headers and one chunk, then nothing
)

// idleServer serves a body of chunkCount chunks, chunkGap apart, except
// that its first request stalls as stall says. It returns the server and
// its request count.
func idleServer(t *testing.T, stall int) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		first := n.Add(1) == 1
		if first && stall == stallBeforeHead {
			<-r.Context().Done()
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		for i := range chunkCount {
			if i > 0 {
				select {
				case <-time.After(chunkGap):
				case <-r.Context().Done():
					return
				}
			}
			_, _ = io.WriteString(w, "chunk\n")
			w.(http.Flusher).Flush()
			if first && stall == stallInBody {
				<-r.Context().Done()
				return
			}
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

// download GETs the server's body through the stack with an idle limit
// and returns the body, the error of reading it and the time it took.
func download(t *testing.T, srv *httptest.Server) (string, error, time.Duration) {
	t.Helper()
	_, _, _ = setup(t, zerolog.Disabled) // clears the environment
	client := newClient(t,
		stocktrim.WithBaseURL(srv.URL),
		stocktrim.WithCredentials(testID, testSig),
		stocktrim.WithTimeout(idleLimit),
		stocktrim.WithRetryOptions(retry.WithBackoff(time.Millisecond, 4*time.Millisecond)),
	)
	req, err := http.NewRequestWithContext(t.Context(), "GET", srv.URL+"/api/Products", nil)
	require.NoError(t, err)
	start := time.Now()
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err, time.Since(start)
}

// TestStackTimeoutIsIdle: WithTimeout is the time without progress, as
// httpx's timeout: a steady download longer than it passes.
func TestStackTimeoutIsIdle(t *testing.T) {
	srv, n := idleServer(t, noStall)
	body, err, took := download(t, srv)
	require.NoError(t, err)
	assert.Equal(t, strings.Repeat("chunk\n", chunkCount), body)
	assert.Greater(t, took, idleLimit, "the download took longer than the limit in all")
	assert.Equal(t, int32(1), n.Load(), "one attempt")
}

// TestStackStalledAttemptRetried: an attempt that gets no answer fails
// after the limit and is retried.
func TestStackStalledAttemptRetried(t *testing.T) {
	srv, n := idleServer(t, stallBeforeHead)
	body, err, _ := download(t, srv)
	require.NoError(t, err)
	assert.Equal(t, strings.Repeat("chunk\n", chunkCount), body)
	assert.Equal(t, int32(2), n.Load(), "the stalled attempt, then a whole one")
}

// TestStackStalledBodyFails: a body that stops coming fails the read with
// a timeout after the limit, rather than hang. The response was already
// the caller's, so it is not retried.
func TestStackStalledBodyFails(t *testing.T) {
	srv, n := idleServer(t, stallInBody)
	body, err, _ := download(t, srv)
	require.Error(t, err)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	var ne net.Error
	require.ErrorAs(t, err, &ne)
	assert.True(t, ne.Timeout())
	assert.Equal(t, "chunk\n", body)
	assert.Equal(t, int32(1), n.Load())
}
