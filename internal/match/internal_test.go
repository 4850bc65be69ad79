package match

import (
	"hash/maphash"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

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

func TestSimMemoKeepsEveryEntryAcrossGrowth(t *testing.T) {
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
	want := make([]float64, len(toks))
	for i := range toks {
		want[i] = float64(float32(m.sim(i%maxTokens, a, &toks[i])))
	}
	for i := range toks {
		if got := m.sim(i%maxTokens, a, &toks[i]); got != want[i] {
			t.Fatalf("entry %d: %v after growth, %v before", i, got, want[i])
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
