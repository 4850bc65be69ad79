package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/chokepoint-dev/chokepoint/internal/progress"
	"github.com/chokepoint-dev/chokepoint/internal/review"
	"github.com/chokepoint-dev/chokepoint/internal/store"
)

const alertsSynopsis = `alerts list [--status S] [--assignee U] [--priority P] [--counterparty ID] [--order ID] [--open] [--limit N] [--json] --as USER
       chokepoint alerts show ID [--json] --as USER
       chokepoint alerts assign ID USER [--version N] --as USER
       chokepoint alerts disposition ID --hit HIT --verdict true_match|false_positive|unsure --reason-code CODE [--comment TEXT] [--suppress [--suppress-for 8760h]] [--version N] --as USER
       chokepoint alerts approve ID --disposition D [--reject --note WHY] [--version N] --as USER
       chokepoint alerts escalate ID [--to USER] --reason WHY [--version N] --as USER
       chokepoint alerts close ID [--outcome released|stopped] [--version N] --as USER`

// workflowFlags are the flags of every command that acts in the workflow.
type workflowFlags struct {
	dbFlags
	as *string
}

func addWorkflowFlags(fs *flag.FlagSet, e *env) workflowFlags {
	return workflowFlags{
		dbFlags: addDBFlags(fs, e, true),
		as:      fs.String("as", e.cfg.User, "the user acting (CHOKEPOINT_USER); their role decides what they may do"),
	}
}

// open opens the store and the workflow and resolves the acting user. The
// command line trusts the shell to say who acts: the OS login behind the
// claim is kept in the audit trail as the actor's key.
func (f workflowFlags) open(ctx context.Context, e *env) (*store.Store, *review.Service, store.Actor, error) {
	if strings.TrimSpace(*f.as) == "" {
		return nil, nil, store.Actor{}, &usageError{"--as USER is required: the workflow records who acts, in which role"}
	}
	s, err := f.dbFlags.open(ctx, e)
	if err != nil {
		return nil, nil, store.Actor{}, err
	}
	svc, err := newReview(e, s)
	if err != nil {
		s.Close()
		return nil, nil, store.Actor{}, err
	}
	actor, err := svc.Actor(ctx, *f.as)
	if err != nil {
		s.Close()
		return nil, nil, store.Actor{}, fmt.Errorf("--as: %w", err)
	}
	actor.Key = "cli:" + strings.TrimPrefix(store.Operator().Name, "os:")
	return s, svc, actor, nil
}

// newReview returns the workflow over s with the configured threshold
// and the environment's SLA and reason codes.
func newReview(e *env, s *store.Store) (*review.Service, error) {
	cfg := review.DefaultConfig()
	cfg.Threshold, cfg.EngineVersion = e.cfg.Threshold, version()
	cfg, err := cfg.With(e.cfg.AlertSLA, e.cfg.ReasonCodes)
	if err != nil {
		return nil, err
	}
	return review.New(s, cfg), nil
}

