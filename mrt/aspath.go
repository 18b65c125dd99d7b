package mrt

import "strconv"

// maxPathText is where bgpdump stops writing an AS path and appends "...":
// its buffer holds 8000 bytes and it checks for 100 left after each AS.
const maxPathText = 8000 - 100

const pathError = "! Error !"

// appendPathText appends the text bgpdump makes of an AS path whose AS
// numbers take size bytes: sequences as space-separated numbers, sets in
// braces with commas, confederation sequences in parentheses, confederation
// sets in brackets. It returns the number of ASes bgpdump counts (a set
// counts one), which decides how it merges AS4_PATH. A malformed path gives
// "! Error !" and a count of 0.
func appendPathText(dst, data []byte, size int) ([]byte, int) {
	start := len(dst)
	count := 0
	space := false
	prev := ASSequence
	last := uint8(0)
	for p := data; len(p) > 0; {
		if len(p) < 2 || p[0] < ASSet || p[0] > ASConfedSet || 2+int(p[1])*size > len(p) {
			return append(dst[:start], pathError...), 0
		}
		t, n := p[0], int(p[1])
		if prev != ASSequence {
			dst = append(dst, delims[prev][1])
		}
		if space {
			dst = append(dst, ' ')
		}
		if t != ASSequence {
			dst = append(dst, delims[t][0])
		}
		space = false
		if t == ASSequence || t == ASConfedSequence {
			count += n
		} else {
			count++
		}
		for i := range n {
			if space {
				if t == ASSet || t == ASConfedSet {
					dst = append(dst, ',')
				} else {
					dst = append(dst, ' ')
				}
			} else {
				space = true
			}
			dst = strconv.AppendUint(dst, uint64(readAS(p[2+i*size:], size)), 10)
			if len(dst)-start > maxPathText {
				return append(dst, "..."...), count
			}
		}
		prev, last = t, t
		p = p[2+n*size:]
	}
	if last != 0 && last != ASSequence {
		dst = append(dst, delims[last][1])
	}
	return dst, count
}

// delims are the opening and closing characters of each segment type.
var delims = [5][2]byte{ASSet: {'{', '}'}, ASSequence: {' ', ' '}, ASConfedSequence: {'(', ')'}, ASConfedSet: {'[', ']'}}

// asPathText appends the AS path bgpdump prints for the attributes: in a
// 2-byte AS session with an AS4_PATH it merges the two the way bgpdump
// does, which differs from RFC 6793 in two ways kept here for identical
// output: it does not merge at all when an AGGREGATOR other than AS_TRANS
// comes with an AS4_AGGREGATOR, and it fills the leading part from the
// first AS_PATH segment only, repeating it if that is too short.
func (f *Formatter) asPathText(dst []byte, a *Attributes, caps Caps) []byte {
	if !a.Has(AttrASPath) {
		return dst
	}
	size := 2
	if caps.AS4 {
		size = 4
	}
	start := len(dst)
	dst, count := appendPathText(dst, a.ASPath.Data, size)
	if caps.AS4 || !a.Has(AttrAS4Path) {
		return dst
	}
	if a.Has(AttrAggregator) && a.Has(AttrAS4Aggregator) && a.Aggregator.AS != asTrans {
		return dst
	}
	var newCount int
	f.tmp, newCount = appendPathText(f.tmp[:0], a.AS4Path.Data, 4)
	if count < newCount {
		return dst
	}
	// Build the merged path in 4-byte form: copies of the first AS_PATH
	// segment until count-newCount ASes are there, then AS4_PATH.
	want := count - newCount
	merged := f.tmp[:0]
	p := a.ASPath.Data
	got := 0
	// Past 8*maxPathText bytes (2*maxPathText ASes) the merged path prints longer than the
	// text limit anyway (every AS takes two characters at least), so a
	// crafted path cannot make it grow without bound.
	for got < want && len(merged) <= 8*maxPathText {
		t, n := p[0], int(p[1])
		if n == 0 && (t == ASSequence || t == ASConfedSequence) {
			break // bgpdump would loop for ever
		}
		seg := len(merged)
		merged = append(merged, t, byte(n))
		for i := range n {
			v := readAS(p[2+i*2:], 2)
			merged = append(merged, byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
		}
		if t == ASSet || t == ASConfedSet {
			got++
		} else {
			got += n
			if got > want {
				extra := got - want
				merged[seg+1] -= byte(extra)
				merged = merged[:len(merged)-4*extra]
			}
		}
	}
	merged = append(merged, a.AS4Path.Data...)
	f.tmp = merged
	dst, _ = appendPathText(dst[:start], merged, 4)
	return dst
}
