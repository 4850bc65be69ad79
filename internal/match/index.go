package match

import (
	"hash/maphash"
)

// postings maps token keys to the names holding them. It holds no
// pointers the garbage collector must follow: keys are stored as 64-bit
// hashes and every list lives in one flat slice. The index of the full
// official lists is tens of megabytes of map entries, and scanning them on
// every collection cycle made request latency spike while a server was
// busy. A hash collision (about one in 10^8 for a million keys) can only
// add a candidate, which scoring then judges on its real tokens.
type postings struct {
	seed maphash.Seed
	off  map[uint64]uint32 // hash -> offset in data of the list's length
	data []int32           // length, then ids, for each list
}

// newPostings compacts lists built by key.
func newPostings(seed maphash.Seed, lists map[string][]int32) *postings {
	p := &postings{seed: seed, off: make(map[uint64]uint32, len(lists))}
	n := 0
	for _, l := range lists {
		n += len(l) + 1
	}
	p.data = make([]int32, 0, n)
	for k, l := range lists {
		h := maphash.String(seed, k)
		p.off[h] = uint32(len(p.data))
		p.data = append(p.data, int32(len(l)))
		p.data = append(p.data, l...)
	}
	return p
}

// get returns the names holding key, or nil.
func (p *postings) get(key string) []int32 {
	off, ok := p.off[maphash.String(p.seed, key)]
	if !ok {
		return nil
	}
	n := p.data[off]
	return p.data[off+1 : off+1+uint32(n)]
}

// len returns the number of keys.
func (p *postings) len() int { return len(p.off) }
