package review

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/match"
	"github.com/chokepoint-dev/chokepoint/internal/orders"
	"github.com/chokepoint-dev/chokepoint/internal/store"
)

// Screener is the engine as the workflow uses it; *match.Engine is one.
type Screener interface {
	Screen(q match.Query, opt match.Options) ([]match.Match, error)
	Entity(id string) (*entity.Entity, bool)
	Datasets() []*entity.Dataset
}

// Screening causes.
const (
	CauseCreate   = "create"
	CauseChange   = "change"
	CauseOnDemand = "on_demand"
	CauseOrder    = "order"
	CauseAPI      = "api"
)

// Outcome of recording: the screening as stored and the alert it opened
// or joined (zero ID if none).
type Outcome struct {
	Screening store.Screening `json:"screening"`
	Alert     store.Alert     `json:"alert,omitzero"`
}

// QueryOf is the screening query for a counterparty's primary name; its
// aliases are screened as further queries with the same particulars.
func QueryOf(c store.Counterparty) match.Query {
	q := match.Query{ID: c.ExternalID, Name: c.Name, Country: c.Country, DOB: c.DOB}
	switch c.Type {
	case "person":
		q.Type = entity.Person
	case "organisation":
		q.Type = entity.Organization
	case "vessel":
		q.Type = entity.Vessel
	case "aircraft":
		q.Type = entity.Aircraft
	}
	for _, id := range c.Identifiers {
		if len(q.IDs) < match.MaxIDs && len(id.Value) <= match.MaxIDLen {
			q.IDs = append(q.IDs, id.Value)
		}
	}
	return q
}

// ScreenCounterparty screens the newest version of a stored counterparty,
// under its name and every alias, records the screening and opens or
// joins its alert.
func (s *Service) ScreenCounterparty(ctx context.Context, actor store.Actor, reason string, eng Screener, externalID, cause string) (Outcome, error) {
	if err := allow(actor, OpScreen); err != nil {
		return Outcome{}, err
	}
	cv, err := s.store.Counterparty(ctx, externalID)
	if err != nil {
		return Outcome{}, err
	}
	sc, err := s.screenVersion(eng, cv, cause)
	if err != nil {
		return Outcome{}, err
	}
	return s.record(ctx, actor, reason, sc, &cv, nil)
}

// PrepareCounterparty screens a counterparty version without recording
// it, so that a bulk run can screen in parallel and record in batches.
func (s *Service) PrepareCounterparty(eng Screener, cv store.CounterpartyVersion, cause string) (store.Screening, error) {
	return s.screenVersion(eng, cv, cause)
}

// RecordBatch records prepared screenings of counterparties in one
// transaction; versions[i] is the counterparty version screens[i] read.
func (s *Service) RecordBatch(ctx context.Context, actor store.Actor, reason string, screens []store.Screening, versions []store.CounterpartyVersion) ([]Outcome, error) {
	if err := allow(actor, OpScreen); err != nil {
		return nil, err
	}
	out := make([]Outcome, len(screens))
	err := s.store.Write(ctx, actor, reason, func(tx *store.Tx) error {
		for i := range screens {
			sc := screens[i]
			sc.Hits = slices.Clone(sc.Hits)
			o, err := s.recordTx(ctx, tx, sc, &versions[i], nil)
			if err != nil {
				return err
			}
			out[i] = o
		}
		return nil
	})
	return out, err
}

func (s *Service) screenVersion(eng Screener, cv store.CounterpartyVersion, cause string) (store.Screening, error) {
	q := QueryOf(cv.Counterparty)
	opt := match.Options{Threshold: s.cfg.Threshold, Limit: 20}
	best := map[string]match.Match{}
	var order []string
	for _, name := range append([]string{cv.Name}, cv.Aliases...) {
		q.Name = name
		ms, err := eng.Screen(q, opt)
		if err != nil {
			return store.Screening{}, fmt.Errorf("screen counterparty %s (%q): %w", cv.ExternalID, name, err)
		}
		for _, m := range ms {
			old, seen := best[m.EntityID]
			if !seen {
				order = append(order, m.EntityID)
			}
			if !seen || m.Score > old.Score {
				best[m.EntityID] = m
			}
		}
	}
	q.Name = cv.Name
	input, err := json.Marshal(struct {
		Counterparty store.Counterparty `json:"counterparty"`
		Version      int                `json:"version"`
		ContentHash  string             `json:"content_hash"`
		Query        match.Query        `json:"query"`
	}{cv.Counterparty, cv.Version, cv.ContentHash, q})
	if err != nil {
		return store.Screening{}, err
	}
	sc := store.Screening{
		SubjectKind: "counterparty", SubjectID: cv.ExternalID, SubjectVersion: cv.Version, Cause: cause,
		Input: input, ListVersions: listVersions(eng), EngineVersion: s.cfg.EngineVersion, Threshold: opt.Threshold,
	}
	for _, id := range order {
		h, err := s.hitOf(eng, best[id])
		if err != nil {
			return store.Screening{}, fmt.Errorf("screen counterparty %s: %w", cv.ExternalID, err)
		}
		sc.Hits = append(sc.Hits, h)
	}
	slices.SortStableFunc(sc.Hits, func(a, b store.Hit) int {
		switch {
		case a.Score > b.Score:
			return -1
		case a.Score < b.Score:
			return 1
		}
		return 0
	})
	return sc, nil
}

