package watch

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// benchSeries returns four weeks of a noisy signal with a daily cycle.
func benchSeries(k Kind, step time.Duration) Series {
	rng := rand.New(rand.NewPCG(1, 2))
	n := int(28 * 24 * time.Hour / step)
	v := make([]float64, n)
	for i := range v {
		h := float64(i) * step.Hours()
		v[i] = 1000 * (1 + 0.05*math.Sin(2*math.Pi*h/24) + 0.01*rng.NormFloat64())
	}
	return series(k, Country("IR"), step, v)
}

// BenchmarkSeriesEvents measures the detector on four weeks of one signal:
// BGP (24 h window of 5-minute bins, 288 values) and active probing (7 d
// window of 10-minute bins, 1,008 values).
func BenchmarkSeriesEvents(b *testing.B) {
	d, _ := NewDetector(DefaultConfig())
	for _, c := range []struct {
		name string
		k    Kind
		step time.Duration
	}{{"bgp", KindBGP, 5 * time.Minute}, {"probing", KindProbing, 10 * time.Minute}} {
		s := benchSeries(c.k, c.step)
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				d.SeriesEvents(&s)
			}
			b.ReportMetric(float64(b.N*len(s.Values))/b.Elapsed().Seconds(), "values/s")
		})
	}
}
