package review_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/match"
	"github.com/chokepoint-dev/chokepoint/internal/review"
	"github.com/chokepoint-dev/chokepoint/internal/store"
	"github.com/chokepoint-dev/chokepoint/internal/store/storetest"
)

// Entries shaped like real ones: an SDN person under the Iran
// proliferation programme, listed on the EU list too with the same name
// and date of birth (so the engine folds them), and a Russian bank on
// OFAC's sectoral list.
func person(src, id, name, dob string, programs ...string) *entity.Entity {
	d, _ := entity.ParseDate(dob)
	return &entity.Entity{ID: src + ":" + id, Source: src, SourceID: id, Type: entity.Person, Name: name,
		Names:      []entity.Name{{Full: name, Kind: entity.NamePrimary, Quality: entity.Strong}},
		BirthDates: []entity.Date{d}, Nationalities: []string{"IR"}, Programs: programs}
}

func datasets(sdnDOB string) []*entity.Dataset {
	sdn := person("us_ofac_sdn", "9001", "Reza KHALILI", sdnDOB, "IRAN", "NPWMD")
	eu := person("eu_fsf", "EU.77.1", "Reza KHALILI", "1965-03-04", "IRN")
	bank := &entity.Entity{ID: "us_ofac_cons:5001", Source: "us_ofac_cons", SourceID: "5001", Type: entity.Organization,
		Name: "Volgaprombank", Names: []entity.Name{{Full: "Volgaprombank", Kind: entity.NamePrimary, Quality: entity.Strong}},
		Countries: []string{"RU"}, Programs: []string{"UKRAINE-EO13662"}}
	return []*entity.Dataset{
		{Source: "us_ofac_sdn", Version: "2026-12-01-aaaa", Entities: []*entity.Entity{sdn}},
		{Source: "eu_fsf", Version: "2026-12-01-bbbb", Entities: []*entity.Entity{eu}},
		{Source: "us_ofac_cons", Version: "2026-12-01-cccc", Entities: []*entity.Entity{bank}},
	}
}

type fixture struct {
	ctx                                      context.Context
	st                                       *store.Store
	svc                                      *review.Service
	eng                                      *match.Engine
	admin, alice, bob, carol, dave, ian, ops store.Actor
	now                                      time.Time
}

