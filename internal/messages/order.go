package messages

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/chokepoint-dev/chokepoint/internal/orders"
)

// orderRoles maps document roles to order roles. Banks not named here are
// orders.RoleBank.
var orderRoles = map[string]string{
	RoleOrderingCustomer: orders.RolePayer,
	RoleUltimateDebtor:   orders.RolePayer,
	RoleInitiatingParty:  orders.RolePayer,
	RoleBeneficiary:      orders.RoleBeneficiary,
	RoleUltimateCreditor: orders.RoleBeneficiary,
	RoleApplicant:        orders.RoleBuyer,
	RoleBuyer:            orders.RoleBuyer,
	RoleSeller:           orders.RoleSeller,
	RoleShipper:          orders.RoleShipper,
	RoleConsignee:        orders.RoleConsignee,
	RoleNotifyParty:      orders.RoleNotifyParty,
	RoleCarrier:          orders.RoleCarrier,
	RoleEndUser:          orders.RoleEndUser,
	"non_bank_issuer":    orders.RolePayer,
}

// Order turns d into an order for the order rules: parties with their
// roles (an LC's applicant is the buyer and its beneficiary the seller; a
// payment's ordering customer is the payer), banks with their BIC as an
// identifier and the BIC's country, goods as lines, ports and vessel as the
// route. fields maps each order path ("parties[2]", "lines[0]",
// "route.port_of_discharge") to where it was read in the document.
func (d *Document) Order() (o *orders.Order, fields map[string]Location) {
	fields = map[string]Location{}
	o = &orders.Order{ID: d.Reference, Date: d.Date, LicenseNumber: d.LicenseNumber, Kind: orders.KindDocument}
	if d.Kind == KindPayment {
		o.Kind = orders.KindPayment
	}
	if o.ID == "" {
		o.ID = d.Type
	}
	if len(o.ID) > 100 {
		o.ID = o.ID[:100]
	}
	// A party named twice (a pain.001 initiating party that is also the
	// debtor, with its address given once) takes the country the document
	// gives it elsewhere rather than being reported as having none.
	countryOf := map[string]string{}
	for _, p := range d.Parties {
		if p.Country != "" {
			countryOf[strings.ToUpper(p.Name)] = p.Country
		}
	}
	type key struct{ role, name, bic string }
	seen := map[key]bool{}
	for _, p := range d.Parties {
		role := orderRoles[p.Role]
		if p.Bank || role == "" {
			role = orders.RoleBank
		}
		// The same bank often appears in several fields (sender and
		// ordering institution); one party per role, name and BIC.
		k := key{role, strings.ToUpper(p.Name), p.BIC}
		if seen[k] {
			continue
		}
		seen[k] = true
		c := p.Country
		if c == "" {
			c = countryOf[strings.ToUpper(p.Name)]
		}
		op := orders.Party{Role: role, Name: p.Name, Country: c, City: p.Town, Address: strings.Join(p.Address, ", ")}
		switch {
		case p.Bank:
			op.Type = "organization"
		case p.Type != "":
			op.Type = p.Type
		}
		for _, id := range p.Identifiers {
			op.Identifiers = append(op.Identifiers, orders.Identifier{Type: id.Type, Number: id.Number})
		}
		fields["parties["+strconv.Itoa(len(o.Parties))+"]"] = p.Loc
		o.Parties = append(o.Parties, op)
		for _, alt := range p.AltNames {
			ap := op
			ap.Name = alt
			fields["parties["+strconv.Itoa(len(o.Parties))+"]"] = p.Loc
			o.Parties = append(o.Parties, ap)
		}
	}
	for _, g := range d.Goods {
		l := orders.Line{Description: g.Description, HSCode: g.HSCode, Quantity: g.Quantity, UnitValue: g.UnitValue, Currency: g.Currency,
			PartNumber: g.PartNumber, Manufacturer: g.Maker, EndUse: g.EndUse}
		if l.Currency == "" && d.Amount != nil && l.UnitValue > 0 {
			l.Currency = d.Amount.Currency
		}
		fields["lines["+strconv.Itoa(len(o.Lines))+"]"] = g.Loc
		o.Lines = append(o.Lines, l)
	}
	r := &o.Route
	for _, pl := range d.Places {
		switch pl.Role {
		case PlacePortOfLoading, PlacePortOfDischarge, PlaceTransshipment:
			text := portFor(pl)
			switch pl.Role {
			case PlacePortOfLoading:
				if r.PortOfLoading == "" {
					r.PortOfLoading = text
					fields["route.port_of_loading"] = pl.Loc
				}
			case PlacePortOfDischarge:
				if r.PortOfDischarge == "" {
					r.PortOfDischarge = text
					fields["route.port_of_discharge"] = pl.Loc
				}
			default:
				fields["route.transshipment_ports["+strconv.Itoa(len(r.TransshipmentPorts))+"]"] = pl.Loc
				r.TransshipmentPorts = append(r.TransshipmentPorts, text)
			}
			if pl.Role == PlacePortOfDischarge && r.DestinationCountry == "" {
				if _, p, ok := portIn(pl.Text); !ok || p.Country == "" {
					if c := textCountry(pl.Text); c != "" {
						r.DestinationCountry = c
						fields["route.destination_country"] = pl.Loc
					}
				}
			}
		case PlaceFinalDestination, PlaceOfDelivery, PlaceDestination:
			c := ""
			if _, p, ok := portIn(pl.Text); ok && p.Country != "" {
				c = p.Country
			} else {
				c = textCountry(pl.Text)
			}
			if c != "" {
				r.DestinationCountry = c
				fields["route.destination_country"] = pl.Loc
			}
		case PlaceOfReceipt, PlaceCountryOfOrigin:
			if c := textCountry(pl.Text); c != "" && r.ExportCountry == "" {
				r.ExportCountry = c
				fields["route.export_country"] = pl.Loc
			}
		}
	}
	if v, ok := d.routeVessel(); ok {
		r.VesselName, r.VesselIMO = v.Name, v.IMO
		fields["route.vessel_name"] = v.Loc
		fields["route.vessel_imo"] = v.Loc
	}
	r.Incoterms = d.Incoterms
	return o, fields
}

