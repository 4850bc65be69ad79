package orders

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/chokepoint-dev/chokepoint/internal/country"
	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/goods"
	"github.com/chokepoint-dev/chokepoint/internal/lists"
	"github.com/chokepoint-dev/chokepoint/internal/match"
	"github.com/chokepoint-dev/chokepoint/internal/route"
)

// Screener screens one party against the sanctions lists; match.Engine
// satisfies it.
type Screener interface {
	Screen(q match.Query, opt match.Options) ([]match.Match, error)
}

// datasetLister is what a Screener may also offer to say which list
// versions it screens against (match.Engine does).
type datasetLister interface {
	Datasets() []*entity.Dataset
}

// ListWarner says why the lists a report was screened against cannot be
// fully trusted (excerpt, stale, failed update); *lists.Warner implements it.
type ListWarner interface {
	Warnings(datasets []*entity.Dataset) []lists.Warning
}

// Checker applies the rules to orders. It is safe for concurrent use once
// configured.
type Checker struct {
	screener Screener
	rules    *Rules
	route    *route.Data
	chpl     *goods.List
	supp7    *goods.List
	comps    *goods.Matcher
	history  History
	parties  Counterparties
	now      func() time.Time
	cache    *screenCache
	warner   ListWarner
}

// screenCache keeps screening results across orders: batches name the same
// customers again and again, and a Checker screens against one version of
// the lists, so a result stays valid for the Checker's life.
type screenCache struct {
	mu  sync.Mutex
	max int
	m   map[string][]match.Match
}

func (c *screenCache) get(key string) ([]match.Match, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ms, ok := c.m[key]
	return ms, ok
}

func (c *screenCache) put(key string, ms []match.Match) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= c.max {
		clear(c.m) // crude but bounded; a batch refills it quickly
	}
	c.m[key] = ms
}

// NewChecker returns a checker screening parties with s under rules; nil
// rules means DefaultRules.
func NewChecker(s Screener, rules *Rules) *Checker {
	if rules == nil {
		rules = DefaultRules()
	}
	return &Checker{
		screener: s,
		rules:    rules,
		route:    route.Default(),
		chpl:     goods.CHPL(),
		supp7:    goods.Supp7(),
		comps:    goods.Components(),
		now:      time.Now,
	}
}

// SetHistory makes the checker report the parties h does not know and
// tell h each order's parties and decision. Without a history, only a
// party's customer_since date can show it is new, and every report says
// so.
func (c *Checker) SetHistory(h History) { c.history = h }

// SetWarner makes every report carry the list warnings w gives for the
// Screener's datasets, so a "clear" screened against an excerpt or a stale
// list says so. Without it, reports carry no list warnings.
func (c *Checker) SetWarner(w ListWarner) { c.warner = w }

// SetCache makes the checker keep up to n screening results across orders.
// Use it only while the Screener's lists do not change (one Checker per
// list version); n <= 0 turns the cache off.
func (c *Checker) SetCache(n int) {
	if n <= 0 {
		c.cache = nil
		return
	}
	c.cache = &screenCache{max: n, m: make(map[string][]match.Match)}
}

// SetClock replaces time.Now, for tests.
func (c *Checker) SetClock(now func() time.Time) { c.now = now }

// Rules returns the rules the checker applies.
func (c *Checker) Rules() *Rules { return c.rules }

// check is the state of one order check.
type check struct {
	c   *Checker
	o   *Order
	n   *normal
	ref time.Time
	rep *Report
	// seen finds a finding again by rule, field and what it points to:
	// a repeat is dropped, or for a line its index added to the finding.
	seen map[findingKey]int

	risky        bool            // an embargoed or transshipment place, or a party finding
	supp7Targets []place         // Iran, Russia, Belarus or Crimea destinations
	transDest    []place         // transshipment destinations
	highPriority bool            // some line is CHPL, Supp. 7 or a component hit
	partyHit     map[string]bool // party paths with a list finding
}

type findingKey struct {
	rule                                                                    string
	sev                                                                     Severity
	field, value, entity, hs6, component, relation, country, locode, region string
}

type place struct {
	field, value, iso string
	region            *route.Region
}

