package stocktrimtest

// The types below mirror the schemas of the StockTrim OpenAPI description:
// the JSON field names are those of the API. Nullable numbers and booleans
// are pointers, so that an absent value and zero stay apart; nullable
// strings are plain strings, omitted from the JSON when empty.

// Product is a product as GET /api/Products returns it (ProductsResponseDto)
// and as POST /api/Products accepts it (ProductsRequestDto, which has no
// id). ProductID is the product's code and its key in the store.
type Product struct {
	ID                     int               `json:"id"`
	ProductID              string            `json:"productId"`
	ProductCodeReadable    string            `json:"productCodeReadable,omitempty"`
	Name                   string            `json:"name,omitempty"`
	Category               string            `json:"category,omitempty"`
	SubCategory            string            `json:"subCategory,omitempty"`
	ServiceLevel           *float64          `json:"serviceLevel,omitempty"`
	LeadTime               *int              `json:"leadTime,omitempty"`
	StockOnHand            *float64          `json:"stockOnHand,omitempty"`
	StockOnOrder           *float64          `json:"stockOnOrder,omitempty"`
	Cost                   *float64          `json:"cost,omitempty"`
	Price                  *float64          `json:"price,omitempty"`
	SupplierCode           string            `json:"supplierCode,omitempty"`
	Suppliers              []ProductSupplier `json:"suppliers,omitempty"`
	ForecastPeriod         *int              `json:"forecastPeriod,omitempty"`
	ManufacturingTime      *int              `json:"manufacturingTime,omitempty"`
	OrderFrequency         *int              `json:"orderFrequency,omitempty"`
	MinimumOrderQuantity   *float64          `json:"minimumOrderQuantity,omitempty"`
	MinimumShelfLevel      *float64          `json:"minimumShelfLevel,omitempty"`
	MaximumShelfLevel      *float64          `json:"maximumShelfLevel,omitempty"`
	BatchSize              *float64          `json:"batchSize,omitempty"`
	Barcode                string            `json:"barcode,omitempty"`
	Discontinued           *bool             `json:"discontinued,omitempty"`
	Unstocked              *bool             `json:"unstocked,omitempty"`
	Option1                string            `json:"option1,omitempty"`
	Option2                string            `json:"option2,omitempty"`
	Option3                string            `json:"option3,omitempty"`
	OverriddenDemand       *float64          `json:"overriddenDemand,omitempty"`
	OverriddenDemandPeriod *int              `json:"overriddenDemandPeriod,omitempty"`
	StockLocations         []ProductLocation `json:"stockLocations,omitempty"`
	ParentID               string            `json:"parentId,omitempty"`
	VariantType            string            `json:"variantType,omitempty"`
	Variant                string            `json:"variant,omitempty"`
	IgnoreSeasonality      *bool             `json:"ignoreSeasonality,omitempty"`
	Weight                 *float64          `json:"weight,omitempty"`
	Height                 *float64          `json:"height,omitempty"`
	Width                  *float64          `json:"width,omitempty"`
	Length                 *float64          `json:"length,omitempty"`
}

// ProductSupplier is one supplier of a [Product].
type ProductSupplier struct {
	SupplierID      string `json:"supplierId"`
	SupplierName    string `json:"supplierName,omitempty"`
	SupplierSkuCode string `json:"supplierSkuCode,omitempty"`
}

// ProductLocation is a [Product]'s stock at one location.
type ProductLocation struct {
	LocationCode string   `json:"locationCode"`
	LocationName string   `json:"locationName,omitempty"`
	StockOnHand  *float64 `json:"stockOnHand,omitempty"`
	StockOnOrder *float64 `json:"stockOnOrder,omitempty"`
}

// Customer is a customer (CustomerDto). Code is its key in the store.
type Customer struct {
	Code          string `json:"code"`
	Name          string `json:"name,omitempty"`
	StreetAddress string `json:"streetAddress,omitempty"`
	AddressLine1  string `json:"addressLine1,omitempty"`
	AddressLine2  string `json:"addressLine2,omitempty"`
	State         string `json:"state,omitempty"`
	Country       string `json:"country,omitempty"`
	PostCode      string `json:"postCode,omitempty"`
	EmailAddress  string `json:"emailAddress,omitempty"`
	Phone         string `json:"phone,omitempty"`
	City          string `json:"city,omitempty"`
}

