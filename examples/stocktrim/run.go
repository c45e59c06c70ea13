package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/rs/zerolog"

	"github.com/roundtrip-go/roundtrip/examples/internal/console"
	"github.com/roundtrip-go/roundtrip/middleware"
	"github.com/roundtrip-go/roundtrip/retry"
	"github.com/roundtrip-go/roundtrip/stocktrim"
	"github.com/roundtrip-go/roundtrip/stocktrim/stocktrimtest"
)

// product holds the fields of a StockTrim product this job prints.
type product struct {
	ProductID   string   `json:"productId"`
	Name        string   `json:"name"`
	StockOnHand *float64 `json:"stockOnHand"`
}

// options are the command-line flags.
type options struct {
	debug bool
	fake  bool
	code  string
}

// run is the whole job: it parses args (without the program name), writes
// the products to stdout and the log to stderr. It returns flag.ErrHelp
// after printing the usage for -h.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o options
	fs := flag.NewFlagSet("stocktrim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.BoolVar(&o.debug, "debug", false, "log at debug level: request and response headers (credentials redacted) and body excerpts")
	fs.BoolVar(&o.fake, "fake", false, "use the local fake API with injected faults even when credentials are set")
	fs.StringVar(&o.code, "code", "", "list only the product with this code")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: go run ./examples/stocktrim [flags]

Lists StockTrim products through the default stack: retries with backoff
and Retry-After, a timeout per attempt, the api-auth-* headers, and a log
line per attempt.

With STOCKTRIM_API_AUTH_ID and STOCKTRIM_API_AUTH_SIGNATURE set, it calls the
real API (STOCKTRIM_BASE_URL, default https://api.stocktrim.com). With
neither set, it runs against a local fake API that injects faults, so you
can watch every attempt and retry. STOCKTRIM_MAX_RETRIES and
STOCKTRIM_TIMEOUT apply to the real API.

Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}

	lvl := zerolog.InfoLevel
	if o.debug {
		lvl = zerolog.DebugLevel
	}
	logger := console.NewLogger(stderr, lvl)

	if !o.fake && (os.Getenv(stocktrim.EnvAuthID) != "" || os.Getenv(stocktrim.EnvSignature) != "") {
		return real(ctx, o, logger, stdout)
	}
	return demo(ctx, o, logger, stdout, stderr)
}

// real lists the products of the account whose credentials are in the
// environment.
func real(ctx context.Context, o options, logger zerolog.Logger, stdout io.Writer) error {
	client, err := stocktrim.NewClient(stocktrim.WithLogger(logger))
	if err != nil {
		return err
	}
	defer client.CloseIdleConnections()
	base, err := stocktrim.BaseURL()
	if err != nil {
		return err
	}
	ps, err := listProducts(ctx, client, base, o.code)
	if err != nil {
		return err
	}
	printProducts(stdout, ps)
	return nil
}

// Timing of the demo: short, so that it ends in a few seconds.
const (
	demoAttemptTimeout = 500 * time.Millisecond // without progress
	demoBackoff        = 100 * time.Millisecond
	demoMaxBackoff     = 400 * time.Millisecond
	demoSlowGap        = 50 * time.Millisecond // between the pieces of a slow body: a tenth of the timeout
	demoSlowPiece      = 32                    // bytes
)

