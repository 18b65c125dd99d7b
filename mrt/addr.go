package mrt

// appendIPv4 appends a dotted-quad address.
func appendIPv4(dst []byte, a [4]byte) []byte {
	for i, b := range a {
		if i > 0 {
			dst = append(dst, '.')
		}
		switch {
		case b >= 100:
			dst = append(dst, '0'+b/100, '0'+b/10%10, '0'+b%10)
		case b >= 10:
			dst = append(dst, '0'+b/10, '0'+b%10)
		default:
			dst = append(dst, '0'+b)
		}
	}
	return dst
}

const hexDigits = "0123456789abcdef"

// appendIPv6 appends an IPv6 address the way bgpdump formats it, which is
// not RFC 5952: the longest run of zero groups is shortened to "::" even if
// it is a single group, and IPv4-mapped and IPv4-compatible addresses (but
// :: and ::1) end in dotted-quad form.
func appendIPv6(dst []byte, a [16]byte) []byte {
	zero12 := true
	for _, b := range a[:10] {
		if b != 0 {
			zero12 = false
			break
		}
	}
	if zero12 {
		switch {
		case a[10] == 0xff && a[11] == 0xff:
			dst = append(dst, "::ffff:"...)
			return appendIPv4(dst, [4]byte(a[12:]))
		case a[10] == 0 && a[11] == 0 && (a[12]|a[13]|a[14] != 0 || a[15] > 1):
			dst = append(dst, "::"...)
			return appendIPv4(dst, [4]byte(a[12:]))
		}
	}
	// Find the first longest run of zero groups.
	best, bestLen := -1, 0
	for i := 0; i < 8; {
		if a[2*i] != 0 || a[2*i+1] != 0 {
			i++
			continue
		}
		j := i
		for j < 8 && a[2*j] == 0 && a[2*j+1] == 0 {
			j++
		}
		if j-i > bestLen {
			best, bestLen = i, j-i
		}
		i = j
	}
	for i := 0; i < 8; i++ {
		if i == best {
			if i == 0 {
				dst = append(dst, ':')
			}
			dst = append(dst, ':')
			i += bestLen - 1
			continue
		}
		g := uint16(a[2*i])<<8 | uint16(a[2*i+1])
		switch {
		case g >= 0x1000:
			dst = append(dst, hexDigits[g>>12], hexDigits[g>>8&15], hexDigits[g>>4&15], hexDigits[g&15])
		case g >= 0x100:
			dst = append(dst, hexDigits[g>>8], hexDigits[g>>4&15], hexDigits[g&15])
		case g >= 0x10:
			dst = append(dst, hexDigits[g>>4], hexDigits[g&15])
		default:
			dst = append(dst, hexDigits[g])
		}
		if i != 7 {
			dst = append(dst, ':')
		}
	}
	return dst
}
