package stocktrim

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/roundtrip-go/roundtrip/middleware"
	"github.com/roundtrip-go/roundtrip/retry"
)

// upsertRoutes are the StockTrim API's POST routes that create or update
// by a natural key, relative to the base URL's path. Sent twice, such a
// POST leaves the same state as sent once, so the stack retries it like a
// PUT. Each entry quotes its evidence from the API's OpenAPI reference
// (StockTrim API v1). Only POSTs are listed: the PUT upserts (PUT
// /api/Customers, "Preforms a Create or Update based on Code", and PUT
// /api/SalesOrdersBulk) are idempotent by their method already.
//
// Left out on purpose, so a 5xx or a reset after sending is never retried:
//   - POST /api/SalesOrders, /api/SalesOrdersBulk, /api/Suppliers,
//     /api/boms, /api/InventoryManagementSystemSettings and
//     /api/RunForecastCalculations answer only "201: Created": they create.
//   - POST /api/PurchaseOrders answers "201: Created" or "200: Success
//     (Updated)", but its key, referenceNumber, is optional ("nullable:
//     true" in PurchaseOrderRequestDto): an order sent without one is
//     created anew each time.
//   - POST /api/Inventory, "Sets stock on hand and stock on order for
//     products", and POST /api/V2/PurchaseOrders/OrderPlan, "Generate
//     purchase orders", /api/OrderPlan and /api/ProcessingStatus: no
//     create-or-update by a key in the reference.
var upsertRoutes = []string{
	// POST /api/Products answers "'201': description: Created" or
	// "'200': description: Success (Updated)"; ProductsRequestDto
	// requires productId (minLength: 1), the key.
	"/api/Products",
	// POST /api/Locations: "Creates or Updates a location using Code OR
	// Name as the unique identifiers."; LocationRequestDto requires
	// locationCode.
	"/api/Locations",
	// POST /api/V2/Locations: "Creates or Updates a location using Code as
	// the unique identifier".
	"/api/V2/Locations",
}

// isUpsert reports whether a request with this method, to this path
// relative to the base URL's path (escaped, without query), creates or
// updates by a natural key: a POST to one of upsertRoutes. The match is
// exact: case-sensitive, as methods and URL paths are, with no trailing
// slash, prefix or other spelling, even where the server might route one
// alike. A route not known for sure keeps the safe rule for POST: a missed
// retry costs one failed call; a wrong one may duplicate a write.
func isUpsert(method, path string) bool {
	return method == http.MethodPost && slices.Contains(upsertRoutes, path)
}

// retryAsIdempotent marks ctx so that the retry layer below retries its
// request like a PUT, on every retryable condition: the stack's mark for
// upserts (see markUpserts).
func retryAsIdempotent(ctx context.Context) context.Context {
	return retry.Override(ctx, retry.WithAllMethods())
}

// markUpserts returns the middleware that passes on each request to an
// upsert route of the API at base (same origin, path under base's path)
// with mark applied to its context, and every other request as it is. It
// never modifies the caller's request. mark is what tells the retry layer
// below that the request is idempotent.
func markUpserts(base *url.URL, mark func(context.Context) context.Context) middleware.Middleware {
	return func(next http.RoundTripper) http.RoundTripper {
		return &upsertMarker{
			next:   next,
			origin: origin(base),
			path:   strings.TrimRight(base.EscapedPath(), "/"),
			mark:   mark,
		}
	}
}

// upsertMarker is the middleware of markUpserts.
type upsertMarker struct {
	next   http.RoundTripper
	origin string // of the base URL
	path   string // the base URL's escaped path, without trailing slashes
	mark   func(context.Context) context.Context
}

var _ http.RoundTripper = (*upsertMarker)(nil)

// RoundTrip marks req when it is a POST to an upsert route. It looks at
// the method first: only a POST can be an upsert, and a GET, the common
// case, then passes without building the origin string.
func (m *upsertMarker) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodPost && req.URL != nil && origin(req.URL) == m.origin {
		if rel, ok := strings.CutPrefix(req.URL.EscapedPath(), m.path); ok && isUpsert(req.Method, rel) {
			req = req.WithContext(m.mark(req.Context()))
		}
	}
	return m.next.RoundTrip(req)
}

// CloseIdleConnections closes the idle connections of the next
// RoundTripper, so that [http.Client.CloseIdleConnections] reaches the base
// transport.
func (m *upsertMarker) CloseIdleConnections() { middleware.CloseIdleConnections(m.next) }
