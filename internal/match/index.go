package match

import (
	"hash/maphash"
	"math/bits"
)

// postings maps token keys to the names holding them (post) and keys with
// one letter deleted to the names holding the full key (del). It holds no
// pointers the garbage collector must follow: keys are stored as 64-bit
// hashes and every list lives in one flat slice. The index of the full
// official lists is tens of megabytes of entries, and scanning them on
// every collection cycle made request latency spike while a server was
// busy. A hash collision (about one in 10^8 for a million keys) can only
// add a candidate, which scoring then judges on its real tokens.
//
// It is an open-addressing table with linear probing rather than a Go
// map: retrieval looks up a dozen keys per query token (its deletions in
// both directions), and a probe here mostly costs one cache line where a
// map costs several. Both lists of a key share one slot, so a typo key is
// looked up once for both.
type postings struct {
	seed  maphash.Seed
	slots []postSlot // length a power of two, at most 3/4 full
	data  []int32    // length, then ids, for each list; data[0] is the empty list
	nPost int        // keys with a post list
	nDel  int        // keys with a del list
}

// postSlot is one key of postings; h is 0 for an empty slot.
type postSlot struct {
	h         uint64
	post, del uint32 // offsets in data of the lists' lengths; 0 for none
}

// newPostings compacts lists built by key.
func newPostings(seed maphash.Seed, post, del map[string][]int32) *postings {
	p := &postings{seed: seed, nPost: len(post), nDel: len(del)}
	keys, n := 0, 1
	for k, l := range post {
		keys++
		n += len(l) + 1
		if l2, ok := del[k]; ok {
			n += len(l2) + 1
		}
	}
	for k, l := range del {
		if _, ok := post[k]; !ok {
			keys++
		}
		n += len(l) + 1
	}
	size := 1 << bits.Len(uint(max(keys+keys/3, 1)))
	p.slots = make([]postSlot, size)
	p.data = make([]int32, 1, n)
	for k, l := range post {
		p.slot(k).post = p.appendList(l)
	}
	for k, l := range del {
		p.slot(k).del = p.appendList(l)
	}
	return p
}

func (p *postings) appendList(l []int32) uint32 {
	off := uint32(len(p.data))
	p.data = append(p.data, int32(len(l)))
	p.data = append(p.data, l...)
	return off
}

// hash returns the hash of key, never 0, which marks an empty slot.
func (p *postings) hash(key string) uint64 {
	return hashKey(p.seed, key)
}

// hashKey is the hash postings file key under with seed.
func hashKey(seed maphash.Seed, key string) uint64 {
	return max(maphash.String(seed, key), 1)
}

// slot returns the slot of key, claiming an empty one if key is new.
func (p *postings) slot(key string) *postSlot {
	h := p.hash(key)
	mask := uint64(len(p.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := &p.slots[i]
		if s.h == h || s.h == 0 {
			s.h = h
			return s
		}
	}
}

// lookup returns the names holding key and the names holding a key one
// letter longer that becomes key with that letter deleted; either may be
// empty.
func (p *postings) lookup(key string) (post, del []int32) {
	return p.find(p.hash(key))
}

// lookupBytes is lookup for a key held in bytes.
func (p *postings) lookupBytes(key []byte) (post, del []int32) {
	// maphash hashes bytes and the string they spell alike.
	return p.find(max(maphash.Bytes(p.seed, key), 1))
}

func (p *postings) find(h uint64) (post, del []int32) {
	mask := uint64(len(p.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := &p.slots[i]
		if s.h == h {
			return p.list(s.post), p.list(s.del)
		}
		if s.h == 0 {
			return nil, nil
		}
	}
}

// get returns the names holding key.
func (p *postings) get(key string) []int32 {
	post, _ := p.lookup(key)
	return post
}

func (p *postings) list(off uint32) []int32 {
	n := uint32(p.data[off])
	return p.data[off+1 : off+1+n]
}
