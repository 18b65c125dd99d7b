package eval

import (
	"testing"

	"lifeline/watch"
)

// BenchmarkRun measures one default evaluation: two worlds of 56 entities
// over 9 weeks (240 series, 3.3 million values) generated and detected.
func BenchmarkRun(b *testing.B) {
	for b.Loop() {
		if _, err := Run(DefaultConfig(), watch.DefaultConfig(), nil); err != nil {
			b.Fatal(err)
		}
	}
}
