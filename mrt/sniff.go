package mrt

import (
	"errors"
	"fmt"
	"io"
)

// ErrNotMRT is the error of input that does not start like MRT data.
var ErrNotMRT = errors.New("not MRT data")

// Sniff tells whether r starts like MRT data: the first record's header
// names an MRT type and subtype this package knows (TABLE_DUMP,
// TABLE_DUMP_V2, BGP4MP, BGP4MP_ET, the old BGP type), with a length
// below the record size limit, and the whole first record can be read.
// Compression is recognised as NewReader does. It answers the question a
// downloader has before handing a file on — "is this the archive file, or
// an HTML error page served with status 200?" — which reading alone would
// not answer, as records of unknown types are passed over. It returns nil
// for MRT data and for an empty stream, and an error wrapping ErrNotMRT,
// or the reader's error, otherwise. It reads at most the first record.
func Sniff(r io.Reader) error {
	rd, err := NewReader(r, Options{})
	if err != nil {
		return fmt.Errorf("%w: %v", ErrNotMRT, err)
	}
	defer rd.Close()
	rec, err := rd.Next()
	if err == io.EOF {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%w: the first record cannot be read: %v", ErrNotMRT, err)
	}
	if _, ok := typeNames[rec.Type]; !ok {
		return fmt.Errorf("%w: the first record has type %d, which is no MRT type", ErrNotMRT, rec.Type)
	}
	if rec.Type != TypeBGP && SubtypeName(rec.Type, rec.Subtype) == fmt.Sprint(rec.Subtype) {
		return fmt.Errorf("%w: the first record has subtype %d, which %s does not define", ErrNotMRT, rec.Subtype, rec.Type)
	}
	return nil
}
