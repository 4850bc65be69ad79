package review

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/match"
	"github.com/chokepoint-dev/chokepoint/internal/messages"
	"github.com/chokepoint-dev/chokepoint/internal/scan"
	"github.com/chokepoint-dev/chokepoint/internal/store"
)

// CauseDocument is the cause of a scanned document's screening.
const CauseDocument = "document"

// CounterpartySource is the source id of the dataset the registered
// counterparties are indexed as, for linking documents to them.
const CounterpartySource = "counterparties"

// DocumentRef identifies a scanned document for the record: the file it
// came from, the SHA-256 of the file's bytes, and for a text or HTML
// file its text (scanned for the names of registered counterparties).
type DocumentRef struct {
	File   string `json:"file"`
	SHA256 string `json:"sha256"`
	Text   string `json:"-"`
}

// documentInput is what a document screening keeps as its input.
type documentInput struct {
	File      string             `json:"file"`
	SHA256    string             `json:"sha256"`
	Format    string             `json:"format"`
	Type      string             `json:"type"`
	Kind      string             `json:"kind"`
	Reference string             `json:"reference"`
	Line      int                `json:"line"`
	Document  *messages.Document `json:"document"`
	Order     any                `json:"order,omitempty"`
	Notes     []string           `json:"notes,omitempty"`
	Mentions  []messages.Mention `json:"mentions,omitempty"`
}

// DocumentSubject is the subject id of a scanned document: its type and
// reference for a message or trade document (a payment sent twice is one
// subject), its type and hash for a text, whose file name says nothing.
func DocumentSubject(ref DocumentRef, d *messages.Document) string {
	if d.Kind == messages.KindText || d.Reference == "" {
		return d.Type + ":sha256:" + ref.SHA256
	}
	return d.Type + ":" + d.Reference
}

// RecordDocument records the screening of a scanned document as an order
// check of subject kind order (a document is checked as one) with cause
// document: the document's identity, the order built from it, the list
// and rules versions, the decision, and each listed entry a finding names
// as a hit (a mention in free text with its field and offsets). A review
// or block decision opens or joins the document's alert. The registered
// counterparties the document names, as a party or in its free text, are
// linked to the screening in the same transaction.
func (s *Service) RecordDocument(ctx context.Context, actor store.Actor, reason string, eng Screener, ref DocumentRef, res *messages.Result) (Outcome, error) {
	if err := allow(actor, OpScreen); err != nil {
		return Outcome{}, err
	}
	if res == nil || res.Document == nil || res.Report == nil {
		return Outcome{}, errors.New("record document: no screening result (a malformed document is not recorded)")
	}
	if len(ref.SHA256) != 64 {
		return Outcome{}, fmt.Errorf("record document %s: want the SHA-256 of its bytes in hex", ref.File)
	}
	d := res.Document
	in := documentInput{File: ref.File, SHA256: ref.SHA256, Format: d.Format, Type: d.Type, Kind: d.Kind,
		Reference: d.Reference, Line: d.Line, Document: d, Notes: res.Notes}
	if res.Order != nil {
		in.Order = res.Order
	}
	for _, m := range res.Mentions {
		if m.Match {
			in.Mentions = append(in.Mentions, m)
		}
	}
	input, err := json.Marshal(in)
	if err != nil {
		return Outcome{}, err
	}
	sc, err := s.orderScreening(eng, "order", DocumentSubject(ref, d), CauseDocument, input, res.Report)
	if err != nil {
		return Outcome{}, fmt.Errorf("record document %s: %w", ref.File, err)
	}
	for i := range sc.Hits {
		sc.Hits[i].Explanation += whereFound(res, sc.Hits[i].EntityID)
	}
	links, err := s.LinkDocument(ctx, ref, res)
	if err != nil {
		return Outcome{}, fmt.Errorf("record document %s: %w", ref.File, err)
	}
	var out Outcome
	err = s.store.Write(ctx, actor, reason, func(tx *store.Tx) error {
		sc := sc
		sc.Hits = slices.Clone(sc.Hits)
		var err error
		if out, err = s.recordTx(ctx, tx, sc, nil, res.Report); err != nil {
			return err
		}
		ls := slices.Clone(links)
		if err := tx.LinkScreening(ctx, out.Screening.ID, ls); err != nil {
			return err
		}
		out.Screening.Links = ls
		return nil
	})
	return out, err
}

