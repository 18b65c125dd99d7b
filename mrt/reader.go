package mrt

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"
)

// DefaultMaxRecordSize is the largest record body a Reader accepts unless
// told otherwise. The biggest records seen in practice are TABLE_DUMP_V2
// RIB records of a prefix carried by every peer of a large collector: a few
// hundred kilobytes. A length field above the limit is treated as corruption
// rather than as a reason to allocate.
const DefaultMaxRecordSize = 16 << 20

// bufferSize is the size of the Reader's read buffer. Records that fit in it
// are returned without being copied.
const bufferSize = 1 << 20

// Header is the MRT common header of a record.
type Header struct {
	Timestamp    uint32 // seconds since the Unix epoch
	Microseconds uint32 // the extended timestamp of the _ET types, else 0
	Type         Type
	Subtype      uint16
	Length       uint32 // body length as written, including the microsecond field of _ET types
}

// Time returns the record's timestamp in UTC.
func (h Header) Time() time.Time {
	return time.Unix(int64(h.Timestamp), int64(h.Microseconds)*1000).UTC()
}

// Record is one raw MRT record. Decode its body with the Decode functions of
// this package (DecodeBGP4MP, DecodeRIB, …) or format it with a Formatter.
type Record struct {
	Header
	Offset int64  // offset of the header in the decompressed stream
	Body   []byte // the body after the microsecond field of _ET types
}

// Options configure a Reader. The zero value is ready to use.
type Options struct {
	// Name names the input in errors, usually the file path.
	Name string
	// KeepGoing makes the Reader skip a record it cannot read and go on
	// with the next one, reporting the skipped record to OnSkip, instead of
	// stopping with an error. After a corrupt length field it searches the
	// following bytes for the next plausible record header.
	KeepGoing bool
	// OnSkip, if set, is called with the *Error of each skipped record.
	OnSkip func(error)
	// MaxRecordSize bounds the body length the Reader accepts; 0 means
	// DefaultMaxRecordSize.
	MaxRecordSize int
	// Readahead decompresses the input in a separate goroutine, so that
	// decompression and decoding use two cores. Call Close when done.
	Readahead bool
}

// Reader reads MRT records from a plain, gzip or bzip2 stream, recognised by
// its first bytes. It holds at most one record in memory (plus a fixed-size
// buffer), whatever the input. A Reader is not safe for concurrent use.
type Reader struct {
	opt      Options
	br       *bufio.Reader
	ra       *readahead
	off      int64  // offset of the next unread byte of the decompressed stream
	big      []byte // body of records larger than the buffer
	lastTime uint32
	haveTime bool
	skipped  int
	done     bool
}

// NewReader returns a Reader of the MRT records in r. It reads the first
// bytes of r to recognise gzip (1f 8b) and bzip2 ("BZh") compression;
// anything else is read as plain MRT.
func NewReader(r io.Reader, opt Options) (*Reader, error) {
	if opt.MaxRecordSize <= 0 {
		opt.MaxRecordSize = DefaultMaxRecordSize
	}
	raw := bufio.NewReaderSize(r, 64<<10)
	magic, err := raw.Peek(3)
	if err != nil && err != io.EOF {
		return nil, withName(opt.Name, err)
	}
	var src io.Reader = raw
	switch {
	case len(magic) >= 2 && magic[0] == 0x1f && magic[1] == 0x8b:
		zr, err := gzip.NewReader(raw)
		if err != nil {
			return nil, withName(opt.Name, fmt.Errorf("gzip: %w", err))
		}
		src = zr
	case len(magic) == 3 && bytes.Equal(magic, []byte("BZh")):
		src = bzip2.NewReader(raw)
	}
	rd := &Reader{opt: opt}
	if opt.Readahead {
		rd.ra = newReadahead(src)
		src = rd.ra
	}
	rd.br = bufio.NewReaderSize(src, bufferSize)
	return rd, nil
}

func withName(name string, err error) error {
	if name == "" {
		return err
	}
	return fmt.Errorf("%s: %w", name, err)
}

