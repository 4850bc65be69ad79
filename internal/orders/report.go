package orders

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/chokepoint-dev/chokepoint/internal/lists"
)

// Decision is the one outcome of an order check.
type Decision string

// Decisions.
const (
	Clear Decision = "clear"
	// DecisionReview and DecisionBlock share their spelling with the
	// severities that cause them.
	DecisionReview Decision = "review"
	DecisionBlock  Decision = "block"
)

// OwnershipCaveat is printed on every report.
const OwnershipCaveat = "A clean name check does not clear the 50% ownership rule: an entity owned 50% or more, directly or indirectly, individually or in aggregate, by blocked persons is blocked too, and ownership is not visible in the lists' names. Check who owns every party."

// NoHistoryCaveat is printed when the checker had no party history.
const NoHistoryCaveat = "No party history was used, so only a party's customer_since date could show that it is new."

// Evidence says what a finding rests on: the order field and the list
// entry, list code or port it was compared with.
type Evidence struct {
	// Field is the JSON path of the order field ("parties[1].name"); for
	// a finding about several lines, that of the first.
	Field string `json:"field"`
	// Where names the field in words ("the consignee's country", "HS code
	// of lines 1-2000"), for people.
	Where string `json:"where,omitempty"`
	// Value is the value found in that field.
	Value string `json:"value,omitempty"`

	// List entry of a party or vessel match.
	EntityID           string   `json:"entity_id,omitempty"`
	ListSource         string   `json:"list_source,omitempty"`
	ListVersion        string   `json:"list_version,omitempty"`
	ListedName         string   `json:"listed_name,omitempty"`
	MatchedName        string   `json:"matched_name,omitempty"`
	MatchedNameQuality string   `json:"matched_name_quality,omitempty"`
	Score              float64  `json:"score,omitempty"`
	Programs           []string `json:"programs,omitempty"`
	// CSLList is the CSL sub-list (EL, MEU, DPL...).
	CSLList            string   `json:"csl_list,omitempty"`
	LicenseRequirement string   `json:"license_requirement,omitempty"`
	AlsoListed         []string `json:"also_listed,omitempty"`
	// Relation is the kind and name of a linked party.
	Relation string `json:"relation,omitempty"`

	// Counterparty in the system of record, and the alert and
	// disposition that blocked it or that are open on it.
	CounterpartyID string `json:"counterparty_id,omitempty"`
	AlertID        int64  `json:"alert_id,omitempty"`
	DispositionID  int64  `json:"disposition_id,omitempty"`
	DecidedBy      string `json:"decided_by,omitempty"`
	ApprovedBy     string `json:"approved_by,omitempty"`
	BlockedAt      string `json:"blocked_at,omitempty"`

	// Goods list entry.
	HS6         string `json:"hs6,omitempty"`
	CodeList    string `json:"code_list,omitempty"`
	Tier        string `json:"tier,omitempty"`
	CodeListVer string `json:"code_list_version,omitempty"`
	Component   string `json:"component,omitempty"`
	Pattern     string `json:"pattern,omitempty"`
	License     string `json:"license,omitempty"`

	// Place.
	Country string `json:"country,omitempty"`
	LOCODE  string `json:"locode,omitempty"`
	Port    string `json:"port,omitempty"`
	Region  string `json:"region,omitempty"`
	// FactSource is the source of the route fact and its trust tag.
	FactSource string `json:"fact_source,omitempty"`
	FactTag    string `json:"fact_tag,omitempty"`
}

// Finding is one fired rule.
type Finding struct {
	Rule        string   `json:"rule"`
	RuleVersion string   `json:"rule_version"`
	Severity    Severity `json:"severity"`
	// Incomplete marks findings about missing facts.
	Incomplete bool     `json:"incomplete,omitempty"`
	Reason     string   `json:"reason"`
	Evidence   Evidence `json:"evidence"`
	Source     string   `json:"source"`
	SourceURL  string   `json:"source_url"`
	SourceDate string   `json:"source_date"`
	Weight     int      `json:"weight"`
	// LineIndexes are the indexes (from 0, as in the field paths) of the
	// order lines the finding is about, when it is about lines: a finding
	// is reported once for every line with the same evidence.
	LineIndexes []int `json:"line_indexes,omitempty"`
	// PartyIndexes are the indexes of the parties the finding is about,
	// when it is about parties: one party in several roles, or several
	// parties with the same evidence, give one finding.
	PartyIndexes []int `json:"party_indexes,omitempty"`
}

