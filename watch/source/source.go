// Package source loads signals from files of every format watch knows,
// telling them apart by name, so that a command can take "a directory of
// whatever was collected" and get series and events.
//
//   - *.json: IODA API v2 responses (raw signals or outage events), read by
//     watch/ioda;
//   - *.csv: the generic "entity,time,value" format (watch.ReadCSV); the
//     signal kind is Options.CSVKind or, by default, the file name up to its
//     first dot ("probing.csv", "telescope.2024-01.csv");
//   - anything else: MRT RIB dumps and update files, plain, gzip or bzip2,
//     turned into BGP visibility series by watch/visibility. All MRT files
//     feed one tracker, in the order of their first record's time (RIB
//     dumps before the updates that follow them).
//
// A directory stands for the files in it (not its subdirectories), in name
// order; names starting with '.' or '_' and README files are left out.
package source

import (
	"cmp"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"lifeline"
	"lifeline/mrt"
	"lifeline/watch"
	"lifeline/watch/ioda"
	"lifeline/watch/rir"
	"lifeline/watch/visibility"
)

// Options configure Load.
type Options struct {
	// CSVKind is the kind of every CSV file's series; "" takes it from the
	// file name.
	CSVKind watch.Kind
	// CSVStep is the bin of CSV series; 0 infers it.
	CSVStep time.Duration
	// Visibility configures the BGP signal computed from MRT files.
	Visibility visibility.Options
	// KeepGoing skips corrupt MRT records instead of stopping.
	KeepGoing bool
	// Progress, if set, is called as MRT files are read, with the bytes
	// read so far and the total of all MRT files.
	Progress func(done, total int64)
	// OnSkip, if set, is called with a line for each MRT record skipped.
	OnSkip func(string)
}

// Set is what Load found.
type Set struct {
	Series  []watch.Series // merged: one per key
	Events  []watch.Event
	Skipped []string // what was left out and why
	Files   int
	// MRT describes the routing data, when there was some.
	MRT *visibility.Stats
}

// Load reads the files and directories in paths. Errors name the file;
// they are EINVALID for bad content and for paths that cannot be read.
func Load(paths []string, opt Options) (*Set, error) {
	files, err := Expand(paths)
	if err != nil {
		return nil, err
	}
	set := &Set{Files: len(files)}
	var series []watch.Series
	var mrtFiles []string
	for _, f := range files {
		switch strings.ToLower(filepath.Ext(f)) {
		case ".json":
			res, err := readIODA(f)
			if err != nil {
				return nil, err
			}
			series = append(series, res.Series...)
			set.Events = append(set.Events, res.Events...)
			for _, s := range res.Skipped {
				set.Skipped = append(set.Skipped, f+": "+s)
			}
		case ".csv":
			kind := opt.CSVKind
			if kind == "" {
				kind = watch.Kind(strings.SplitN(filepath.Base(f), ".", 2)[0])
			}
			s, err := readCSV(f, watch.CSVOptions{Name: f, Kind: kind, Step: opt.CSVStep})
			if err != nil {
				return nil, err
			}
			series = append(series, s...)
		default:
			mrtFiles = append(mrtFiles, f)
		}
	}
	if len(mrtFiles) > 0 {
		s, st, err := readMRT(mrtFiles, opt)
		if err != nil {
			return nil, err
		}
		series = append(series, s...)
		set.MRT = st
	}
	set.Series, err = watch.Merge(series)
	if err != nil {
		return nil, err
	}
	return set, nil
}

// Expand turns paths into the files they name, as the package comment
// says.
func Expand(paths []string) ([]string, error) {
	const op = "source.Expand"
	var files []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, lifeline.Errorf(lifeline.EINVALID, op, "%s: %v", p, pathErr(err))
		}
		if !st.IsDir() {
			files = append(files, p)
			continue
		}
		entries, err := os.ReadDir(p)
		if err != nil {
			return nil, lifeline.Errorf(lifeline.EINVALID, op, "%s: %v", p, pathErr(err))
		}
		for _, e := range entries {
			n := e.Name()
			if e.IsDir() || strings.HasPrefix(n, ".") || strings.HasPrefix(n, "_") || strings.HasPrefix(strings.ToUpper(n), "README") {
				continue
			}
			files = append(files, filepath.Join(p, n))
		}
	}
	if len(files) == 0 {
		return nil, lifeline.Errorf(lifeline.EINVALID, op, "no signal files in %s", strings.Join(paths, ", "))
	}
	return files, nil
}

func readIODA(path string) (*ioda.Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, lifeline.Errorf(lifeline.EINVALID, "source.Load", "%s: %v", path, pathErr(err))
	}
	defer f.Close()
	return ioda.Read(f, path)
}

