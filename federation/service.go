package federation

import (
	"context"
	"crypto/ed25519"
	"time"

	"lifeline/coord"
)

// PeerStatus is a peer with what this instance knows of their exchange.
type PeerStatus struct {
	Peer
	// Pulled is the peer's position up to which this instance has every
	// event the peer may send it (the cursor of the next pull).
	Pulled int64 `json:"pulled"`
	// Ahead are position ranges received beyond Pulled, from bundles
	// that arrived out of order.
	Ahead []Range `json:"ahead,omitempty"`
	// Exported is this instance's position up to which bundles were
	// written for the peer.
	Exported int64 `json:"exported"`
	// LastContact is when a batch from it was last accepted (zero: never).
	LastContact time.Time `json:"last_contact,omitzero"`
	// Received counts the events accepted from it; Refused the batches
	// refused, the last of them for LastError.
	Received  int64  `json:"received"`
	Refused   int64  `json:"refused"`
	LastError string `json:"last_error,omitempty"`
}

// Range is the positions after From up to To, inclusive.
type Range struct {
	From int64 `json:"from"`
	To   int64 `json:"to"`
}

// Received says what accepting a batch did.
type Received struct {
	ID       string `json:"id"`       // the batch's content address
	Sender   string `json:"sender"`   // its sender's fingerprint
	Since    int64  `json:"since"`    // the positions it covered
	Until    int64  `json:"until"`    //
	Applied  int    `json:"applied"`  // events new to this instance
	Skipped  int    `json:"skipped"`  // events it already held (or its own)
	Repeated bool   `json:"repeated"` // the very batch was accepted before: nothing was done
	// Decided counts the changes proposed elsewhere to items this
	// instance keeps that it decided; Answered the changes proposed here
	// whose outcome arrived (applied or refused: see the changes).
	Decided  int `json:"decided,omitempty"`
	Answered int `json:"answered,omitempty"`
}

// Service is federation as the store provides it. Peer management is
// for instance administrators (EFORBIDDEN for others); the exchange
// methods are for the transport, which has authenticated the peer.
// Implementations are safe for concurrent use.
type Service interface {
	// Self returns this instance's key and fingerprint.
	Self(ctx context.Context) (ed25519.PublicKey, string, error)
	// AddPeer adds a peer (Validate; ECONFLICT if its key is known).
	AddPeer(ctx context.Context, v coord.Viewer, p *Peer) error
	// FindPeers lists the peers, in the order they were added.
	FindPeers(ctx context.Context, v coord.Viewer) ([]*PeerStatus, error)
	// UpdatePeer changes a peer's name, URL, organisations, community
	// and suspension; its key cannot change (remove and add it again).
	UpdatePeer(ctx context.Context, v coord.Viewer, p *Peer) (*PeerStatus, error)
	// RemovePeer forgets a peer: it can no longer pull, push or send
	// bundles; what it sent stays. ENOTFOUND for an unknown peer.
	RemovePeer(ctx context.Context, v coord.Viewer, fingerprint string) error
	// PeerKey returns the key of a peer that is neither removed nor
	// suspended: the KeyOf of Open and VerifyRequest.
	PeerKey(ctx context.Context, fingerprint string) (ed25519.PublicKey, bool)
	// Outgoing returns, as a sealed batch, what the peer may receive of
	// this instance's positions after since (MayReceive), at most limit
	// events; the batch's Until is where the next call starts.
	Outgoing(ctx context.Context, peer string, since int64, limit int) (wire []byte, until int64, err error)
	// Receive verifies a batch whole (Open) and applies it in one
	// transaction, or nothing of it: EINVALID naming the event and the
	// reason, EFORBIDDEN for a sender that is not a peer. Receiving the
	// same batch or event twice changes nothing.
	Receive(ctx context.Context, wire []byte) (*Received, error)
	// MarkExported records that a bundle up to position until was written
	// for the peer.
	MarkExported(ctx context.Context, peer string, until int64) error
}
