package orders

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

//go:embed rules.yaml
var defaultRules []byte

// Severity is the outcome a finding asks for.
type Severity string

// Severities, weakest first.
const (
	Info   Severity = "info"
	Review Severity = "review"
	Block  Severity = "block"
)

func (s Severity) rank() int {
	switch s {
	case Block:
		return 2
	case Review:
		return 1
	}
	return 0
}

// Rule ids. Each is one entry of rules.yaml.
const (
	RulePartySanctions      = "party.sanctions_match"
	RulePartyNearMatch      = "party.near_match"
	RulePartyExport         = "party.export_restriction"
	RulePartyLinked         = "party.linked_entity"
	RuleSupp7               = "goods.supp7_licence"
	RuleCHPLTransshipment   = "goods.chpl_transshipment"
	RuleComponentKeyword    = "goods.component_keyword"
	RuleHSUnlisted          = "goods.hs_unlisted"
	RuleNoEndUse            = "goods.no_end_use"
	RuleEmbargoed           = "route.embargoed"
	RuleOccupied            = "route.occupied_region"
	RuleTransshipment       = "route.transshipment"
	RuleCaspian             = "route.caspian_port"
	RulePortUnknown         = "route.port_unknown"
	RuleVessel              = "route.vessel_listed"
	RuleIntermediary        = "redflag.intermediary_consignee"
	RuleCountryMismatch     = "redflag.country_mismatch"
	RuleNewParty            = "redflag.new_party"
	RuleCounterpartyBlocked = "party.counterparty_blocked"
	RuleCounterpartyAlert   = "party.counterparty_alert"
	RuleCounterpartyUnknown = "incomplete.counterparty_unknown"
	RuleNoEndUser           = "incomplete.no_end_user"
	RulePartyCountry        = "incomplete.party_country"
	RuleHSMissing           = "incomplete.hs_missing"
	RuleNoLists             = "incomplete.no_lists"
	RuleScoreAccumulated    = "score.accumulated"
	defaultCSLListSeverity  = Review
)

// RuleIDs returns every rule id the checker knows, sorted.
func RuleIDs() []string {
	ids := []string{RulePartySanctions, RulePartyNearMatch, RulePartyExport, RulePartyLinked, RuleSupp7, RuleCHPLTransshipment,
		RuleComponentKeyword, RuleHSUnlisted, RuleNoEndUse, RuleEmbargoed, RuleOccupied, RuleTransshipment, RuleCaspian, RulePortUnknown, RuleVessel,
		RuleIntermediary, RuleCountryMismatch, RuleNewParty, RuleNoEndUser, RulePartyCountry, RuleHSMissing, RuleNoLists, RuleScoreAccumulated,
		RuleCounterpartyBlocked, RuleCounterpartyAlert, RuleCounterpartyUnknown}
	sort.Strings(ids)
	return ids
}

// Rule is one versioned rule of the rules file.
type Rule struct {
	ID           string   `yaml:"-" json:"id"`
	Version      string   `yaml:"version" json:"version"`
	Title        string   `yaml:"title" json:"title"`
	Severity     Severity `yaml:"severity" json:"severity"`
	WeakSeverity Severity `yaml:"weak_severity,omitempty" json:"weak_severity,omitempty"`
	Weight       int      `yaml:"weight" json:"weight"`
	Source       string   `yaml:"source" json:"source"`
	SourceURL    string   `yaml:"source_url" json:"source_url"`
	SourceDate   string   `yaml:"source_date" json:"source_date"`
	Rationale    string   `yaml:"rationale" json:"rationale"`
}

// Thresholds are the numbers the rules compare against.
type Thresholds struct {
	PartyMatch   float64 `yaml:"party_match" json:"party_match"`
	PartyReview  float64 `yaml:"party_review" json:"party_review"`
	ReviewScore  int     `yaml:"review_score" json:"review_score"`
	BlockScore   int     `yaml:"block_score" json:"block_score"`
	NewPartyDays int     `yaml:"new_party_days" json:"new_party_days"`
}

// Rules is a loaded rules file.
type Rules struct {
	Version    string              `yaml:"version" json:"version"`
	Thresholds Thresholds          `yaml:"thresholds" json:"thresholds"`
	CSLLists   map[string]Severity `yaml:"csl_lists" json:"csl_lists"`
	Rules      map[string]*Rule    `yaml:"rules" json:"rules"`
	// File is where the rules came from.
	File string `yaml:"-" json:"file"`
}

