package messages

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/chokepoint-dev/chokepoint/internal/orders"
	"github.com/chokepoint-dev/chokepoint/internal/scan"
)

// Free-text formats: a file read as text is scanned for mentions only;
// it has no fields and no order.
const (
	FormatText = "text"
	FormatHTML = "html"
	KindText   = "text"
)

// Text finding rules. A mention in text is not a party to a transaction,
// so a listed party or identifier named in text asks for review, never a
// block by itself: the order rules block a listed party only in a role.
// Places under embargo ask for review in a message's narrative (the
// payment or credit says where the goods or money go) and are context in
// a free-standing text (a news report names Russia without shipping
// there). Goods mentions are context everywhere: the order rules already
// grade the goods of a message from its goods fields.
const (
	RuleTextListedParty      = "text.listed_party"
	RuleTextListedIdentifier = "text.listed_identifier"
	RuleTextEmbargoedPlace   = "text.embargoed_place"
	RuleTextTransshipment    = "text.transshipment_country"
	RuleTextControlledGoods  = "text.controlled_goods"
	textRuleVersion          = "2026-12-06"
	// textReviewWeight puts one review finding at the rules' review score.
	textReviewWeight = 40
)

// Mention is a free-text mention found in a document, placed in the file.
//
// Start and End (of the embedded scan.Mention) are byte offsets into the
// file: the field's offset plus the mention's offset in the field's text.
// Where a field is written with escapes (XML entities, JSON \u escapes,
// CRLF line ends in XML) its decoded text is not a slice of the file;
// then Approximate is set, Start and End span the whole field, and
// FieldStart and FieldEnd are the exact offsets into the decoded text.
type Mention struct {
	scan.Mention
	// Field is the MT tag, XML path or JSON path of the free-text field,
	// FieldName what it is ("remittance information"); both empty for a
	// text file.
	Field       string `json:"field,omitempty"`
	FieldName   string `json:"field_name,omitempty"`
	Line        int    `json:"line"`
	FieldStart  int    `json:"field_start"`
	FieldEnd    int    `json:"field_end"`
	Approximate bool   `json:"approximate,omitempty"`
	// Severity is the severity of the finding the mention gives, or ""
	// for a near match (which gives none).
	Severity orders.Severity `json:"severity,omitempty"`
}

// Screener screens documents with the order rules and scans their free
// text with the lists: the free-text fields of messages, and whole text
// and HTML files. Both are built over one version of the lists.
type Screener struct {
	Checker *orders.Checker
	Scanner *scan.Scanner
	// Lists gives the list versions a text report names; usually the
	// engine both were built over.
	Lists scan.Screener
	// Options tune the scans; a zero Threshold takes the rules'
	// party-match threshold.
	Options scan.Options
}

// NewScreener returns a Screener over the lists s screens against.
func NewScreener(c *orders.Checker, s scan.Screener) *Screener {
	return &Screener{Checker: c, Scanner: scan.New(s), Lists: s}
}

// scanOptions reads mentions at the threshold the order rules call a
// party match, so that a mention scoring a match means what a party
// match means.
func (s *Screener) scanOptions() scan.Options {
	opt := s.Options
	if opt.Threshold <= 0 {
		opt.Threshold = s.Checker.Rules().Thresholds.PartyMatch
	}
	return opt
}

// Screen screens d with the order rules and scans each of its free-text
// fields; mentions become findings merged into the report, whose decision
// and risk score take them in.
func (s *Screener) Screen(ctx context.Context, d *Document) (*Result, error) {
	res, err := Screen(ctx, s.Checker, d)
	if err != nil {
		return nil, err
	}
	opt := s.scanOptions()
	var found []textFinding
	for _, ft := range d.FreeText {
		ms, err := s.Scanner.Scan(ctx, ft.Text, opt)
		if err != nil {
			return nil, fmt.Errorf("%s: %s %s: field %s: %w", d.File, d.Type, d.Reference, ft.Loc.Field, err)
		}
		exact := ft.Loc.End-ft.Loc.Start == len(ft.Text)
		for _, m := range ms {
			dm := Mention{Mention: m, Field: ft.Loc.Field, FieldName: ft.Name, FieldStart: m.Start, FieldEnd: m.End,
				Line: ft.Loc.Line + strings.Count(ft.Text[:m.Start], "\n")}
			if exact {
				dm.Start, dm.End = ft.Loc.Start+m.Start, ft.Loc.Start+m.End
			} else {
				dm.Start, dm.End, dm.Approximate = ft.Loc.Start, ft.Loc.End, true
			}
			found = append(found, textFinding{m: dm, field: ft})
		}
	}
	s.merge(res, found, true)
	return res, nil
}