func setup(t *testing.T, b storetest.Backend) *fixture {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, b.DSN)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &fixture{ctx: ctx, st: st, eng: match.New(datasets("1965-03-04")), now: time.Now().UTC()}
	f.svc = review.New(st, review.DefaultConfig())
	f.svc.SetClock(func() time.Time { return f.now })
	ops := store.Operator()
	users := map[string]store.Role{"root": store.RoleAdmin, "alice": store.RoleAnalyst, "bob": store.RoleReviewer,
		"carol": store.RoleReviewer, "dave": store.RoleAuditor, "ian": store.RoleIntegration}
	err = st.Write(ctx, ops, "test users", func(tx *store.Tx) error {
		for name, role := range users {
			if _, err := tx.AddUser(ctx, name, role); err != nil {
				return err
			}
		}
		for _, c := range []store.Counterparty{
			{ExternalID: "C1", Type: "person", Name: "Reza Khalili", Country: "IR", DOB: "1965-03-04"},
			{ExternalID: "C2", Type: "organisation", Name: "Acme Tooling GmbH", Country: "DE"},
			{ExternalID: "C3", Type: "organisation", Name: "Volgaprombank", Country: "RU"},
		} {
			if _, err := tx.PutCounterparty(ctx, c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, ptr := range map[string]*store.Actor{"root": &f.admin, "alice": &f.alice, "bob": &f.bob, "carol": &f.carol, "dave": &f.dave, "ian": &f.ian} {
		if *ptr, err = f.svc.Actor(ctx, name); err != nil {
			t.Fatal(err)
		}
	}
	f.ops = ops
	return f
}

func (f *fixture) screen(t *testing.T, id string) review.Outcome {
	t.Helper()
	out, err := f.svc.ScreenCounterparty(f.ctx, f.ian, "", f.eng, id, review.CauseOnDemand)
	if err != nil {
		t.Fatalf("screen %s: %v", id, err)
	}
	return out
}

func TestRecordedScreeningAndAlerts(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		f := setup(t, b)
		out := f.screen(t, "C1")
		sc, err := f.st.Screening(f.ctx, out.Screening.ID)
		if err != nil {
			t.Fatal(err)
		}
		if sc.SubjectVersion != 1 || sc.ListVersions["us_ofac_sdn"] != "2026-12-01-aaaa" || sc.Threshold != 0.80 || len(sc.Hits) == 0 {
			t.Fatalf("screening not recorded in full: %+v", sc)
		}
		var in struct{ Counterparty store.Counterparty }
		if err := json.Unmarshal(sc.Input, &in); err != nil || in.Counterparty.Name != "Reza Khalili" {
			t.Fatalf("input not recorded: %s (%v)", sc.Input, err)
		}
		h := sc.Hits[0]
		sdn, _ := f.eng.Entity(h.EntityID)
		if h.EntryHash != sdn.ContentHash() || h.Explanation == "" || h.Score < 0.8 || !h.Blocking || h.State != store.HitAlerted {
			t.Fatalf("hit not recorded in full: %+v", h)
		}
		if !slices.Contains(append([]string{h.EntityID}, h.Referents...), "eu_fsf:EU.77.1") {
			t.Fatalf("hit lost the cross-list referent: %+v", h)
		}
		a := out.Alert
		if a.ID == 0 || a.Priority != review.Critical || a.Status != store.AlertOpen {
			t.Fatalf("alert: %+v", a)
		}
		if want := f.now.Add(24 * time.Hour); a.DueAt.Sub(want).Abs() > time.Millisecond {
			t.Fatalf("due %v, want %v", a.DueAt, want)
		}
		// The same hit again joins the open alert without repeating.
		again := f.screen(t, "C1")
		if again.Alert.ID != a.ID || again.Screening.Hits[0].State != store.HitInAlert {
			t.Fatalf("second screening: alert %d, hit state %s", again.Alert.ID, again.Screening.Hits[0].State)
		}
		full, err := f.st.Alert(f.ctx, a.ID)
		if err != nil || len(full.Hits) != 1 {
			t.Fatalf("alert hits %d (%v), want 1", len(full.Hits), err)
		}
		// A clean party records a screening and opens nothing.
		if clean := f.screen(t, "C2"); clean.Alert.ID != 0 {
			t.Fatalf("clean party opened alert %d", clean.Alert.ID)
		}
		// A sectoral-list hit ranks below the SDN one.
		sect := f.screen(t, "C3")
		if sect.Alert.ID == 0 || sect.Alert.Priority <= a.Priority {
			t.Fatalf("sectoral alert %+v should rank below %d", sect.Alert, a.Priority)
		}
		list, err := f.svc.Alerts(f.ctx, f.dave, store.AlertFilter{Open: true})
		if err != nil || len(list) != 2 || list[0].ID != a.ID {
			t.Fatalf("list: %v %v", list, err)
		}
		if list, _ := f.svc.Alerts(f.ctx, f.dave, store.AlertFilter{SubjectID: "C3"}); len(list) != 1 || list[0].ID != sect.Alert.ID {
			t.Fatalf("filter by counterparty: %v", list)
		}
		if _, err := f.svc.Alerts(f.ctx, f.ian, store.AlertFilter{}); !isForbidden(err) {
			t.Fatalf("integration listed alerts: %v", err)
		}
		if _, err := f.svc.ScreenCounterparty(f.ctx, f.dave, "", f.eng, "C1", review.CauseOnDemand); !isForbidden(err) {
			t.Fatalf("auditor screened: %v", err)
		}
	})
}

func isForbidden(err error) bool {
	var fe *review.ForbiddenError
	return errors.As(err, &fe)
}

// clearWithSuppression has alice clear the C1 hit with a suppression and
// bob approve it, and closes the alert.
func clearWithSuppression(t *testing.T, f *fixture) (store.Alert, store.Hit) {
	t.Helper()
	out := f.screen(t, "C1")
	hit := out.Screening.Hits[0]
	a, err := f.svc.Disposition(f.ctx, f.alice, "different person", out.Alert.ID, out.Alert.Version, review.Decision{
		HitID: hit.ID, Verdict: review.FalsePositive, ReasonCode: "different_dob", Comment: "passport checked", Suppress: true})
	if err != nil {
		t.Fatal(err)
	}
	if a.Status != store.AlertAwaitingApproval || a.Hits[0].Verdict != "" {
		t.Fatalf("a cleared blocking hit took effect without approval: %s, verdict %q", a.Status, a.Hits[0].Verdict)
	}
	d := a.Dispositions[len(a.Dispositions)-1]
	if _, err := f.svc.Close(f.ctx, f.alice, "", a.ID, 0, ""); !errors.Is(err, review.ErrNotReady) {
		t.Fatalf("closed with a pending approval: %v", err)
	}
	if _, err := f.svc.Approve(f.ctx, f.alice, "", a.ID, 0, d.ID, true, ""); !isForbidden(err) {
		t.Fatalf("analyst approved: %v", err)
	}
	if _, err := f.svc.Approve(f.ctx, f.admin, "", a.ID, 0, d.ID, true, ""); err != nil {
		t.Fatalf("admin (another user) could not approve: %v", err)
	}
	return a, hit
}

func TestFourEyesSuppressionAndReopen(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		f := setup(t, b)
		out := f.screen(t, "C1")
		hit := out.Screening.Hits[0]
		a, err := f.svc.Disposition(f.ctx, f.bob, "different person", out.Alert.ID, out.Alert.Version, review.Decision{
			HitID: hit.ID, Verdict: review.FalsePositive, ReasonCode: "different_dob", Comment: "passport checked", Suppress: true})
		if err != nil {
			t.Fatal(err)
		}
		d := a.Dispositions[0]
		if d.Status != store.DispositionPending || a.Status != store.AlertAwaitingApproval {
			t.Fatalf("disposition %s, alert %s", d.Status, a.Status)
		}
		if _, err := f.svc.Approve(f.ctx, f.bob, "", a.ID, 0, d.ID, true, ""); !errors.Is(err, review.ErrOwnDecision) {
			t.Fatalf("bob approved his own decision: %v", err)
		}
		if _, err := f.svc.Approve(f.ctx, f.dave, "", a.ID, 0, d.ID, true, ""); !isForbidden(err) {
			t.Fatalf("auditor approved: %v", err)
		}
		a, err = f.svc.Approve(f.ctx, f.carol, "checked", a.ID, 0, d.ID, true, "agreed")
		if err != nil {
			t.Fatal(err)
		}
		if a.Hits[0].Verdict != review.FalsePositive || a.Status != store.AlertInReview {
			t.Fatalf("after approval: verdict %q status %s", a.Hits[0].Verdict, a.Status)
		}
		sups, _ := f.st.Suppressions(f.ctx, "C1")
		if len(sups) != 1 || sups[0].EntryHash != hit.EntryHash || sups[0].CounterpartyVersion != 1 ||
			sups[0].ApprovedBy != "carol" || sups[0].CreatedBy != "bob" || sups[0].Keys["eu_fsf:EU.77.1"] == "" {
			t.Fatalf("suppression: %+v", sups)
		}
		if exp := f.now.AddDate(1, 0, 0); sups[0].ExpiresAt.Sub(exp).Abs() > 24*time.Hour {
			t.Fatalf("expiry %v, want about %v", sups[0].ExpiresAt, exp)
		}
		a, err = f.svc.Close(f.ctx, f.alice, "all hits cleared", a.ID, a.Version, "")
		if err != nil || a.Outcome != review.FalsePositive {
			t.Fatalf("close: %v %+v", err, a)
		}
		_, err = f.svc.Disposition(f.ctx, f.alice, "", a.ID, 0, review.Decision{HitID: hit.ID, Verdict: review.TrueMatch, ReasonCode: "other", Comment: "x"})
		if !errors.Is(err, review.ErrClosed) || !strings.Contains(err.Error(), "closed") {
			t.Fatalf("disposition on a closed alert: %v", err)
		}

		// Unchanged: the hit is suppressed and opens nothing.
		quiet := f.screen(t, "C1")
		if quiet.Alert.ID != 0 || quiet.Screening.Hits[0].State != store.HitSuppressed {
			t.Fatalf("suppressed hit alerted: %+v", quiet.Alert)
		}

		// The SDN entry changes (a new date of birth): the hit reopens as a
		// new alert naming the change.
		f.eng = match.New(datasets("1966-03-04"))
		re := f.screen(t, "C1")
		if re.Alert.ID == 0 || re.Alert.ID == a.ID {
			t.Fatalf("changed entry did not open a new alert: %+v", re.Alert)
		}
		var rh store.Hit
		for _, h := range re.Screening.Hits {
			if h.EntityID == "us_ofac_sdn:9001" {
				rh = h
			}
		}
		var why review.Reopening
		if err := json.Unmarshal(rh.Reopened, &why); err != nil {
			t.Fatalf("reopened hit without its reasons: %+v (%v)", rh, err)
		}
		if !slices.ContainsFunc(why.Changes, func(c review.Change) bool {
			return strings.HasPrefix(c.Field, "entry.birth_dates") && strings.Contains(string(c.Before), "1965") && strings.Contains(string(c.After), "1966")
		}) {
			t.Fatalf("change not shown field by field: %+v", why)
		}
		sups, _ = f.st.Suppressions(f.ctx, "C1")
		if sups[0].Status != store.SuppressionLapsed {
			t.Fatalf("suppression still %s", sups[0].Status)
		}
		if v, err := f.st.VerifyAudit(f.ctx); err != nil || !v.OK() {
			t.Fatalf("audit: %+v %v", v, err)
		}
	})
}