// Supplier is a supplier as GET /api/Suppliers returns it
// (SupplierResponseDto) and as POST /api/Suppliers accepts it
// (SupplierRequestDto, which has no id). SupplierCode is its key in the
// store.
type Supplier struct {
	ID                 int    `json:"id"`
	SupplierCode       string `json:"supplierCode"`
	SupplierName       string `json:"supplierName,omitempty"`
	EmailAddress       string `json:"emailAddress,omitempty"`
	PrimaryContactName string `json:"primaryContactName,omitempty"`
	ExternalID         string `json:"externalId,omitempty"`
	DefaultLeadTime    *int   `json:"defaultLeadTime,omitempty"`
	StreetAddress      string `json:"streetAddress,omitempty"`
	AddressLine1       string `json:"addressLine1,omitempty"`
	AddressLine2       string `json:"addressLine2,omitempty"`
	State              string `json:"state,omitempty"`
	Country            string `json:"country,omitempty"`
	PostCode           string `json:"postCode,omitempty"`
}

// ProblemDetails is the RFC 9457 error body the server sends, with the
// content type application/problem+json, for every error it makes up
// itself: 400, 401, 404, 405, 413 and the status faults of [Fault] that
// have no Body of their own.
type ProblemDetails struct {
	Type     string `json:"type,omitempty"`
	Title    string `json:"title,omitempty"`
	Status   int    `json:"status,omitempty"`
	Detail   string `json:"detail,omitempty"`
	Instance string `json:"instance,omitempty"`
}

// SeedProducts returns the products a new server starts with, unless
// [WithProducts] replaces them: three products with codes WIDGET-001,
// WIDGET-002 and GADGET-100 and ids 1 to 3. Each call returns fresh
// copies.
func SeedProducts() []Product {
	return []Product{
		{
			ID: 1, ProductID: "WIDGET-001", ProductCodeReadable: "Widget, small",
			Name: "Small widget", Category: "Widgets",
			StockOnHand: ptr(120.0), StockOnOrder: ptr(30.0), Cost: ptr(2.5), Price: ptr(4.99),
			LeadTime: ptr(7), SupplierCode: "ACME",
		},
		{
			ID: 2, ProductID: "WIDGET-002", ProductCodeReadable: "Widget, large",
			Name: "Large widget", Category: "Widgets",
			StockOnHand: ptr(15.0), StockOnOrder: ptr(0.0), Cost: ptr(6.0), Price: ptr(11.5),
			LeadTime: ptr(14), SupplierCode: "ACME",
		},
		{
			ID: 3, ProductID: "GADGET-100", ProductCodeReadable: "Gadget",
			Name: "Gadget", Category: "Gadgets",
			StockOnHand: ptr(0.0), StockOnOrder: ptr(50.0), Cost: ptr(19.0), Price: ptr(35.0),
			LeadTime: ptr(21), SupplierCode: "GLOBEX", Discontinued: ptr(false),
		},
	}
}

// SeedCustomers returns the customers a new server starts with, unless
// [WithCustomers] replaces them: codes CUST-001 and CUST-002.
func SeedCustomers() []Customer {
	return []Customer{
		{Code: "CUST-001", Name: "Corner Shop", City: "Wellington", Country: "NZ", EmailAddress: "orders@corner.example"},
		{Code: "CUST-002", Name: "Big Box Retail", City: "Sydney", Country: "AU"},
	}
}

// SeedSuppliers returns the suppliers a new server starts with, unless
// [WithSuppliers] replaces them: codes ACME and GLOBEX with ids 1 and 2.
func SeedSuppliers() []Supplier {
	return []Supplier{
		{ID: 1, SupplierCode: "ACME", SupplierName: "Acme Corporation", DefaultLeadTime: ptr(7), Country: "US"},
		{ID: 2, SupplierCode: "GLOBEX", SupplierName: "Globex", DefaultLeadTime: ptr(21), Country: "US"},
	}
}

func ptr[T any](v T) *T { return &v }