// addReferent adds the entry id of the same party on another list to h,
// with its content as it stands, so that a suppression can tell later
// which of the party's entries changed.
func addReferent(eng Screener, h *store.Hit, id string) error {
	e, ok := eng.Entity(id)
	if !ok {
		return fmt.Errorf("hit %s: also-listed entry %s not in the engine", h.EntityID, id)
	}
	content, hash := e.HashedCanonical()
	h.Referents = append(h.Referents, id)
	h.ReferentHashes = append(h.ReferentHashes, hash)
	h.ReferentEntries = append(h.ReferentEntries, content)
	return nil
}

func listVersions(eng Screener) map[string]string {
	out := map[string]string{}
	for _, d := range eng.Datasets() {
		out[d.Source] = d.Version
	}
	return out
}

// hitDetail is what a hit keeps of the engine's reasons beyond the
// explanation.
type hitDetail struct {
	Type               entity.Type       `json:"type,omitempty"`
	MatchedNameKind    entity.NameKind   `json:"matched_name_kind,omitempty"`
	MatchedNameQuality entity.Quality    `json:"matched_name_quality,omitempty"`
	Programs           []string          `json:"programs,omitempty"`
	Factors            []match.Factor    `json:"factors,omitempty"`
	Tokens             []match.TokenPair `json:"aligned_tokens,omitempty"`
	AlsoListed         []match.SourceRef `json:"also_listed,omitempty"`
}

func (s *Service) hitOf(eng Screener, m match.Match) (store.Hit, error) {
	e := m.Entity
	if e == nil {
		var ok bool
		if e, ok = eng.Entity(m.EntityID); !ok {
			return store.Hit{}, fmt.Errorf("hit %s: listed entry not in the engine", m.EntityID)
		}
	}
	content, hash := e.HashedCanonical()
	detail, err := json.Marshal(hitDetail{m.Type, m.MatchedNameKind, m.MatchedNameQuality, m.Programs, m.Factors, m.Tokens, m.AlsoListed})
	if err != nil {
		return store.Hit{}, err
	}
	sources := []string{m.Source}
	h := store.Hit{EntityID: m.EntityID, Source: m.Source, ListVersion: m.ListVersion, EntryHash: hash, Entry: content}
	for _, r := range m.AlsoListed {
		if err := addReferent(eng, &h, r.EntityID); err != nil {
			return store.Hit{}, err
		}
		sources = append(sources, r.Source)
	}
	blocking := s.cfg.blocking(sources...)
	return store.Hit{
		EntityID: m.EntityID, Source: m.Source, ListVersion: m.ListVersion, EntryHash: hash, Entry: content,
		Referents: h.Referents, ReferentHashes: h.ReferentHashes, ReferentEntries: h.ReferentEntries, Name: m.Name, MatchedName: m.MatchedName, Score: m.Score, Explanation: m.Explanation,
		Detail: detail, Priority: s.cfg.HitPriority(m.Score, blocking, m.Programs), Blocking: blocking,
	}, nil
}

// RecordOrder records an order check: the order as checked, the rules
// and list versions, the decision, and each list entry a finding names as
// a hit. A review or block decision opens or joins the order's alert.
func (s *Service) RecordOrder(ctx context.Context, actor store.Actor, reason string, eng Screener, o *orders.Order, r *orders.Report) (Outcome, error) {
	if err := allow(actor, OpScreen); err != nil {
		return Outcome{}, err
	}
	input, err := json.Marshal(o)
	if err != nil {
		return Outcome{}, err
	}
	sc, err := s.orderScreening(eng, "order", r.OrderID, CauseOrder, input, r)
	if err != nil {
		return Outcome{}, err
	}
	return s.record(ctx, actor, reason, sc, nil, r)
}

