package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/failsafe-go/failsafe-go/circuitbreaker"
	"github.com/rs/zerolog"

	"github.com/roundtrip-go/roundtrip"
	"github.com/roundtrip-go/roundtrip/auth"
	"github.com/roundtrip-go/roundtrip/examples/internal/console"
	"github.com/roundtrip-go/roundtrip/logging"
	"github.com/roundtrip-go/roundtrip/logging/retrylog"
	"github.com/roundtrip-go/roundtrip/retry"
	"github.com/roundtrip-go/roundtrip/timeout"
)

// token is the bearer token of the demo API.
const token = "demo-token-3f9c"

// breakerDelay is how long the open breaker refuses calls before it lets
// one through to probe the API.
const breakerDelay = time.Second

// ordersAPI is a local stand-in for some REST API: it wants a bearer
// token, and it can be taken down (every request gets a 500) and back up.
type ordersAPI struct {
	down     atomic.Bool
	requests atomic.Int64
}

func (a *ordersAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.requests.Add(1)
	switch {
	case r.Header.Get("Authorization") != "Bearer "+token:
		http.Error(w, "unauthorized", http.StatusUnauthorized)
	case a.down.Load():
		http.Error(w, "database unavailable", http.StatusInternalServerError)
	case r.URL.Path != "/v1/orders":
		http.NotFound(w, r)
	default:
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `[{"id":"A-1","total":12.5},{"id":"A-2","total":99}]`)
	}
}

// newStack returns the transport of the demo: retry around a circuit
// breaker (both failsafe-go policies, through retry.Failsafe), then a
// timeout per attempt, the bearer token for the API's host only, and an
// access log, over base.
func newStack(host string, breaker circuitbreaker.CircuitBreaker[*http.Response], logger zerolog.Logger, base http.RoundTripper) http.RoundTripper {
	policy := retry.NewPolicy(
		retry.WithMaxRetries(4),
		retry.WithBackoff(20*time.Millisecond, 100*time.Millisecond),
		retrylog.New(logger), // a redacted warn per retry, an error per give-up
	)
	return roundtrip.Chain(
		retry.Failsafe(policy, breaker), // the breaker sees every attempt
		timeout.New(2*time.Second),
		auth.Bearer(token, auth.OnlyHosts(host)),
		logging.New(logger),
	).Then(base)
}

// newBreaker opens after 3 failed attempts in a row (a transport error or
// a 5xx), refuses calls for breakerDelay, then lets one through and closes
// again when it succeeds.
func newBreaker(logger zerolog.Logger) circuitbreaker.CircuitBreaker[*http.Response] {
	return circuitbreaker.NewBuilder[*http.Response]().
		HandleIf(func(resp *http.Response, err error) bool {
			return err != nil || resp.StatusCode >= http.StatusInternalServerError
		}).
		WithFailureThreshold(3).
		WithDelay(breakerDelay).
		OnStateChanged(func(e circuitbreaker.StateChangedEvent) {
			logger.Info().Stringer("from", e.OldState).Stringer("to", e.NewState).Msg("circuit breaker")
		}).
		Build()
}

// run is the whole demo: it parses args (without the program name),
// writes what each call got to stdout and the log to stderr.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("customstack", flag.ContinueOnError)
	fs.SetOutput(stderr)
	debug := fs.Bool("debug", false, "log at debug level: headers (the token redacted) and body excerpts")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: go run ./examples/customstack [flags]\n\n"+
			"Runs a custom stack (retry around a circuit breaker, timeout, bearer auth,\n"+
			"logging) against a local API that goes down and comes back.\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	lvl := zerolog.InfoLevel
	if *debug {
		lvl = zerolog.DebugLevel
	}
	logger := console.NewLogger(stderr, lvl)

	api := &ordersAPI{}
	srv := httptest.NewServer(api)
	defer srv.Close()
	u, err := url.Parse(srv.URL)
	if err != nil {
		return err
	}
	base := &http.Transport{}
	defer base.CloseIdleConnections()
	breaker := newBreaker(logger)
	client := &http.Client{Transport: newStack(u.Hostname(), breaker, logger, base)}
	ordersURL := srv.URL + "/v1/orders"

	call := func(n int, what string) error {
		before := api.requests.Load()
		orders, err := getOrders(ctx, client, ordersURL)
		sent := api.requests.Load() - before
		switch {
		case errors.Is(err, circuitbreaker.ErrOpen):
			if ue, ok := errors.AsType[*url.Error](err); ok {
				err = ue.Err // without the URL, whose port changes
			}
			fmt.Fprintf(stdout, "call %d (%s): error %q; %d request(s) reached the API\n", n, what, err, sent)
		case err != nil:
			return fmt.Errorf("call %d: %w", n, err)
		default:
			fmt.Fprintf(stdout, "call %d (%s): %d orders; %d request(s) reached the API\n", n, what, len(orders), sent)
		}
		return nil
	}

	if err := call(1, "API up"); err != nil {
		return err
	}
	api.down.Store(true)
	if err := call(2, "API down: retries until the breaker opens"); err != nil {
		return err
	}
	if err := call(3, "breaker open: the API is spared"); err != nil {
		return err
	}
	api.down.Store(false)
	// Wait for the breaker to let a probe through.
	select {
	case <-time.After(breaker.RemainingDelay()):
	case <-ctx.Done():
		return ctx.Err()
	}
	if err := call(4, "API back: the probe succeeds, the breaker closes"); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "breaker %s\n", breaker.State())
	return nil
}

type order struct {
	ID    string  `json:"id"`
	Total float64 `json:"total"`
}

// getOrders GETs the orders and decodes them from a 200 response.
func getOrders(ctx context.Context, client *http.Client, u string) ([]order, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
		return nil, fmt.Errorf("GET %s: %s: %s", req.URL.Path, resp.Status, strings.TrimSpace(string(b)))
	}
	var orders []order
	if err := json.NewDecoder(resp.Body).Decode(&orders); err != nil {
		return nil, fmt.Errorf("GET %s: decoding: %w", req.URL.Path, err)
	}
	return orders, nil
}
