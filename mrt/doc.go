// Package mrt reads MRT routing data (RFC 6396), the format in which route
// collectors such as RIPE RIS and RouteViews publish what BGP routers told
// them, and prints it the way `bgpdump -m` does.
//
// # Reading records
//
// A Reader turns a stream into records, one at a time and in constant
// memory. It recognises gzip and bzip2 compression by the first bytes of
// the stream, not by a file name:
//
//	f, _ := os.Open("updates.20150401.0000.gz")
//	r, err := mrt.NewReader(f, mrt.Options{Name: f.Name()})
//	for {
//		rec, err := r.Next()
//		if err == io.EOF {
//			break
//		}
//		if err != nil {
//			return err // an *mrt.Error: file, byte offset, what is wrong
//		}
//		// rec.Type, rec.Subtype, rec.Timestamp, rec.Body …
//	}
//
// Record bodies are decoded by type: BGP4MP.Decode for BGP4MP and BGP4MP_ET
// records (BGP messages and session state changes; ParseMessage and
// Update.Decode take the BGP message apart), DecodePeerIndex and RIB.Decode
// for TABLE_DUMP_V2 (including RIB_GENERIC and the ADD-PATH subtypes of
// RFC 8050), TableDump.Decode for the older TABLE_DUMP,
// BGP4MPRIBEntry.Decode for OpenBGPD's BGP4MP_ENTRY, and
// Attributes.Decode for the path attributes of an UPDATE or a RIB entry.
// Decoded values point into the record body instead of copying it, and can
// be reused from one record to the next, so a loop over millions of
// records allocates next to nothing. Prefixes come out as netip.Prefix.
//
// # Bad input
//
// A truncated or corrupt record gives an *Error naming the input and the
// byte offset of the record in the decompressed stream, after all the
// records before it; it wraps ErrTruncated or ErrCorrupt. With
// Options.KeepGoing the Reader instead reports the record to
// Options.OnSkip and goes on with the next one; after a length field that
// cannot be right, it searches the following bytes for a plausible header.
// No input makes the package panic, and a length field larger than the
// data allocates no more than the data holds: records above
// Options.MaxRecordSize (16 MiB by default) are treated as corrupt.
//
// # bgpdump -m
//
// Formatter.Append writes a record as the lines `bgpdump -m` (version
// 1.6.2) prints for it, byte for byte, quirks included: bgpdump's IPv6
// notation, its AS4_PATH merging, signed LOCAL_PREF in MP IPv4
// announcements, and more (docs/mrt.md lists them). Dump does the same for
// a whole stream on all cores: one goroutine decompresses (with
// Options.Readahead), one splits the stream into chunks of records, workers
// format chunks in parallel and the caller's goroutine writes them in order.
//
// The decoder is written for this package rather than taken from a
// library. On RIPE RIS's updates.et-header.2015.gz (89,686 records),
// gobgp's pkg/packet/mrt takes 310-430 ms just to parse the records,
// allocating every message, attribute and prefix, and does not decode
// BGP4MP_ET or TABLE_DUMP; this package decodes them in 46-49 ms and
// decodes and formats them in about 100 ms on one core, against 1.4 s for
// bgpdump -m. docs/performance.md has the figures and the commands.
package mrt
