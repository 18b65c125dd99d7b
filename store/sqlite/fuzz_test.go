package sqlite_test

import (
	"bytes"
	"context"
	"testing"

	"lifeline"
	"lifeline/store/storetest"
)

// FuzzRestore feeds fuzzed backups to Restore: it accepts a good one,
// refuses anything else with EINVALID, and a refused backup leaves the
// store empty.
func FuzzRestore(f *testing.F) {
	src := open(f)
	w := storetest.NewWorld(f, src)
	w.Items(f)
	var good bytes.Buffer
	if err := src.Backup(context.Background(), &good); err != nil {
		f.Fatal(err)
	}
	f.Add(good.Bytes())
	f.Add(good.Bytes()[:good.Len()/2])
	f.Add(bytes.Replace(good.Bytes(), []byte(`"seq":3,`), []byte(`"seq":4,`), 1))
	f.Add([]byte(`{"format":"lifeline-backup-v1"}` + "\n" + `{"instance":{"private_key":"AAAA"}}`))
	f.Add([]byte("\n\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		db := open(t)
		_, err := db.Restore(context.Background(), bytes.NewReader(b))
		if err == nil {
			if _, err := db.Verify(context.Background()); err != nil {
				t.Fatalf("a restored backup does not verify: %v", err)
			}
			return
		}
		if code := lifeline.ErrorCode(err); code != lifeline.EINVALID {
			t.Fatalf("Restore error %v has code %s, want %s", err, code, lifeline.EINVALID)
		}
		if ok, _ := db.Initialized(context.Background()); ok {
			t.Fatal("a refused backup left an instance behind")
		}
	})
}
