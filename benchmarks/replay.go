package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/roundtrip-go/roundtrip/middleware/middlewaretest"
)

// replayCounts is what figure 7's server received from one call of each
// method.
type replayCounts struct {
	Get, Post int
}

// runReplay measures figure 7: one GET and one POST through each library to
// a server that resets every HTTP/2 stream with PROTOCOL_ERROR and closes
// the connection, each call bounded by s.ReplayLimit. net/http replays such
// a request on new connections until the call ends; the cell is how many
// requests the server received, median over rounds.
func runReplay(ctx context.Context, libs []library, s settings) ([]string, error) {
	results, failed, err := rounds(libs, s.Rounds, false, func(lib library) (replayCounts, error) {
		return measureReplay(ctx, lib, s.ReplayLimit)
	})
	return cells(failed, func(i int) string {
		get := medianOf(results[i], func(c replayCounts) float64 { return float64(c.Get) })
		post := medianOf(results[i], func(c replayCounts) float64 { return float64(c.Post) })
		return fmt.Sprintf("%.0f / %.0f", get, post)
	}), err
}

// measureReplay sends one GET and one POST through lib to a new
// middlewaretest.ResetServer, each bounded by limit, and returns what the
// server received.
func measureReplay(ctx context.Context, lib library, limit time.Duration) (replayCounts, error) {
	srv := middlewaretest.NewResetServer()
	defer srv.Close()
	base := srv.Client().Transport.(*http.Transport).Clone()
	defer base.CloseIdleConnections()
	rt, err := lib.Wrap(base, srv.URL)
	if err != nil {
		return replayCounts{}, err
	}
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		if err := replayCall(ctx, rt, method, srv.URL+"/api/SalesOrders", limit); err != nil {
			return replayCounts{}, err
		}
	}
	return replayCounts{Get: srv.Sends(http.MethodGet), Post: srv.Sends(http.MethodPost)}, nil
}

// replayCall makes one call to url bounded by limit; it must fail, as the
// server answers nothing.
func replayCall(ctx context.Context, rt http.RoundTripper, method, url string, limit time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	var body io.Reader
	if method == http.MethodPost {
		body = strings.NewReader(`{"externalId":"bench-1"}`)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		return err
	}
	resp, err := rt.RoundTrip(req)
	if err == nil {
		resp.Body.Close()
		return fmt.Errorf("%s: got status %d from a server that answers nothing", method, resp.StatusCode)
	}
	return nil
}
