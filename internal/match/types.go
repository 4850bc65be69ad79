package match

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/chokepoint-dev/chokepoint/internal/entity"
)

// Query is one party to screen. Only Name is required (or, failing a name,
// at least one identifier).
type Query struct {
	ID      string      `json:"id,omitempty"`
	Name    string      `json:"name"`
	Type    entity.Type `json:"type,omitempty"`
	Country string      `json:"country,omitempty"`
	DOB     string      `json:"dob,omitempty"`
	Gender  string      `json:"gender,omitempty"`
	IDs     []string    `json:"ids,omitempty"`
}

// Limits on a query's fields, so that one request cannot cost much.
const (
	MaxNameLen = 500
	MaxIDs     = 20
	MaxIDLen   = 64
	MaxLimit   = 100
)

// FieldError names a query field that is not acceptable.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Message }

// ValidationError lists every bad field of a query.
type ValidationError struct{ Fields []FieldError }

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Error()
	}
	return "invalid query: " + strings.Join(parts, "; ")
}

// InvalidUTF8 is the message for a field that is not UTF-8 text, the same
// words as the order checks'.
const InvalidUTF8 = "invalid UTF-8: the text must be UTF-8 encoded"

// Validate reports every unacceptable field of q at once.
func (q *Query) Validate() error {
	_, err := q.validate()
	return err
}

// validate is Validate, also returning the parsed birth date (zero when
// none is given) so that screening does not parse it twice.
func (q *Query) validate() (entity.Date, error) {
	var dob entity.Date
	var bad []FieldError
	add := func(field, format string, args ...any) {
		bad = append(bad, FieldError{field, fmt.Sprintf(format, args...)})
	}
	if strings.TrimSpace(q.Name) == "" && len(q.IDs) == 0 {
		add("name", "required (or give at least one identifier in ids)")
	}
	if len(q.Name) > MaxNameLen {
		add("name", "longer than %d bytes", MaxNameLen)
	}
	// Bytes that are not UTF-8 would be screened as something else than
	// what the caller holds; the batch readers and orders refuse them too.
	for _, f := range []struct{ name, v string }{{"id", q.ID}, {"name", q.Name}, {"country", q.Country}, {"dob", q.DOB}, {"gender", q.Gender}} {
		if !utf8.ValidString(f.v) {
			add(f.name, "%s", InvalidUTF8)
		}
	}
	if q.Type != "" {
		if _, ok := entity.ParseType(string(q.Type)); !ok {
			add("type", "unknown type %q (want person, organization, vessel or aircraft)", q.Type)
		}
	}
	if q.DOB != "" {
		var err error
		if dob, err = entity.ParseDate(q.DOB); err != nil {
			add("dob", "%v", err)
		}
	}
	if len(q.IDs) > MaxIDs {
		add("ids", "more than %d identifiers", MaxIDs)
	}
	for i, id := range q.IDs {
		if len(id) > MaxIDLen {
			add(fmt.Sprintf("ids[%d]", i), "longer than %d bytes", MaxIDLen)
		}
		if !utf8.ValidString(id) {
			add(fmt.Sprintf("ids[%d]", i), "%s", InvalidUTF8)
		}
	}
	if len(bad) > 0 {
		return entity.Date{}, &ValidationError{bad}
	}
	return dob, nil
}

// ErrInvalidQuery is wrapped by every query validation failure.
var ErrInvalidQuery = errors.New("invalid query")

func (e *ValidationError) Unwrap() error { return ErrInvalidQuery }

// Options tune one screening call. Zero values take the engine defaults.
type Options struct {
	// Threshold is the score from which a candidate is a match; 0 means
	// DefaultThreshold.
	Threshold float64
	// Limit caps the number of results; 0 means 10.
	Limit int
	// MinScore drops candidates scoring below it; 0 keeps only matches and
	// near-matches (scores within 0.1 of the threshold).
	MinScore float64
	// Sources, when not empty, restricts screening to these source ids.
	Sources []string
}

// Factor is one contribution to a score, in plain words.
type Factor struct {
	// Name is "name", "alias", "weak_alias", "identifier", "dob",
	// "country", "gender" or "type".
	Name string `json:"name"`
	// Effect is the signed change this factor made to the score.
	Effect float64 `json:"effect"`
	Detail string  `json:"detail"`
}

// TokenPair aligns one query token with one listed token.
type TokenPair struct {
	Query  string  `json:"query"`
	Listed string  `json:"listed"`
	Score  float64 `json:"score"`
}

// SourceRef points to another list entry judged to be the same party.
type SourceRef struct {
	EntityID    string  `json:"entity_id"`
	Source      string  `json:"source"`
	SourceID    string  `json:"source_id"`
	Name        string  `json:"name"`
	Score       float64 `json:"score"`
	ListVersion string  `json:"list_version"`
	// Reason says why the entries are taken to be the same party.
	Reason string `json:"reason"`
}

// Match is one listed entity a query may be, with its score and the reasons
// for it. Results come best first.
type Match struct {
	EntityID           string          `json:"entity_id"`
	Source             string          `json:"source"`
	SourceID           string          `json:"source_id"`
	Type               entity.Type     `json:"type"`
	Name               string          `json:"name"`
	MatchedName        string          `json:"matched_name"`
	MatchedNameKind    entity.NameKind `json:"matched_name_kind"`
	MatchedNameQuality entity.Quality  `json:"matched_name_quality"`
	// MatchedInitials is set when the query matched the initials of
	// MatchedName ("irgc" of Islamic Revolutionary Guard Corps) rather
	// than the name itself.
	MatchedInitials string      `json:"matched_initials,omitempty"`
	Score           float64     `json:"score"`
	Match           bool        `json:"match"`
	Explanation     string      `json:"explanation"`
	Factors         []Factor    `json:"factors"`
	Tokens          []TokenPair `json:"aligned_tokens,omitempty"`
	Programs        []string    `json:"programs,omitempty"`
	ListVersion     string      `json:"list_version"`
	// AlsoListed holds the same party's entries on other lists.
	AlsoListed []SourceRef `json:"also_listed,omitempty"`
	// Entity is the listed record, for callers that need its details.
	Entity *entity.Entity `json:"-"`
}