func runAlerts(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return &usageError{"alerts needs a subcommand: list, show, assign, disposition, approve, escalate or close"}
	}
	sub, args := args[0], args[1:]
	fs := newFlagSet(e, "alerts "+sub, alertsSynopsis)
	wf := addWorkflowFlags(fs, e)
	asJSON := fs.Bool("json", false, "print JSON")
	ver := fs.Int("version", 0, "the alert version you read; a change made since is refused as a conflict")
	var (
		status, assignee, priority, cp, order *string
		open                                  *bool
		limit                                 *int
		hit, disp                             *int64
		verdict, code, comment, note, to, out *string
		suppress, reject                      *bool
		suppressFor                           *time.Duration
	)
	switch sub {
	case "list":
		status = fs.String("status", "", "open, in_review, escalated, awaiting_approval or closed")
		assignee = fs.String("assignee", "", "assigned user")
		priority = fs.String("priority", "", "critical, high, medium or low")
		cp = fs.String("counterparty", "", "counterparty external id")
		order = fs.String("order", "", "order id")
		open = fs.Bool("open", false, "only alerts that are not closed")
		limit = fs.Int("limit", 50, "at most this many (up to 1000)")
	case "disposition":
		hit = fs.Int64("hit", 0, "the hit decided (see alerts show)")
		verdict = fs.String("verdict", "", "true_match, false_positive or unsure")
		code = fs.String("reason-code", "", "why: "+strings.Join(review.DefaultReasonCodes, ", "))
		comment = fs.String("comment", "", "what was checked")
		suppress = fs.Bool("suppress", false, "stop this false positive alerting again for this counterparty (needs approval)")
		suppressFor = fs.Duration("suppress-for", 0, "how long the suppression lasts (default 12 months)")
	case "approve":
		disp = fs.Int64("disposition", 0, "the disposition approved (see alerts show)")
		reject = fs.Bool("reject", false, "reject the disposition instead")
		note = fs.String("note", "", "the approver's note (required to reject)")
	case "escalate":
		to = fs.String("to", "", "the reviewer who takes it")
	case "close":
		out = fs.String("outcome", "", "for an order alert without list hits: released or stopped")
	case "show", "assign":
	default:
		return &usageError{fmt.Sprintf("unknown alerts subcommand %q (want list, show, assign, disposition, approve, escalate or close)", sub)}
	}
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	want := map[string]int{"list": 0, "assign": 2}[sub]
	if sub != "list" && sub != "assign" {
		want = 1
	}
	if len(pos) != want {
		return &usageError{fmt.Sprintf("alerts %s takes %d argument(s), got %d", sub, want, len(pos))}
	}
	var id int64
	if want > 0 {
		if id, err = strconv.ParseInt(pos[0], 10, 64); err != nil || id <= 0 {
			return &usageError{fmt.Sprintf("alert id %q: want a positive number", pos[0])}
		}
	}
	s, svc, actor, err := wf.open(ctx, e)
	if err != nil {
		return err
	}
	defer s.Close()
	why := wf.why()
	var a store.Alert
	switch sub {
	case "list":
		f := store.AlertFilter{Status: *status, Assignee: *assignee, Open: *open, Limit: *limit}
		if *priority != "" {
			if f.Priority, err = review.ParsePriority(*priority); err != nil {
				return err
			}
		}
		if *cp != "" && *order != "" {
			return &usageError{"give --counterparty or --order, not both"}
		}
		if *cp != "" {
			f.SubjectKind, f.SubjectID = "counterparty", *cp
		} else if *order != "" {
			f.SubjectKind, f.SubjectID = "order", *order
		}
		as, err := svc.Alerts(ctx, actor, f)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(e.stdout, as)
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tPRIORITY\tSTATUS\tSUBJECT\tASSIGNEE\tDUE\tOUTCOME\tVERSION")
		for _, a := range as {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s %s\t%s\t%s\t%s\t%d\n", a.ID, review.PriorityNames[a.Priority], a.Status,
				a.SubjectKind, a.SubjectID, orDash(a.Assignee), a.DueAt.Format("2006-01-02 15:04"), orDash(a.Outcome), a.Version)
		}
		return tw.Flush()
	case "show":
		a, err = svc.Alert(ctx, actor, id)
	case "assign":
		a, err = svc.Assign(ctx, actor, why, id, *ver, pos[1])
	case "disposition":
		a, err = svc.Disposition(ctx, actor, why, id, *ver, review.Decision{HitID: *hit, Verdict: *verdict,
			ReasonCode: *code, Comment: *comment, Suppress: *suppress, SuppressFor: *suppressFor})
	case "approve":
		a, err = svc.Approve(ctx, actor, why, id, *ver, *disp, !*reject, *note)
	case "escalate":
		a, err = svc.Escalate(ctx, actor, why, id, *ver, *to)
	case "close":
		a, err = svc.Close(ctx, actor, why, id, *ver, *out)
	}
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.stdout, a)
	}
	printAlert(e, a)
	if a.SubjectKind == "counterparty" {
		blk, blocked, err := s.CounterpartyBlock(ctx, a.SubjectID)
		if err != nil {
			return err
		}
		if blocked {
			fmt.Fprintf(e.stdout, "  counterparty %s BLOCKED since %s by %s: true match on %s (alert %d)\n", a.SubjectID,
				blk.BlockedAt.Format(time.RFC3339), blk.BlockedBy, blk.EntityID, blk.AlertID)
		}
	}
	return nil
}

