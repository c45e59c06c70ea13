package stocktrimtest

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

const contentJSON = "application/json"

// notAllowed answers 405 with the methods the path allows.
func notAllowed(w http.ResponseWriter, r *http.Request, allow ...string) {
	w.Header().Set("Allow", strings.Join(allow, ", "))
	problem(w, http.StatusMethodNotAllowed, r.Method+" is not allowed on "+r.URL.Path)
}

// decodeKeyed decodes one JSON object whose key field, named name, must
// not be empty; it answers 400 and reports false otherwise.
func decodeKeyed[T any](w http.ResponseWriter, r *http.Request, name string, key func(T) string) (T, bool) {
	var v T
	if !decode(w, r, &v) {
		return v, false
	}
	if key(v) == "" {
		problem(w, http.StatusBadRequest, name+" is required")
		return v, false
	}
	return v, true
}

// orEmpty returns s, or an empty slice for nil, so that the JSON is [] and
// never null.
func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// decode reads the JSON body into v, answering 400 and reporting false
// when it is not exactly one JSON value valid for v: trailing data after
// the value and a null body are refused, as the real API refuses them.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(r.Body)
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		problem(w, http.StatusBadRequest, "malformed JSON body: "+err.Error())
		return false
	}
	if _, err := dec.Token(); err != io.EOF {
		problem(w, http.StatusBadRequest, "malformed JSON body: data after the JSON value")
		return false
	}
	if string(raw) == "null" {
		problem(w, http.StatusBadRequest, "a non-null JSON body is required")
		return false
	}
	if err := json.Unmarshal(raw, v); err != nil {
		problem(w, http.StatusBadRequest, "malformed JSON body: "+err.Error())
		return false
	}
	return true
}

func (s *Server) handleProducts(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		s.getProducts(w, r)
	case http.MethodPost:
		p, ok := decodeKeyed(w, r, "productId", func(p Product) string { return p.ProductID })
		if !ok {
			return
		}
		p.ID = 0
		s.mu.Lock()
		stored, created := s.putProduct(clone(p))
		stored = clone(stored)
		s.mu.Unlock()
		status := http.StatusOK
		if created {
			status = http.StatusCreated
		}
		writeJSON(w, contentJSON, status, stored)
	case http.MethodDelete:
		id := r.URL.Query().Get("productId")
		if id == "" {
			problem(w, http.StatusBadRequest, "query parameter productId is required")
			return
		}
		s.mu.Lock()
		n := len(s.products)
		s.products = slices.DeleteFunc(s.products, func(p Product) bool { return p.ProductID == id })
		deleted := len(s.products) < n
		s.mu.Unlock()
		if !deleted {
			problem(w, http.StatusNotFound, "no product with productId "+strconv.Quote(id))
			return
		}
		w.WriteHeader(http.StatusOK)
	default:
		notAllowed(w, r, http.MethodGet, http.MethodPost, http.MethodDelete)
	}
}

func (s *Server) getProducts(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page := 1
	if p := q.Get("pageNo"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			problem(w, http.StatusBadRequest, "pageNo must be a whole number")
			return
		}
		page = max(n, 1)
	}
	code, filter := q.Get("code"), q.Has("code")
	out := []Product{}
	if page == 1 {
		s.mu.Lock()
		for _, p := range s.products {
			if !filter || p.ProductID == code {
				out = append(out, p)
			}
		}
		out = clone(out)
		s.mu.Unlock()
	}
	writeJSON(w, contentJSON, http.StatusOK, out)
}

func (s *Server) handleCustomers(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		writeJSON(w, contentJSON, http.StatusOK, orEmpty(s.Customers()))
	case http.MethodPut:
		c, ok := decodeKeyed(w, r, "code", func(c Customer) string { return c.Code })
		if !ok {
			return
		}
		s.mu.Lock()
		s.putCustomer(c)
		s.mu.Unlock()
		writeJSON(w, contentJSON, http.StatusOK, c)
	default:
		notAllowed(w, r, http.MethodGet, http.MethodPut)
	}
}

func (s *Server) handleCustomer(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		notAllowed(w, r, http.MethodGet)
		return
	}
	code := r.PathValue("code")
	s.mu.Lock()
	i := slices.IndexFunc(s.customers, func(c Customer) bool { return c.Code == code })
	var c Customer
	if i >= 0 {
		c = s.customers[i]
	}
	s.mu.Unlock()
	if i < 0 {
		problem(w, http.StatusNotFound, "no customer with code "+strconv.Quote(code))
		return
	}
	writeJSON(w, contentJSON, http.StatusOK, c)
}

func (s *Server) handleSuppliers(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		q := r.URL.Query()
		if !q.Has("code") {
			writeJSON(w, contentJSON, http.StatusOK, orEmpty(s.Suppliers()))
			return
		}
		code := q.Get("code")
		s.mu.Lock()
		i := slices.IndexFunc(s.suppliers, func(sup Supplier) bool { return sup.SupplierCode == code })
		var sup Supplier
		if i >= 0 {
			sup = clone(s.suppliers[i])
		}
		s.mu.Unlock()
		if i < 0 {
			problem(w, http.StatusNotFound, "no supplier with code "+strconv.Quote(code))
			return
		}
		writeJSON(w, contentJSON, http.StatusOK, sup)
	case http.MethodPost:
		var in []Supplier
		if !decode(w, r, &in) {
			return
		}
		for _, sup := range in {
			if sup.SupplierCode == "" {
				problem(w, http.StatusBadRequest, "supplierCode is required")
				return
			}
		}
		out := make([]Supplier, 0, len(in))
		s.mu.Lock()
		for _, sup := range in {
			sup.ID = 0
			out = append(out, s.putSupplier(clone(sup)))
		}
		out = clone(out)
		s.mu.Unlock()
		writeJSON(w, contentJSON, http.StatusCreated, out)
	default:
		notAllowed(w, r, http.MethodGet, http.MethodPost)
	}
}
