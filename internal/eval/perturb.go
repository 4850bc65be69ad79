package eval

import (
	"math/rand/v2"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/chokepoint-dev/chokepoint/internal/country"
	"github.com/chokepoint-dev/chokepoint/internal/entity"
)

// PerturbSeed fixes the perturbation set: with the same UN file and this
// seed, GeneratePerturbations gives the same rows.
const PerturbSeed = 1010

// Perturbation kinds. Each imitates a way a customer record or a clerk's
// typing departs from the listed spelling.
const (
	KindSwapStart  = "swap_start"  // the first two letters of a word swapped
	KindSwapInner  = "swap_inner"  // two adjacent letters inside a word swapped
	KindBoundary   = "boundary"    // a letter moved across a space or hyphen
	KindDelete     = "delete"      // one letter (not the first) left out
	KindReorder    = "reorder"     // the last word put first
	KindDropMiddle = "drop_middle" // a middle name left out
	KindComma      = "comma"       // "SURNAME, Given Names"
	KindHonorific  = "honorific"   // a title at the front or between names
)

// PerturbKinds lists the kinds in the order rows are written.
var PerturbKinds = []string{KindSwapStart, KindSwapInner, KindBoundary, KindDelete, KindReorder, KindDropMiddle, KindComma, KindHonorific}

// honorifics are titles customers put in a name field; "Mr" and "Dr" are
// Western, the rest common in the names of listed persons' regions.
var honorifics = []string{"Mr", "Dr", "Sheikh", "Haji", "Mawlawi", "Mullah", "General", "Eng."}

// Perturbation is one row of the perturbation set: a listed name altered
// in one way, and the listed entity it must still find.
type Perturbation struct {
	ID          string // <entity id>/<kind>
	EntityID    string // engine id of the listed entity, un_sc:<reference number>
	Kind        string
	Type        entity.Type
	Listed      string // the listed name it was made from
	Name        string // the altered name
	DOB         string // the entity's first birth date, if any
	Nationality string // the entity's first nationality, if any
}

// PerturbHeader is the CSV header of the perturbation files.
var PerturbHeader = []string{"id", "entity_id", "kind", "type", "listed_name", "name", "date_of_birth", "nationality"}

// Record returns the row's CSV fields in PerturbHeader order.
func (p Perturbation) Record() []string {
	return []string{p.ID, p.EntityID, p.Kind, string(p.Type), p.Listed, p.Name, p.DOB, p.Nationality}
}

// GeneratePerturbations alters the primary name of every person and
// organisation in ds in each applicable way. A random source seeded with
// PerturbSeed and the entity id decides positions, so rows of one entity
// do not change when others are added or removed.
func GeneratePerturbations(ds *entity.Dataset) []Perturbation {
	var out []Perturbation
	for _, e := range ds.Entities {
		if e.Type != entity.Person && e.Type != entity.Organization {
			continue
		}
		listed := primaryName(e)
		if listed == "" {
			continue
		}
		rng := rand.New(rand.NewPCG(PerturbSeed, uint64(FNV32a(e.ID))))
		var dob, nat string
		if len(e.BirthDates) > 0 {
			dob = e.BirthDates[0].String()
			if strings.Contains(dob, "..") { // a range is not a date of birth a customer gives
				dob = ""
			}
		}
		// The first nationality a country code is known for: the parser
		// keeps unrecognised ones as written.
		for _, n := range e.Nationalities {
			if c := country.Code(n); c != "" {
				nat = c
				break
			}
		}
		for _, kind := range PerturbKinds {
			name, ok := perturb(kind, listed, e.Type, rng)
			if !ok || name == listed {
				continue
			}
			out = append(out, Perturbation{
				ID: e.ID + "/" + kind, EntityID: e.ID, Kind: kind, Type: e.Type,
				Listed: listed, Name: name, DOB: dob, Nationality: nat,
			})
		}
	}
	return out
}

func primaryName(e *entity.Entity) string {
	for _, n := range e.Names {
		if n.Kind == entity.NamePrimary && isLatin(n.Full) {
			return strings.Join(strings.Fields(n.Full), " ")
		}
	}
	return ""
}

func isLatin(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) && !unicode.Is(unicode.Latin, r) {
			return false
		}
	}
	return true
}