// whereFound says where in the document the findings naming entity id
// were read, with byte offsets, so that a reviewer can find the words.
func whereFound(res *messages.Result, id string) string {
	var at []string
	for _, f := range res.Findings {
		if f.Evidence.EntityID != id || f.Location == nil {
			continue
		}
		l := f.Location
		at = append(at, fmt.Sprintf("%s line %d, bytes %d-%d", l.Field, l.Line, l.Start, l.End))
	}
	if len(at) == 0 {
		return ""
	}
	return " [at " + strings.Join(slices.Compact(at), "; ") + "]"
}

// counterpartyIndex finds registered counterparties in documents: by an
// account, BIC or identifier they hold, and by name through the engine
// (and its free-text scanner) over the counterparties as a dataset.
type counterpartyIndex struct {
	stamp    string
	eng      *match.Engine
	scanner  *scan.Scanner
	versions map[string]store.CounterpartyVersion // by entity id
	byNumber map[string][]string                  // normalised number -> entity ids
}

// normNumber keeps the letters and digits of an account, BIC or
// identifier, upper-cased: "DE89 3704-0044" and "de8937040044" are one.
func normNumber(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToUpper(r))
		}
	}
	return b.String()
}

// minNumberLen keeps short numbers ("1", "A12") from linking documents
// to whoever happens to hold them.
const minNumberLen = 6

func counterpartyEntity(cv store.CounterpartyVersion) *entity.Entity {
	id := CounterpartySource + ":" + cv.ExternalID
	e := &entity.Entity{ID: id, Source: CounterpartySource, SourceID: cv.ExternalID, Type: QueryOf(cv.Counterparty).Type, Name: cv.Name,
		Names: []entity.Name{{Full: cv.Name, Kind: entity.NamePrimary, Quality: entity.Strong}}}
	if e.Type == "" {
		e.Type = entity.Unknown
	}
	for _, a := range cv.Aliases {
		e.Names = append(e.Names, entity.Name{Full: a, Kind: entity.NameAlias, Quality: entity.Strong})
	}
	if cv.Country != "" {
		e.Countries = []string{cv.Country}
	}
	if cv.DOB != "" {
		if d, err := entity.ParseDate(cv.DOB); err == nil {
			e.BirthDates = []entity.Date{d}
		}
	}
	for _, i := range cv.Identifiers {
		e.Identifiers = append(e.Identifiers, entity.Identifier{Type: i.Type, Number: i.Value, Country: i.Country})
	}
	return e
}

func buildCounterpartyIndex(stamp string, cvs []store.CounterpartyVersion) *counterpartyIndex {
	x := &counterpartyIndex{stamp: stamp, versions: make(map[string]store.CounterpartyVersion, len(cvs)), byNumber: map[string][]string{}}
	ds := &entity.Dataset{Source: CounterpartySource, Version: stamp}
	for _, cv := range cvs {
		e := counterpartyEntity(cv)
		ds.Entities = append(ds.Entities, e)
		x.versions[e.ID] = cv
		for _, i := range cv.Identifiers {
			if n := normNumber(i.Value); len(n) >= minNumberLen && !slices.Contains(x.byNumber[n], e.ID) {
				x.byNumber[n] = append(x.byNumber[n], e.ID)
			}
		}
	}
	x.eng = match.New([]*entity.Dataset{ds})
	x.scanner = scan.New(x.eng)
	return x
}

// counterparties returns the index over the current counterparties,
// rebuilt when any was created or changed since it was built.
func (s *Service) counterparties(ctx context.Context) (*counterpartyIndex, error) {
	stamp, err := s.store.CounterpartiesStamp(ctx)
	if err != nil {
		return nil, err
	}
	s.cpMu.Lock()
	defer s.cpMu.Unlock()
	if s.cpIndex != nil && s.cpIndex.stamp == stamp {
		return s.cpIndex, nil
	}
	cvs, err := s.store.CurrentCounterparties(ctx)
	if err != nil {
		return nil, err
	}
	s.cpIndex = buildCounterpartyIndex(stamp, cvs)
	return s.cpIndex, nil
}

// cpCache is the counterparty index a Service keeps between documents.
type cpCache struct {
	cpMu    sync.Mutex
	cpIndex *counterpartyIndex
}