// orderScreening is the screening of an order check (or of a document
// checked as one): the rules and list versions, the decision, and each
// list entry a finding names as a hit.
func (s *Service) orderScreening(eng Screener, kind, id, cause string, input json.RawMessage, r *orders.Report) (store.Screening, error) {
	sc := store.Screening{
		SubjectKind: kind, SubjectID: id, Cause: cause, Input: input, ListVersions: r.ListVersions,
		EngineVersion: s.cfg.EngineVersion, RulesVersion: r.RulesVersion, Threshold: s.cfg.Threshold,
		Decision: string(r.Decision),
	}
	seen := map[string]bool{}
	for _, f := range r.Findings {
		ev := f.Evidence
		if ev.EntityID == "" || seen[ev.EntityID] {
			continue
		}
		seen[ev.EntityID] = true
		e, ok := eng.Entity(ev.EntityID)
		if !ok {
			return store.Screening{}, fmt.Errorf("order %s: finding %s names %s, which the engine does not hold", r.OrderID, f.Rule, ev.EntityID)
		}
		content, hash := e.HashedCanonical()
		detail, _ := json.Marshal(map[string]any{"rule": f.Rule, "rule_version": f.RuleVersion, "severity": f.Severity,
			"field": ev.Field, "value": ev.Value, "programs": ev.Programs, "csl_list": ev.CSLList})
		blocking := s.cfg.blocking(append([]string{ev.ListSource}, sourcesOf(ev.AlsoListed)...)...)
		h := store.Hit{EntityID: ev.EntityID}
		for _, id := range ev.AlsoListed {
			if err := addReferent(eng, &h, id); err != nil {
				return store.Screening{}, fmt.Errorf("order %s: %w", r.OrderID, err)
			}
		}
		sc.Hits = append(sc.Hits, store.Hit{
			EntityID: ev.EntityID, Source: ev.ListSource, ListVersion: ev.ListVersion, EntryHash: hash, Entry: content,
			Referents: h.Referents, ReferentHashes: h.ReferentHashes, ReferentEntries: h.ReferentEntries, Name: ev.ListedName, MatchedName: ev.MatchedName, Score: ev.Score,
			Explanation: f.Reason, Detail: detail, Priority: s.cfg.HitPriority(ev.Score, blocking, ev.Programs), Blocking: blocking,
		})
	}
	return sc, nil
}

func sourcesOf(ids []string) []string {
	var out []string
	for _, id := range ids {
		if src, _, ok := strings.Cut(id, ":"); ok {
			out = append(out, src)
		}
	}
	return out
}

// record stores sc in its own transaction.
func (s *Service) record(ctx context.Context, actor store.Actor, reason string, sc store.Screening, cv *store.CounterpartyVersion, r *orders.Report) (Outcome, error) {
	var out Outcome
	err := s.store.Write(ctx, actor, reason, func(tx *store.Tx) error {
		// A retried transaction starts again from the screening as given.
		sc := sc
		sc.Hits = slices.Clone(sc.Hits)
		var err error
		out, err = s.recordTx(ctx, tx, sc, cv, r)
		return err
	})
	return out, err
}