func TestSuppressionReopensOnCounterpartyChangeAndExpiry(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		f := setup(t, b)
		a, _ := clearWithSuppression(t, f)
		if _, err := f.svc.Close(f.ctx, f.alice, "", a.ID, 0, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := f.st.PutCounterparty(f.ctx, f.ops, "new address", store.Counterparty{ExternalID: "C1", Type: "person",
			Name: "Reza Khalili", Country: "IR", DOB: "1965-03-04", Address: store.Address{City: "Dubai", Country: "AE"}}); err != nil {
			t.Fatal(err)
		}
		re := f.screen(t, "C1")
		var why review.Reopening
		if re.Alert.ID == 0 || json.Unmarshal(re.Screening.Hits[0].Reopened, &why) != nil ||
			!slices.ContainsFunc(why.Changes, func(c review.Change) bool { return c.Field == "counterparty.address" }) {
			t.Fatalf("counterparty change did not reopen with its diff: %+v %+v", re.Alert, why)
		}

		// A second suppression, decided on version 2, lapses after a year.
		f2 := re.Screening.Hits[0]
		a2, err := f.svc.Disposition(f.ctx, f.alice, "", re.Alert.ID, 0, review.Decision{HitID: f2.ID, Verdict: review.FalsePositive,
			ReasonCode: "different_identifier", Suppress: true, SuppressFor: 30 * 24 * time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Approve(f.ctx, f.bob, "", a2.ID, 0, a2.Dispositions[len(a2.Dispositions)-1].ID, true, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Close(f.ctx, f.alice, "", a2.ID, 0, ""); err != nil {
			t.Fatal(err)
		}
		if q := f.screen(t, "C1"); q.Alert.ID != 0 {
			t.Fatal("fresh suppression did not hold")
		}
		f.now = f.now.Add(31 * 24 * time.Hour)
		late := f.screen(t, "C1")
		if late.Alert.ID == 0 || json.Unmarshal(late.Screening.Hits[0].Reopened, &why) != nil || !strings.Contains(why.Reasons[0], "expired") {
			t.Fatalf("expired suppression did not reopen: %+v", late.Screening.Hits[0])
		}
	})
}

func TestTrueMatchBlocksAndConflicts(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		f := setup(t, b)
		out := f.screen(t, "C1")
		a := out.Alert
		// Two users act on the version they both read: the second loses.
		if _, err := f.svc.Assign(f.ctx, f.bob, "", a.ID, a.Version, "alice"); err != nil {
			t.Fatal(err)
		}
		_, err := f.svc.Assign(f.ctx, f.carol, "", a.ID, a.Version, "carol")
		if !errors.Is(err, store.ErrVersionConflict) {
			t.Fatalf("stale assign: %v", err)
		}
		if _, err := f.svc.Assign(f.ctx, f.alice, "", a.ID, 0, "bob"); !isForbidden(err) {
			t.Fatalf("analyst assigned to someone else: %v", err)
		}
		got, _ := f.st.Alert(f.ctx, a.ID)
		if got.Assignee != "alice" || got.Status != store.AlertInReview || got.Version != 2 {
			t.Fatalf("after assign: %+v", got)
		}
		if _, _, err := f.st.CounterpartyBlock(f.ctx, "C1"); err != nil {
			t.Fatal(err)
		}
		got, err = f.svc.Disposition(f.ctx, f.alice, "confirmed", a.ID, got.Version, review.Decision{
			HitID: out.Screening.Hits[0].ID, Verdict: review.TrueMatch, ReasonCode: "confirmed_identity"})
		if err != nil {
			t.Fatal(err)
		}
		blk, blocked, err := f.st.CounterpartyBlock(f.ctx, "C1")
		if err != nil || !blocked || blk.AlertID != a.ID || blk.BlockedBy != "alice" {
			t.Fatalf("true match on a blocking list did not block: %+v %v %v", blk, blocked, err)
		}
		if got.Hits[0].Verdict != review.TrueMatch {
			t.Fatalf("true match needs no approval, got %q", got.Hits[0].Verdict)
		}
		if _, err := f.svc.Escalate(f.ctx, f.alice, "", a.ID, 0, ""); err == nil {
			t.Fatal("escalation without a reason")
		}
		got, err = f.svc.Escalate(f.ctx, f.alice, "sanctioned party, notify MLRO", a.ID, 0, "bob")
		if err != nil || got.Status != store.AlertEscalated || got.Assignee != "bob" {
			t.Fatalf("escalate: %v %+v", err, got)
		}
		got, err = f.svc.Close(f.ctx, f.bob, "reported", a.ID, 0, "")
		if err != nil || got.Outcome != review.TrueMatch || got.Status != store.AlertClosed {
			t.Fatalf("close: %v %+v", err, got)
		}
		// Bad input names its field.
		out3 := f.screen(t, "C3")
		for _, d := range []review.Decision{
			{HitID: out3.Screening.Hits[0].ID, Verdict: "maybe", ReasonCode: "other"},
			{HitID: out3.Screening.Hits[0].ID, Verdict: review.FalsePositive, ReasonCode: "looks_fine"},
			{HitID: 999999, Verdict: review.FalsePositive, ReasonCode: "common_name"},
			{HitID: out3.Screening.Hits[0].ID, Verdict: review.TrueMatch, ReasonCode: "common_name", Suppress: true},
		} {
			var ie *review.InputError
			if _, err := f.svc.Disposition(f.ctx, f.alice, "", out3.Alert.ID, 0, d); !errors.As(err, &ie) {
				t.Errorf("%+v: %v, want an input error", d, err)
			}
		}
		// A false positive on a non-blocking list without suppression
		// takes effect at once.
		got, err = f.svc.Disposition(f.ctx, f.alice, "", out3.Alert.ID, 0, review.Decision{
			HitID: out3.Screening.Hits[0].ID, Verdict: review.FalsePositive, ReasonCode: "different_entity_type"})
		if err != nil || got.Hits[0].Verdict != review.FalsePositive || got.Status != store.AlertInReview {
			t.Fatalf("non-blocking clearance: %v %+v", err, got)
		}
		var n int
		f.st.AuditEvents(f.ctx, time.Time{}, time.Now().Add(time.Hour), func(e store.Event) error {
			if e.Action == "alert.assign" && e.Actor == "bob" && e.Role == "reviewer" && e.Before != nil && e.After != nil {
				n++
			}
			return nil
		})
		if n != 1 {
			t.Fatalf("assign audited %d times with before and after, want 1", n)
		}
	})
}

