package ioda_test

import (
	"fmt"
	"strings"

	"lifeline/watch/ioda"
)

func ExampleRead() {
	resp := `{"type": "signals", "error": null, "data": [[
	  {"entityType": "country", "entityCode": "IR", "datasource": "ping-slash24",
	   "from": 1704448800, "until": 1704450600, "step": 600, "values": [9120, null, 410]}]]}`
	res, err := ioda.Read(strings.NewReader(resp), "ir.json")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range res.Series {
		fmt.Println(s.Key, s.Start.Format("2006-01-02 15:04"), s.Step, s.Values)
	}
	// Output:
	// probing:country/IR 2024-01-05 10:00 10m0s [9120 NaN 410]
}
