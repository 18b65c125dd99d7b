package store

import (
	"database/sql"
	"errors"
	"slices"

	"lifeline"
	"lifeline/coord"
)

// checkNames refuses a marking that names an organisation or a member
// this instance does not have: a typing error there would share an item
// with nobody while its author believes it shared. Names the previous
// marking was (was) already held are not asked again. It reads through
// the write transaction t, so what the same batch created counts.
func checkNames(t *tx, op string, m coord.Marking, was coord.Marking) error {
	for _, o := range m.Orgs {
		if slices.Contains(was.Orgs, o) {
			continue
		}
		ok, err := exists(t, `SELECT 1 FROM orgs WHERE id = ?`, o)
		if err == nil && !ok {
			ok, err = hostedByPeer(t, o)
		}
		if err != nil {
			return internal(op, err)
		}
		if !ok {
			return lifeline.Errork(lifeline.EINVALID, op, "err.names.org", "share_with_orgs: no organisation %q on this instance or its peers; expected the id of an organisation, such as \"org_…\" from the list of organisations", o)
		}
	}
	for _, mb := range m.Members {
		if slices.Contains(was.Members, mb) {
			continue
		}
		ok, err := exists(t, `SELECT 1 FROM members WHERE id = ?`, mb)
		if err == nil && !ok {
			// A member of an organisation a peer hosts, as the peer's
			// directory listed it.
			ok, err = exists(t, `SELECT 1 FROM peer_members WHERE member_id = ?`, mb)
		}
		if err != nil {
			return internal(op, err)
		}
		if !ok {
			return lifeline.Errork(lifeline.EINVALID, op, "err.names.member", "recipients: no member %q on this instance or its peers; expected the id of a member, such as \"mem_…\"", mb)
		}
	}
	return nil
}

// hostedByPeer reports whether a peer is said to host the organisation.
func hostedByPeer(t *tx, org string) (bool, error) {
	peers, err := t.db.peers(t.ctx, t.Tx)
	if err != nil {
		return false, err
	}
	for _, p := range peers {
		if slices.Contains(p.Orgs, org) {
			return true, nil
		}
	}
	return false, nil
}

func exists(t *tx, query, id string) (bool, error) {
	var one int
	err := t.QueryRowContext(t.ctx, t.db.q(query), id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}