func TestRoles(t *testing.T) {
	all := []review.Operation{review.OpRead, review.OpScreen, review.OpAssign, review.OpDisposition,
		review.OpSuppress, review.OpApprove, review.OpEscalate, review.OpClose, review.OpUnblock}
	want := map[store.Role]string{
		store.RoleAdmin:       "read screen assign disposition suppress approve escalate close unblock",
		store.RoleAnalyst:     "read screen assign disposition suppress escalate close unblock",
		store.RoleReviewer:    "read screen assign disposition suppress approve escalate close unblock",
		store.RoleAuditor:     "read",
		store.RoleIntegration: "screen",
	}
	for _, role := range store.Roles {
		var got []string
		for _, op := range all {
			if review.Allowed(role, op) {
				got = append(got, string(op))
			}
		}
		if strings.Join(got, " ") != want[role] {
			t.Errorf("%s may %q, want %q", role, strings.Join(got, " "), want[role])
		}
	}
	if review.Allowed("operator", review.OpRead) {
		t.Error("an unknown role may read")
	}
}

func TestPriority(t *testing.T) {
	c := review.DefaultConfig()
	cases := []struct {
		score    float64
		blocking bool
		programs []string
		want     int
	}{
		{0.97, true, []string{"SDGT"}, review.Critical},
		{0.85, true, []string{"IRAN"}, review.Critical},
		{0.85, true, []string{"RUSSIA-EO14024"}, review.High},
		{0.85, false, []string{"Iran UAV"}, review.High},
		{0.97, false, []string{"UKRAINE-EO13662"}, review.Medium},
		{0.82, false, []string{"UKRAINE-EO13662"}, review.Low},
	}
	for _, tc := range cases {
		if got := c.HitPriority(tc.score, tc.blocking, tc.programs); got != tc.want {
			t.Errorf("%+v: priority %d, want %d", tc, got, tc.want)
		}
	}
}