// LinkDocument finds the registered counterparties a scanned document
// names: a party whose account, BIC or identifier a counterparty holds;
// a party whose name screens against a counterparty's names at the
// workflow's threshold; a name of a counterparty in the document's free
// text (or the whole text of a text or HTML file). One link per
// counterparty, role and field, the strongest.
func (s *Service) LinkDocument(ctx context.Context, ref DocumentRef, res *messages.Result) ([]store.Link, error) {
	x, err := s.counterparties(ctx)
	if err != nil {
		return nil, err
	}
	if len(x.versions) == 0 {
		return nil, nil
	}
	type key struct{ id, role, field string }
	best := map[key]store.Link{}
	var order []key
	add := func(entityID string, l store.Link) {
		cv := x.versions[entityID]
		l.CounterpartyID, l.CounterpartyVersion = cv.ExternalID, cv.Version
		k := key{l.CounterpartyID, l.Role, l.Field}
		old, seen := best[k]
		if !seen {
			order = append(order, k)
		}
		if !seen || l.Score > old.Score || (l.Score == old.Score && l.Via == store.LinkIdentifier) {
			best[k] = l
		}
	}
	threshold := s.cfg.Threshold
	for _, p := range res.Document.Parties {
		numbers := []string{p.BIC, p.Account}
		for _, i := range p.Identifiers {
			numbers = append(numbers, i.Number)
		}
		for _, num := range numbers {
			n := normNumber(num)
			if len(n) < minNumberLen {
				continue
			}
			for _, id := range x.byNumber[n] {
				add(id, store.Link{Role: p.Role, Field: p.Loc.Field, Written: num, Via: store.LinkIdentifier, Score: 1,
					Explanation: fmt.Sprintf("%s %q is an identifier of the counterparty", p.Role, num)})
			}
		}
		if p.Name == "" {
			continue
		}
		q := match.Query{Name: p.Name, Country: p.Country}
		switch p.Type {
		case "person":
			q.Type = entity.Person
		case "organization", "organisation":
			q.Type = entity.Organization
		}
		for _, name := range append([]string{p.Name}, p.AltNames...) {
			q.Name = name
			ms, err := x.eng.Screen(q, match.Options{Threshold: threshold, Limit: 5})
			if err != nil {
				return nil, fmt.Errorf("link %s %q: %w", p.Role, name, err)
			}
			for _, m := range ms {
				add(m.EntityID, store.Link{Role: p.Role, Field: p.Loc.Field, Written: name, Via: store.LinkName,
					Score: m.Score, Explanation: m.Explanation})
			}
		}
	}
	opt := scan.Options{Threshold: threshold}
	scanText := func(field string, base int, approximate bool, text string, html bool) error {
		var ms []scan.Mention
		var err error
		if html {
			ms, err = x.scanner.ScanHTML(ctx, text, opt)
		} else {
			ms, err = x.scanner.Scan(ctx, text, opt)
		}
		if err != nil {
			return fmt.Errorf("link mentions in %s: %w", field, err)
		}
		for _, m := range ms {
			if m.Kind != scan.Party || !m.Match || m.Party == nil {
				continue
			}
			where := fmt.Sprintf("%s bytes %d-%d", field, base+m.Start, base+m.End)
			if approximate {
				where = fmt.Sprintf("%s (offsets %d-%d in its decoded text)", field, m.Start, m.End)
			}
			add(m.Party.EntityID, store.Link{Role: "mention", Field: where, Written: m.Text, Via: store.LinkText,
				Score: m.Score, Explanation: m.Explanation})
		}
		return nil
	}
	d := res.Document
	if d.Kind == messages.KindText {
		if err := scanText("text", 0, false, ref.Text, d.Format == messages.FormatHTML); err != nil {
			return nil, err
		}
	}
	for _, ft := range d.FreeText {
		// For MT the field's text is the file's bytes at its offsets; XML
		// and JSON text is decoded, so offsets are given within it.
		approximate := d.Format != messages.FormatMT
		if err := scanText(ft.Loc.Field, ft.Loc.Start, approximate, ft.Text, false); err != nil {
			return nil, err
		}
	}
	out := make([]store.Link, 0, len(order))
	for _, k := range order {
		out = append(out, best[k])
	}
	return out, nil
}