// recordTx decides each hit's fate (below the threshold, suppressed, or
// alerting, perhaps because its suppression lapsed), opens or joins the
// subject's alert, and stores the screening.
func (s *Service) recordTx(ctx context.Context, tx *store.Tx, sc store.Screening, cv *store.CounterpartyVersion, r *orders.Report) (Outcome, error) {
	orderAlert := r != nil && (r.Decision == orders.DecisionReview || r.Decision == orders.DecisionBlock)
	var alerting []int
	for i := range sc.Hits {
		h := &sc.Hits[i]
		// An order's hits come from its findings and alert with its
		// decision: a cleared order alerts nobody.
		if (r == nil && h.Score < sc.Threshold) || (r != nil && !orderAlert) {
			h.State = store.HitBelowThreshold
			continue
		}
		alerting = append(alerting, i)
	}
	if cv != nil && len(alerting) > 0 {
		var err error
		if alerting, err = s.applySuppressions(ctx, tx, &sc, alerting, cv); err != nil {
			return Outcome{}, err
		}
	}
	if len(alerting) == 0 && !orderAlert {
		return Outcome{Screening: sc}, tx.RecordScreening(ctx, &sc)
	}
	prio := Low
	if r != nil {
		prio = map[orders.Decision]int{orders.DecisionBlock: Critical, orders.DecisionReview: Medium}[r.Decision]
		if prio == 0 {
			prio = Low
		}
	}
	for _, i := range alerting {
		prio = min(prio, sc.Hits[i].Priority)
	}
	a, ok, err := tx.OpenAlert(ctx, sc.SubjectKind, sc.SubjectID)
	if err != nil {
		return Outcome{}, err
	}
	now := s.now()
	if !ok {
		a = store.Alert{SubjectKind: sc.SubjectKind, SubjectID: sc.SubjectID, Priority: prio, DueAt: now.Add(s.cfg.SLA[prio])}
		if err := tx.CreateAlert(ctx, &a); err != nil {
			return Outcome{}, err
		}
	} else {
		held, err := tx.AlertHits(ctx, a.ID)
		if err != nil {
			return Outcome{}, err
		}
		for _, i := range alerting {
			h := &sc.Hits[i]
			if h.Reopened == nil && slices.ContainsFunc(held, func(o store.Hit) bool {
				return o.EntityID == h.EntityID && o.EntryHash == h.EntryHash
			}) {
				h.State = store.HitInAlert
			}
		}
		if prio < a.Priority {
			after := a
			after.Priority = prio
			if due := now.Add(s.cfg.SLA[prio]); due.Before(after.DueAt) {
				after.DueAt = due
			}
			if err := tx.SaveAlert(ctx, a, &after, "reprioritise"); err != nil {
				return Outcome{}, err
			}
			a = after
		}
	}
	for _, i := range alerting {
		h := &sc.Hits[i]
		h.AlertID = a.ID
		if h.State == "" {
			h.State = store.HitAlerted
		}
	}
	sc.AlertID = a.ID
	if err := tx.RecordScreening(ctx, &sc); err != nil {
		return Outcome{}, err
	}
	return Outcome{Screening: sc, Alert: a}, nil
}

// reopening checks h against a suppression that covers it and returns
// why it no longer holds, if it does not: it expired, an entry of the
// party it was decided on changed (or the party gained an entry), or the
// counterparty changed since. No reasons means it holds.
func (s *Service) reopening(ctx context.Context, tx *store.Tx, h *store.Hit, sp store.Suppression, cv *store.CounterpartyVersion) (Reopening, error) {
	re := Reopening{SuppressionID: sp.ID, DecidedBy: sp.CreatedBy, ApprovedBy: sp.ApprovedBy, SuppressedAt: sp.CreatedAt}
	if !s.now().Before(sp.ExpiresAt) {
		re.Reasons = append(re.Reasons, fmt.Sprintf("the suppression expired on %s", sp.ExpiresAt.Format("2006-01-02")))
	}
	ids := append([]string{h.EntityID}, h.Referents...)
	hashes := append([]string{h.EntryHash}, h.ReferentHashes...)
	contents := append([]json.RawMessage{h.Entry}, h.ReferentEntries...)
	for i, id := range ids {
		old, known := sp.Keys[id]
		switch {
		case !known:
			re.Reasons = append(re.Reasons, fmt.Sprintf("the party is now also listed as %s", id))
			re.Changes = append(re.Changes, Change{Field: "entry[" + id + "]", After: contents[i]})
		case old != hashes[i]:
			before, err := tx.ListEntry(ctx, old)
			if err != nil {
				return re, err
			}
			re.Reasons = append(re.Reasons, fmt.Sprintf("the listed entry %s changed", id))
			re.Changes = append(re.Changes, Diff("entry", before, contents[i])...)
		}
	}
	if cv.ContentHash != sp.CounterpartyHash {
		old, err := tx.CounterpartyVersion(ctx, cv.ExternalID, sp.CounterpartyVersion)
		if err != nil {
			return re, err
		}
		re.Reasons = append(re.Reasons, fmt.Sprintf("the counterparty changed (version %d, suppressed on version %d)", cv.Version, sp.CounterpartyVersion))
		oldJSON, _ := json.Marshal(old.Counterparty)
		newJSON, _ := json.Marshal(cv.Counterparty)
		re.Changes = append(re.Changes, Diff("counterparty", oldJSON, newJSON)...)
	}
	return re, nil
}