// TestConcurrentChanges races changes to one alert: of those made on the
// same version exactly one wins and the others get a conflict; those made
// without a version all land, one after another, none lost.
func TestConcurrentChanges(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		f := setup(t, b)
		a := f.screen(t, "C1").Alert
		const n = 8
		errs := make(chan error, n)
		for i := range n {
			go func() {
				who := []string{"alice", "bob"}[i%2]
				_, err := f.svc.Assign(f.ctx, f.admin, "", a.ID, a.Version, who)
				errs <- err
			}()
		}
		wins := 0
		for range n {
			switch err := <-errs; {
			case err == nil:
				wins++
			case !errors.Is(err, store.ErrVersionConflict):
				t.Fatalf("unexpected: %v", err)
			}
		}
		if wins != 1 {
			t.Fatalf("%d changes on version %d won, want 1", wins, a.Version)
		}
		for range n {
			go func() {
				_, err := f.svc.Escalate(f.ctx, f.bob, "second opinion", a.ID, 0, "")
				errs <- err
			}()
		}
		for range n {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		got, _ := f.st.Alert(f.ctx, a.ID)
		if got.Version != a.Version+1+n {
			t.Fatalf("version %d after %d changes from %d: a change was lost", got.Version, n+1, a.Version)
		}
		hist, err := f.st.ObjectHistory(f.ctx, "alert", fmt.Sprint(a.ID))
		if err != nil || len(hist) != 2+n { // open, assign, n escalations
			t.Fatalf("%d alert events, want %d (%v)", len(hist), 2+n, err)
		}
	})
}