func printAlert(e *env, a store.Alert) {
	w := e.stdout
	fmt.Fprintf(w, "Alert %d  %s %s  %s, priority %s, version %d\n", a.ID, a.SubjectKind, a.SubjectID, a.Status,
		review.PriorityNames[a.Priority], a.Version)
	fmt.Fprintf(w, "  assignee %s, due %s, opened %s", orDash(a.Assignee), a.DueAt.Format(time.RFC3339), a.CreatedAt.Format(time.RFC3339))
	if a.Status == store.AlertClosed {
		fmt.Fprintf(w, ", closed %s with outcome %s", a.ClosedAt.Format(time.RFC3339), a.Outcome)
	}
	fmt.Fprintln(w)
	for _, h := range a.Hits {
		block := ""
		if h.Blocking {
			block = ", blocking list"
		}
		fmt.Fprintf(w, "  hit %d: %s %q (%s%s) score %.2f, %s, verdict %s\n", h.ID, h.EntityID, h.Name,
			h.ListVersion, block, h.Score, review.PriorityNames[h.Priority], orDash(h.Verdict))
		if len(h.Referents) > 0 {
			fmt.Fprintf(w, "    also listed as %s\n", strings.Join(h.Referents, ", "))
		}
		fmt.Fprintf(w, "    %s\n", h.Explanation)
		if h.Reopened != nil {
			printReopening(w, h.Reopened)
		}
	}
	for _, l := range a.Links {
		fmt.Fprintf(w, "  names counterparty %s (version %d) as %s in %s: %q, by %s, score %.2f\n", l.CounterpartyID,
			l.CounterpartyVersion, l.Role, l.Field, l.Written, l.Via, l.Score)
	}
	for _, d := range a.Dispositions {
		fmt.Fprintf(w, "  disposition %d on hit %d: %s (%s) by %s at %s: %s", d.ID, d.HitID, d.Verdict, d.ReasonCode,
			d.DecidedBy, d.DecidedAt.Format(time.RFC3339), d.Status)
		if d.ApprovedBy != "" {
			fmt.Fprintf(w, " by %s", d.ApprovedBy)
		}
		if !d.SuppressUntil.IsZero() {
			fmt.Fprintf(w, "; suppress until %s", d.SuppressUntil.Format("2006-01-02"))
		}
		if d.Comment != "" {
			fmt.Fprintf(w, "; %q", d.Comment)
		}
		fmt.Fprintln(w)
	}
}

// runPartiesScreen screens stored counterparties against the current
// lists, recording each screening and opening or joining alerts.
func runPartiesScreen(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "parties screen", partiesSynopsis)
	wf := addWorkflowFlags(fs, e)
	all := fs.Bool("all", false, "screen every stored counterparty")
	unscreened := fs.Bool("unscreened", false, "screen the counterparties created or changed since their last screening")
	batch := fs.Int("batch", 200, "screenings recorded per transaction")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if n := btoi(*all) + btoi(*unscreened) + btoi(len(pos) > 0); n != 1 {
		return &usageError{"parties screen takes external ids, --all or --unscreened: one of them"}
	}
	if *batch <= 0 {
		return &usageError{"--batch: want a positive number"}
	}
	s, svc, actor, err := wf.open(ctx, e)
	if err != nil {
		return err
	}
	defer s.Close()
	ids := pos
	switch {
	case *all:
		ids, err = s.CounterpartyIDs(ctx)
	case *unscreened:
		ids, err = s.UnscreenedCounterparties(ctx)
	}
	if err != nil {
		return err
	}
	eng, err := loadEngine(ctx, e)
	if err != nil {
		return err
	}
	bar := progress.New(e.stderr, int64(len(ids)), "parties", false)
	var screened, hits, alerted int
	alerts := map[int64]bool{}
	var scs []store.Screening
	var vs []store.CounterpartyVersion
	flush := func() error {
		if len(scs) == 0 {
			return nil
		}
		outs, err := svc.RecordBatch(ctx, actor, wf.why(), scs, vs)
		if err != nil {
			return err
		}
		for _, o := range outs {
			screened++
			for _, h := range o.Screening.Hits {
				if h.State == store.HitAlerted {
					hits++
				}
			}
			if o.Alert.ID != 0 {
				alerted++
				alerts[o.Alert.ID] = true
			}
		}
		scs, vs = scs[:0], vs[:0]
		bar.Update(int64(screened), int64(screened))
		return nil
	}
	start := time.Now()
	for _, id := range ids {
		cv, err := s.Counterparty(ctx, id)
		if err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("counterparty %s: not in the record", id)
			}
			return err
		}
		cause := review.CauseOnDemand
		if *unscreened {
			// Never screened in this version: it is new or it changed.
			cause = map[bool]string{true: review.CauseCreate, false: review.CauseChange}[cv.Version == 1]
		}
		sc, err := svc.PrepareCounterparty(eng, cv, cause)
		if err != nil {
			return err
		}
		scs, vs = append(scs, sc), append(vs, cv)
		if len(scs) >= *batch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	bar.Clear()
	fmt.Fprintf(e.stdout, "%d screened, %d new hits to review, %d with an open alert (%d alerts); %.1f s\n",
		screened, hits, alerted, len(alerts), time.Since(start).Seconds())
	return nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

