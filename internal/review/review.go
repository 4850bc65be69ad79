// Package review holds the rules of the compliance workflow: which
// screenings open alerts, how urgent an alert is and by when it is due,
// who may decide, approve, escalate, close and suppress, which decisions
// four eyes must see, and when a suppressed hit comes back. It sits above
// store (which keeps the records and the audit trail) and below api, web
// and the command line, which stay thin over it so that they can never
// disagree.
package review

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/chokepoint-dev/chokepoint/internal/store"
)

// Operation is something a role may or may not do.
type Operation string

// The operations the workflow guards.
const (
	OpRead        Operation = "read"        // see alerts, screenings, suppressions
	OpScreen      Operation = "screen"      // screen and record screenings
	OpAssign      Operation = "assign"      // take or hand over an alert
	OpDisposition Operation = "disposition" // decide a hit
	OpSuppress    Operation = "suppress"    // propose a suppression with a decision
	OpApprove     Operation = "approve"     // second pair of eyes
	OpEscalate    Operation = "escalate"
	OpClose       Operation = "close"
	OpUnblock     Operation = "unblock" // propose lifting a counterparty's block
)

// permissions: analysts decide, reviewers decide and approve (a reviewer's
// own decision still needs another reviewer), auditors only read, an
// integration only screens, admins may do everything.
var permissions = map[store.Role][]Operation{
	store.RoleAdmin:       {OpRead, OpScreen, OpAssign, OpDisposition, OpSuppress, OpApprove, OpEscalate, OpClose, OpUnblock},
	store.RoleAnalyst:     {OpRead, OpScreen, OpAssign, OpDisposition, OpSuppress, OpEscalate, OpClose, OpUnblock},
	store.RoleReviewer:    {OpRead, OpScreen, OpAssign, OpDisposition, OpSuppress, OpApprove, OpEscalate, OpClose, OpUnblock},
	store.RoleAuditor:     {OpRead},
	store.RoleIntegration: {OpScreen},
}

// Allowed reports whether role may do op.
func Allowed(role store.Role, op Operation) bool {
	return slices.Contains(permissions[role], op)
}

// ForbiddenError is an operation the actor's role does not allow.
type ForbiddenError struct {
	Actor string
	Role  string
	Op    Operation
}

func (e *ForbiddenError) Error() string {
	return fmt.Sprintf("%s (role %s) may not %s", e.Actor, e.Role, e.Op)
}

func allow(a store.Actor, op Operation) error {
	if !Allowed(store.Role(a.Role), op) {
		return &ForbiddenError{Actor: a.Name, Role: a.Role, Op: op}
	}
	return nil
}

// Errors callers map to answers (the API: 409 and 422).
var (
	// ErrClosed is a change to a closed alert.
	ErrClosed = errors.New("the alert is closed")
	// ErrOwnDecision is an approval of one's own decision.
	ErrOwnDecision = errors.New("nobody approves their own decision")
	// ErrNotReady is a close of an alert with hits still undecided,
	// unsure or awaiting approval.
	ErrNotReady = errors.New("the alert has hits without a final decision")
)

// InputError is a bad value in a named field of a request.
type InputError struct {
	Field string
	Msg   string
}

func (e *InputError) Error() string { return e.Field + ": " + e.Msg }

// Verdicts of a disposition.
const (
	TrueMatch     = "true_match"
	FalsePositive = "false_positive"
	Unsure        = "unsure"
)

// Priorities, most urgent first.
const (
	Critical = 1
	High     = 2
	Medium   = 3
	Low      = 4
)

// PriorityNames are the names of priorities 1 to 4.
var PriorityNames = [...]string{"", "critical", "high", "medium", "low"}

// ParsePriority reads a priority name or number.
func ParsePriority(s string) (int, error) {
	for i, n := range PriorityNames {
		if i > 0 && (s == n || s == fmt.Sprint(i)) {
			return i, nil
		}
	}
	return 0, &InputError{"priority", fmt.Sprintf("%q: want critical, high, medium or low", s)}
}