func TestUnscreenedCounterparties(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		f := setup(t, b)
		ids, err := f.st.UnscreenedCounterparties(f.ctx)
		if err != nil || strings.Join(ids, ",") != "C1,C2,C3" {
			t.Fatalf("before screening: %v %v", ids, err)
		}
		f.screen(t, "C1")
		f.screen(t, "C2")
		if _, err := f.st.PutCounterparty(f.ctx, f.ops, "", store.Counterparty{ExternalID: "C2", Type: "organisation",
			Name: "Acme Tooling GmbH", Country: "AT"}); err != nil {
			t.Fatal(err)
		}
		if ids, _ := f.st.UnscreenedCounterparties(f.ctx); strings.Join(ids, ",") != "C2,C3" {
			t.Fatalf("after screening C1, C2 and changing C2: %v", ids)
		}
	})
}

func TestRevokeSuppression(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		f := setup(t, b)
		a, _ := clearWithSuppression(t, f)
		if _, err := f.svc.Close(f.ctx, f.alice, "", a.ID, 0, ""); err != nil {
			t.Fatal(err)
		}
		sups, err := f.svc.Suppressions(f.ctx, f.dave, "C1")
		if err != nil || len(sups) != 1 {
			t.Fatalf("suppressions: %v %v", sups, err)
		}
		if _, err := f.svc.RevokeSuppression(f.ctx, f.alice, "doubt", sups[0].ID); !isForbidden(err) {
			t.Fatalf("analyst revoked: %v", err)
		}
		var ie *review.InputError
		if _, err := f.svc.RevokeSuppression(f.ctx, f.bob, "", sups[0].ID); !errors.As(err, &ie) {
			t.Fatalf("revoke without a reason: %v", err)
		}
		sp, err := f.svc.RevokeSuppression(f.ctx, f.bob, "adverse media on the customer", sups[0].ID)
		if err != nil || sp.Status != store.SuppressionRevoked || sp.EndReason == "" {
			t.Fatalf("revoke: %+v %v", sp, err)
		}
		if _, err := f.svc.RevokeSuppression(f.ctx, f.bob, "again", sups[0].ID); !errors.As(err, &ie) {
			t.Fatalf("second revoke: %v", err)
		}
		if out := f.screen(t, "C1"); out.Alert.ID == 0 {
			t.Fatal("a revoked suppression still holds")
		}
	})
}

