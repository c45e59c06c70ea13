package stocktrimtest

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sync"
	"time"
)

// The credentials a server accepts unless [WithCredentials] sets others.
const (
	DefaultAuthID    = "test-auth-id"
	DefaultSignature = "test-auth-signature"
)

// The names of StockTrim's two credential headers, which the server
// checks. They are the values of stocktrim.HeaderAuthID and
// stocktrim.HeaderSignature, spelled out here so that this package does
// not link the client stack it is meant to test.
const (
	HeaderAuthID    = "api-auth-id"
	HeaderSignature = "api-auth-signature"
)

// maxBody bounds the request bodies the server reads and records.
const maxBody = 1 << 20

// Server is a fake StockTrim API listening on a loopback address, in the
// manner of [httptest.Server]. It is safe for concurrent use: its
// handlers, [Server.Inject], [Server.Requests] and the store accessors may
// be called from any goroutine.
//
// Every request is handled in this order: it is recorded (see
// [Server.Requests]) as soon as its header has arrived, then its body is
// read; the first pending [Fault] that matches it, if any, is
// applied, as a proxy in front of the API would; its credential headers
// are checked (401 with a [ProblemDetails] body when one is missing or
// wrong); and the API answers it from the in-memory store.
//
// The API: GET /api/Products (query code: only the product with that
// productId; query pageNo: page 1, or absent, has every product, later
// pages are empty), POST /api/Products (create, 201, or replace by
// productId, 200; the body is one product), DELETE /api/Products (query
// productId; 200, or 404 when there is no such product), GET /api/Customers
// (all customers), GET /api/Customers/{code} (one customer, or 404), PUT
// /api/Customers (create or replace by code; 200 with the stored
// customer), GET /api/Suppliers (all suppliers as an array; with query
// code, that one supplier as an object, or 404) and POST /api/Suppliers
// (create or replace by supplierCode from a JSON array; 201 with the
// stored suppliers). A malformed body (anything but exactly one JSON
// value of the right shape: trailing data and null are refused too) or a
// missing key is a 400, another
// method a 405, another path a 404, all with a [ProblemDetails] body.
type Server struct {
	// URL is the base URL of the server, of the form http://127.0.0.1:port,
	// with no trailing slash: the base URL to give a StockTrim client.
	URL string

	ts        *httptest.Server
	authID    string
	signature string
	closing   context.Context // done once Close is called
	close     context.CancelFunc

	mu        sync.Mutex
	products  []Product
	customers []Customer
	suppliers []Supplier
	nextID    int // the next product id
	nextSupID int // the next supplier id
	faults    []*Fault
	requests  []*Request // a request's Body is filled in once read
}

// Request is a request the server received, as it arrived.
type Request struct {
	Method string
	Path   string     // the URL path, unescaped
	Query  url.Values // the parsed query; empty, never nil
	Header http.Header
	Body   []byte // the body as read, at most 1 MiB; nil when empty or not yet read
}

// Option configures a [Server].
type Option func(*Server)

// WithCredentials sets the api-auth-id and api-auth-signature values the
// server accepts. By default it accepts [DefaultAuthID] and
// [DefaultSignature]; an empty value keeps the default.
func WithCredentials(authID, signature string) Option {
	return func(s *Server) {
		if authID != "" {
			s.authID = authID
		}
		if signature != "" {
			s.signature = signature
		}
	}
}

// WithProducts sets the products the server starts with, in place of
// [SeedProducts]; none (or nil) starts it empty. A product with a zero ID
// gets the next free one; a later product with the same ProductID
// replaces an earlier one.
func WithProducts(products ...Product) Option {
	return func(s *Server) {
		s.products, s.nextID = nil, 1
		for _, p := range products {
			s.putProduct(clone(p))
		}
	}
}

// WithCustomers sets the customers the server starts with, in place of
// [SeedCustomers]; none (or nil) starts it empty. A later customer with the
// same Code replaces an earlier one.
func WithCustomers(customers ...Customer) Option {
	return func(s *Server) {
		s.customers = nil
		for _, c := range customers {
			s.putCustomer(c)
		}
	}
}

// WithSuppliers sets the suppliers the server starts with, in place of
// [SeedSuppliers]; none (or nil) starts it empty. A supplier with a zero ID
// gets the next free one; a later supplier with the same SupplierCode
// replaces an earlier one.
func WithSuppliers(suppliers ...Supplier) Option {
	return func(s *Server) {
		s.suppliers, s.nextSupID = nil, 1
		for _, sup := range suppliers {
			s.putSupplier(clone(sup))
		}
	}
}

