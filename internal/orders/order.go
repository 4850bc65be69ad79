// Package orders turns one order (its parties, goods and route) into one
// diversion-risk decision, clear, review or block, with a risk score and
// the findings behind it, each naming its evidence and its source.
//
// It is the decisions stage of the data flow (sources -> entities -> index
// -> screening -> decisions -> store): it screens the parties through a
// Screener (the match engine), looks the goods up in package goods and the
// route in package route, and applies the versioned rules of rules.yaml.
package orders

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/chokepoint-dev/chokepoint/internal/country"
	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/goods"
)

// Party roles.
const (
	RoleBuyer                 = "buyer"
	RoleConsignee             = "consignee"
	RoleEndUser               = "end_user"
	RoleIntermediateConsignee = "intermediate_consignee"
	RoleFreightForwarder      = "freight_forwarder"
	RolePayer                 = "payer"
	// The roles below come from payment and trade documents (package
	// messages). The rules give them no special meaning: they are screened
	// and their countries checked like every party.
	RoleSeller      = "seller"
	RoleBeneficiary = "beneficiary" // the party a payment is for
	RoleBank        = "bank"        // a bank on a payment or letter of credit
	RoleShipper     = "shipper"
	RoleNotifyParty = "notify_party"
	RoleCarrier     = "carrier"
)

var roles = map[string]bool{RoleBuyer: true, RoleConsignee: true, RoleEndUser: true, RoleIntermediateConsignee: true, RoleFreightForwarder: true, RolePayer: true,
	RoleSeller: true, RoleBeneficiary: true, RoleBank: true, RoleShipper: true, RoleNotifyParty: true, RoleCarrier: true}

// Kinds of order document (Order.Kind).
const (
	KindOrder = "order"
	// KindPayment is a payment message: it carries no line items and names
	// no end user, so neither is required or reported missing.
	KindPayment = "payment"
	// KindDocument is a trade document (letter of credit, bill of lading,
	// invoice): it names no end user by nature, so none is reported
	// missing; its lines are those the document describes, if any.
	KindDocument = "document"
)

// Limits that keep one order from costing much.
const (
	MaxOrderBytes = 4 << 20
	MaxParties    = 50
	MaxLines      = 2000
	MaxPorts      = 20
	MaxIDs        = 20
	maxText       = 2000
)

// Order is the order document. Its JSON form is strict: unknown fields are
// errors.
type Order struct {
	ID string `json:"id"`
	// Kind is order (the default), payment or document; see KindOrder.
	Kind string `json:"kind,omitempty"`
	// Date is the order date (YYYY-MM-DD); it is the reference date for
	// "new customer" checks when given.
	Date string `json:"date,omitempty"`
	// LicenseNumber records an export licence covering the whole order.
	LicenseNumber string  `json:"license_number,omitempty"`
	Parties       []Party `json:"parties"`
	Lines         []Line  `json:"lines"`
	Route         Route   `json:"route"`
}

// Party is one party to the order.
type Party struct {
	// Role is buyer, consignee, end_user, intermediate_consignee,
	// freight_forwarder or payer (the paying party or bank).
	Role string `json:"role"`
	Name string `json:"name"`
	// Type is person or organization; empty means not stated.
	Type string `json:"type,omitempty"`
	// BusinessType is the declared line of business ("manufacturer",
	// "trading", "freight forwarder"...).
	BusinessType string `json:"business_type,omitempty"`
	Address      string `json:"address,omitempty"`
	City         string `json:"city,omitempty"`
	// Country is an ISO code or a country name.
	Country     string       `json:"country,omitempty"`
	Identifiers []Identifier `json:"identifiers,omitempty"`
	// CustomerSince is the date the relationship started (YYYY-MM-DD).
	CustomerSince string `json:"customer_since,omitempty"`
	// CounterpartyID is the party's external id in the system of record;
	// with a store, a blocked counterparty or one with an open alert shows
	// in the check.
	CounterpartyID string `json:"counterparty_id,omitempty"`
}

// Identifier is a registration, tax or other number of a party.
type Identifier struct {
	Type   string `json:"type,omitempty"`
	Number string `json:"number"`
}

// Line is one line item.
type Line struct {
	Description string `json:"description"`
	// HSCode is an HS, HTS, Schedule B or CN code of 6 to 10 digits with
	// any punctuation.
	HSCode       string  `json:"hs_code,omitempty"`
	Manufacturer string  `json:"manufacturer,omitempty"`
	PartNumber   string  `json:"part_number,omitempty"`
	Quantity     float64 `json:"quantity,omitempty"`
	UnitValue    float64 `json:"unit_value,omitempty"`
	Currency     string  `json:"currency,omitempty"`
	EndUse       string  `json:"end_use,omitempty"`
	// LicenseNumber records an export licence covering this line.
	LicenseNumber string `json:"license_number,omitempty"`
}

