package federation

import "context"

// Origin is the instance where an item was written — the one whose key
// signs its events and that orders its changes — as a reader of the item
// is told it on another instance.
type Origin struct {
	// Fingerprint names the instance (Fingerprint of its key).
	Fingerprint string `json:"fingerprint"`
	// Short is the fingerprint as people compare it (ShortFingerprint).
	Short string `json:"short"`
	// Name is what this instance calls it when it is a peer; "" for an
	// instance known only through a peer (the item came over more than
	// one hop) or a peer since removed.
	Name string `json:"name,omitempty"`
}

// ShortOf is ShortFingerprint of the key whose fingerprint is fp: its
// first 16 hex digits in four groups; fp itself when it is shorter.
func ShortOf(fp string) string {
	if len(fp) < 16 {
		return fp
	}
	return fp[0:4] + " " + fp[4:8] + " " + fp[8:12] + " " + fp[12:16]
}

// Origins tells where items came from. It reveals nothing of an item but
// the instance it came from: callers ask only about an item they have
// read through the coord services, which apply CanSee.
type Origins interface {
	// OriginOf returns the origin of the item with id subject when it was
	// received from another instance, and false when it was written here
	// (or is not known here).
	OriginOf(ctx context.Context, subject string) (Origin, bool, error)
}
