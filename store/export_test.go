package store

import "context"

// UpdateForTest runs fn as a write, for tests of the committer.
func (db *DB) UpdateForTest(ctx context.Context, fn func() error) error {
	return db.update(ctx, "test", func(*tx) error { return fn() })
}
