package store

import "lifeline/coord"

// Services returns the coordination services db provides, all of them.
func (db *DB) Services() coord.Services {
	return coord.Services{Orgs: db, Members: db, Incidents: db, Needs: db, Offers: db, Matches: db, Events: db, Situations: db}
}