// NewServer starts a fake StockTrim API on a loopback address and returns
// it. The caller must call [Server.Close] when done with it. With no
// options it accepts [DefaultAuthID] and [DefaultSignature] and holds
// [SeedProducts], [SeedCustomers] and [SeedSuppliers]. A nil option is
// ignored.
func NewServer(opts ...Option) *Server {
	s := &Server{
		authID:    DefaultAuthID,
		signature: DefaultSignature,
		nextID:    1,
		nextSupID: 1,
	}
	for _, p := range SeedProducts() {
		s.putProduct(p)
	}
	for _, c := range SeedCustomers() {
		s.putCustomer(c)
	}
	for _, sup := range SeedSuppliers() {
		s.putSupplier(sup)
	}
	for _, o := range opts {
		if o != nil {
			o(s)
		}
	}
	s.closing, s.close = context.WithCancel(context.Background())
	s.ts = httptest.NewServer(s.handler())
	s.URL = s.ts.URL
	return s
}

// AuthID returns the api-auth-id value the server accepts.
func (s *Server) AuthID() string { return s.authID }

// Signature returns the api-auth-signature value the server accepts.
func (s *Server) Signature() string { return s.signature }

// Client returns an [http.Client] for the server with no middleware: it
// sends no credentials of its own. Close closes its idle connections.
func (s *Server) Client() *http.Client { return s.ts.Client() }

// Close shuts the server down and blocks until every request it is
// handling has returned, as [httptest.Server.Close] does, but it never
// waits on a client or a fault: a request held by a [Fault] Delay, or
// whose client is still sending (or stalling) its body, is aborted, and
// its client sees a broken connection, never a made-up answer. It is safe
// to call more than once.
func (s *Server) Close() {
	s.close()
	s.ts.Close()
}

// Requests returns a copy of every request the server received, in the
// order they arrived, including those that a fault answered or that were
// refused for their credentials, and those whose body is still arriving
// or never arrived whole (their Body is what was read).
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		r := *r
		out[i] = Request{
			Method: r.Method,
			Path:   r.Path,
			Query:  cloneValues(r.Query),
			Header: r.Header.Clone(),
			Body:   bytes.Clone(r.Body),
		}
	}
	return out
}

// ResetRequests forgets the requests received so far.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	return out
}

func (s *Server) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/api/Products", s.handleProducts)
	mux.HandleFunc("/api/Customers", s.handleCustomers)
	mux.HandleFunc("/api/Customers/{code}", s.handleCustomer)
	mux.HandleFunc("/api/Suppliers", s.handleSuppliers)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		problem(w, http.StatusNotFound, "no such endpoint: "+r.URL.Path)
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Close ends a stalled body read: it moves the read deadline to now.
		rc := http.NewResponseController(w)
		stop := context.AfterFunc(s.closing, func() { _ = rc.SetReadDeadline(time.Now()) })
		defer stop()
		if !s.record(w, r) {
			return
		}
		if f := s.takeFault(r); f != nil && s.apply(w, r, f) {
			return
		}
		if !s.authorized(r) {
			problem(w, http.StatusUnauthorized, "missing or wrong "+HeaderAuthID+" or "+HeaderSignature+" header")
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// record appends the request to the log, then reads its body (at most
// maxBody bytes) into the log entry and gives the handler a fresh copy of
// it. It answers 413 and reports false for a larger body, 400 for an
// unreadable one; when the server is closing, it aborts the handler.
func (s *Server) record(w http.ResponseWriter, r *http.Request) bool {
	rec := &Request{
		Method: r.Method,
		Path:   r.URL.Path,
		Query:  cloneValues(r.URL.Query()),
		Header: r.Header.Clone(),
	}
	s.mu.Lock()
	s.requests = append(s.requests, rec)
	s.mu.Unlock()

	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if len(body) > 0 {
		s.mu.Lock()
		rec.Body = body
		s.mu.Unlock()
	}
	if err != nil {
		switch _, tooLarge := errors.AsType[*http.MaxBytesError](err); {
		case s.closing.Err() != nil:
			panic(http.ErrAbortHandler) // no answer from a server shut down
		case tooLarge:
			problem(w, http.StatusRequestEntityTooLarge, "request body larger than 1 MiB")
		default:
			problem(w, http.StatusBadRequest, "unreadable request body")
		}
		return false
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return true
}

// authorized reports whether both credential headers carry the values the
// server accepts. The comparisons take constant time.
func (s *Server) authorized(r *http.Request) bool {
	id := subtle.ConstantTimeCompare([]byte(r.Header.Get(HeaderAuthID)), []byte(s.authID))
	sig := subtle.ConstantTimeCompare([]byte(r.Header.Get(HeaderSignature)), []byte(s.signature))
	return id&sig == 1
}

// problem writes a ProblemDetails body with the given status.
func problem(w http.ResponseWriter, status int, detail string) {
	writeJSON(w, "application/problem+json", status, ProblemDetails{
		Type:   "https://tools.ietf.org/html/rfc9110#section-15",
		Title:  http.StatusText(status),
		Status: status,
		Detail: detail,
	})
}

// writeJSON writes v as the JSON body with the given status.
func writeJSON(w http.ResponseWriter, contentType string, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil { // the types of this package always marshal
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", contentType+"; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// wait blocks for d, or until the request is cancelled or the server
// closed. It reports whether the whole delay passed.
func (s *Server) wait(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	case <-s.closing.Done():
		return false
	}
}