// Check screens the order and returns its report. An invalid order returns
// a *ValidationError and no report.
func (c *Checker) Check(ctx context.Context, o *Order) (*Report, error) {
	n, err := o.normalize()
	if err != nil {
		return nil, err
	}
	now := c.now().UTC()
	st := &check{c: c, o: o, n: n, ref: now, seen: make(map[findingKey]int), partyHit: make(map[string]bool)}
	if !n.date.IsZero() {
		st.ref = time.Date(n.date.Year, time.Month(n.date.Month), n.date.Day, 0, 0, 0, 0, time.UTC)
	}
	st.rep = &Report{
		OrderID:      o.ID,
		ListVersions: map[string]string{goods.CHPLName: c.chpl.Version, goods.Supp7Name: c.supp7.Version},
		RulesVersion: c.rules.Version,
		RulesFile:    c.rules.File,
		CheckedAt:    now.Format(time.RFC3339),
		Caveats:      []string{OwnershipCaveat},
		Findings:     []Finding{},
		Warnings:     []lists.Warning{},
	}
	if c.history == nil {
		st.rep.Caveats = append(st.rep.Caveats, NoHistoryCaveat)
	}
	st.lists()
	st.places()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := st.parties(); err != nil {
		return nil, err
	}
	if err := st.counterparties(ctx); err != nil {
		return nil, err
	}
	if err := st.vessel(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	st.goods()
	if err := st.redFlags(); err != nil {
		return nil, err
	}
	st.incomplete()
	st.decide()
	if err := st.record(); err != nil {
		return nil, err
	}
	return st.rep, nil
}

// add records a finding of rule id at its full or weak severity, once per
// rule and evidence. A finding about an order line (field lines[i]...) is
// one finding for every line with the same evidence: its reason is written
// without the line, which finish names ("Lines 1-2000: ...").
func (st *check) add(id string, weak bool, ev Evidence, format string, args ...any) {
	r := st.c.rules.Rule(id)
	sev, weight := r.Severity, r.Weight
	if weak && r.WeakSeverity != "" {
		sev, weight = r.WeakSeverity, r.Weight/2
	}
	line, party, keyField := -1, -1, ev.Field
	if i, rest, ok := lineField(ev.Field); ok {
		line, keyField = i, "lines[]"+rest
	} else if i, rest, ok := partyField(ev.Field); ok {
		party, keyField = i, "parties[]"+rest
	}
	key := findingKey{id, sev, keyField, ev.Value, ev.EntityID, ev.HS6, ev.Component, ev.Relation, ev.Country, ev.LOCODE, ev.Region}
	if i, ok := st.seen[key]; ok {
		f := &st.rep.Findings[i]
		if n := len(f.LineIndexes); line >= 0 && n > 0 && f.LineIndexes[n-1] != line {
			f.LineIndexes = append(f.LineIndexes, line)
		}
		if party >= 0 && !slices.Contains(f.PartyIndexes, party) {
			f.PartyIndexes = append(f.PartyIndexes, party)
		}
		return
	}
	st.seen[key] = len(st.rep.Findings)
	reason := fmt.Sprintf(format, args...)
	if line < 0 {
		reason = capitalize(reason)
		ev.Where = st.where(ev.Field)
	}
	f := Finding{
		Rule:        id,
		RuleVersion: r.Version,
		Severity:    sev,
		Incomplete:  strings.HasPrefix(id, "incomplete."),
		Reason:      reason,
		Evidence:    ev,
		Source:      r.Source,
		SourceURL:   r.SourceURL,
		SourceDate:  r.SourceDate,
		Weight:      weight,
	}
	if line >= 0 {
		f.LineIndexes = []int{line}
	}
	if party >= 0 {
		f.PartyIndexes = []int{party}
	}
	st.rep.Findings = append(st.rep.Findings, f)
}

// lineField splits "lines[3].hs_code" into 3 and ".hs_code".
func lineField(field string) (int, string, bool) { return indexField(field, "lines[") }

// partyField splits "parties[3].country" into 3 and ".country".
func partyField(field string) (int, string, bool) { return indexField(field, "parties[") }

func indexField(field, prefix string) (int, string, bool) {
	rest, ok := strings.CutPrefix(field, prefix)
	if !ok {
		return 0, "", false
	}
	num, rest, ok := strings.Cut(rest, "]")
	i, err := strconv.Atoi(num)
	return i, rest, ok && err == nil
}

// finish names the lines of each line finding in its reason and evidence,
// and the roles of a finding about several parties (or one party in
// several roles): "The country of the buyer and consignee is Armenia".
func (st *check) finish() {
	for i := range st.rep.Findings {
		f := &st.rep.Findings[i]
		if len(f.PartyIndexes) > 1 {
			st.nameParties(f)
		}
		if len(f.LineIndexes) == 0 {
			continue
		}
		label := LineRanges(f.LineIndexes)
		f.Reason = label + ": " + f.Reason
		_, rest, _ := lineField(f.Evidence.Field)
		f.Evidence.Where = "the " + fieldWord(strings.TrimPrefix(rest, ".")) + " of " + strings.ToLower(label[:1]) + label[1:]
	}
}

func (st *check) nameParties(f *Finding) {
	var roles []string
	for _, i := range f.PartyIndexes {
		if r := roleWords(st.o.Parties[i].Role); !slices.Contains(roles, r) {
			roles = append(roles, r)
		}
	}
	if len(roles) < 2 {
		return
	}
	list := strings.Join(roles[:len(roles)-1], ", ") + " and " + roles[len(roles)-1]
	first := st.o.Parties[f.PartyIndexes[0]]
	_, attr, _ := partyField(f.Evidence.Field)
	attr = fieldWord(strings.TrimPrefix(attr, "."))
	f.Evidence.Where = "the " + attr + " of the " + list
	if subject := capitalize(st.where(f.Evidence.Field)); strings.HasPrefix(f.Reason, subject) {
		f.Reason = "The " + attr + " of the " + list + f.Reason[len(subject):]
	} else if subject := "The " + roleWords(first.Role) + " "; strings.HasPrefix(f.Reason, subject) {
		f.Reason = "The " + list + " " + f.Reason[len(subject):]
	}
}

// maxRanges bounds the line ranges a reason lists; LineIndexes has them all.
const maxRanges = 20

// LineRanges names order lines by their indexes, counting from 1 as people
// do: "Line 3", "Lines 1-1000, 1002-2000".
func LineRanges(idx []int) string {
	if len(idx) == 1 {
		return fmt.Sprintf("Line %d", idx[0]+1)
	}
	var parts []string
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && idx[j+1] == idx[j]+1 {
			j++
		}
		if len(parts) == maxRanges {
			parts = append(parts, fmt.Sprintf("and %d more lines", len(idx)-i))
			break
		}
		if i == j {
			parts = append(parts, strconv.Itoa(idx[i]+1))
		} else {
			parts = append(parts, fmt.Sprintf("%d-%d", idx[i]+1, idx[j]+1))
		}
		i = j + 1
	}
	return "Lines " + strings.Join(parts, ", ")
}