// Rule returns the rule with the given id. Every known id is present in a
// loaded Rules.
func (r *Rules) Rule(id string) *Rule { return r.Rules[id] }

// DefaultRules returns the embedded rules.yaml. It panics if the embedded
// file is invalid, which the package tests rule out.
func DefaultRules() *Rules {
	r, err := LoadRules(bytes.NewReader(defaultRules), "rules.yaml (embedded)")
	if err != nil {
		panic(fmt.Sprintf("orders: embedded rules: %v", err))
	}
	return r
}

// LoadRules reads a rules file strictly: unknown keys, unknown or missing
// rule ids and bad values are errors naming the key. file names the input
// in errors.
func LoadRules(r io.Reader, file string) (*Rules, error) {
	dec := yaml.NewDecoder(r)
	dec.KnownFields(true)
	var rs Rules
	if err := dec.Decode(&rs); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: empty rules file", file)
		}
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	rs.File = file
	var bad []string
	add := func(key, format string, args ...any) {
		bad = append(bad, key+": "+fmt.Sprintf(format, args...))
	}
	if rs.Version == "" {
		add("version", "required")
	}
	t := rs.Thresholds
	if t.PartyMatch <= 0 || t.PartyMatch > 1 {
		add("thresholds.party_match", "want a score in (0, 1], got %v", t.PartyMatch)
	}
	if t.PartyReview <= 0 || t.PartyReview > t.PartyMatch {
		add("thresholds.party_review", "want a score in (0, party_match], got %v", t.PartyReview)
	}
	if t.ReviewScore <= 0 || t.ReviewScore > 100 {
		add("thresholds.review_score", "want 1-100, got %d", t.ReviewScore)
	}
	if t.BlockScore <= t.ReviewScore || t.BlockScore > 100 {
		add("thresholds.block_score", "want review_score+1 to 100, got %d", t.BlockScore)
	}
	if t.NewPartyDays <= 0 {
		add("thresholds.new_party_days", "want a positive number of days, got %d", t.NewPartyDays)
	}
	for k, s := range rs.CSLLists {
		if s != Block && s != Review && s != Info {
			add("csl_lists."+k, "severity %q, want block, review or info", s)
		}
	}
	known := make(map[string]bool)
	for _, id := range RuleIDs() {
		known[id] = true
		if rs.Rules[id] == nil {
			add("rules."+id, "missing")
		}
	}
	ids := make([]string, 0, len(rs.Rules))
	for id := range rs.Rules {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		rule := rs.Rules[id]
		key := "rules." + id
		if !known[id] {
			add(key, "unknown rule id")
			continue
		}
		if rule == nil {
			continue
		}
		rule.ID = id
		if rule.Version == "" {
			add(key+".version", "required")
		}
		if rule.Title == "" {
			add(key+".title", "required")
		}
		if rule.Severity != Block && rule.Severity != Review && rule.Severity != Info {
			add(key+".severity", "%q, want block, review or info", rule.Severity)
		}
		if rule.WeakSeverity != "" && rule.WeakSeverity.rank() >= rule.Severity.rank() && rule.WeakSeverity != Info {
			add(key+".weak_severity", "%q is not weaker than severity %q", rule.WeakSeverity, rule.Severity)
		}
		if rule.WeakSeverity != "" && rule.WeakSeverity != Review && rule.WeakSeverity != Info {
			add(key+".weak_severity", "%q, want review or info", rule.WeakSeverity)
		}
		if rule.Weight < 0 || rule.Weight > 100 {
			add(key+".weight", "want 0-100, got %d", rule.Weight)
		}
		if rule.Source == "" {
			add(key+".source", "required")
		}
		if !strings.HasPrefix(rule.SourceURL, "https://") && !strings.HasPrefix(rule.SourceURL, "http://") {
			add(key+".source_url", "want an http(s) URL, got %q", rule.SourceURL)
		}
		if len(rule.SourceDate) != 10 {
			add(key+".source_date", "want YYYY-MM-DD, got %q", rule.SourceDate)
		}
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("%s: invalid rules: %s", file, strings.Join(bad, "; "))
	}
	return &rs, nil
}
