// Package messages reads payment and trade documents - SWIFT MT103, MT202
// COV, MT700 and MT710, ISO 20022 pacs.008, pacs.009 and pain.001, and the
// JSON bill of lading and commercial invoice of docs/documents.md - field by
// field into one Document model, and turns each Document into an order
// (package orders) so that the order rules screen it into one decision.
//
// It sits beside orders in the decisions stage of the data flow: parsers
// (wire layout) -> Document (parties with role, banks with BIC, places,
// vessels, goods, free text) -> orders.Order -> orders.Checker. Every parse
// error names the file, line and field (for MT the tag and its line in the
// message); a document that fails to parse gets no decision at all.
package messages

import (
	"errors"
	"fmt"
	"strings"
)

// Formats a file can be read as.
const (
	FormatMT       = "mt"
	FormatISO20022 = "iso20022"
	FormatBL       = "bl"
	FormatInvoice  = "invoice"
)

// Kinds of document.
const (
	KindPayment        = "payment"
	KindLetterOfCredit = "letter_of_credit"
	KindBillOfLading   = "bill_of_lading"
	KindInvoice        = "invoice"
)

// Document roles of parties. Each maps to an order role in Order.
const (
	RoleOrderingCustomer  = "ordering_customer"
	RoleBeneficiary       = "beneficiary"
	RoleUltimateDebtor    = "ultimate_debtor"
	RoleUltimateCreditor  = "ultimate_creditor"
	RoleInitiatingParty   = "initiating_party"
	RoleApplicant         = "applicant"
	RoleShipper           = "shipper"
	RoleConsignee         = "consignee"
	RoleNotifyParty       = "notify_party"
	RoleCarrier           = "carrier"
	RoleSeller            = "seller"
	RoleBuyer             = "buyer"
	RoleEndUser           = "end_user"
	RoleSender            = "sender"
	RoleReceiver          = "receiver"
	RoleOrderingInst      = "ordering_institution"
	RoleSendersCorr       = "senders_correspondent"
	RoleIntermediary      = "intermediary"
	RoleAccountWithInst   = "account_with_institution"
	RoleBeneficiaryInst   = "beneficiary_institution"
	RoleIssuingBank       = "issuing_bank"
	RoleApplicantBank     = "applicant_bank"
	RoleAvailableWith     = "available_with"
	RoleAdviseThrough     = "advise_through_bank"
	RoleReimbursingBank   = "reimbursing_bank"
	RoleConfirmationParty = "requested_confirmation_party"
	RoleDebtorAgent       = "debtor_agent"
	RoleCreditorAgent     = "creditor_agent"
	RoleInstructingAgent  = "instructing_agent"
	RoleInstructedAgent   = "instructed_agent"
)

// Location says where a value sits in its file. Field is the MT tag
// (":59:"), the ISO 20022 element path or the JSON path. Line and Column
// are 1-based; Start and End are byte offsets of the value in the file, so
// a later free-text scanner can report mentions at their place: for MT the
// text is exactly file[Start:End]; for XML and JSON the text is decoded
// (entities, escapes) and the offsets span its encoded form.
type Location struct {
	Field  string `json:"field"`
	Line   int    `json:"line"`
	Column int    `json:"column,omitempty"`
	Start  int    `json:"start"`
	End    int    `json:"end"`
}

func (l Location) String() string {
	if l.Column > 0 {
		return fmt.Sprintf("%s (line %d:%d)", l.Field, l.Line, l.Column)
	}
	return fmt.Sprintf("%s (line %d)", l.Field, l.Line)
}

// Document is one message or trade document, read field by field.
type Document struct {
	File   string `json:"file"`
	Format string `json:"format"`
	// Type is the message type: MT103, MT202COV, MT700, MT710,
	// pacs.008.001.08, bill_of_lading, invoice...
	Type string `json:"type"`
	Kind string `json:"kind"`
	// Reference is the sender's reference (:20:, the transaction's end to
	// end id, the B/L or invoice number).
	Reference string `json:"reference"`
	// Line is the line of the file where the document starts.
	Line int `json:"line"`
	// Date is the value, issue or shipment date (YYYY-MM-DD) when given.
	Date     string     `json:"date,omitempty"`
	Amount   *Amount    `json:"amount,omitempty"`
	Parties  []Party    `json:"parties"`
	Places   []Place    `json:"places,omitempty"`
	Vessels  []Vessel   `json:"vessels,omitempty"`
	Goods    []Goods    `json:"goods,omitempty"`
	FreeText []FreeText `json:"free_text,omitempty"`
	// Incoterms and PaymentTerms come from invoices (and 44/47A of LCs
	// when written there).
	Incoterms     string `json:"incoterms,omitempty"`
	PaymentTerms  string `json:"payment_terms,omitempty"`
	LicenseNumber string `json:"license_number,omitempty"`
}