func (st *check) lists() {
	dl, ok := st.c.screener.(datasetLister)
	if !ok {
		return
	}
	ds := dl.Datasets()
	if st.c.warner != nil {
		st.rep.Warnings = append(st.rep.Warnings, st.c.warner.Warnings(ds)...)
	}
	for _, d := range ds {
		v := d.Version
		if v == "" {
			v = d.Published
		}
		st.rep.ListVersions[d.Source] = v
	}
	if len(ds) == 0 {
		st.add(RuleNoLists, false, Evidence{Field: "parties"}, "No sanctions lists are loaded, so the party and vessel checks compared against nothing; load the lists and check again")
	}
}

// places runs the country, region and port rules over every place the
// order names.
func (st *check) places() {
	n, r := st.n, &st.o.Route
	var ps []place
	addISO := func(field, value, iso string) {
		if iso != "" {
			ps = append(ps, place{field: field, value: value, iso: iso})
		}
	}
	addISO("route.export_country", r.ExportCountry, n.export)
	addISO("route.destination_country", r.DestinationCountry, n.dest)
	addISO("route.payment_origin_country", r.PaymentOriginCountry, n.payment)
	for _, p := range n.parties {
		addISO(p.path+".country", p.Country, p.country)
		for _, f := range []struct{ field, v string }{{".city", p.City}, {".address", p.Address}} {
			if reg, ok := st.c.route.OccupiedRegion(f.v); ok {
				ps = append(ps, place{field: p.path + f.field, value: f.v, iso: "UA", region: &reg})
			}
		}
	}
	ports := []struct{ field, v string }{{"route.port_of_loading", r.PortOfLoading}}
	for i, t := range r.TransshipmentPorts {
		ports = append(ports, struct{ field, v string }{fmt.Sprintf("route.transshipment_ports[%d]", i), t})
	}
	ports = append(ports, struct{ field, v string }{"route.port_of_discharge", r.PortOfDischarge})
	for _, pt := range ports {
		if strings.TrimSpace(pt.v) == "" {
			continue
		}
		if reg, ok := st.c.route.OccupiedRegion(pt.v); ok {
			ps = append(ps, place{field: pt.field, value: pt.v, iso: "UA", region: &reg})
		}
		port, ok := st.c.route.Port(pt.v)
		if !ok {
			st.add(RulePortUnknown, false, Evidence{Field: pt.field, Value: pt.v},
				"Port %q is not a known UN/LOCODE or port name, so the Caspian and occupied-port checks could not use it", pt.v)
			continue
		}
		ps = append(ps, place{field: pt.field, value: pt.v, iso: port.Country})
		if port.CaspianIRRU() {
			st.risky = true
			alt := ""
			if len(port.Alternatives) > 0 {
				alt = fmt.Sprintf(" (the name also fits %s; the Caspian reading is kept)", strings.Join(port.Alternatives, ", "))
			}
			st.add(RuleCaspian, false, Evidence{Field: pt.field, Value: pt.v, LOCODE: port.LOCODE, Port: port.Name, Country: port.Country, FactSource: port.Source, FactTag: port.Tag},
				"%s (%s) is a Caspian Sea port of %s%s, on the route Iranian drones and munitions take to Russia", port.Name, orDash(port.LOCODE), countryName(port.Country), alt)
		}
	}
	destField := func(field string) bool {
		switch {
		case field == "route.destination_country", field == "route.port_of_discharge", strings.HasPrefix(field, "route.transshipment_ports"):
			return true
		case strings.HasPrefix(field, "parties["):
			i := partyIndex(field)
			role := st.o.Parties[i].Role
			return role == RoleConsignee || role == RoleEndUser || role == RoleIntermediateConsignee
		}
		return false
	}
	supp7Field := func(field string) bool {
		switch {
		case field == "route.destination_country", field == "route.port_of_discharge":
			return true
		case strings.HasPrefix(field, "parties["):
			role := st.o.Parties[partyIndex(field)].Role
			return role == RoleConsignee || role == RoleEndUser
		}
		return false
	}
	for _, p := range ps {
		if p.region != nil {
			st.risky = true
			st.add(RuleOccupied, p.region.Partial, Evidence{Field: p.field, Value: p.value, Region: p.region.Region, Country: "UA", FactSource: p.region.Source, FactTag: p.region.Tag},
				"%q names %s, in the %s region of Ukraine%s", p.value, p.region.Name, p.region.Region, partialNote(p.region))
			if p.region.Region == "Crimea" && supp7Field(p.field) {
				st.supp7Targets = append(st.supp7Targets, p)
			}
			continue
		}
		if f, ok := st.c.route.Embargoed(p.iso); ok {
			st.risky = true
			st.add(RuleEmbargoed, false, Evidence{Field: p.field, Value: p.value, Country: p.iso, FactSource: f.Source, FactTag: f.Tag},
				"%s, a comprehensively embargoed country", st.placeIs(p))
			if (p.iso == "IR" || p.iso == "RU" || p.iso == "BY") && supp7Field(p.field) {
				st.supp7Targets = append(st.supp7Targets, p)
			}
			continue
		}
		if f, ok := st.c.route.Transshipment(p.iso); ok && p.field != "route.export_country" {
			st.risky = true
			st.add(RuleTransshipment, false, Evidence{Field: p.field, Value: p.value, Country: p.iso, FactSource: f.Source, FactTag: f.Tag},
				"%s, a transshipment jurisdiction named in the US red-flag alerts", st.placeIs(p))
			if destField(p.field) {
				st.transDest = append(st.transDest, p)
			}
		}
	}
}