// routeVessel picks the vessel the order's route gets: the first one
// named with an IMO number, else the first one.
func (d *Document) routeVessel() (Vessel, bool) {
	for _, v := range d.Vessels {
		if v.IMO != "" {
			return v, true
		}
	}
	if len(d.Vessels) > 0 {
		return d.Vessels[0], true
	}
	return Vessel{}, false
}

// notes says what of the document the order rules could not see.
func (d *Document) notes() []string {
	var out []string
	if v, ok := d.routeVessel(); ok && len(d.Vessels) > 1 {
		for _, o := range d.Vessels {
			if o != v {
				out = append(out, fmt.Sprintf("vessel %s (IMO %s) named in %s is not screened: an order holds one vessel, and %s was screened; screen it with chokepoint screen --type vessel", orDash(o.Name), orDash(o.IMO), o.Loc, orDash(v.Name+" "+v.IMO)))
			}
		}
	}
	return out
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return strings.TrimSpace(s)
}

// Finding is an order finding with the place in the document its order
// field was read from.
type Finding struct {
	orders.Finding
	// Location is where the evidence field was read in the document.
	Location *Location `json:"location,omitempty"`
}

// Result is the screening of one document: its decision and findings, or
// the error that kept it from getting one.
type Result struct {
	Document *Document      `json:"document"`
	Order    *orders.Order  `json:"order"`
	Report   *orders.Report `json:"report"`
	Findings []Finding      `json:"findings"`
	// Notes say what the order rules could not see (a second vessel).
	Notes []string `json:"notes,omitempty"`
	// Mentions are what the free-text scanner found in the document's
	// free-text fields (or in a text file), in order of field and offset,
	// near matches included; those that matter are also Findings.
	Mentions []Mention `json:"mentions,omitempty"`
}

// Screen maps d to an order and checks it with c. Each finding carries the
// document location its evidence field was read from.
func Screen(ctx context.Context, c *orders.Checker, d *Document) (*Result, error) {
	o, fields := d.Order()
	rep, err := c.Check(ctx, o)
	if err != nil {
		return nil, fmt.Errorf("%s: %s %s: %w", d.File, d.Type, d.Reference, err)
	}
	res := &Result{Document: d, Order: o, Report: rep, Notes: d.notes()}
	for _, f := range rep.Findings {
		res.Findings = append(res.Findings, Finding{Finding: f, Location: locate(fields, f.Evidence.Field)})
	}
	return res, nil
}

// locate finds the document location of an order field path, trying the
// path and its parents ("parties[1].name" -> "parties[1]").
func locate(fields map[string]Location, path string) *Location {
	for path != "" {
		if l, ok := fields[path]; ok {
			return &l
		}
		i := strings.LastIndexByte(path, '.')
		if i < 0 {
			break
		}
		path = path[:i]
	}
	return nil
}
