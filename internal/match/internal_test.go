package match

import (
	"hash/maphash"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/lists"
	"github.com/chokepoint-dev/chokepoint/internal/names"
)

// osaFull is the textbook optimal-string-alignment distance over the whole
// matrix, with osa's confusable letters costing nothing: the reference the
// banded, early-exit osa must agree with.
func osaFull(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] || confusable(a[i-1], b[j-1]) {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

func TestOSAAgreesWithFullMatrix(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	// A small alphabet with confusable pairs (c/k, i/y, u/v/w) makes near
	// strings, transpositions and free substitutions common.
	const alphabet = "abckiyuvwo"
	word := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		return string(b)
	}
	mutate := func(s string) string {
		b := []byte(s)
		for range r.IntN(4) {
			switch i := r.IntN(len(b) + 1); r.IntN(4) {
			case 0:
				b = slices.Insert(b, i, alphabet[r.IntN(len(alphabet))])
			case 1:
				if i < len(b) {
					b = slices.Delete(b, i, i+1)
				}
			case 2:
				if i < len(b) {
					b[i] = alphabet[r.IntN(len(alphabet))]
				}
			case 3:
				if i+1 < len(b) {
					b[i], b[i+1] = b[i+1], b[i]
				}
			}
		}
		return string(b)
	}
	for range 100000 {
		a := word(1 + r.IntN(14))
		b := mutate(a)
		if r.IntN(5) == 0 {
			b = word(r.IntN(15))
		}
		for max := 1; max <= 3; max++ {
			want, got := osaFull(a, b), osa(a, b, max)
			if (want <= max || got <= max) && got != want {
				t.Fatalf("osa(%q, %q, %d) = %d, want %d", a, b, max, got, want)
			}
		}
	}
}

func TestPostingsFindsEveryList(t *testing.T) {
	post := make(map[string][]int32)
	del := make(map[string][]int32)
	for i := range 5000 {
		k := "k" + strconv.Itoa(i)
		post[k] = []int32{int32(i), int32(i + 1)}
		if i%3 == 0 {
			del[k] = []int32{int32(-i)}
		}
		if i%7 == 0 {
			del["d"+strconv.Itoa(i)] = []int32{int32(i)}
		}
	}
	p := newPostings(maphash.MakeSeed(), post, del)
	for k, want := range post {
		got, gotDel := p.lookup(k)
		if !slices.Equal(got, want) || !slices.Equal(gotDel, del[k]) {
			t.Fatalf("lookup(%q) = %v, %v; want %v, %v", k, got, gotDel, want, del[k])
		}
		if b, _ := p.lookupBytes([]byte(k)); !slices.Equal(b, want) {
			t.Fatalf("lookupBytes(%q) = %v, want %v", k, b, want)
		}
	}
	for k, want := range del {
		if got, gotDel := p.lookup(k); !slices.Equal(gotDel, want) || (post[k] == nil && len(got) != 0) {
			t.Fatalf("lookup(%q) = %v, %v; want del %v", k, got, gotDel, want)
		}
	}
	for i := range 1000 {
		if got, gotDel := p.lookup("absent" + strconv.Itoa(i)); len(got) != 0 || len(gotDel) != 0 {
			t.Fatalf("absent key found: %v %v", got, gotDel)
		}
	}
}

func TestSimMemoKeepsEveryEntryExactly(t *testing.T) {
	var m simMemo
	m.reset()
	a := &tok{text: "abdollahi", key: "abdlh", kind: names.Word}
	// Texts at 0 to 3 edits from a's, so that an entry returned for the
	// wrong key mostly has the wrong value.
	variants := []string{"abdollahi", "abdolahi", "abdollahy", "abdulahi", "zzzzzzzzz"}
	toks := make([]tok, 2000) // more than the table's first size holds
	for i := range toks {
		v := variants[(i/maxTokens)%len(variants)]
		toks[i] = tok{text: v, key: v, id: int32(i), kind: names.Word}
	}
	// Remembered values must be exactly tokSim's: alignment breaks ties
	// between equal similarities, so even a rounding changes scores.
	for i := range toks {
		if got, want := m.sim(i%maxTokens, a, &toks[i]), tokSim(a, &toks[i]); got != want {
			t.Fatalf("entry %d, first look-up: %v, tokSim %v", i, got, want)
		}
	}
	for i := range toks {
		if got, want := m.sim(i%maxTokens, a, &toks[i]), tokSim(a, &toks[i]); got != want {
			t.Fatalf("entry %d after growth: %v, tokSim %v", i, got, want)
		}
	}
	// A new query starts empty: an entry of the last one is not returned
	// for a different token with the same id.
	m.reset()
	other := tok{text: "abdollahi", key: "abdlh", id: 4 * maxTokens, kind: names.Word}
	if got := m.sim(0, a, &other); got != 1 {
		t.Fatalf("after reset, sim of equal texts = %v, want 1 (stale entry returned)", got)
	}
}

