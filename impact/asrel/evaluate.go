package asrel

import (
	"cmp"
	"context"
	"encoding/binary"
	"math"
	mathbits "math/bits"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// Options configures Evaluate.
type Options struct {
	// Workers is the number of goroutines; 0 means GOMAXPROCS. The outcome
	// does not depend on it.
	Workers int
	// Progress, if set, is called with the searches done so far and their
	// total, from one goroutine at a time.
	Progress func(done, total int)
}

// Outcome is what a set of failed ASes does to valley-free reachability.
// Only pairs of live ASes count: every AS also loses the failed ones.
type Outcome struct {
	g      *Graph
	failed []bool
	inCone []bool
	lost   []int32 // per node: live destinations it reached before and no longer

	// Cone is the number of live ASes in the customer cones of the failed
	// ones: the only ASes whose own paths can cross a failed AS, and one
	// end of every lost pair.
	Cone int
	// Searches is the number of destinations searched (twice each: before
	// and after the failure); ASes that cannot differ share one.
	Searches int
}

// Loss is what one AS loses.
type Loss struct {
	ASN uint32
	// Lost is how many live ASes it reached over a valley-free path before
	// the failure and reaches no longer.
	Lost int
	// InCone: the AS is in the customer cone of a failed AS, so the failure
	// sits on (some of) its own paths up; otherwise it only loses
	// destinations that hang below the failed ASes.
	InCone bool
}

// Evaluate computes, for every live AS, how many live ASes it can no
// longer reach over a valley-free path once the failed ASes are removed.
// The package comment explains the method; the work is about two searches
// of the whole graph per distinct AS of the failed ASes' customer cones.
//
// Errors: ENOTFOUND naming a failed AS that is not in the graph; the
// context's error if it is cancelled.
func (g *Graph) Evaluate(ctx context.Context, failed []uint32, opt Options) (*Outcome, error) {
	mask, err := g.failedMask("asrel.Evaluate", failed)
	if err != nil {
		return nil, err
	}
	n := g.Len()
	o := &Outcome{g: g, failed: mask, inCone: make([]bool, n), lost: make([]int32, n)}

	// The customer cones of the failed ASes, found by one descent from all
	// of them at once (through failed ASes too: the cones are those of the
	// graph before the failure).
	var queue []int32
	for v, f := range mask {
		if f {
			o.inCone[v] = true
			queue = append(queue, int32(v))
		}
	}
	for i := 0; i < len(queue); i++ {
		v := queue[i]
		for _, c := range g.down[g.downStart[v]:g.downStart[v+1]] {
			if !o.inCone[c] {
				o.inCone[c] = true
				queue = append(queue, c)
			}
		}
	}
	for v, f := range mask {
		if f {
			o.inCone[v] = false // failed: not a live AS of the cone
		}
	}

	// Group the cone's ASes: a stub with no peers reaches what its
	// providers reach, so stubs with the same providers reach the same
	// ASes (each other included), before and after; one search serves
	// them all.
	group := make([]int32, n) // cone node -> group
	var reps []int32          // group -> its first node
	var size []int32          // group -> members
	byProviders := map[string]int32{}
	var key []byte
	for v := range int32(n) {
		if !o.inCone[v] {
			continue
		}
		o.Cone++
		gi := int32(len(reps))
		if g.downStart[v] == g.downStart[v+1] && g.peerStart[v] == g.peerStart[v+1] {
			key = key[:0]
			for _, p := range g.up[g.upStart[v]:g.upStart[v+1]] {
				key = binary.LittleEndian.AppendUint32(key, uint32(p))
			}
			if k, ok := byProviders[string(key)]; ok {
				group[v] = k
				size[k]++
				continue
			}
			byProviders[string(key)] = gi
		}
		group[v] = gi
		reps = append(reps, v)
		size = append(size, 1)
	}
	o.Searches = len(reps)

	// Find what each group's first node reaches before and after, 256
	// groups per sweep; its lost destinations are those reached before and
	// not after. An AS outside the cones loses only destinations inside
	// them, so it counts its losses as it turns up in the groups' lost
	// sets, once per member.
	groupLost := make([]int32, len(reps))
	nBatch := (len(reps) + lanes - 1) / lanes
	workers := max(1, min(cmp.Or(opt.Workers, runtime.GOMAXPROCS(0)), nBatch))
	outside := make([][]int32, workers) // per worker, per node
	var next, done atomic.Int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a, before, after := make([]lane, n), make([]lane, n), make([]lane, n)
			out := make([]int32, n)
			outside[w] = out
			planes := make([]lane, mathbits.Len(uint(n))+1) // bit-sliced counters, one plane per binary digit
			var weight []lane
			for {
				b := int(next.Add(1) - 1)
				if b >= nBatch {
					return
				}
				if err := ctx.Err(); err != nil {
					errs[w] = err
					return
				}
				lo, hi := b*lanes, min((b+1)*lanes, len(reps))
				g.sweep(reps[lo:hi], nil, a, before)
				g.sweep(reps[lo:hi], mask, a, after)
				// Each AS outside the cones adds the sizes of the groups it
				// loses: with the sizes' binary digits as masks, that is a
				// few popcounts. The groups count their lost ASes in
				// bit-sliced counters (one plane per binary digit), a few
				// word operations per AS where a loop over bits would take
				// one step per lost pair.
				weight := weight[:0]
				for i, gi := 0, lo; gi < hi; i, gi = i+1, gi+1 {
					for j := 0; size[gi]>>j != 0; j++ {
						for len(weight) <= j {
							weight = append(weight, lane{})
						}
						if size[gi]>>j&1 != 0 {
							weight[j][i/64] |= 1 << (i % 64)
						}
					}
				}
				clear(planes)
				for x := range int32(n) {
					if mask[x] {
						continue
					}
					var lost lane
					any := uint64(0)
					for k := range lost {
						lost[k] = before[x][k] &^ after[x][k]
						any |= lost[k]
					}
					if any == 0 {
						continue
					}
					for k, c := range lost {
						for p := 0; c != 0; p++ {
							t := planes[p][k] & c
							planes[p][k] ^= c
							c = t
						}
					}
					if !o.inCone[x] {
						s := 0
						for j := range weight {
							s += (mathbits.OnesCount64(lost[0]&weight[j][0]) + mathbits.OnesCount64(lost[1]&weight[j][1]) +
								mathbits.OnesCount64(lost[2]&weight[j][2]) + mathbits.OnesCount64(lost[3]&weight[j][3])) << j
						}
						out[x] += int32(s)
					}
				}
				for i, gi := 0, lo; gi < hi; i, gi = i+1, gi+1 {
					c := int32(0)
					for p := range planes {
						c |= int32(planes[p][i/64]>>(i%64)&1) << p
					}
					groupLost[gi] = c
				}
				d := done.Add(int64(hi - lo))
				if opt.Progress != nil {
					mu.Lock()
					opt.Progress(int(d), len(reps))
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	for v := range n {
		if o.inCone[v] {
			o.lost[v] = groupLost[group[v]]
			continue
		}
		for _, out := range outside {
			if out != nil {
				o.lost[v] += out[v]
			}
		}
	}
	return o, nil
}

// Failed returns the failed ASes, ascending.
func (o *Outcome) Failed() []uint32 {
	var out []uint32
	for v, f := range o.failed {
		if f {
			out = append(out, o.g.asn[v])
		}
	}
	return out
}

// IsFailed reports whether the AS failed.
func (o *Outcome) IsFailed(asn uint32) bool {
	v, ok := o.g.index(asn)
	return ok && o.failed[v]
}

// Lost returns how many live ASes the AS reached before and reaches no
// longer; 0 for a failed AS or one not in the graph.
func (o *Outcome) Lost(asn uint32) int {
	v, ok := o.g.index(asn)
	if !ok {
		return 0
	}
	return int(o.lost[v])
}

// LostPairs returns the number of ordered pairs of live ASes that had a
// valley-free path and have none.
func (o *Outcome) LostPairs() int64 {
	var s int64
	for _, l := range o.lost {
		s += int64(l)
	}
	return s
}

// Affected returns every live AS that loses at least one destination, most
// destinations lost first, then by AS number.
func (o *Outcome) Affected() []Loss {
	// Sorting packed keys (lost descending, then node) is several times
	// faster than sorting the structs when nearly every AS is affected.
	var keys []uint64
	for v, l := range o.lost {
		if l > 0 {
			keys = append(keys, uint64(math.MaxInt32-l)<<32|uint64(v))
		}
	}
	slices.Sort(keys)
	out := make([]Loss, len(keys))
	for i, k := range keys {
		v := uint32(k)
		out[i] = Loss{ASN: o.g.asn[v], Lost: int(o.lost[v]), InCone: o.inCone[v]}
	}
	return out
}