func capitalize(s string) string {
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		return string(s[0]-'a'+'A') + s[1:]
	}
	return s
}

func partialNote(r *route.Region) string {
	if r.Partial {
		return " (only partly occupied: check the exact address)"
	}
	return ", which is occupied"
}

func partyIndex(field string) int {
	var i int
	fmt.Sscanf(field, "parties[%d]", &i)
	return i
}

// fieldWords are the order's fields in the words of a report.
var fieldWords = map[string]string{
	"business_type": "line of business", "customer_since": "customer-since date", "hs_code": "HS code", "end_use": "end use",
	"part_number": "part number", "license_number": "licence number", "unit_value": "unit value", "identifiers": "identifiers",
	"export_country": "country of export", "destination_country": "destination country", "payment_origin_country": "country the payment comes from",
	"port_of_loading": "port of loading", "port_of_discharge": "port of discharge", "vessel_name": "vessel", "vessel_imo": "vessel's IMO number",
	"incoterms": "Incoterms",
}

func fieldWord(name string) string {
	if w, ok := fieldWords[name]; ok {
		return w
	}
	return strings.ReplaceAll(name, "_", " ")
}

// where names an order field in words: "the consignee's country" for
// parties[1].country, "transshipment port 2" for
// route.transshipment_ports[1], "line 3's HS code" for lines[2].hs_code.
// Evidence.Field keeps the path for machines.
func (st *check) where(field string) string {
	switch {
	case field == "order":
		return "the order as a whole"
	case field == "parties":
		return "the order's parties"
	case strings.HasPrefix(field, "parties["):
		p := st.o.Parties[partyIndex(field)]
		_, attr, _ := strings.Cut(field, ".")
		return "the " + roleWords(p.Role) + "'s " + fieldWord(attr)
	case strings.HasPrefix(field, "lines["):
		i, rest, _ := lineField(field)
		return fmt.Sprintf("line %d's %s", i+1, fieldWord(strings.TrimPrefix(rest, ".")))
	case strings.HasPrefix(field, "route.transshipment_ports["):
		if len(st.o.Route.TransshipmentPorts) == 1 {
			return "the transshipment port"
		}
		var i int
		fmt.Sscanf(field, "route.transshipment_ports[%d]", &i)
		return fmt.Sprintf("transshipment port %d", i+1)
	}
	return "the " + fieldWord(strings.TrimPrefix(field, "route."))
}

func roleWords(role string) string { return strings.ReplaceAll(role, "_", " ") }

// isPort reports whether field holds a port.
func isPort(field string) bool {
	return field == "route.port_of_loading" || field == "route.port_of_discharge" || strings.HasPrefix(field, "route.transshipment_ports[")
}

// placeIs says where a place of the order is: "the port of loading,
// Novorossiysk, is in Russia" or "the destination country is Iran".
func (st *check) placeIs(p place) string {
	if isPort(p.field) {
		return fmt.Sprintf("%s, %s, is in %s", st.where(p.field), p.value, countryName(p.iso))
	}
	return st.where(p.field) + " is " + countryName(p.iso)
}

// countryName names a country as a sentence does: "Iran", "the United
// Arab Emirates".
func countryName(iso string) string {
	n := country.Name(iso)
	for _, w := range []string{"United ", "Netherlands", "Philippines", "Czech Republic", "Dominican Republic", "Central African", "Bahamas", "Gambia", "Maldives", "Marshall Islands", "Solomon Islands", "Comoros", "Holy See"} {
		if strings.HasPrefix(n, w) {
			return "the " + n
		}
	}
	return n
}