// letterWords returns the indexes of words with at least min letters and
// no other characters, so a change never touches punctuation or digits.
func letterWords(words []string, min int) []int {
	var idx []int
	for i, w := range words {
		if utf8.RuneCountInString(w) >= min && strings.IndexFunc(w, func(r rune) bool { return !unicode.IsLetter(r) }) < 0 {
			idx = append(idx, i)
		}
	}
	return idx
}

func pick(rng *rand.Rand, idx []int) int { return idx[rng.IntN(len(idx))] }

func perturb(kind, name string, typ entity.Type, rng *rand.Rand) (string, bool) {
	words := strings.Split(name, " ")
	// Word-order kinds need plain words: a listed "LAVILLA, JR" is already
	// in a comma form.
	person := typ == entity.Person && !strings.Contains(name, ",")
	switch kind {
	case KindSwapStart, KindSwapInner, KindDelete:
		min := 3
		if kind != KindSwapStart {
			min = 4
		}
		idx := letterWords(words, min)
		if len(idx) == 0 {
			return "", false
		}
		i := pick(rng, idx)
		r := []rune(words[i])
		switch kind {
		case KindSwapStart:
			r[0], r[1] = r[1], r[0]
			r[0], r[1] = matchCase(r[0], r[1]), matchCase(r[1], r[0])
		case KindSwapInner:
			j := 1 + rng.IntN(len(r)-2) // swap r[j], r[j+1]; never the first letter
			r[j], r[j+1] = r[j+1], r[j]
		case KindDelete:
			j := 1 + rng.IntN(len(r)-1)
			r = slices.Delete(r, j, j+1)
		}
		words[i] = string(r)
		return strings.Join(words, " "), true
	case KindBoundary:
		return shiftBoundary(name, rng)
	case KindReorder:
		if !person || len(words) < 2 {
			return "", false
		}
		return strings.Join(append([]string{words[len(words)-1]}, words[:len(words)-1]...), " "), true
	case KindDropMiddle:
		if !person || len(words) < 3 {
			return "", false
		}
		i := 1 + rng.IntN(len(words)-2)
		return strings.Join(slices.Delete(slices.Clone(words), i, i+1), " "), true
	case KindComma:
		if !person || len(words) < 2 {
			return "", false
		}
		return words[len(words)-1] + ", " + strings.Join(words[:len(words)-1], " "), true
	case KindHonorific:
		if typ != entity.Person {
			return "", false
		}
		h := honorifics[rng.IntN(len(honorifics))]
		at := 0
		if len(words) >= 2 && rng.IntN(2) == 1 {
			at = 1 + rng.IntN(len(words)-1) // between two names
		}
		return strings.Join(slices.Insert(slices.Clone(words), at, h), " "), true
	}
	return "", false
}

// matchCase gives r the case of like, so "Ahmad" becomes "Hamad", not "hAmad".
func matchCase(r, like rune) rune {
	if unicode.IsUpper(like) {
		return unicode.ToUpper(r)
	}
	return unicode.ToLower(r)
}

// shiftBoundary moves one letter across a space or hyphen between two
// words of letters: "ABDUL RAHMAN" becomes "ABDU LRAHMAN" or "ABDULR AHMAN".
func shiftBoundary(name string, rng *rand.Rand) (string, bool) {
	r := []rune(name)
	var seps []int
	for i := 2; i < len(r)-2; i++ {
		if (r[i] == ' ' || r[i] == '-') && unicode.IsLetter(r[i-1]) && unicode.IsLetter(r[i-2]) && unicode.IsLetter(r[i+1]) && unicode.IsLetter(r[i+2]) {
			seps = append(seps, i)
		}
	}
	if len(seps) == 0 {
		return "", false
	}
	i := pick(rng, seps)
	if rng.IntN(2) == 0 {
		r[i-1], r[i] = r[i], r[i-1] // the letter before moves after the separator
	} else {
		r[i], r[i+1] = r[i+1], r[i] // the letter after moves before it
	}
	return string(r), true
}

// FNV32a is the 32-bit FNV-1a hash of s. The held-out sets are split on
// it; scripts/gen-eval computes the same in JavaScript.
func FNV32a(s string) uint32 {
	h := uint32(0x811c9dc5)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 0x01000193
	}
	return h
}

// Part names the half of a held-out set a key belongs to: "dev" for
// looking at while designing, "test" for measuring only at the end. The
// key is the person or listed entity, so every row made from one of them
// falls in the same part.
func Part(key string) string {
	if FNV32a(key)%2 == 0 {
		return "dev"
	}
	return "test"
}