// applySuppressions decides which of the hits (indexes into sc.Hits) an
// active suppression still holds, and returns the others. A suppression
// that lapses for one hit lapses for every hit it covers, and ends once.
func (s *Service) applySuppressions(ctx context.Context, tx *store.Tx, sc *store.Screening, idx []int, cv *store.CounterpartyVersion) ([]int, error) {
	type covered struct {
		i  int
		sp store.Suppression
		re Reopening
	}
	var cov []covered
	var alerting []int
	lapsed := map[int64][]string{}
	var order []store.Suppression
	for _, i := range idx {
		h := &sc.Hits[i]
		sups, err := tx.ActiveSuppressions(ctx, cv.ExternalID, append([]string{h.EntityID}, h.Referents...))
		if err != nil {
			return nil, err
		}
		if len(sups) == 0 {
			alerting = append(alerting, i)
			continue
		}
		re, err := s.reopening(ctx, tx, h, sups[0], cv)
		if err != nil {
			return nil, err
		}
		if len(re.Reasons) > 0 {
			if _, seen := lapsed[sups[0].ID]; !seen {
				order = append(order, sups[0])
			}
			lapsed[sups[0].ID] = append(lapsed[sups[0].ID], re.Reasons...)
		}
		cov = append(cov, covered{i, sups[0], re})
	}
	for _, c := range cov {
		h := &sc.Hits[c.i]
		h.SuppressionID = c.sp.ID
		if _, ok := lapsed[c.sp.ID]; !ok {
			h.State = store.HitSuppressed
			continue
		}
		if len(c.re.Reasons) == 0 {
			c.re.Reasons = []string{"the suppression lapsed for another entry of the party: " + strings.Join(lapsed[c.sp.ID], "; ")}
		}
		var err error
		if h.Reopened, err = json.Marshal(c.re); err != nil {
			return nil, err
		}
		alerting = append(alerting, c.i)
	}
	for _, sp := range order {
		if err := tx.EndSuppression(ctx, sp, store.SuppressionLapsed, strings.Join(slices.Compact(lapsed[sp.ID]), "; ")); err != nil {
			return nil, err
		}
	}
	slices.Sort(alerting)
	return alerting, nil
}

// Reopening says why a suppressed hit alerts again.
type Reopening struct {
	SuppressionID int64     `json:"suppression_id"`
	Reasons       []string  `json:"reasons"`
	Changes       []Change  `json:"changes,omitempty"`
	DecidedBy     string    `json:"decided_by"`
	ApprovedBy    string    `json:"approved_by"`
	SuppressedAt  time.Time `json:"suppressed_at"`
}

// RecordQueries records API screenings of parties the caller names by
// their own id (POST /v1/screen with "record": true): each query with its
// results becomes a screening of subject kind query, and its hits at or
// above the threshold open or join an alert for that id. All are
// recorded in one transaction: the response says recorded only if all
// were.
func (s *Service) RecordQueries(ctx context.Context, actor store.Actor, reason string, eng Screener, qs []match.Query, results [][]match.Match, threshold float64) ([]Outcome, error) {
	if err := allow(actor, OpScreen); err != nil {
		return nil, err
	}
	if len(qs) != len(results) {
		return nil, fmt.Errorf("record queries: %d queries, %d results", len(qs), len(results))
	}
	versions := listVersions(eng)
	scs := make([]store.Screening, len(qs))
	for i, q := range qs {
		if strings.TrimSpace(q.ID) == "" {
			return nil, &InputError{Field: fmt.Sprintf("queries[%d].id", i), Msg: "required when recording: the id names the party the alert is about"}
		}
		input, err := json.Marshal(q)
		if err != nil {
			return nil, err
		}
		sc := store.Screening{SubjectKind: "query", SubjectID: q.ID, Cause: CauseAPI, Input: input,
			ListVersions: versions, EngineVersion: s.cfg.EngineVersion, Threshold: threshold}
		for _, m := range results[i] {
			h, err := s.hitOf(eng, m)
			if err != nil {
				return nil, err
			}
			sc.Hits = append(sc.Hits, h)
		}
		scs[i] = sc
	}
	out := make([]Outcome, len(qs))
	err := s.store.Write(ctx, actor, reason, func(tx *store.Tx) error {
		for i := range scs {
			sc := scs[i]
			sc.Hits = slices.Clone(sc.Hits)
			o, err := s.recordTx(ctx, tx, sc, nil, nil)
			if err != nil {
				return err
			}
			out[i] = o
		}
		return nil
	})
	return out, err
}