// Report is the outcome of checking one order.
type Report struct {
	OrderID  string   `json:"order_id"`
	Decision Decision `json:"decision"`
	// RiskScore is 0-100 in the band of the decision: clear below the
	// rules' review_score (40), review up to block_score-1 (69), block from
	// block_score (70). Within the band it is the sum of the findings'
	// weights (half a rule's weight at its weak severity).
	RiskScore int       `json:"risk_score"`
	Findings  []Finding `json:"findings"`
	// ListVersions maps each list used (sanctions sources, CHPL, Supp. 7)
	// to its version.
	ListVersions map[string]string `json:"list_versions"`
	RulesVersion string            `json:"rules_version"`
	RulesFile    string            `json:"rules_file"`
	CheckedAt    string            `json:"checked_at"`
	Caveats      []string          `json:"caveats"`
	// Warnings name the lists screened against that are excerpts, stale
	// or failed their last update: the decision is only as good as them.
	Warnings []lists.Warning `json:"warnings"`
}

// Counts returns the number of findings by severity.
func (r *Report) Counts() map[Severity]int {
	m := make(map[Severity]int)
	for _, f := range r.Findings {
		m[f.Severity]++
	}
	return m
}

// WriteText writes the report for a person to read: the decision first,
// then the findings, strongest first, each with its evidence and source.
func (r *Report) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }
	p("Order %s: %s (risk score %d/100)\n", r.OrderID, strings.ToUpper(string(r.Decision)), r.RiskScore)
	c := r.Counts()
	p("Findings: %d block, %d review, %d info\n", c[Block], c[Review], c[Info])
	for i, f := range r.Findings {
		tag := ""
		if f.Incomplete {
			tag = " [incomplete]"
		}
		p("\n%d. [%s]%s %s\n", i+1, strings.ToUpper(string(f.Severity)), tag, f.Reason)
		p("   rule:     %s (version %s)\n", f.Rule, f.RuleVersion)
		p("   evidence: %s\n", f.Evidence.summary())
		p("   source:   %s (%s) %s\n", f.Source, f.SourceDate, f.SourceURL)
	}
	if len(r.ListVersions) > 0 {
		p("\nLists used:\n")
		keys := make([]string, 0, len(r.ListVersions))
		for k := range r.ListVersions {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p("  %-28s %s\n", k, r.ListVersions[k])
		}
	}
	for _, w := range r.Warnings {
		p("warning: %s\n", w)
	}
	p("Rules: %s (version %s)\n", r.RulesFile, r.RulesVersion)
	for _, cv := range r.Caveats {
		p("\nNote: %s\n", cv)
	}
	return bw.Flush()
}

// summary renders the evidence on one line.
func (e Evidence) summary() string {
	var parts []string
	add := func(k, v string) {
		if v != "" {
			parts = append(parts, k+"="+v)
		}
	}
	f := e.Where
	if f == "" {
		f = e.Field
	}
	if e.Value != "" {
		f += fmt.Sprintf(" %q", e.Value)
	}
	parts = append(parts, f)
	add("entry", e.EntityID)
	add("listed_name", e.ListedName)
	if e.MatchedName != "" && e.MatchedName != e.ListedName {
		add("matched", e.MatchedName+" ("+e.MatchedNameQuality+")")
	}
	if e.Score > 0 {
		add("score", fmt.Sprintf("%.2f", e.Score))
	}
	add("list_version", e.ListVersion)
	add("programs", strings.Join(e.Programs, ","))
	add("csl_list", e.CSLList)
	add("license_requirement", e.LicenseRequirement)
	add("also_listed", strings.Join(e.AlsoListed, ","))
	add("relation", e.Relation)
	add("hs6", e.HS6)
	add("list", e.CodeList)
	add("tier", e.Tier)
	add("list_version", e.CodeListVer)
	add("component", e.Component)
	add("pattern", e.Pattern)
	add("licence", e.License)
	add("country", e.Country)
	add("locode", e.LOCODE)
	add("port", e.Port)
	add("region", e.Region)
	if e.FactSource != "" {
		add("fact", e.FactSource+" ["+e.FactTag+"]")
	}
	return strings.Join(parts, "; ")
}