const suppressionsSynopsis = `suppressions list [--counterparty ID] [--json] --as USER
       chokepoint suppressions revoke ID --reason WHY --as USER`

// runSuppressions lists and revokes suppressions.
func runSuppressions(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return &usageError{"suppressions needs a subcommand: list or revoke"}
	}
	sub, args := args[0], args[1:]
	fs := newFlagSet(e, "suppressions "+sub, suppressionsSynopsis)
	wf := addWorkflowFlags(fs, e)
	asJSON := fs.Bool("json", false, "print JSON")
	cp := fs.String("counterparty", "", "only this counterparty's")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	var id int64
	switch {
	case sub == "list" && len(pos) == 0:
	case sub == "revoke" && len(pos) == 1:
		if id, err = strconv.ParseInt(pos[0], 10, 64); err != nil || id <= 0 {
			return &usageError{fmt.Sprintf("suppression id %q: want a positive number", pos[0])}
		}
	case sub == "list" || sub == "revoke":
		return &usageError{fmt.Sprintf("suppressions %s: wrong number of arguments", sub)}
	default:
		return &usageError{fmt.Sprintf("unknown suppressions subcommand %q (want list or revoke)", sub)}
	}
	s, svc, actor, err := wf.open(ctx, e)
	if err != nil {
		return err
	}
	defer s.Close()
	var sps []store.Suppression
	if sub == "revoke" {
		sp, err := svc.RevokeSuppression(ctx, actor, wf.why(), id)
		if err != nil {
			return err
		}
		sps = append(sps, sp)
	} else if sps, err = svc.Suppressions(ctx, actor, *cp); err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.stdout, sps)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tCOUNTERPARTY\tENTITY\tSTATUS\tREASON\tBY\tAPPROVED BY\tEXPIRES\tENDED")
	for _, sp := range sps {
		ended := "-"
		if !sp.EndedAt.IsZero() {
			ended = sp.EndedAt.Format("2006-01-02") + " " + sp.EndReason
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", sp.ID, sp.CounterpartyID, sp.EntityID, sp.Status, sp.ReasonCode,
			sp.CreatedBy, sp.ApprovedBy, sp.ExpiresAt.Format("2006-01-02"), ended)
	}
	return tw.Flush()
}

// printReopening says why a suppressed hit is back and what changed,
// field by field.
func printReopening(w io.Writer, raw json.RawMessage) {
	var re review.Reopening
	if err := json.Unmarshal(raw, &re); err != nil {
		fmt.Fprintf(w, "    reopened: %s\n", raw)
		return
	}
	fmt.Fprintf(w, "    reopened: suppression %d (decided by %s, approved by %s, %s) lapsed: %s\n", re.SuppressionID,
		re.DecidedBy, re.ApprovedBy, re.SuppressedAt.Format("2006-01-02"), strings.Join(re.Reasons, "; "))
	for _, c := range re.Changes {
		fmt.Fprintf(w, "      %s: %s -> %s\n", c.Field, orDash(string(c.Before)), orDash(string(c.After)))
	}
}
