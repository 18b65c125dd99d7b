package mrt

import (
	"errors"
	"io"
	"runtime"
	"sync"
)

// Dump writes the `bgpdump -m` lines of every record r reads to w, in input
// order, and returns the first error: a record r cannot read or the
// Formatter cannot decode (an *Error naming the input and the record's
// offset), or a write error. The lines of all records before a bad one are
// written first.
//
// If r was made with Options.KeepGoing, records that cannot be decoded are
// skipped as well and reported, in input order, to Options.OnSkip; Dump then
// fails only on a write error.
//
// Dump reads and splits records in one goroutine, formats chunks of records
// in opt.Workers goroutines and writes in the calling
// goroutine. It holds a bounded number of chunks in memory.
func Dump(w io.Writer, r *Reader, opt DumpOptions) error {
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	onSkip := r.opt.OnSkip
	defer func() { r.opt.OnSkip = onSkip }()

	inFlight := 2*workers + 2
	work := make(chan *chunk, inFlight)
	order := make(chan *chunk, inFlight)
	free := make(chan *chunk, inFlight+1)
	for range inFlight + 1 {
		free <- &chunk{}
	}
	quit := make(chan struct{})
	var wg sync.WaitGroup

	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(work)
		defer close(order)
		split(r, free, work, order, quit)
	}()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f := NewFormatter(opt.Format)
			for c := range work {
				c.format(f, r.opt.Name, r.opt.KeepGoing)
				close(c.done)
			}
		}()
	}

	var err error
	decodeSkipped := 0
	for c := range order {
		<-c.done
		decodeSkipped += c.decodeSkipped
		if _, werr := w.Write(c.out); werr != nil {
			err = werr
		} else if c.err != nil {
			err = c.err
		}
		for _, e := range c.skipped {
			if onSkip != nil {
				onSkip(e)
			}
		}
		if err != nil {
			break
		}
		select {
		case free <- c:
		default:
		}
	}
	close(quit)
	// Let the splitter and the workers finish what they hold.
	for c := range order {
		<-c.done
	}
	wg.Wait()
	r.skipped += decodeSkipped
	return err
}

// DumpOptions configure Dump.
type DumpOptions struct {
	Workers int           // goroutines that format records; 0 means GOMAXPROCS
	Format  FormatOptions // how to format them
}

// chunk is a run of consecutive records with the bytes they point into,
// formatted by one worker.
type chunk struct {
	data          []byte
	recs          []Record
	peers         *PeerIndex // the peer table in force before the first record
	out           []byte
	skipped       []error // records skipped in KeepGoing mode, in order
	decodeSkipped int     // how many of those the workers skipped
	err           error   // the error that ends the dump after out
	done          chan struct{}
}

const (
	chunkData    = 512 << 10
	chunkRecords = 8192
)

func (c *chunk) reset() {
	c.data, c.recs, c.out, c.skipped = c.data[:0], c.recs[:0], c.out[:0], c.skipped[:0]
	c.err, c.peers, c.decodeSkipped = nil, nil, 0
	c.done = make(chan struct{})
}

// split reads records into chunks and hands each to the workers and, in
// order, to the writer.
func split(r *Reader, free <-chan *chunk, work, order chan<- *chunk, quit <-chan struct{}) {
	var peers *PeerIndex
	var c *chunk
	// Reader errors in KeepGoing mode are reported in order with the chunk
	// being filled.
	var pending []error
	r.opt.OnSkip = func(err error) { pending = append(pending, err) }
	get := func() bool {
		select {
		case c = <-free:
		case <-quit:
			return false
		}
		c.reset()
		c.peers = peers
		return true
	}
	send := func() bool {
		c.skipped = append(c.skipped, pending...)
		pending = pending[:0]
		select {
		case order <- c:
		case <-quit:
			return false
		}
		work <- c // never blocks for long: work has room for every chunk in flight
		c = nil
		return true
	}
	if !get() {
		return
	}
	for {
		rec, err := r.Next()
		if err != nil {
			if err != io.EOF {
				c.err = err
			}
			send()
			return
		}
		n := len(rec.Body)
		if len(c.recs) > 0 && (len(c.recs) >= chunkRecords || len(c.data)+n > cap(c.data)) || len(pending) > 0 {
			if !send() || !get() {
				return
			}
		}
		if cap(c.data) < n || cap(c.data) == 0 {
			c.data = make([]byte, 0, max(n, chunkData))
		}
		start := len(c.data)
		c.data = append(c.data, rec.Body...)
		rec.Body = c.data[start:len(c.data):len(c.data)]
		c.recs = append(c.recs, rec)
		if rec.Type == TypeTableDumpV2 && rec.Subtype == PeerIndexTable {
			if p, err := DecodePeerIndex(&rec); err == nil {
				peers = p
			}
		}
	}
}

// format formats the records of c with f.
func (c *chunk) format(f *Formatter, name string, keepGoing bool) {
	// Update files print about 5.3 bytes per input byte; growing the
	// output by doubling instead would copy it twice over.
	if want := 6 * len(c.data); cap(c.out) < want {
		c.out = make([]byte, 0, want)
	}
	f.SetPeerIndex(c.peers)
	for i := range c.recs {
		rec := &c.recs[i]
		var err error
		c.out, err = f.Append(c.out, rec)
		if err == nil {
			continue
		}
		e := &Error{Name: name, Offset: rec.Offset, Type: rec.Type, Subtype: rec.Subtype, Err: err}
		var re *Error
		if errors.As(err, &re) {
			e = re
		}
		if keepGoing {
			c.skipped = append(c.skipped, e)
			c.decodeSkipped++
			continue
		}
		c.err = e
		return
	}
}