// ScanText scans a whole text (format FormatText) or HTML (FormatHTML)
// file. Its result has no order; the report's decision comes from the
// mentions alone.
func (s *Screener) ScanText(ctx context.Context, file, format, text string) (*Result, error) {
	opt := s.scanOptions()
	var ms []scan.Mention
	var err error
	switch format {
	case FormatText:
		ms, err = s.Scanner.Scan(ctx, text, opt)
	case FormatHTML:
		ms, err = s.Scanner.ScanHTML(ctx, text, opt)
	default:
		return nil, fmt.Errorf("%s: format %q is not text or html", file, format)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	d := &Document{File: file, Format: format, Type: format, Kind: KindText, Reference: filepath.Base(file), Line: 1}
	rules := s.Checker.Rules()
	rep := &orders.Report{
		OrderID:      d.Reference,
		Decision:     orders.Clear,
		Findings:     []orders.Finding{},
		ListVersions: map[string]string{},
		RulesVersion: rules.Version,
		RulesFile:    rules.File,
		CheckedAt:    time.Now().UTC().Format(time.RFC3339),
		Caveats:      []string{textCaveat},
	}
	if s.Lists != nil {
		for _, ds := range s.Lists.Datasets() {
			rep.ListVersions[ds.Source] = ds.Version
		}
	}
	res := &Result{Document: d, Report: rep, Findings: []Finding{}}
	found := make([]textFinding, len(ms))
	for i, m := range ms {
		found[i] = textFinding{m: Mention{Mention: m, Line: 1 + strings.Count(text[:m.Start], "\n"), FieldStart: m.Start, FieldEnd: m.End}}
	}
	s.merge(res, found, false)
	return res, nil
}

// textCaveat is printed on every text report.
const textCaveat = "A text is scanned for what the lists name; a mention of a listed party is not a dealing with it, and a name the lists do not hold is not reported. Read the mentions in their context."

type textFinding struct {
	m     Mention
	field FreeText
}

// merge turns the mentions into findings (one per rule, entry and field),
// adds them to the result and its report, and places the report's
// decision and risk score in the band of its strongest finding, as the
// order rules do.
func (s *Screener) merge(res *Result, found []textFinding, inMessage bool) {
	rules := s.Checker.Rules()
	type key struct{ rule, ref, field string }
	seen := map[key]bool{}
	raw := res.Report.RiskScore
	dec := res.Report.Decision
	for i := range found {
		tf := &found[i]
		f, ok := textFindingFor(rules, &tf.m, tf.field, inMessage)
		if !ok {
			res.Mentions = append(res.Mentions, tf.m)
			continue
		}
		tf.m.Severity = f.Severity
		res.Mentions = append(res.Mentions, tf.m)
		k := key{f.Rule, tf.m.Ref, tf.m.Field}
		if seen[k] {
			continue
		}
		seen[k] = true
		loc := &Location{Field: tf.m.Field, Line: tf.m.Line, Start: tf.m.Start, End: tf.m.End}
		if loc.Field == "" {
			loc.Field = "text"
		}
		res.Findings = append(res.Findings, Finding{Finding: f, Location: loc})
		res.Report.Findings = append(res.Report.Findings, f)
		raw += f.Weight
		switch {
		case f.Severity == orders.Block:
			dec = orders.DecisionBlock
		case f.Severity == orders.Review && dec == orders.Clear:
			dec = orders.DecisionReview
		}
		if m := tf.m.Party; m != nil && m.ListVersion != "" {
			res.Report.ListVersions[m.Source] = m.ListVersion
		}
	}
	th := rules.Thresholds
	res.Report.Decision = dec
	switch dec {
	case orders.Clear:
		res.Report.RiskScore = min(raw, th.ReviewScore-1)
	case orders.DecisionReview:
		res.Report.RiskScore = min(max(raw, th.ReviewScore), th.BlockScore-1)
	default:
		res.Report.RiskScore = min(max(raw, th.BlockScore), 100)
	}
	// Strongest first, as the order report lists them.
	rank := map[orders.Severity]int{orders.Block: 0, orders.Review: 1, orders.Info: 2}
	sort.SliceStable(res.Report.Findings, func(i, j int) bool {
		return rank[res.Report.Findings[i].Severity] < rank[res.Report.Findings[j].Severity]
	})
	sort.SliceStable(res.Findings, func(i, j int) bool {
		return rank[res.Findings[i].Severity] < rank[res.Findings[j].Severity]
	})
}

// textFindingFor is the finding a mention gives; near matches give none.
// Each text rule cites the source of the order rule it stands beside.
func textFindingFor(rules *orders.Rules, m *Mention, field FreeText, inMessage bool) (orders.Finding, bool) {
	if !m.Match {
		return orders.Finding{}, false
	}
	where := "the text"
	evField := "text"
	if m.Field != "" {
		where = fmt.Sprintf("%s (%s)", field.Name, m.Field)
		evField = "free_text." + m.Field
	}
	ev := orders.Evidence{Field: evField, Where: where, Value: m.Text, Score: m.Score}
	var id, basis, reason string
	sev, weight := orders.Review, textReviewWeight
	switch m.Kind {
	case scan.Party:
		id, basis = RuleTextListedParty, orders.RulePartySanctions
		if p := m.Party; p != nil {
			ev.EntityID, ev.ListSource, ev.ListVersion, ev.ListedName = p.EntityID, p.Source, p.ListVersion, p.Name
			ev.MatchedName, ev.MatchedNameQuality, ev.Programs = p.MatchedName, string(p.MatchedNameQuality), p.Programs
			for _, a := range p.AlsoListed {
				ev.AlsoListed = append(ev.AlsoListed, a.EntityID)
			}
			if p.Type == "vessel" {
				basis = orders.RuleVessel
			}
		}
		reason = fmt.Sprintf("%s names listed %s %s (%s)", where, partyType(m), ev.ListedName, m.Ref)
	case scan.Identifier:
		id, basis = RuleTextListedIdentifier, orders.RulePartySanctions
		ev.EntityID = m.Ref
		if m.Party != nil {
			ev.ListSource, ev.ListVersion, ev.ListedName, ev.Programs = m.Party.Source, m.Party.ListVersion, m.Party.Name, m.Party.Programs
		}
		reason = fmt.Sprintf("%s gives the identifier %s of listed entry %s %s", where, m.Text, m.Ref, ev.ListedName)
	case scan.Country, scan.Region, scan.PortKind:
		id = RuleTextEmbargoedPlace
		switch m.Rule {
		case "caspian_port":
			basis = orders.RuleCaspian
		case "occupied_region":
			basis = orders.RuleOccupied
		case "embargoed_country", "port_in_embargoed_country":
			basis = orders.RuleEmbargoed
		case "transshipment_country":
			// A transshipment jurisdiction (asked for) is context only.
			id, basis = RuleTextTransshipment, orders.RuleTransshipment
			sev, weight = orders.Info, 0
		default:
			// A port elsewhere (Rotterdam) is a mention, not a finding.
			return orders.Finding{}, false
		}
		if !inMessage {
			sev, weight = orders.Info, 0
		}
		if m.Country != nil {
			ev.Country, ev.FactSource, ev.FactTag = m.Country.Code, m.Country.Source, m.Country.Tag
		}
		if m.Port != nil {
			ev.LOCODE, ev.Port, ev.Country = m.Port.LOCODE, m.Port.Name, m.Port.Country
		}
		if m.Region != nil {
			ev.Region = m.Region.Region
		}
		reason = fmt.Sprintf("%s names %s (%s)", where, m.Text, strings.ReplaceAll(m.Rule, "_", " "))
	case scan.HSCode, scan.Component:
		id, sev, weight = RuleTextControlledGoods, orders.Info, 0
		basis = orders.RuleComponentKeyword
		if m.HS != nil {
			ev.HS6 = m.HS.Code.HS6
			switch {
			case m.HS.Supp7 != nil:
				basis, ev.CodeList = orders.RuleSupp7, "EAR Supp. 7 to Part 746"
			case m.HS.CHPL != nil:
				basis, ev.CodeList, ev.Tier = orders.RuleCHPLTransshipment, "CHPL", m.HS.CHPL.Tier
			}
		}
		if m.Component != nil {
			ev.Component, ev.Pattern = m.Component.Kind, m.Component.Pattern
		}
		reason = fmt.Sprintf("%s names %s (%s)", where, m.Text, strings.ReplaceAll(m.Rule, "_", " "))
	default:
		return orders.Finding{}, false
	}
	b := rules.Rule(basis)
	f := orders.Finding{Rule: id, RuleVersion: textRuleVersion, Severity: sev, Reason: reason, Evidence: ev, Weight: weight}
	if b != nil {
		f.Source, f.SourceURL, f.SourceDate = b.Source, b.SourceURL, b.SourceDate
	}
	return f, true
}

func partyType(m *Mention) string {
	if m.Party == nil {
		return "party"
	}
	return string(m.Party.Type)
}
