package ledger

import (
	"crypto/ed25519"
	"runtime"
	"sync"
)

// SealAll seals events one after another after prev, exactly as Seal
// would one at a time, and returns their records in order. The canonical
// bytes are made in order (each names the hash of the one before); the
// signatures, which depend on nothing but their own bytes, are made on
// every core at once: what a store appending many events in one
// transaction (a received batch) saves.
func SealAll(key ed25519.PrivateKey, prev *Record, es []Event) ([]Record, error) {
	out := make([]Record, len(es))
	for i, e := range es {
		r, err := encode(prev, e)
		if err != nil {
			return nil, err
		}
		out[i] = r
		prev = &out[i]
	}
	parts := min(runtime.GOMAXPROCS(0), max(1, len(out)/32))
	var wg sync.WaitGroup
	for p := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := p * len(out) / parts; i < (p+1)*len(out)/parts; i++ {
				out[i].Sig = ed25519.Sign(key, signed(out[i].Body))
			}
		}()
	}
	wg.Wait()
	return out, nil
}