// article returns "a" or "an" for a word as it is spoken: "an IMU", "an
// FPGA", "a GNSS receiver", "an amplifier", "a unit".
func article(word string) string {
	if word == "" {
		return "a"
	}
	first, _, _ := strings.Cut(word, " ")
	if len(first) > 1 && strings.ToUpper(first) == first {
		// An abbreviation is spoken letter by letter.
		if strings.ContainsRune("AEFHILMNORSX", rune(first[0])) {
			return "an"
		}
		return "a"
	}
	lower := strings.ToLower(first)
	switch {
	case strings.HasPrefix(lower, "uni"), strings.HasPrefix(lower, "use"), strings.HasPrefix(lower, "usu"), strings.HasPrefix(lower, "eu"), strings.HasPrefix(lower, "one"):
		return "a"
	case strings.HasPrefix(lower, "hour"), strings.HasPrefix(lower, "honest"), strings.HasPrefix(lower, "heir"):
		return "an"
	case strings.ContainsRune("aeiou", rune(lower[0])):
		return "an"
	}
	return "a"
}

// componentWords name the component kinds of components.csv.
var componentWords = map[string]string{
	"processor": "processor", "gnss": "GNSS receiver", "imu": "IMU (inertial measurement unit)", "fpga": "FPGA", "rf": "RF component",
	"amplifier": "amplifier", "antenna": "antenna", "camera": "camera", "capacitor": "capacitor", "engine": "engine",
	"memory": "memory chip", "servo": "servo",
}

func componentName(kind string) string {
	w, ok := componentWords[kind]
	if !ok {
		w = strings.ReplaceAll(kind, "_", " ")
	}
	return article(w) + " " + w
}

func orDash(s string) string {
	if s == "" {
		return "no UN/LOCODE"
	}
	return s
}

func (st *check) options() match.Options {
	t := st.c.rules.Thresholds
	return match.Options{Threshold: t.PartyMatch, MinScore: t.PartyReview, Limit: 5}
}

func queryKey(q match.Query) string {
	return fmt.Sprintf("%s\x00%s\x00%s\x00%q", q.Name, q.Country, q.Type, q.IDs)
}

// screen screens q, through the cross-order cache when there is one.
func (st *check) screen(key string, q match.Query) ([]match.Match, error) {
	if st.c.cache != nil {
		if ms, ok := st.c.cache.get(key); ok {
			return ms, nil
		}
	}
	ms, err := st.c.screener.Screen(q, st.options())
	if err != nil {
		return nil, err
	}
	if st.c.cache != nil {
		st.c.cache.put(key, ms)
	}
	return ms, nil
}

func (st *check) parties() error {
	done := make(map[string][]match.Match)
	for _, p := range st.n.parties {
		q := match.Query{Name: p.Name, Country: p.country}
		if t, ok := entity.ParseType(p.Type); ok {
			q.Type = t
		}
		for _, id := range p.Identifiers {
			q.IDs = append(q.IDs, id.Number)
		}
		// The same party often fills several roles; screen it once.
		key := queryKey(q)
		ms, ok := done[key]
		if !ok {
			var err error
			if ms, err = st.screen(key, q); err != nil {
				return fmt.Errorf("screen %s: %w", p.path, err)
			}
			done[key] = ms
		}
		for i := range ms {
			st.partyMatch(p.path+".name", p.Name, &ms[i], false)
		}
	}
	return nil
}

func (st *check) vessel() error {
	r := &st.o.Route
	if strings.TrimSpace(r.VesselName) == "" && st.n.vesselIMO == "" {
		return nil
	}
	q := match.Query{Name: r.VesselName, Type: entity.Vessel}
	if st.n.vesselIMO != "" {
		q.IDs = []string{st.n.vesselIMO}
	}
	ms, err := st.screen(queryKey(q), q)
	if err != nil {
		return fmt.Errorf("screen route.vessel_name: %w", err)
	}
	field, value := "route.vessel_name", r.VesselName
	if value == "" {
		field, value = "route.vessel_imo", r.VesselIMO
	}
	for i := range ms {
		st.partyMatch(field, value, &ms[i], true)
	}
	return nil
}

