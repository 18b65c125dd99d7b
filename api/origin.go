package api

import (
	"context"
	"encoding/json"

	"lifeline/federation"
)

// withOrigin returns item as its JSON answer: with its origin as the
// member "origin" when it was received from another instance. The item
// was read through the services (CanSee) before: its origin tells the
// reader nothing it may not know. An item's origin never changes, so its
// version stays its ETag.
func (s *Server) withOrigin(ctx context.Context, id string, item any) (any, error) {
	if s.origins == nil {
		return item, nil
	}
	o, ok, err := s.origins.OriginOf(ctx, id)
	if err != nil || !ok {
		return item, err
	}
	return originated{item: item, origin: o}, nil
}

// originated is an item with its origin, written as the item's own JSON
// object with "origin" first.
type originated struct {
	item   any
	origin federation.Origin
}

// MarshalJSON implements json.Marshaler.
func (x originated) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(x.item)
	if err != nil || len(b) < 2 || b[0] != '{' {
		return b, err
	}
	o, err := json.Marshal(x.origin)
	if err != nil {
		return nil, err
	}
	out := append([]byte(`{"origin":`), o...)
	if len(b) > 2 {
		out = append(out, ',')
	}
	return append(out, b[1:]...), nil
}
