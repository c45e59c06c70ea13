package stocktrimtest

import (
	"encoding/json"
	"slices"
)

// Products returns a copy of the products the server holds now, in the
// order they were first created.
func (s *Server) Products() []Product {
	s.mu.Lock()
	defer s.mu.Unlock()
	return clone(s.products)
}

// Customers returns a copy of the customers the server holds now, in the
// order they were first created.
func (s *Server) Customers() []Customer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.customers)
}

// Suppliers returns a copy of the suppliers the server holds now, in the
// order they were first created.
func (s *Server) Suppliers() []Supplier {
	s.mu.Lock()
	defer s.mu.Unlock()
	return clone(s.suppliers)
}

// putProduct stores p, replacing the product with the same ProductID and
// keeping its id, or appending it with p.ID or the next free id. It
// reports whether p is new. The caller holds s.mu (or owns s alone).
func (s *Server) putProduct(p Product) (Product, bool) {
	if i := slices.IndexFunc(s.products, func(q Product) bool { return q.ProductID == p.ProductID }); i >= 0 {
		p.ID = s.products[i].ID
		s.products[i] = p
		return p, false
	}
	if p.ID <= 0 {
		p.ID = s.nextID
	}
	s.nextID = max(s.nextID, p.ID+1)
	s.products = append(s.products, p)
	return p, true
}

// putCustomer stores c, replacing the customer with the same Code. The
// caller holds s.mu (or owns s alone).
func (s *Server) putCustomer(c Customer) {
	if i := slices.IndexFunc(s.customers, func(d Customer) bool { return d.Code == c.Code }); i >= 0 {
		s.customers[i] = c
		return
	}
	s.customers = append(s.customers, c)
}

// putSupplier stores sup, replacing the supplier with the same
// SupplierCode and keeping its id, or appending it with sup.ID or the next
// free id. The caller holds s.mu (or owns s alone).
func (s *Server) putSupplier(sup Supplier) Supplier {
	if i := slices.IndexFunc(s.suppliers, func(t Supplier) bool { return t.SupplierCode == sup.SupplierCode }); i >= 0 {
		sup.ID = s.suppliers[i].ID
		s.suppliers[i] = sup
		return sup
	}
	if sup.ID <= 0 {
		sup.ID = s.nextSupID
	}
	s.nextSupID = max(s.nextSupID, sup.ID+1)
	s.suppliers = append(s.suppliers, sup)
	return sup
}

// clone returns a deep copy of v, whose pointers and slices share nothing
// with it, through JSON: the types of this package always round-trip.
func clone[T any](v T) T {
	var out T
	b, err := json.Marshal(v)
	if err == nil {
		err = json.Unmarshal(b, &out)
	}
	if err != nil {
		panic("stocktrimtest: clone: " + err.Error())
	}
	return out
}