// partyMatch turns one screening result into findings.
func (st *check) partyMatch(field, value string, m *match.Match, vessel bool) {
	t := st.c.rules.Thresholds
	if !m.Match && m.Score < t.PartyReview {
		return
	}
	ev := Evidence{Field: field, Value: value, EntityID: m.EntityID, ListSource: m.Source, ListVersion: m.ListVersion,
		ListedName: m.Name, MatchedName: m.MatchedName, MatchedNameQuality: string(m.MatchedNameQuality), Score: m.Score, Programs: m.Programs}
	for _, a := range m.AlsoListed {
		ev.AlsoListed = append(ev.AlsoListed, a.EntityID)
	}
	if m.Source != "" && m.ListVersion != "" {
		st.rep.ListVersions[m.Source] = m.ListVersion
	}
	strong := m.Match && m.MatchedNameQuality != entity.Weak
	st.risky = true
	st.partyHit[field] = true
	why := m.Explanation
	if why != "" {
		why = " (" + why + ")"
	}
	switch {
	case vessel:
		st.add(RuleVessel, !strong, ev, "Vessel %q %s listed entry %s %q on %s, score %.2f%s", value, matchWords(strong), m.EntityID, m.Name, m.Source, m.Score, why)
	case cslList(m) != "" && st.c.rules.CSLLists[cslList(m)] != "":
		list := cslList(m)
		ev.CSLList = list
		if m.Entity != nil {
			ev.LicenseRequirement = strings.Join(m.Entity.Properties["license_requirement"], "; ")
		}
		sev := st.c.rules.CSLLists[list]
		if !strong {
			st.add(RulePartyNearMatch, false, ev, "%q is a near match (score %.2f) for %q on the %s list of the CSL%s", value, m.Score, m.Name, list, why)
			break
		}
		lic := ev.LicenseRequirement
		if lic == "" {
			lic = "not stated in the entry"
		}
		st.add(RulePartyExport, sev != Block, ev, "%q matches %q on the %s list of the CSL; licence requirement: %s", value, m.Name, list, lic)
	case strong:
		st.add(RulePartySanctions, false, ev, "%q matches %q (%s), score %.2f, programmes %s%s", value, m.Name, m.EntityID, m.Score, strings.Join(m.Programs, ", "), why)
	default:
		kind := "a near match"
		if m.MatchedNameQuality == entity.Weak {
			kind = "a match on a weak alias"
		}
		st.add(RulePartyNearMatch, false, ev, "%q is %s (score %.2f) for %q (%s)%s", value, kind, m.Score, m.Name, m.EntityID, why)
	}
	if m.Entity != nil && m.Match {
		for _, rel := range m.Entity.Relations {
			rev := ev
			rev.Relation = rel.Kind + ": " + rel.Name
			if rel.EntityID != "" {
				rev.Relation += " (" + rel.EntityID + ")"
			}
			st.add(RulePartyLinked, false, rev, "Matched entry %s %s; screen that party and anyone it owns or controls too", m.EntityID, relationWords(rel.Kind, orDefault(rel.Name, rel.EntityID)))
		}
	}
}

func matchWords(strong bool) string {
	if strong {
		return "matches"
	}
	return "is a near or weak-alias match for"
}

// cslList returns the CSL sub-list code of a match ("EL", "MEU"), or "".
func cslList(m *match.Match) string {
	if m.Entity == nil {
		return ""
	}
	for _, v := range m.Entity.Properties["list"] {
		if v = strings.ToUpper(strings.TrimSpace(v)); v != "" {
			return v
		}
	}
	return ""
}

func (st *check) goods() {
	o := st.o
	for _, l := range st.n.lines {
		hits := st.c.comps.Match(l.Description, l.PartNumber, l.Manufacturer)
		if len(hits) > 0 {
			st.highPriority = true
		}
		for _, h := range hits {
			weak := !st.risky
			ctx := "no risky route or party on the order"
			if st.risky {
				ctx = "the order has a risky route or party"
			}
			st.add(RuleComponentKeyword, weak, Evidence{Field: l.path + "." + h.Field, Value: h.Text, Component: h.Kind, Pattern: h.Pattern, HS6: strings.Join(h.HS6, "|")},
				"%q points to %s, a component kind the UAV guidance warns about (keyword signal, not law; %s)", h.Text, componentName(h.Kind), ctx)
		}
		if !l.has {
			st.add(RuleHSMissing, len(hits) == 0 && !st.risky, Evidence{Field: l.path + ".hs_code"},
				"no HS code, so not checked against the CHPL or %s", goods.Supp7Name)
			continue
		}
		ev := Evidence{Field: l.path + ".hs_code", Value: l.HSCode, HS6: l.code.HS6}
		ce, onCHPL := st.c.chpl.Lookup(l.code.HS6)
		se, onSupp7 := st.c.supp7.Lookup(l.code.HS6)
		if onCHPL || onSupp7 {
			st.highPriority = true
		}
		if onSupp7 && len(st.supp7Targets) > 0 {
			t := st.supp7Targets[0]
			sev := ev
			sev.CodeList, sev.CodeListVer, sev.Country, sev.Region = goods.Supp7Name, st.c.supp7.Version, t.iso, regionName(t.region)
			lic := l.LicenseNumber
			if lic == "" {
				lic = o.LicenseNumber
			}
			where := fmt.Sprintf("%s (%s)", countryName(t.iso), st.where(t.field))
			if t.region != nil {
				where = fmt.Sprintf("%s, %s (%s)", t.value, t.region.Region, st.where(t.field))
			}
			if lic == "" {
				st.add(RuleSupp7, false, sev, "HS %s (%s) is on %s and goes to %s: a licence is required and none is recorded", l.code.HS6, short(se.Description), goods.Supp7Name, where)
			} else {
				sev.License = lic
				st.add(RuleSupp7, true, sev, "HS %s is on %s and goes to %s; licence %s is recorded - verify that it covers these goods", l.code.HS6, goods.Supp7Name, where, lic)
			}
		}
		if onCHPL && len(st.transDest) > 0 {
			t := st.transDest[0]
			cev := ev
			cev.CodeList, cev.Tier, cev.CodeListVer, cev.Country = goods.CHPLName, ce.Tier, st.c.chpl.Version, t.iso
			st.add(RuleCHPLTransshipment, false, cev, "HS %s (%s) is CHPL tier %s and goes to %s (%s), a transshipment jurisdiction", l.code.HS6, short(ce.Description), ce.Tier, countryName(t.iso), st.where(t.field))
		}
		if !onCHPL && !onSupp7 {
			st.add(RuleHSUnlisted, false, ev, "HS %s is not on the CHPL or %s (the code is not checked against the full HS nomenclature)", l.code.HS6, goods.Supp7Name)
		}
		if (onCHPL || onSupp7) && strings.TrimSpace(l.EndUse) == "" {
			e := Evidence{Field: l.path + ".end_use", HS6: l.code.HS6, CodeList: goods.CHPLName, Tier: ce.Tier, CodeListVer: st.c.chpl.Version}
			if !onCHPL {
				e.CodeList, e.CodeListVer = goods.Supp7Name, st.c.supp7.Version
			}
			st.add(RuleNoEndUse, false, e, "high-priority goods (HS %s) with no declared end use", l.code.HS6)
		}
	}
}