// Amount is a currency amount as written.
type Amount struct {
	Currency string   `json:"currency"`
	Value    string   `json:"value"`
	Loc      Location `json:"location"`
}

// Party is a person, company or bank named by the document, with its role
// there.
type Party struct {
	Role string `json:"role"`
	Bank bool   `json:"bank,omitempty"`
	// Type is person or organization when the document says which (a date
	// of birth in 50F, PrvtId or OrgId in ISO 20022); empty otherwise.
	Type string `json:"type,omitempty"`
	Name string `json:"name"`
	// AltNames are other readings of a name wrapped across lines; each is
	// screened too.
	AltNames []string `json:"alt_names,omitempty"`
	BIC      string   `json:"bic,omitempty"`
	Account  string   `json:"account,omitempty"`
	Address  []string `json:"address,omitempty"`
	Town     string   `json:"town,omitempty"`
	// Country is an ISO 3166 alpha-2 code; CountryFrom says where it was
	// read: "bic", "address", "structured" (50F/59F 3/, PstlAdr/Ctry,
	// a JSON country field), "iban", "regulatory reporting (77B)",
	// "residence" (CtryOfRes).
	Country     string       `json:"country,omitempty"`
	CountryFrom string       `json:"country_from,omitempty"`
	Identifiers []Identifier `json:"identifiers,omitempty"`
	Loc         Location     `json:"location"`
}

// Identifier is a number identifying a party (LEI, registration, national
// id, BIC given as an identifier).
type Identifier struct {
	Type   string `json:"type,omitempty"`
	Number string `json:"number"`
}

// Place roles.
const (
	PlacePortOfLoading    = "port_of_loading"
	PlacePortOfDischarge  = "port_of_discharge"
	PlaceOfReceipt        = "place_of_receipt"
	PlaceOfDelivery       = "place_of_delivery"
	PlaceFinalDestination = "final_destination"
	PlaceTransshipment    = "transshipment_port"
	PlaceCountryOfOrigin  = "country_of_origin"
	PlaceDestination      = "destination_country"
)

// Place is a port or place named by the document.
type Place struct {
	Role   string   `json:"role"`
	Text   string   `json:"text"`
	LOCODE string   `json:"locode,omitempty"`
	Loc    Location `json:"location"`
}

// Vessel is a ship named by the document.
type Vessel struct {
	Name   string   `json:"name,omitempty"`
	IMO    string   `json:"imo,omitempty"`
	Voyage string   `json:"voyage,omitempty"`
	Loc    Location `json:"location"`
}

// Goods is one goods item or description.
type Goods struct {
	Description string   `json:"description"`
	HSCode      string   `json:"hs_code,omitempty"`
	Quantity    float64  `json:"quantity,omitempty"`
	Unit        string   `json:"unit,omitempty"`
	UnitValue   float64  `json:"unit_value,omitempty"`
	Currency    string   `json:"currency,omitempty"`
	Container   string   `json:"container,omitempty"`
	PartNumber  string   `json:"part_number,omitempty"`
	Maker       string   `json:"manufacturer,omitempty"`
	EndUse      string   `json:"end_use,omitempty"`
	Loc         Location `json:"location"`
}

// FreeText is a narrative field kept whole, with its place, for free-text
// scanning: remittance information, sender-to-receiver information, 45A
// goods, 46A documents, 47A conditions, B/L descriptions.
type FreeText struct {
	// Name says what the field is ("remittance information").
	Name string   `json:"name"`
	Text string   `json:"text"`
	Loc  Location `json:"location"`
}

// ErrFormat is wrapped by every parse error.
var ErrFormat = errors.New("malformed document")

// Error says where a document is malformed: the file, the line (and column
// when known) in the file, the field (MT tag, XML path, JSON path) and, for
// MT, the line within the message.
type Error struct {
	File   string
	Line   int
	Column int
	Field  string
	// MsgLine is the line within the MT message (block 4 counts from the
	// line of {4:), 0 for other formats.
	MsgLine int
	Msg     string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ":%d", e.Column)
		}
	}
	if e.Field != "" {
		fmt.Fprintf(&b, ": field %s", e.Field)
		if e.MsgLine > 0 {
			fmt.Fprintf(&b, " (line %d of the message)", e.MsgLine)
		}
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	return b.String()
}

func (e *Error) Unwrap() error { return ErrFormat }

// Errors is every error found in one file; a file with errors gets no
// decision.
type Errors []*Error

func (es Errors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "\n")
}

func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}