// Route is how the goods travel and where the money comes from.
type Route struct {
	ExportCountry      string   `json:"export_country,omitempty"`
	DestinationCountry string   `json:"destination_country,omitempty"`
	PortOfLoading      string   `json:"port_of_loading,omitempty"`
	TransshipmentPorts []string `json:"transshipment_ports,omitempty"`
	PortOfDischarge    string   `json:"port_of_discharge,omitempty"`
	VesselName         string   `json:"vessel_name,omitempty"`
	VesselIMO          string   `json:"vessel_imo,omitempty"`
	Incoterms          string   `json:"incoterms,omitempty"`
	// PaymentOriginCountry is the country the payment comes from.
	PaymentOriginCountry string `json:"payment_origin_country,omitempty"`
}

// FieldError names one bad field by its JSON path ("lines[2].hs_code"),
// and for an error in a file where it is: the line and, in JSON, the
// column (in characters, from 1).
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
}

func (e FieldError) Error() string { return e.Field + ": " + e.Message + e.Position() }

// Position is " (line 3, column 17)", " (line 3)" or "".
func (e FieldError) Position() string {
	switch {
	case e.Line > 0 && e.Column > 0:
		return fmt.Sprintf(" (line %d, column %d)", e.Line, e.Column)
	case e.Line > 0:
		return fmt.Sprintf(" (line %d)", e.Line)
	}
	return ""
}

// ValidationError lists every bad field of an order. An order with a
// ValidationError gets no decision.
type ValidationError struct {
	Fields []FieldError `json:"fields"`
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Error()
	}
	return "invalid order: " + strings.Join(parts, "; ")
}

// ErrInvalidOrder is wrapped by every ValidationError.
var ErrInvalidOrder = errors.New("invalid order")

func (e *ValidationError) Unwrap() error { return ErrInvalidOrder }

// Decode reads one JSON order, rejecting unknown fields and trailing data,
// and validates it. Every bad field is reported in one *ValidationError.
func Decode(r io.Reader) (*Order, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxOrderBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read order: %w", err)
	}
	return DecodeBytes(data)
}

// DecodeBytes is Decode over a byte slice.
func DecodeBytes(data []byte) (*Order, error) {
	return DecodeLine(data, 1)
}

// DecodeLine is DecodeBytes for an order that starts on line line of its
// file (a line of a JSON-lines batch), so that errors give the file's line.
func DecodeLine(data []byte, line int) (*Order, error) {
	if len(data) > MaxOrderBytes {
		return nil, &ValidationError{[]FieldError{{Field: "", Message: fmt.Sprintf("order larger than %d bytes", MaxOrderBytes)}}}
	}
	if bad := checkJSON(data, line); len(bad) > 0 {
		return nil, &ValidationError{bad}
	}
	var o Order
	if err := json.Unmarshal(data, &o); err != nil {
		// The first pass admits only what decodes; this is a bug.
		return nil, fmt.Errorf("decode order after its check: %w", err)
	}
	if _, err := o.normalize(); err != nil {
		return nil, err
	}
	return &o, nil
}

// Validate reports every bad field of o at once.
func (o *Order) Validate() error {
	_, err := o.normalize()
	return err
}

// normal is an order's values in the forms the rules compare: ISO country
// codes, parsed commodity codes, recognised ports.
type normal struct {
	parties   []normParty
	lines     []normLine
	export    string
	dest      string
	payment   string
	vesselIMO string
	date      entity.Date
}

type normParty struct {
	*Party
	path    string
	country string
	since   entity.Date
}

type normLine struct {
	*Line
	path string
	code goods.Code
	has  bool
}

var incoterms = map[string]bool{"EXW": true, "FCA": true, "FAS": true, "FOB": true, "CFR": true, "CIF": true, "CPT": true, "CIP": true, "DAP": true, "DPU": true, "DDP": true, "DAT": true, "DDU": true}