func readCSV(path string, opt watch.CSVOptions) ([]watch.Series, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, lifeline.Errorf(lifeline.EINVALID, "source.Load", "%s: %v", path, pathErr(err))
	}
	defer f.Close()
	return watch.ReadCSV(f, opt)
}

// readMRT feeds the MRT files, earliest first record first, to one
// tracker.
func readMRT(files []string, opt Options) ([]watch.Series, *visibility.Stats, error) {
	const op = "source.Load"
	type mrtFile struct {
		path  string
		first time.Time
		size  int64
	}
	var list []mrtFile
	var total int64
	for _, p := range files {
		first, size, err := firstRecord(p)
		if err != nil {
			return nil, nil, err
		}
		list = append(list, mrtFile{p, first, size})
		total += size
	}
	slices.SortStableFunc(list, func(a, b mrtFile) int {
		if c := a.first.Compare(b.first); c != 0 {
			return c
		}
		return cmp.Compare(a.path, b.path)
	})
	tr := visibility.New(opt.Visibility)
	feeder := visibility.NewFeeder(tr)
	var done int64
	for _, m := range list {
		f, err := os.Open(m.path)
		if err != nil {
			return nil, nil, lifeline.Errorf(lifeline.EINVALID, op, "%s: %v", m.path, pathErr(err))
		}
		cr := &countingReader{r: f, n: &done, total: total, progress: opt.Progress}
		r, err := mrt.NewReader(cr, mrt.Options{Name: m.path, KeepGoing: opt.KeepGoing, Readahead: true,
			OnSkip: func(err error) {
				if opt.OnSkip != nil {
					opt.OnSkip(err.Error())
				}
			}})
		if err != nil {
			f.Close()
			return nil, nil, lifeline.Errorf(lifeline.EINVALID, op, "%s: %v", m.path, err)
		}
		err = feeder.Feed(r)
		r.Close()
		f.Close()
		if err != nil {
			return nil, nil, lifeline.Errorf(lifeline.EINVALID, op, "%s: %v (is it an MRT file? IODA files end in .json, CSV files in .csv)", m.path, unwrapOp(err))
		}
	}
	series := tr.Finish()
	st := tr.Stats()
	return series, &st, nil
}

// firstRecord returns the time of the file's first MRT record and the
// file's size.
func firstRecord(path string) (time.Time, int64, error) {
	const op = "source.Load"
	f, err := os.Open(path)
	if err != nil {
		return time.Time{}, 0, lifeline.Errorf(lifeline.EINVALID, op, "%s: %v", path, pathErr(err))
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return time.Time{}, 0, lifeline.Errorf(lifeline.EINVALID, op, "%s: %v", path, pathErr(err))
	}
	r, err := mrt.NewReader(f, mrt.Options{Name: path})
	if err != nil {
		return time.Time{}, 0, lifeline.Errorf(lifeline.EINVALID, op, "%s: %v", path, err)
	}
	defer r.Close()
	rec, err := r.Next()
	if err == io.EOF {
		return time.Time{}, st.Size(), nil
	}
	if err != nil {
		return time.Time{}, 0, lifeline.Errorf(lifeline.EINVALID, op, "%s: %v (is it an MRT file? IODA files end in .json, CSV files in .csv)", path, unwrapOp(err))
	}
	return rec.Time(), st.Size(), nil
}

// countingReader reports the bytes read through it.
type countingReader struct {
	r        io.Reader
	n        *int64
	total    int64
	progress func(done, total int64)
}

// Read reads from the underlying reader and reports the bytes read.
func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	*c.n += int64(n)
	if c.progress != nil && n > 0 {
		c.progress(*c.n, c.total)
	}
	return n, err
}

// LoadASTable reads RIR delegated-extended files into one AS→country table.
func LoadASTable(paths []string) (*rir.Table, error) {
	const op = "source.LoadASTable"
	files, err := Expand(paths)
	if err != nil {
		return nil, err
	}
	var b rir.Builder
	for _, p := range files {
		f, err := os.Open(p)
		if err != nil {
			return nil, lifeline.Errorf(lifeline.EINVALID, op, "%s: %v", p, pathErr(err))
		}
		err = b.Read(f, p)
		f.Close()
		if err != nil {
			return nil, err
		}
	}
	return b.Table(), nil
}

func pathErr(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// unwrapOp returns the message of a lifeline error without its op, and any
// other error as it is.
func unwrapOp(err error) string {
	if e, ok := err.(*lifeline.Error); ok {
		return e.Message
	}
	return fmt.Sprint(err)
}