// TestBestRanksAgreesWithSort checks the quickselect against sorting all
// ranks and cutting, on inputs with many equal estimates (as retrieval's
// are) and every length around k.
func TestBestRanksAgreesWithSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for n := range 200 {
		for _, k := range []int{1, 2, 5, 30} {
			r := make([]rank, n)
			for i := range r {
				// Few distinct estimates, so that ties on pre are the rule.
				r[i] = rank{ni: int32(rng.IntN(10 * (n + 1))), pre: float32(rng.IntN(4)) / 4}
			}
			// Name indexes are unique in retrieval's ranks.
			slices.SortFunc(r, func(a, b rank) int { return int(a.ni - b.ni) })
			r = slices.CompactFunc(r, func(a, b rank) bool { return a.ni == b.ni })
			rng.Shuffle(len(r), func(i, j int) { r[i], r[j] = r[j], r[i] })
			want := slices.Clone(r)
			slices.SortFunc(want, func(a, b rank) int {
				if a.pre != b.pre {
					if a.pre > b.pre {
						return -1
					}
					return 1
				}
				return int(a.ni - b.ni)
			})
			if len(r) <= k {
				want = r // returned as it is, unsorted, as retrieval always did
			}
			want = want[:min(k, len(want))]
			if got := bestRanks(r, k); !slices.Equal(got, want) {
				t.Fatalf("n=%d k=%d: got %v, want %v", len(r), k, got, want)
			}
		}
	}
}

// TestNameScoreIndependentOfOrder scores every candidate of a set of
// queries against the bundled lists three ways: in retrieval order and in
// reverse, each with a fresh similarity memo, and without the memo. A
// name's score must not depend on which names were scored before it. The
// memo once rounded what it remembered, and "Chris Kelly Young" then
// scored 0.43 or 0.75 against "YI, Yo'ng-kil" depending on the order.
func TestNameScoreIndependentOfOrder(t *testing.T) {
	cat, err := lists.Open("", lists.Options{})
	if err != nil {
		t.Fatal(err)
	}
	e := New(cat.Datasets())
	// "islamiya al" is an organisation word against "islam" in persons' and
	// organisations' names, which once shared one memo entry.
	queries := []string{"Chris Kelly Young", "Mohamed Mohamud Mire", "Yong Gil Ri", "Abd al Rahman Muhammad", "islamiya al"}
	// Listed names with their words reversed and the last dropped: queries
	// with many near candidates and many equal similarities.
	for i := 0; i < len(e.names); i += 97 {
		toks, _ := e.unpack(&e.names[i], nil, nil)
		var words []string
		for j := len(toks) - 1; j >= 0; j-- {
			words = append(words, toks[j].text)
		}
		queries = append(queries, strings.Join(words, " "))
		if len(words) > 2 {
			queries = append(queries, strings.Join(words[:len(words)-1], " "))
		}
	}
	s := newScratch(len(e.names))
	checked := 0
	for _, name := range queries {
		q := e.analyseQuery(Query{Name: name}, entity.Date{}, s)
		ranks := slices.Clone(e.retrieve(&q, s, nil))
		want := make([]float64, len(ranks))
		for k, r := range ranks {
			q.memo = nil
			want[k] = e.scoreName(&q, &e.names[r.ni], false).raw
		}
		for _, reverse := range []bool{false, true} {
			s.memo.reset()
			q.memo = &s.memo
			for n := range ranks {
				k := n
				if reverse {
					k = len(ranks) - 1 - n
				}
				if got := e.scoreName(&q, &e.names[ranks[k].ni], false).raw; got != want[k] {
					t.Fatalf("%q against name %d (reverse %v): %v with the memo, %v without", name, ranks[k].ni, reverse, got, want[k])
				}
				checked++
			}
		}
		s.reset()
	}
	if checked < 1000 {
		t.Fatalf("only %d scores checked: the queries found too few candidates", checked)
	}
	t.Logf("%d queries, %d scores checked", len(queries), checked)
}

// TestPackUnpackKeepsEveryField packs a token with every field set into
// the index's pointer-free form and back: a field added to tok but not to
// ltok fails here rather than silently scoring as zero.
func TestPackUnpackKeepsEveryField(t *testing.T) {
	var want tok
	v := reflect.ValueOf(&want).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		f = reflect.NewAt(f.Type(), f.Addr().UnsafePointer()).Elem() // unexported
		switch f.Kind() {
		case reflect.String:
			f.SetString("field" + strconv.Itoa(i))
		case reflect.Bool:
			f.SetBool(true)
		case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Int:
			f.SetInt(int64(i + 1))
		case reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uint:
			f.SetUint(uint64(i + 1))
		case reflect.Float32, reflect.Float64:
			f.SetFloat(float64(i) + 0.5)
		default:
			t.Fatalf("tok field %s has kind %s, which this test does not fill", v.Type().Field(i).Name, f.Kind())
		}
	}
	a := arena{offs: make(map[string]uint32)}
	a.span("something else first") // so that offsets are not all zero
	l := a.pack(&want)
	e := &Engine{strs: a.b.String()}
	if got := e.unpackTok(&l); got != want {
		t.Fatalf("unpack(pack(t)) = %+v, want %+v", got, want)
	}
}