// Config is the workflow's settings.
type Config struct {
	// Threshold is the score from which a hit alerts.
	Threshold float64
	// SLA is the time to decide an alert, by priority (index 1 to 4).
	SLA [5]time.Duration
	// ReasonCodes are the reasons a disposition may give.
	ReasonCodes []string
	// BlockingSources are the lists whose listing freezes assets or bars
	// dealing outright: clearing a hit on them takes four eyes, and a true
	// match blocks the counterparty.
	BlockingSources []string
	// HighRiskPrograms are programme codes (matched as upper-case
	// substrings) that raise a hit's priority wherever it is listed.
	HighRiskPrograms []string
	// StrongScore is the score from which a hit counts as a near-certain
	// name match for priority.
	StrongScore float64
	// SuppressionTTL is how long a suppression lasts unless a decision
	// says otherwise.
	SuppressionTTL time.Duration
	// EngineVersion names the build that screened, for the record.
	EngineVersion string
}

// DefaultReasonCodes are the reason codes of a disposition.
var DefaultReasonCodes = []string{
	"different_dob", "different_nationality", "different_entity_type", "different_identifier",
	"partial_name", "common_name", "confirmed_identity", "other",
}

// DefaultConfig returns the defaults: a day for a critical alert, two for
// high, five for medium and ten for low; suppressions for twelve months.
func DefaultConfig() Config {
	day := 24 * time.Hour
	return Config{
		Threshold:        0.80,
		SLA:              [5]time.Duration{0, day, 2 * day, 5 * day, 10 * day},
		ReasonCodes:      slices.Clone(DefaultReasonCodes),
		BlockingSources:  []string{"us_ofac_sdn", "un_sc", "eu_fsf", "gb_fcdo"},
		HighRiskPrograms: []string{"IRAN", "UAV", "DRONE", "NPWMD", "WMD", "DPRK", "SDGT", "TERROR", "IRGC"},
		StrongScore:      0.95,
		SuppressionTTL:   365 * day,
		EngineVersion:    "unknown",
	}
}

// With overrides c's SLA from sla ("critical=24h,low=240h"; priorities
// not named keep theirs) and its reason codes from codes
// (comma-separated); empty strings change nothing. Errors name the
// variables these come from, CHOKEPOINT_ALERT_SLA and
// CHOKEPOINT_REASON_CODES.
func (c Config) With(sla, codes string) (Config, error) {
	if sla != "" {
		for _, part := range strings.Split(sla, ",") {
			name, dur, ok := strings.Cut(strings.TrimSpace(part), "=")
			p, err := ParsePriority(name)
			if !ok || err != nil {
				return c, fmt.Errorf("CHOKEPOINT_ALERT_SLA: %q: want PRIORITY=DURATION, e.g. critical=24h", part)
			}
			d, err := time.ParseDuration(dur)
			if err != nil || d <= 0 {
				return c, fmt.Errorf("CHOKEPOINT_ALERT_SLA: %q: want a positive duration such as 48h", part)
			}
			c.SLA[p] = d
		}
	}
	if codes != "" {
		var list []string
		for _, code := range strings.Split(codes, ",") {
			if code = strings.TrimSpace(code); code != "" {
				list = append(list, code)
			}
		}
		if len(list) == 0 {
			return c, errors.New("CHOKEPOINT_REASON_CODES: no codes")
		}
		c.ReasonCodes = list
	}
	return c, nil
}

func (c Config) blocking(sources ...string) bool {
	for _, s := range sources {
		if slices.Contains(c.BlockingSources, s) {
			return true
		}
	}
	return false
}

func (c Config) highRisk(programs []string) bool {
	for _, p := range programs {
		p = strings.ToUpper(p)
		for _, h := range c.HighRiskPrograms {
			if strings.Contains(p, h) {
				return true
			}
		}
	}
	return false
}

// HitPriority ranks a hit: a strong match on a blocking list, or any
// blocking-list match under a high-risk programme, is critical; other
// blocking-list matches and high-risk programmes on other lists are high;
// a strong match on another list is medium; a near match on a sectoral
// or export list is low.
func (c Config) HitPriority(score float64, blocking bool, programs []string) int {
	strong, risky := score >= c.StrongScore, c.highRisk(programs)
	switch {
	case blocking && (strong || risky):
		return Critical
	case blocking || risky:
		return High
	case strong:
		return Medium
	}
	return Low
}

// Service runs the workflow over a store.
type Service struct {
	store *store.Store
	cfg   Config
	now   func() time.Time
	cpCache
}

// New returns the workflow over s with cfg.
func New(s *store.Store, cfg Config) *Service {
	return &Service{store: s, cfg: cfg, now: time.Now}
}

// SetClock replaces the clock, for tests of expiry and due dates.
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// Config returns the settings.
func (s *Service) Config() Config { return s.cfg }
