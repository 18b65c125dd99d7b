package web

import (
	"fmt"
	"io"
)

// copyLimited copies at most limit bytes from r to w, and fails if there
// are more.
func copyLimited(w io.Writer, r io.Reader, limit int64) (int64, error) {
	n, err := io.Copy(w, io.LimitReader(r, limit+1))
	if err != nil {
		return n, err
	}
	if n > limit {
		return n, fmt.Errorf("larger than %d KB", limit/1024)
	}
	return n, nil
}
