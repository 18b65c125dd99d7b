package watch

import (
	"math"
	"slices"
	"sort"
)

// baseline is the sliding-median history of one series: the values of the
// bins in the last window, where an extreme value has been replaced by the
// prediction (inpainting). It keeps the values seen as well, to rebuild the
// history from them when inpainting has lasted too long.
//
// The median comes from a sorted copy of the history updated by binary
// search and one copy per insertion or removal: O(window) memory moves per
// bin, which for a 7-day window of 5-minute bins (2,016 values) is a few
// microseconds, simpler and as fast at this size as two heaps with lazy
// deletion.
type baseline struct {
	window int // bins
	fifo   []entry
	head   int
	sorted []float64
}

type entry struct {
	bin       int
	hist, raw float64
}

func newBaseline(window int) *baseline {
	return &baseline{window: window, sorted: make([]float64, 0, min(window, 1<<16))}
}

// advance drops the entries older than the window that ends before bin i.
func (b *baseline) advance(i int) {
	for b.head < len(b.fifo) && b.fifo[b.head].bin <= i-b.window {
		b.remove(b.fifo[b.head].hist)
		b.head++
	}
	// Compact when the dead prefix is as long as the live part.
	if b.head > 0 && b.head >= len(b.fifo)-b.head {
		n := copy(b.fifo, b.fifo[b.head:])
		b.fifo = b.fifo[:n]
		b.head = 0
	}
}

// push adds the history value hist (the raw value, or its prediction) of
// bin i, whose measured value was raw.
func (b *baseline) push(i int, hist, raw float64) {
	b.fifo = append(b.fifo, entry{bin: i, hist: hist, raw: raw})
	j := sort.SearchFloat64s(b.sorted, hist)
	b.sorted = slices.Insert(b.sorted, j, hist)
}

func (b *baseline) remove(v float64) {
	j := sort.SearchFloat64s(b.sorted, v)
	if j < len(b.sorted) && b.sorted[j] == v {
		b.sorted = slices.Delete(b.sorted, j, j+1)
	}
}

// len returns the number of values in the history.
func (b *baseline) len() int { return len(b.sorted) }

// median returns the median of the history, NaN when it is empty.
func (b *baseline) median() float64 {
	n := len(b.sorted)
	switch {
	case n == 0:
		return math.NaN()
	case n%2 == 1:
		return b.sorted[n/2]
	}
	return (b.sorted[n/2-1] + b.sorted[n/2]) / 2
}

// rebuild replaces the history by the values measured: the level that
// inpainting held off becomes the new normal.
func (b *baseline) rebuild() {
	b.sorted = b.sorted[:0]
	for k := b.head; k < len(b.fifo); k++ {
		b.fifo[k].hist = b.fifo[k].raw
		b.sorted = append(b.sorted, b.fifo[k].raw)
	}
	slices.Sort(b.sorted)
}
