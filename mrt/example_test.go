package mrt_test

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"io"
	"os"

	"lifeline/mrt"
)

// A BGP4MP STATE_CHANGE record: peer AS 65001 at 10.0.0.1 went from Active
// (3) to Established (6) on 2015-04-01.
const stateChange = "551b35000010000000000014fde9fdea000000010a0000010a00000200030006"

func ExampleDump() {
	in, _ := hex.DecodeString(stateChange)
	r, err := mrt.NewReader(bytes.NewReader(in), mrt.Options{Name: "example.mrt"})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := mrt.Dump(os.Stdout, r, mrt.DumpOptions{}); err != nil {
		fmt.Println(err)
	}
	// Output:
	// BGP4MP|1427846400|STATE|10.0.0.1|65001|3|6
}

func ExampleReader() {
	in, _ := hex.DecodeString(stateChange)
	r, _ := mrt.NewReader(bytes.NewReader(in), mrt.Options{})
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		var m mrt.BGP4MP
		if err := m.Decode(&rec); err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(rec.Time().Format("2006-01-02 15:04"), rec.Type, mrt.SubtypeName(rec.Type, rec.Subtype), m.PeerIP, m.PeerAS, m.OldState, "->", m.NewState)
	}
	// Output:
	// 2015-04-01 00:00 BGP4MP STATE_CHANGE 10.0.0.1 65001 3 -> 6
}

func ExampleError() {
	in, _ := hex.DecodeString(stateChange)
	in = append(in, in[:20]...) // a second record cut short
	r, _ := mrt.NewReader(bytes.NewReader(in), mrt.Options{Name: "updates.mrt"})
	for {
		_, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Println(err)
			break
		}
	}
	// Output:
	// updates.mrt: record at byte 32 (BGP4MP/STATE_CHANGE): truncated: record of 32 bytes, input ends after 20
}
