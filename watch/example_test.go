package watch_test

import (
	"fmt"
	"strings"
	"time"

	"lifeline/watch"
)

// A day of a country's BGP signal (visible /24s per 5 minutes), then a fall
// to a tenth at 10:00 for an hour, and the same in active probing: the
// alert is confirmed by the second kind of signal.
func ExampleDetector_Detect() {
	start := time.Date(2024, 1, 5, 0, 0, 0, 0, time.UTC)
	signal := func(k watch.Kind, step time.Duration, level float64) watch.Series {
		s := watch.Series{Key: watch.Key{Kind: k, Entity: watch.Country("IR")}, Start: start, Step: step}
		for t := start; t.Before(start.Add(36 * time.Hour)); t = t.Add(step) {
			v := level
			if !t.Before(start.Add(34*time.Hour)) && t.Before(start.Add(35*time.Hour)) {
				v = level / 10
			}
			s.Values = append(s.Values, v)
		}
		return s
	}
	cfg := watch.DefaultConfig()
	th := cfg.Thresholds[watch.KindProbing]
	th.MinHistory = 24 * time.Hour // the example holds a day and a half
	cfg.Thresholds[watch.KindProbing] = th
	d, err := watch.NewDetector(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	alerts := d.Detect([]watch.Series{
		signal(watch.KindBGP, 5*time.Minute, 48000),
		signal(watch.KindProbing, 10*time.Minute, 9000),
	}, nil)
	for _, a := range alerts {
		fmt.Println(a.Entity, a.Status, a.Start.Format("15:04"), "to", a.End.Format("15:04"), a.Level)
		fmt.Printf("drop %.0f%%, raised %s, confirmed %s\n", 100*a.Drop, a.Raised.Format("15:04"), a.Confirmed.Format("15:04"))
		fmt.Println("signals:", a.Kinds)
		fmt.Println("hint:", a.Hint, strings.Join(a.Reasons, "; "))
	}
	// Output:
	// country/IR confirmed 10:00 to 11:00 critical
	// drop 90%, raised 10:10, confirmed 10:20
	// signals: [bgp probing]
	// hint: shutdown too few network-level signals to compare; the country's signal fell below the critical level at a round hour (10:00 UTC)
}

func ExampleParseThreshold() {
	cfg := watch.DefaultConfig()
	k, th, err := watch.ParseThreshold("bgp:warning=98%,min=15m", cfg.Threshold)
	if err != nil {
		fmt.Println(err)
		return
	}
	cfg.Thresholds[k] = th
	fmt.Println(k, th)
	// Output:
	// bgp window=1d,warning=98%,critical=50%,min=15m
}

func ExampleReadCSV() {
	in := `entity,time,value
Iran,2024-01-05T10:00:00Z,311
Iran,2024-01-05T10:05:00Z,
Iran,2024-01-05T10:10:00Z,12
AS12880,2024-01-05T10:00:00Z,95
`
	series, err := watch.ReadCSV(strings.NewReader(in), watch.CSVOptions{Name: "probing.csv", Kind: watch.KindProbing})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range series {
		fmt.Println(s.Key, s.Start.Format("15:04"), s.Step, s.Values)
	}
	// Output:
	// probing:asn/12880 10:00 5m0s [95]
	// probing:country/IR 10:00 5m0s [311 NaN 12]
}