func regionName(r *route.Region) string {
	if r == nil {
		return ""
	}
	return r.Region
}

func short(s string) string {
	if i := strings.IndexAny(s, "(,;"); i > 20 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

// intermediaryWords are name and business-type words of forwarders,
// logistics and trading companies and free-zone company forms.
var intermediaryWords = []string{"trading", "trade", "traders", "logistics", "logistic", "forwarding", "forwarder", "freight", "cargo", "shipping", "express", "transport", "import export", "impex", "fze", "fzco", "fzc", "fz llc", "mail centre", "mail center", "courier"}

// intermediary returns the field, its value and the word that make p look
// like a forwarder, logistics or trading company.
func intermediary(p normParty) (field, value, word string) {
	for _, f := range []struct{ field, v string }{{".business_type", p.BusinessType}, {".name", p.Name}} {
		w := " " + strings.SplitN(PartyKey(f.v, ""), "|", 2)[0] + " "
		for _, word := range intermediaryWords {
			if strings.Contains(w, " "+word+" ") {
				return f.field, f.v, word
			}
		}
	}
	return "", "", ""
}

func (st *check) redFlags() error {
	n := st.n
	forwarders := make(map[string]bool)
	for _, p := range n.parties {
		if p.Role == RoleFreightForwarder {
			forwarders[PartyKey(p.Name, "")] = true
		}
	}
	trade := make(map[string]bool)
	var consignees, endUsers []normParty
	for _, p := range n.parties {
		switch p.Role {
		case RoleBuyer, RoleConsignee, RoleEndUser:
			if p.country != "" {
				trade[p.country] = true
			}
		}
		switch p.Role {
		case RoleConsignee:
			consignees = append(consignees, p)
		case RoleEndUser:
			endUsers = append(endUsers, p)
		}
	}
	if st.highPriority {
		for _, p := range append(append([]normParty{}, consignees...), endUsers...) {
			field, value, word := intermediary(p)
			if field == "" && forwarders[PartyKey(p.Name, "")] {
				field, value, word = ".role", p.Role, "also the freight forwarder"
			}
			if field != "" {
				st.add(RuleIntermediary, false, Evidence{Field: p.path + field, Value: value, Country: p.country},
					"The %s %q looks like a freight forwarder, logistics or trading company (%q) receiving high-priority goods", roleWords(p.Role), p.Name, word)
			}
		}
	}
	if len(trade) > 0 {
		payers := []place{}
		for _, p := range n.parties {
			if p.Role == RolePayer && p.country != "" {
				payers = append(payers, place{field: p.path + ".country", value: p.Country, iso: p.country})
			}
		}
		if n.payment != "" && !containsISO(payers, n.payment) {
			payers = append(payers, place{field: "route.payment_origin_country", value: st.o.Route.PaymentOriginCountry, iso: n.payment})
		}
		for _, p := range payers {
			if !trade[p.iso] {
				st.add(RuleCountryMismatch, false, Evidence{Field: p.field, Value: p.value, Country: p.iso},
					"Payment comes from %s, a third country: none of the buyer, consignee or end user is there (they are in %s)", countryName(p.iso), countryList(keys(trade)))
			}
		}
	}
	for _, eu := range endUsers {
		for _, cn := range consignees {
			if eu.country != "" && cn.country != "" && eu.country != cn.country {
				st.add(RuleCountryMismatch, false, Evidence{Field: eu.path + ".country", Value: eu.Country, Country: eu.country},
					"The end user %q is in %s but the consignee %q is in %s", eu.Name, countryName(eu.country), cn.Name, countryName(cn.country))
			}
		}
	}
	days := st.c.rules.Thresholds.NewPartyDays
	// One party in several roles is one new party.
	newKeys := make(map[string]bool)
	for _, p := range n.parties {
		key := PartyKey(p.Name, p.country)
		if newKeys[key] {
			continue
		}
		isNew, why := false, ""
		switch {
		case !p.since.IsZero():
			since := time.Date(p.since.Year, time.Month(max(p.since.Month, 1)), max(p.since.Day, 1), 0, 0, 0, 0, time.UTC)
			if st.ref.Sub(since) < time.Duration(days)*24*time.Hour {
				isNew, why = true, fmt.Sprintf("customer since %s, less than %d days", p.CustomerSince, days)
			}
		case st.c.history != nil:
			known, err := st.c.history.Known(key, st.o.ID, st.ref)
			if err != nil {
				return fmt.Errorf("party history: %w", err)
			}
			isNew, why = !known, "not in the party history from an earlier cleared order"
		}
		if !isNew {
			continue
		}
		newKeys[key] = true
		_, trans := st.c.route.Transshipment(p.country)
		weak := !(trans && st.highPriority)
		st.add(RuleNewParty, weak, Evidence{Field: p.path + ".name", Value: p.Name, Country: p.country},
			"The %s %q is a new party (%s)", roleWords(p.Role), p.Name, why)
	}
	return nil
}

// record tells the history the order's parties and decision.
func (st *check) record() error {
	if st.c.history == nil {
		return nil
	}
	seen := make(map[string]bool)
	var keys []string
	for _, p := range st.n.parties {
		if k := PartyKey(p.Name, p.country); !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	if err := st.c.history.Record(st.o.ID, st.ref, st.rep.Decision, keys); err != nil {
		return fmt.Errorf("party history: %w", err)
	}
	return nil
}

// countryList names countries: "Armenia", "Armenia and Germany",
// "Armenia, Georgia and Germany".
func countryList(isos []string) string {
	names := make([]string, len(isos))
	for i, c := range isos {
		names[i] = countryName(c)
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// relationWords says how a listed entry relates to another party: "is
// linked to X", "is owned or controlled by X", "has the relation
// \"parent\" to X" for a kind that is not a phrase.
func relationWords(kind, other string) string {
	words := strings.ReplaceAll(kind, "_", " ")
	for _, end := range []string{" to", " by", " of", " with", " for"} {
		if strings.HasSuffix(words, end) {
			return "is " + words + " " + other
		}
	}
	return fmt.Sprintf("has the relation %q to %s", words, other)
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func containsISO(ps []place, iso string) bool {
	for _, p := range ps {
		if p.iso == iso {
			return true
		}
	}
	return false
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (st *check) incomplete() {
	hasEndUser := false
	for _, p := range st.n.parties {
		if p.Role == RoleEndUser {
			hasEndUser = true
		}
		if p.country == "" {
			st.add(RulePartyCountry, false, Evidence{Field: p.path + ".country", Value: p.Name},
				"The %s %q has no country, so the embargo and transshipment rules could not check it", roleWords(p.Role), p.Name)
		}
	}
	if !hasEndUser && (st.o.Kind == "" || st.o.Kind == KindOrder) {
		st.add(RuleNoEndUser, false, Evidence{Field: "parties"}, "The order names no end user, so the destination checks are incomplete")
	}
}

// decide sets the decision and the risk score. The score is the sum of the
// findings' weights (a finding covering many lines counts once), placed in
// the band of the decision so that the score never contradicts it: clear
// below thresholds.review_score, review from review_score to
// thresholds.block_score - 1, block from block_score to 100.
func (st *check) decide() {
	rep := st.rep
	th := st.c.rules.Thresholds
	raw := 0
	dec := Clear
	for _, f := range rep.Findings {
		raw += f.Weight
		switch f.Severity {
		case Block:
			dec = DecisionBlock
		case Review:
			if dec == Clear {
				dec = DecisionReview
			}
		}
	}
	if dec == Clear && raw >= th.ReviewScore {
		st.add(RuleScoreAccumulated, false, Evidence{Field: "order"}, "Weaker signals add up to %d points, at or above the review threshold of %d", raw, th.ReviewScore)
		dec = DecisionReview
	}
	rep.Decision = dec
	switch dec {
	case Clear:
		rep.RiskScore = min(raw, th.ReviewScore-1)
	case DecisionReview:
		rep.RiskScore = min(max(raw, th.ReviewScore), th.BlockScore-1)
	default:
		rep.RiskScore = min(max(raw, th.BlockScore), 100)
	}
	st.finish()
	// Strongest first, keeping the order of the rules within a severity.
	// Findings are large; moving them once beats a sort's many swaps.
	sorted := make([]Finding, 0, len(rep.Findings))
	for rank := 2; rank >= 0; rank-- {
		for i := range rep.Findings {
			if rep.Findings[i].Severity.rank() == rank {
				sorted = append(sorted, rep.Findings[i])
			}
		}
	}
	rep.Findings = sorted
}