// Close stops the readahead goroutine, if any. It does not close the
// underlying reader.
func (r *Reader) Close() error {
	if r.ra != nil {
		r.ra.close()
	}
	return nil
}

// Skipped returns the number of records skipped so far in KeepGoing mode.
func (r *Reader) Skipped() int { return r.skipped }

// Offset returns the offset in the decompressed stream of the next byte the
// Reader will read.
func (r *Reader) Offset() int64 { return r.off }

// Next returns the next record. Its Body is valid until the next call. At
// the end of the input Next returns io.EOF; on a record it cannot read it
// returns an *Error (in KeepGoing mode it skips the record and goes on).
func (r *Reader) Next() (Record, error) {
	for {
		if r.done {
			return Record{}, io.EOF
		}
		rec, err := r.next()
		if err == nil {
			r.lastTime, r.haveTime = rec.Timestamp, true
			return rec, nil
		}
		if err == io.EOF {
			r.done = true
			return Record{}, io.EOF
		}
		if !r.opt.KeepGoing {
			r.done = true
			return Record{}, err
		}
		r.skipped++
		if r.opt.OnSkip != nil {
			r.opt.OnSkip(err)
		}
	}
}

// next reads one record. After an error that leaves the stream position
// unknown it either ends the stream or, in KeepGoing mode, resynchronises.
func (r *Reader) next() (Record, error) {
	start := r.off
	hdr, err := r.br.Peek(12)
	if len(hdr) == 0 && err == io.EOF {
		return Record{}, io.EOF
	}
	if err != nil {
		return r.fail(start, Header{}, readErr(err, "header: %d of 12 bytes", len(hdr)))
	}
	h := Header{
		Timestamp: binary.BigEndian.Uint32(hdr[0:4]),
		Type:      Type(binary.BigEndian.Uint16(hdr[4:6])),
		Subtype:   binary.BigEndian.Uint16(hdr[6:8]),
		Length:    binary.BigEndian.Uint32(hdr[8:12]),
	}
	hlen := 12
	bodyLen := int64(h.Length)
	if h.Type.hasMicroseconds() {
		if h.Length < 4 {
			return r.resync(start, h, corrupt("length %d leaves no room for the microsecond timestamp", h.Length))
		}
		hlen = 16
		bodyLen -= 4
	}
	if bodyLen > int64(r.opt.MaxRecordSize) {
		return r.resync(start, h, corrupt("length %d exceeds the maximum record size %d", h.Length, r.opt.MaxRecordSize))
	}
	n := hlen + int(bodyLen)
	var body []byte
	if n <= bufferSize {
		b, err := r.br.Peek(n)
		if err != nil {
			return r.fail(start, h, readErr(err, "record of %d bytes, input ends after %d", n, len(b)))
		}
		body = b[hlen:]
		if hlen == 16 {
			h.Microseconds = binary.BigEndian.Uint32(b[12:16])
		}
		r.br.Discard(n)
	} else {
		var ext [16]byte
		if _, err := io.ReadFull(r.br, ext[:hlen]); err != nil {
			return r.fail(start, h, readErr(err, "header"))
		}
		if hlen == 16 {
			h.Microseconds = binary.BigEndian.Uint32(ext[12:16])
		}
		// Grow the buffer only as data arrives, so that a length field
		// larger than the input allocates no more than the input holds.
		r.big = r.big[:0]
		for int64(len(r.big)) < bodyLen {
			chunk := min(bodyLen-int64(len(r.big)), bufferSize)
			l := len(r.big)
			r.big = append(r.big, make([]byte, chunk)...)
			if m, err := io.ReadFull(r.br, r.big[l:]); err != nil {
				r.off += int64(hlen + l + m)
				return r.fail(start, h, readErr(err, "record of %d bytes, input ends after %d", n, hlen+l+m))
			}
		}
		body = r.big
	}
	r.off += int64(n)
	return Record{Header: h, Offset: start, Body: body}, nil
}

// readErr turns an I/O error met inside a record into a truncation error or
// passes on the decompressor's error.
func readErr(err error, format string, args ...any) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return truncated(format, args...)
	}
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), err)
}

