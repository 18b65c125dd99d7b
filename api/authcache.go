package api

import (
	"crypto/sha256"
	"sync"
	"time"

	"lifeline/coord"
)

// authCache remembers for a second whom a token stands for, so a burst of
// reads by one client costs one token lookup, not one each (profiles
// showed the lookup as a quarter of the time of a read). A second is
// short enough that a newly verified organisation or a new role shows
// almost at once. Keys are token hashes, never tokens.
//
// A revocation must not wait for that second: each entry keeps the
// revocation count (coord.MemberService.Revocations) read before its token
// was looked up, and counts only while the count is the same, so every
// revocation in this process empties the cache at once. The store's count
// also follows a revocation epoch in the database, so a revocation made
// by another server sharing it empties this cache within a fifth of a
// second (store.EpochInterval).
type authCache struct {
	mu      sync.Mutex
	ttl     time.Duration
	now     func() time.Time
	entries map[[32]byte]authEntry
}

type authEntry struct {
	v       coord.Viewer
	gen     uint64 // revocation count before the lookup
	expires time.Time
}

const authCacheMax = 10000

func newAuthCache(ttl time.Duration, now func() time.Time) *authCache {
	return &authCache{ttl: ttl, now: now, entries: map[[32]byte]authEntry{}}
}

// get returns the viewer remembered for token, if it was looked up when
// the revocation count was gen and has not expired.
func (c *authCache) get(token string, gen uint64) (coord.Viewer, bool) {
	k := sha256.Sum256([]byte(token))
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[k]
	if !ok || e.gen != gen || c.now().After(e.expires) {
		return coord.Viewer{}, false
	}
	return e.v, true
}

// put remembers v for token, looked up when the revocation count was gen.
func (c *authCache) put(token string, v coord.Viewer, gen uint64) {
	k := sha256.Sum256([]byte(token))
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if len(c.entries) >= authCacheMax {
		for k, e := range c.entries {
			if now.After(e.expires) {
				delete(c.entries, k)
			}
		}
		if len(c.entries) >= authCacheMax {
			clear(c.entries)
		}
	}
	c.entries[k] = authEntry{v: v, gen: gen, expires: now.Add(c.ttl)}
}