// demo runs a few calls against a local fake API that injects faults.
func demo(ctx context.Context, o options, logger zerolog.Logger, stdout, stderr io.Writer) error {
	srv := stocktrimtest.NewServer()
	defer srv.Close()
	base := http.DefaultTransport.(*http.Transport).Clone()
	defer base.CloseIdleConnections()
	client, err := stocktrim.NewClient(
		stocktrim.WithTransport(slowLink{next: base}),
		stocktrim.WithBaseURL(srv.URL),
		stocktrim.WithCredentials(srv.AuthID(), srv.Signature()),
		stocktrim.WithMaxRetries(5),
		stocktrim.WithTimeout(demoAttemptTimeout),
		stocktrim.WithLogger(logger),
		stocktrim.WithRetryOptions(retry.WithBackoff(demoBackoff, demoMaxBackoff)),
	)
	if err != nil {
		return err
	}
	defer client.CloseIdleConnections()

	say := func(format string, a ...any) { fmt.Fprintf(stderr, "\n==> "+format+"\n", a...) }
	say("No StockTrim credentials set: using a local fake StockTrim API at %s.", srv.URL)
	fmt.Fprintf(stderr, "    Stack: retry (%v..%v backoff) -> timeout (%v without progress per attempt) -> auth -> logging.\n",
		demoBackoff, demoMaxBackoff, demoAttemptTimeout)

	// The first request opens the first connection: a drop there reaches
	// the stack (net/http replays a drop on a reused one by itself).
	srv.Inject(
		stocktrimtest.Fault{Method: http.MethodGet, Path: "/api/Products", Drop: true},
		stocktrimtest.Fault{Method: http.MethodGet, Path: "/api/Products", Status: http.StatusServiceUnavailable, Times: 2},
	)
	say("1. GET /api/Products: the server drops the connection, then answers 503 twice.")
	ps, err := listProducts(ctx, client, srv.URL, o.code)
	if err != nil {
		return err
	}

	srv.Inject(stocktrimtest.Fault{Method: http.MethodGet, Path: "/api/Customers", Status: http.StatusTooManyRequests, RetryAfter: "1"})
	say("2. GET /api/Customers: the server throttles with 429 and Retry-After: 1; the stack waits exactly 1 s.")
	var customers []struct {
		Code string `json:"code"`
	}
	if err := getJSON(ctx, client, srv.URL+"/api/Customers", &customers); err != nil {
		return err
	}

	srv.Inject(stocktrimtest.Fault{Method: http.MethodGet, Path: "/api/Suppliers", Delay: time.Minute})
	say("3. GET /api/Suppliers: the server stalls for a minute; the attempt times out after %v without an answer and is retried.", demoAttemptTimeout)
	var suppliers []struct {
		SupplierCode string `json:"supplierCode"`
	}
	if err := getJSON(ctx, client, srv.URL+"/api/Suppliers", &suppliers); err != nil {
		return err
	}

	srv.Inject(stocktrimtest.Fault{Method: http.MethodPost, Path: "/api/Products", Status: http.StatusServiceUnavailable})
	say("4. POST /api/Products: the server answers 503. This POST creates or updates the product by its code, so sending it twice is safe, and the stack retries it like a PUT.")
	status, err := post(ctx, client, srv.URL+"/api/Products", `{"productId":"WIDGET-003","name":"Tiny widget"}`)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "    The job gets %q.\n", status)

	srv.Inject(stocktrimtest.Fault{Method: http.MethodPost, Path: "/api/SalesOrders", Status: http.StatusServiceUnavailable})
	say("5. POST /api/SalesOrders: the server answers 503. A POST that creates is not retried: it may have been applied, and a second one would be a second order.")
	status, err = post(ctx, client, srv.URL+"/api/SalesOrders", `{"productId":"WIDGET-001","orderDate":"2026-01-01T00:00:00Z","quantity":2}`)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "    The job gets %q after one attempt, to report or to check for the order before sending it again.\n", status)

	say("6. GET /api/Products over a slow link: the body comes %d bytes every %v, longer in all than the %v timeout.", demoSlowPiece, demoSlowGap, demoAttemptTimeout)
	start := time.Now()
	var slow []product
	if err := getJSON(context.WithValue(ctx, slowKey{}, true), client, srv.URL+"/api/Products", &slow); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "    The job gets %d products in one attempt of %v: the timeout counts the time without progress, as httpx's timeout does.\n",
		len(slow), time.Since(start).Round(100*time.Millisecond))

	say("Done: %d requests reached the server for 6 calls; %d customers, %d suppliers, and these products:",
		len(srv.Requests()), len(customers), len(suppliers))
	printProducts(stdout, ps)
	return nil
}

// listProducts gets the products from the API at base, only the one with
// code when code is not empty.
func listProducts(ctx context.Context, client *http.Client, base, code string) ([]product, error) {
	u := base + "/api/Products"
	if code != "" {
		u += "?" + url.Values{"code": {code}}.Encode()
	}
	var ps []product
	if err := getJSON(ctx, client, u, &ps); err != nil {
		return nil, err
	}
	return ps, nil
}

// post POSTs the JSON body to u and returns the response status, the body
// read and closed.
func post(ctx context.Context, client *http.Client, u, body string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return "", fmt.Errorf("POST %s: reading the response: %w", req.URL.Path, err)
	}
	return resp.Status, nil
}

// getJSON GETs u and decodes a 200 response's JSON body into v.
func getJSON(ctx context.Context, client *http.Client, u string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", req.URL.Path, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		return fmt.Errorf("GET %s: decoding the response: %w", req.URL.Path, err)
	}
	return nil
}

// printProducts writes the products as a table.
func printProducts(w io.Writer, ps []product) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CODE\tNAME\tON HAND")
	for _, p := range ps {
		onHand := "-"
		if p.StockOnHand != nil {
			onHand = fmt.Sprint(*p.StockOnHand)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", p.ProductID, p.Name, onHand)
	}
	tw.Flush()
}

// slowKey marks the context of a request whose response body slowLink
// hands over slowly.
type slowKey struct{}

// slowLink stands for a slow network under the stack: the response body of
// a request whose context carries slowKey comes demoSlowPiece bytes at a
// time, demoSlowGap apart. Other requests pass as they are.
type slowLink struct{ next http.RoundTripper }

func (l slowLink) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := l.next.RoundTrip(req)
	if err == nil && req.Context().Value(slowKey{}) != nil {
		resp.Body = &slowBody{ReadCloser: resp.Body, ctx: req.Context()}
	}
	return resp, err
}

// CloseIdleConnections reaches the base transport, as every layer's does.
func (l slowLink) CloseIdleConnections() { middleware.CloseIdleConnections(l.next) }

// slowBody is a response body read through slowLink.
type slowBody struct {
	io.ReadCloser
	ctx context.Context
}

func (b *slowBody) Read(p []byte) (int, error) {
	select {
	case <-time.After(demoSlowGap):
	case <-b.ctx.Done():
		return 0, b.ctx.Err()
	}
	return b.ReadCloser.Read(p[:min(len(p), demoSlowPiece)])
}
