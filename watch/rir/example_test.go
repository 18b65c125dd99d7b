package rir_test

import (
	"fmt"
	"strings"

	"lifeline/watch/rir"
)

func ExampleRead() {
	file := `2|ripencc|20240102|3|19830705|20240102|+0100
ripencc|*|asn|*|2|summary
ripencc|IR|asn|12880|1|20020306|assigned|e5f6a7b8
ripencc|UA|asn|200000|16|20120528|allocated|aabbccdd
ripencc||asn|4608|1||available|
`
	tab, err := rir.Read(strings.NewReader(file), "delegated-ripencc-extended-20240102")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, asn := range []uint32{12880, 200007, 4608} {
		cc, ok := tab.Country(asn)
		fmt.Println(asn, cc, ok)
	}
	// Output:
	// 12880 IR true
	// 200007 UA true
	// 4608  false
}