func TestConfigWith(t *testing.T) {
	c, err := review.DefaultConfig().With("critical=12h, low=480h", "different_dob, other ,")
	if err != nil {
		t.Fatal(err)
	}
	if c.SLA[review.Critical] != 12*time.Hour || c.SLA[review.Low] != 480*time.Hour || c.SLA[review.High] != 48*time.Hour {
		t.Errorf("SLA %v", c.SLA)
	}
	if strings.Join(c.ReasonCodes, ",") != "different_dob,other" {
		t.Errorf("reason codes %q", c.ReasonCodes)
	}
	for _, bad := range []string{"urgent=1h", "critical=soon", "critical=-1h", "critical"} {
		if _, err := review.DefaultConfig().With(bad, ""); err == nil || !strings.Contains(err.Error(), "CHOKEPOINT_ALERT_SLA") {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if _, err := review.DefaultConfig().With("", " , "); err == nil {
		t.Error("empty reason code list accepted")
	}
}

// TestConcurrentReopen screens one party from several writers at once
// after its cleared entry changed: the suppression lapses once and one
// alert opens.
func TestConcurrentReopen(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		f := setup(t, b)
		a, _ := clearWithSuppression(t, f)
		if _, err := f.svc.Close(f.ctx, f.alice, "", a.ID, 0, ""); err != nil {
			t.Fatal(err)
		}
		f.eng = match.New(datasets("1966-03-04"))
		const n = 4
		errs := make(chan error, n)
		for range n {
			go func() {
				_, err := f.svc.ScreenCounterparty(f.ctx, f.ian, "", f.eng, "C1", review.CauseOnDemand)
				errs <- err
			}()
		}
		for range n {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		open, _ := f.st.Alerts(f.ctx, store.AlertFilter{SubjectID: "C1", Open: true})
		if len(open) != 1 {
			t.Fatalf("%d open alerts for C1, want 1", len(open))
		}
		sups, _ := f.st.Suppressions(f.ctx, "C1")
		hist, _ := f.st.ObjectHistory(f.ctx, "suppression", fmt.Sprint(sups[0].ID))
		lapsed := 0
		for _, e := range hist {
			if e.Action == "suppression.lapsed" {
				lapsed++
			}
		}
		if lapsed != 1 {
			t.Fatalf("suppression lapsed %d times", lapsed)
		}
	})
}