// fail ends the stream: after a truncated record or a decompression error
// there is nothing left to read.
func (r *Reader) fail(off int64, h Header, err error) (Record, error) {
	r.done = true
	if r.opt.KeepGoing {
		r.skipped++
		if r.opt.OnSkip != nil {
			r.opt.OnSkip(r.errorAt(off, h, err))
		}
		return Record{}, io.EOF
	}
	return Record{}, r.errorAt(off, h, err)
}

func (r *Reader) errorAt(off int64, h Header, err error) *Error {
	return &Error{Name: r.opt.Name, Offset: off, Type: h.Type, Subtype: h.Subtype, Err: err}
}

// resync handles a header whose length cannot be right. Without KeepGoing it
// returns the error; with it, it searches the following bytes for the next
// plausible header and returns the error for Next to report.
func (r *Reader) resync(off int64, h Header, err error) (Record, error) {
	e := r.errorAt(off, h, err)
	if !r.opt.KeepGoing {
		return Record{}, e
	}
	for {
		if _, err := r.br.Discard(1); err != nil {
			r.done = true
			return Record{}, e
		}
		r.off++
		b, err := r.br.Peek(12)
		if len(b) < 12 {
			// Too short for a header: the rest is garbage.
			r.br.Discard(len(b))
			r.off += int64(len(b))
			r.done = true
			return Record{}, e
		}
		_ = err
		if r.plausible(b) {
			return Record{}, e
		}
	}
}

// plausible reports whether b starts with a header the Reader could read:
// a known type, a small subtype, a length within bounds and, when an earlier
// record was read, a timestamp within a day of it.
func (r *Reader) plausible(b []byte) bool {
	t := Type(binary.BigEndian.Uint16(b[4:6]))
	if _, ok := typeNames[t]; !ok {
		return false
	}
	if binary.BigEndian.Uint16(b[6:8]) > 64 {
		return false
	}
	l := binary.BigEndian.Uint32(b[8:12])
	if int64(l) > int64(r.opt.MaxRecordSize)+4 || (t.hasMicroseconds() && l < 4) {
		return false
	}
	if r.haveTime {
		ts := int64(binary.BigEndian.Uint32(b[0:4]))
		if d := ts - int64(r.lastTime); d < -86400 || d > 86400 {
			return false
		}
	}
	return true
}

// readahead decompresses in its own goroutine, handing over filled blocks.
type readahead struct {
	full chan []byte
	free chan []byte
	stop chan struct{}
	err  error // set before full is closed
	cur  []byte
	buf  []byte // the block cur belongs to, to recycle
}

const readaheadBlock = 256 << 10

func newReadahead(src io.Reader) *readahead {
	ra := &readahead{full: make(chan []byte, 4), free: make(chan []byte, 6), stop: make(chan struct{})}
	for range 6 {
		ra.free <- make([]byte, readaheadBlock)
	}
	go ra.run(src)
	return ra
}

func (ra *readahead) run(src io.Reader) {
	defer close(ra.full)
	for {
		var b []byte
		select {
		case b = <-ra.free:
		case <-ra.stop:
			return
		}
		n, err := io.ReadFull(src, b[:cap(b)])
		if n > 0 {
			select {
			case ra.full <- b[:n]:
			case <-ra.stop:
				return
			}
		}
		if err != nil {
			if err == io.ErrUnexpectedEOF {
				err = io.EOF
			}
			ra.err = err
			return
		}
	}
}

func (ra *readahead) Read(p []byte) (int, error) {
	for len(ra.cur) == 0 {
		if ra.buf != nil {
			ra.free <- ra.buf[:cap(ra.buf)]
			ra.buf = nil
		}
		b, ok := <-ra.full
		if !ok {
			if ra.err == nil {
				return 0, errors.New("mrt: read after Close")
			}
			return 0, ra.err
		}
		ra.cur, ra.buf = b, b
	}
	n := copy(p, ra.cur)
	ra.cur = ra.cur[n:]
	return n, nil
}

func (ra *readahead) close() {
	select {
	case <-ra.stop:
	default:
		close(ra.stop)
	}
}