func (o *Order) normalize() (*normal, error) {
	// Text that is not UTF-8 is refused before anything reads it, as the
	// JSON reader refuses it, whatever the order came from.
	var bad []FieldError
	invalidUTF8(o, &bad)
	if len(bad) > 0 {
		return nil, &ValidationError{bad}
	}
	add := func(field, format string, args ...any) {
		bad = append(bad, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	text := func(field, v string, required bool) {
		switch {
		case required && strings.TrimSpace(v) == "":
			add(field, "required")
		case len(v) > maxText:
			add(field, "longer than %d bytes", maxText)
		}
	}
	countryOf := func(field, v string) string {
		if strings.TrimSpace(v) == "" {
			return ""
		}
		c := country.Code(v)
		if c == "" {
			add(field, "unknown country %q (want an ISO code or an English country name)", v)
		}
		return c
	}
	n := &normal{}
	text("id", o.ID, true)
	if len(o.ID) > 100 {
		add("id", "longer than 100 bytes")
	}
	if o.Date != "" {
		d, err := entity.ParseDate(o.Date)
		if err != nil || d.Precision() != "day" {
			add("date", "want YYYY-MM-DD, got %q", o.Date)
		}
		n.date = d
	}
	text("license_number", o.LicenseNumber, false)

	switch o.Kind {
	case "", KindOrder, KindPayment, KindDocument:
	default:
		add("kind", "unknown kind %q (want order, payment or document)", o.Kind)
	}
	if len(o.Parties) == 0 {
		add("parties", "at least one party is required")
	}
	if len(o.Parties) > MaxParties {
		add("parties", "more than %d parties", MaxParties)
	}
	for i := range o.Parties {
		p := &o.Parties[i]
		path := fmt.Sprintf("parties[%d]", i)
		np := normParty{Party: p, path: path}
		if !roles[p.Role] {
			add(path+".role", "unknown role %q (want buyer, consignee, end_user, intermediate_consignee, freight_forwarder, payer, seller, beneficiary, bank, shipper, notify_party or carrier)", p.Role)
		}
		text(path+".name", p.Name, true)
		if len(p.Name) > 500 {
			add(path+".name", "longer than 500 bytes")
		}
		if p.Type != "" {
			if t, ok := entity.ParseType(p.Type); !ok || (t != entity.Person && t != entity.Organization) {
				add(path+".type", "unknown type %q (want person or organization)", p.Type)
			}
		}
		text(path+".business_type", p.BusinessType, false)
		text(path+".address", p.Address, false)
		text(path+".city", p.City, false)
		np.country = countryOf(path+".country", p.Country)
		if len(p.Identifiers) > MaxIDs {
			add(path+".identifiers", "more than %d identifiers", MaxIDs)
		}
		for j, id := range p.Identifiers {
			ip := fmt.Sprintf("%s.identifiers[%d]", path, j)
			if strings.TrimSpace(id.Number) == "" {
				add(ip+".number", "required")
			}
			if len(id.Number) > 64 || len(id.Type) > 64 {
				add(ip, "longer than 64 bytes")
			}
		}
		text(path+".counterparty_id", p.CounterpartyID, false)
		if len(p.CounterpartyID) > 200 {
			add(path+".counterparty_id", "longer than 200 bytes")
		}
		if p.CustomerSince != "" {
			d, err := entity.ParseDate(p.CustomerSince)
			if err != nil {
				add(path+".customer_since", "want YYYY-MM-DD, got %q", p.CustomerSince)
			}
			np.since = d
		}
		n.parties = append(n.parties, np)
	}

	if len(o.Lines) == 0 && (o.Kind == "" || o.Kind == KindOrder) {
		add("lines", "at least one line is required")
	}
	if len(o.Lines) > MaxLines {
		add("lines", "more than %d lines", MaxLines)
	}
	for i := range o.Lines {
		l := &o.Lines[i]
		path := fmt.Sprintf("lines[%d]", i)
		nl := normLine{Line: l, path: path}
		if strings.TrimSpace(l.Description) == "" && strings.TrimSpace(l.PartNumber) == "" {
			add(path+".description", "required (or give part_number)")
		}
		text(path+".description", l.Description, false)
		text(path+".manufacturer", l.Manufacturer, false)
		text(path+".part_number", l.PartNumber, false)
		text(path+".end_use", l.EndUse, false)
		text(path+".license_number", l.LicenseNumber, false)
		if strings.TrimSpace(l.HSCode) != "" {
			c, err := goods.ParseCode(l.HSCode)
			if err != nil {
				add(path+".hs_code", "%v", err)
			}
			nl.code, nl.has = c, err == nil
		}
		if l.Quantity < 0 {
			add(path+".quantity", "negative")
		}
		if l.UnitValue < 0 {
			add(path+".unit_value", "negative")
		}
		if l.Currency != "" && !isCurrency(l.Currency) {
			add(path+".currency", "want a three-letter ISO 4217 code, got %q", l.Currency)
		}
		n.lines = append(n.lines, nl)
	}

	r := &o.Route
	n.export = countryOf("route.export_country", r.ExportCountry)
	n.dest = countryOf("route.destination_country", r.DestinationCountry)
	n.payment = countryOf("route.payment_origin_country", r.PaymentOriginCountry)
	text("route.port_of_loading", r.PortOfLoading, false)
	text("route.port_of_discharge", r.PortOfDischarge, false)
	text("route.vessel_name", r.VesselName, false)
	if len(r.TransshipmentPorts) > MaxPorts {
		add("route.transshipment_ports", "more than %d ports", MaxPorts)
	}
	for i, p := range r.TransshipmentPorts {
		if strings.TrimSpace(p) == "" {
			add(fmt.Sprintf("route.transshipment_ports[%d]", i), "empty")
		}
		text(fmt.Sprintf("route.transshipment_ports[%d]", i), p, false)
	}
	if r.VesselIMO != "" {
		imo, err := parseIMO(r.VesselIMO)
		if err != nil {
			add("route.vessel_imo", "%v", err)
		}
		n.vesselIMO = imo
	}
	if r.Incoterms != "" && !incoterms[strings.ToUpper(strings.TrimSpace(r.Incoterms))] {
		add("route.incoterms", "unknown Incoterm %q", r.Incoterms)
	}
	if len(bad) > 0 {
		return nil, &ValidationError{bad}
	}
	return n, nil
}

// invalidUTF8 adds an error for every text field of o that is not UTF-8.
// It names the fields itself rather than by reflection: it runs on every
// order, and the paths are built only for the bad ones.
func invalidUTF8(o *Order, bad *[]FieldError) {
	check := func(v string, path func() string) {
		if !utf8.ValidString(v) {
			*bad = append(*bad, FieldError{Field: path(), Message: "invalid UTF-8: the text must be UTF-8 encoded"})
		}
	}
	at := func(s string) func() string { return func() string { return s } }
	check(o.ID, at("id"))
	check(o.Date, at("date"))
	check(o.LicenseNumber, at("license_number"))
	for i := range o.Parties {
		p := &o.Parties[i]
		f := func(name string) func() string {
			return func() string { return fmt.Sprintf("parties[%d].%s", i, name) }
		}
		for _, c := range []struct{ v, name string }{{p.Role, "role"}, {p.Name, "name"}, {p.Type, "type"}, {p.BusinessType, "business_type"},
			{p.Address, "address"}, {p.City, "city"}, {p.Country, "country"}, {p.CustomerSince, "customer_since"}, {p.CounterpartyID, "counterparty_id"}} {
			check(c.v, f(c.name))
		}
		for j, id := range p.Identifiers {
			check(id.Type, func() string { return fmt.Sprintf("parties[%d].identifiers[%d].type", i, j) })
			check(id.Number, func() string { return fmt.Sprintf("parties[%d].identifiers[%d].number", i, j) })
		}
	}
	for i := range o.Lines {
		l := &o.Lines[i]
		f := func(name string) func() string { return func() string { return fmt.Sprintf("lines[%d].%s", i, name) } }
		for _, c := range []struct{ v, name string }{{l.Description, "description"}, {l.HSCode, "hs_code"}, {l.Manufacturer, "manufacturer"},
			{l.PartNumber, "part_number"}, {l.Currency, "currency"}, {l.EndUse, "end_use"}, {l.LicenseNumber, "license_number"}} {
			check(c.v, f(c.name))
		}
	}
	r := &o.Route
	for _, c := range []struct{ v, name string }{{r.ExportCountry, "export_country"}, {r.DestinationCountry, "destination_country"},
		{r.PortOfLoading, "port_of_loading"}, {r.PortOfDischarge, "port_of_discharge"}, {r.VesselName, "vessel_name"},
		{r.VesselIMO, "vessel_imo"}, {r.Incoterms, "incoterms"}, {r.PaymentOriginCountry, "payment_origin_country"}} {
		check(c.v, at("route."+c.name))
	}
	for i, p := range r.TransshipmentPorts {
		check(p, func() string { return fmt.Sprintf("route.transshipment_ports[%d]", i) })
	}
}

func isCurrency(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// parseIMO reads an IMO ship number ("9321483", "IMO 9321483") and checks
// its check digit, so a mistyped number is caught rather than screened.
func parseIMO(s string) (string, error) {
	d := strings.TrimSpace(strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(s)), "IMO"))
	if len(d) != 7 {
		return "", fmt.Errorf("want a 7-digit IMO number, got %q", s)
	}
	sum := 0
	for i := 0; i < 7; i++ {
		if d[i] < '0' || d[i] > '9' {
			return "", fmt.Errorf("want a 7-digit IMO number, got %q", s)
		}
		if i < 6 {
			sum += int(d[i]-'0') * (7 - i)
		}
	}
	if sum%10 != int(d[6]-'0') {
		return "", fmt.Errorf("IMO number %s fails its check digit (want %s)", d, strconv.Itoa(sum%10))
	}
	return d, nil
}
