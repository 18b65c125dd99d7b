package federation

import (
	"runtime"
	"sync"

	voi "github.com/oasisprotocol/curve25519-voi/primitives/ed25519"

	"lifeline"
	"lifeline/ledger"
)

// Every event of a batch carries its origin's signature, and a receiver
// checks them all: on a first sync of a long log, the largest part of the
// work. They are checked by batch verification (many signatures in one
// multi-scalar multiplication, several times faster than one by one), the
// events split over the processor's cores and decoded there too. Batch
// verification is cofactored: it accepts exactly the signatures that
// RFC 8032's verification with the cofactor (section 5.1.7, as FIPS 186-5)
// accepts — every signature an honest signer makes, whichever library made
// it. When a batch fails, its events are checked one by one, so that the
// refusal names the first bad one.

// verifyOptions is the verification every instance applies, alone or in a
// batch.
var verifyOptions = &voi.Options{Verify: voi.VerifyOptionsFIPS_186_5}

// verifyEvents checks the origin signature of every event and decodes it;
// keys are the batch's origin keys (already checked against their
// fingerprints). It returns the decoded events in order, or EINVALID
// naming the first event that fails.
func verifyEvents(keys []OriginKey, entries []Entry) ([]ledger.Event, error) {
	const op = "federation.Open"
	expanded := map[string]*voi.ExpandedPublicKey{}
	for _, k := range keys {
		x, err := voi.NewExpandedPublicKey(voi.PublicKey(k.Key))
		if err != nil {
			return nil, lifeline.Errorf(lifeline.EINVALID, op, "batch: the key of %s is not a valid Ed25519 point", short(k.Fingerprint))
		}
		expanded[k.Fingerprint] = x
	}
	events := make([]ledger.Event, len(entries))
	parts := min(runtime.GOMAXPROCS(0), max(1, len(entries)/64))
	errs := make([]error, parts)
	var wg sync.WaitGroup
	for p := range parts {
		from, to := p*len(entries)/parts, (p+1)*len(entries)/parts
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[p] = verifyPart(expanded, entries, events, from, to)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err // the first part's first bad event comes first
		}
	}
	return events, nil
}

// verifyPart checks and decodes entries[from:to] into events.
func verifyPart(keys map[string]*voi.ExpandedPublicKey, entries []Entry, events []ledger.Event, from, to int) error {
	const op = "federation.Open"
	bad := func(i int, format string, args ...any) error {
		args = append([]any{i, entries[i].Pos}, args...)
		return lifeline.Errorf(lifeline.EINVALID, op, "batch: events[%d] (position %d): "+format, args...)
	}
	msgs := make([][]byte, to-from)
	bv := voi.NewBatchVerifierWithCapacity(to - from)
	for i := from; i < to; i++ {
		e := entries[i]
		msgs[i-from] = append([]byte(ledger.SigningPrefix), e.Body...)
		bv.AddExpandedWithOptions(keys[e.Origin], msgs[i-from], e.Sig, verifyOptions)
	}
	if to > from && !bv.VerifyBatchOnly(nil) {
		for i := from; i < to; i++ {
			if !voi.VerifyExpandedWithOptions(keys[entries[i].Origin], msgs[i-from], entries[i].Sig, verifyOptions) {
				return bad(i, "the signature of its origin %s does not verify", short(entries[i].Origin))
			}
		}
		return bad(from, "the signatures of its origins do not verify together")
	}
	for i := from; i < to; i++ {
		ev, err := ledger.Decode(entries[i].Body)
		if err != nil {
			return bad(i, "%v", err)
		}
		events[i] = ev
	}
	return nil
}
