package store

import (
	"crypto/rand"
	"regexp"
	"testing"
	"time"
)

// TestNewIDOrdered: ids made one second after the other sort in the order
// they were made (so that the indexes by id take new items at their end),
// and ids of the same second are distinct, in the documented alphabet.
func TestNewIDOrdered(t *testing.T) {
	now := time.Date(2026, 12, 3, 19, 0, 0, 0, time.UTC)
	db := &DB{Rand: rand.Reader, Now: func() time.Time { return now }}
	form := regexp.MustCompile(`^inc_[0-9a-v]{16}$`)
	var ids []string
	seen := map[string]bool{}
	for i := range 200 {
		if i%2 == 0 {
			now = now.Add(time.Second)
		}
		id, err := db.newID("inc")
		if err != nil {
			t.Fatal(err)
		}
		if !form.MatchString(id) {
			t.Fatalf("id %q: want inc_ then 16 of 0-9 and a-v", id)
		}
		if seen[id] {
			t.Fatalf("id %q made twice", id)
		}
		seen[id] = true
		ids = append(ids, id)
	}
	for i := 2; i < len(ids); i++ {
		if ids[i-2] >= ids[i] {
			t.Fatalf("id %d (%s) does not sort after id %d (%s), made a second before", i, ids[i], i-2, ids[i-2])
		}
	}
}
