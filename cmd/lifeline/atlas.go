package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"lifeline"
	"lifeline/atlas"
	"lifeline/atlas/opencable"
	"lifeline/atlas/starter"
	"lifeline/download"
	"lifeline/web/i18n"
)

// atlasFlags are the flags of every command that reads the atlas.
type atlasFlags struct {
	path     string
	capacity string
}

func (f *atlasFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.path, "atlas", "", "atlas to use: an open cable map directory or an atlas JSON file\n(default: the fetched dataset if present, else the embedded starter atlas)")
	cmd.Flags().StringVar(&f.capacity, "capacity", "", "CSV file of capacity overrides: id,gbps,source (see docs/atlas.md)")
}

// load opens the atlas the flags name and says on stderr, in English,
// which one it used.
func (f *atlasFlags) load(cmd *cobra.Command, extra ...atlas.Option) (*atlas.Atlas, error) {
	return f.loadIn(cmd, english, extra...)
}

// loadIn opens the atlas the flags name and says on stderr, in the
// printer's language, which one it used.
func (f *atlasFlags) loadIn(cmd *cobra.Command, pr *i18n.Printer, extra ...atlas.Option) (*atlas.Atlas, error) {
	opts := extra
	if f.capacity != "" {
		file, err := os.Open(f.capacity)
		if err != nil {
			return nil, lifeline.Errorf(lifeline.EINVALID, "", "%s", pr.T("atlas.err.capacity", unwrapPathErr(err).Error()))
		}
		ov, err := atlas.ReadOverrides(file, f.capacity)
		file.Close()
		if err != nil {
			return nil, err
		}
		opts = append(opts, atlas.WithOverrides(ov))
	}
	a, which, err := openAtlas(pr, f.path, opts...)
	if err != nil {
		return nil, err
	}
	st := a.Stats()
	fmt.Fprintln(cmd.ErrOrStderr(), "atlas:", pr.T("atlas.loaded", which, st.Cables, st.LandingPoints))
	return a, nil
}

// openAtlas resolves the atlas: an explicit path, else the fetched dataset,
// else the starter atlas. It returns a description of what it used.
func openAtlas(pr *i18n.Printer, path string, opts ...atlas.Option) (*atlas.Atlas, string, error) {
	if path == "" {
		if dir, err := fetchedDir(pr); err == nil && opencable.IsDataset(dir) {
			a, err := opencable.Load(dir, opts...)
			if err != nil {
				return nil, "", fmt.Errorf("%s: %w", pr.T("atlas.err.fetched", dir), err)
			}
			return a, pr.T("atlas.which.dataset", dir), nil
		}
		a, err := starter.Load(opts...)
		if err != nil {
			return nil, "", err
		}
		return a, pr.T("atlas.which.starter"), nil
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, "", lifeline.Errorf(lifeline.EINVALID, "", "%s", pr.T("atlas.err.path", path, unwrapPathErr(err).Error()))
	}
	if st.IsDir() {
		if !opencable.IsDataset(path) {
			return nil, "", lifeline.Errorf(lifeline.EINVALID, "", "%s", pr.T("atlas.err.dir", path, opencable.RoutesFile, opencable.LandingPointFile))
		}
		a, err := opencable.Load(path, opts...)
		return a, pr.T("atlas.which.dataset", path), err
	}
	file, err := os.Open(path)
	if err != nil {
		return nil, "", lifeline.Errorf(lifeline.EINVALID, "", "%s", pr.T("atlas.err.path", path, unwrapPathErr(err).Error()))
	}
	defer file.Close()
	a, err := atlas.Decode(file, path, opts...)
	return a, pr.T("atlas.which.file", path), err
}

func unwrapPathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// fetchedDir is where "atlas fetch" keeps the open cable map dataset.
func fetchedDir(pr *i18n.Printer) (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("%s: %w", pr.T("atlas.err.cache"), err)
	}
	return filepath.Join(base, "lifeline", "opencable"), nil
}

func newAtlasCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "atlas",
		Short: "Explore the infrastructure atlas: cables, landing points, countries, borders",
		Long: `The atlas models submarine cable systems (split into segments at their
landing points and branching units), landing points, countries and the
terrestrial links across land borders, each link with an estimated capacity.

Without --atlas, commands use the dataset fetched by "lifeline atlas fetch" if
present, else the embedded starter atlas, and say on stderr which they used.`,
	}
	cmd.AddCommand(newAtlasStatsCmd(), newAtlasShowCmd(), newAtlasExportCmd(), newAtlasFetchCmd())
	return cmd
}

func newAtlasStatsCmd() *cobra.Command {
	var af atlasFlags
	var asJSON bool
	var lang string
	cmd := &cobra.Command{
		Use:   "stats",
		Short: "Count what the atlas holds",
		Example: `  lifeline atlas stats
  lifeline atlas stats --json --atlas ../shared/data/cables`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			pr, err := printerFor(lang)
			if err != nil {
				return err
			}
			a, err := af.loadIn(cmd, pr)
			if err != nil {
				return err
			}
			st := a.Stats()
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), st)
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
			n := func(v int) string { return pr.Num(int64(v)) }
			fmt.Fprintf(w, "%s\t%s\n", pr.T("atlas.source"), st.Source)
			fmt.Fprintf(w, "%s\t%s\n", pr.T("atlas.cables"), n(st.Cables))
			fmt.Fprintf(w, "%s\t%s\n", pr.T("atlas.planned"), n(st.PlannedCables))
			fmt.Fprintf(w, "%s\t%s\n", pr.T("atlas.landings"), n(st.LandingPoints))
			fmt.Fprintf(w, "%s\t%s\n", pr.T("atlas.countries"), n(st.Countries))
			fmt.Fprintf(w, "%s\t%s\n", pr.T("atlas.segments"), n(st.Segments))
			fmt.Fprintf(w, "%s\t%s\n", pr.T("atlas.borders"), n(st.TerrestrialLinks))
			if a.Attribution != "" {
				fmt.Fprintf(w, "%s\t%s\n", pr.T("atlas.data"), a.Attribution)
			}
			return w.Flush()
		},
	}
	af.register(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
	langFlag(cmd.Flags(), &lang)
	return cmd
}

func newAtlasShowCmd() *cobra.Command {
	var af atlasFlags
	var asJSON bool
	var lang string
	cmd := &cobra.Command{
		Use:   "show CABLE|COUNTRY|LANDING-POINT",
		Short: "Show one cable system, country or landing point",
		Long: `Show one element of the atlas. The argument is matched, in this order, as a
country (ISO code or English name), a cable (id or name) and a landing point
(id or name); case and punctuation do not matter. An unknown name lists the
closest ones.`,
		Example: `  lifeline atlas show TO
  lifeline atlas show "Tonga Cable"
  lifeline atlas show ace --json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			pr, err := printerFor(lang)
			if err != nil {
				return err
			}
			a, err := af.loadIn(cmd, pr)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			q := args[0]
			if c, err := a.FindCountry(q); err == nil {
				if asJSON {
					return writeJSON(out, c)
				}
				return printCountry(out, pr, a, c)
			}
			if c, err := a.FindCable(q); err == nil {
				if asJSON {
					return writeJSON(out, cableView(a, c))
				}
				return printCable(out, pr, a, c)
			}
			lp, err := a.FindLandingPoint(q)
			if err == nil {
				if asJSON {
					return writeJSON(out, lp)
				}
				return printLandingPoint(out, pr, a, lp)
			}
			_, cerr := a.FindCable(q)
			return lifeline.Errorf(lifeline.ENOTFOUND, "", "%s\n  %v\n  %v", pr.T("atlas.err.nomatch", strconv.Quote(q)), cerr, err)
		},
	}
	af.register(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
	langFlag(cmd.Flags(), &lang)
	return cmd
}

type cableJSON struct {
	*atlas.Cable
	Segments []atlas.Segment `json:"segments"`
}

func cableView(a *atlas.Atlas, c *atlas.Cable) cableJSON {
	v := cableJSON{Cable: c, Segments: []atlas.Segment{}}
	for _, i := range c.Segments {
		v.Segments = append(v.Segments, a.Segments[i])
	}
	return v
}

func printCable(w io.Writer, pr *i18n.Printer, a *atlas.Atlas, c *atlas.Cable) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	status := pr.T("atlas.inservice")
	if c.Planned {
		status = pr.T("atlas.planned.status")
	}
	row := func(label, value string) { fmt.Fprintf(tw, "%s\t%s\n", label, value) }
	row(pr.T("atlas.cable"), c.Name+" ("+c.ID+")")
	row(pr.T("atlas.status"), status)
	if c.RFSYear != 0 {
		row(pr.T("atlas.rfs"), pr.Digits(c.RFSYear, 4))
	}
	lengthFrom := pr.T("atlas.length.route")
	if c.LengthFrom == "reported" {
		lengthFrom = pr.T("atlas.length.reported")
	}
	row(pr.T("atlas.length"), pr.T("atlas.km", pr.Num(int64(math.Round(c.LengthKm))), lengthFrom))
	row(pr.T("atlas.capacity"), fmt.Sprintf("%s (%s: %s)", formatGbps(pr, c.Capacity.Gbps), confidence(pr, c.Capacity.Confidence), capacityNote(c.Capacity)))
	row(pr.T("atlas.countries"), strings.Join(c.Countries, ", "))
	if len(c.Owners) > 0 {
		row(pr.T("atlas.owners"), strings.Join(c.Owners, ", "))
	}
	if c.URL != "" {
		row(pr.T("atlas.url"), c.URL)
	}
	if c.Source != "" {
		row(pr.T("atlas.source"), c.Source)
	}
	row(pr.T("atlas.landings"), pr.Num(int64(len(c.LandingPoints))))
	for _, id := range c.LandingPoints {
		lp, _ := a.LandingPoint(id)
		fmt.Fprintf(tw, "  %s\t%s (%s)\n", lp.ID, lp.Name, lp.Country)
	}
	row(pr.T("atlas.segments.n"), pr.Num(int64(len(c.Segments))))
	for _, i := range c.Segments {
		s := a.Segments[i]
		fmt.Fprintf(tw, "  %s\t%s → %s, %s\n", s.ID, s.From, s.To, pr.T("atlas.km.only", pr.Num(int64(math.Round(s.LengthKm)))))
	}
	return tw.Flush()
}

// confidence names how a capacity figure is known, in the words of
// assess's inputs.
func confidence(pr *i18n.Printer, c atlas.Confidence) string {
	switch c {
	case atlas.Reported:
		return pr.T("atlas.conf.reported")
	case atlas.Estimated:
		return pr.T("atlas.conf.estimated")
	case atlas.Assumed:
		return pr.T("atlas.conf.assumed")
	}
	return string(c)
}

func capacityNote(c atlas.Capacity) string {
	if c.Confidence == atlas.Reported && c.Source != "" {
		return c.Source
	}
	return c.Rule
}

func printCountry(w io.Writer, pr *i18n.Printer, a *atlas.Atlas, c *atlas.Country) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := func(label, value string) { fmt.Fprintf(tw, "%s\t%s\n", label, value) }
	row(pr.T("atlas.country"), pr.Country(c.Code, c.Name)+" ("+c.Code+")")
	row(pr.T("atlas.population"), pr.Num(c.Population))
	row(pr.T("atlas.cables"), pr.Num(int64(len(c.Cables))))
	for _, id := range c.Cables {
		cb, _ := a.Cable(id)
		fmt.Fprintf(tw, "  %s\t%s, %s\n", cb.ID, cb.Name, formatGbps(pr, cb.Capacity.Gbps))
	}
	if len(c.PlannedCables) > 0 {
		row(pr.T("atlas.planned"), pr.Num(int64(len(c.PlannedCables))))
		for _, id := range c.PlannedCables {
			cb, _ := a.Cable(id)
			fmt.Fprintf(tw, "  %s\t%s\n", cb.ID, cb.Name)
		}
	}
	row(pr.T("atlas.landings"), pr.Num(int64(len(c.LandingPoints))))
	for _, id := range c.LandingPoints {
		lp, _ := a.LandingPoint(id)
		fmt.Fprintf(tw, "  %s\t%s\n", lp.ID, lp.Name)
	}
	row(pr.T("atlas.neighbours"), orNone(pr, strings.Join(c.Neighbours, ", ")))
	for _, g := range a.Gateways {
		if g.Country == c.Code {
			row(pr.T("atlas.gateway"), pr.T("atlas.gateway.at", g.Operator, strings.Join(g.Sites, ", "), gatewayYears(pr, g), g.Source))
		}
	}
	if d, ok := atlas.DemandAsOf(c.Code, a.AsOf); ok {
		row(pr.T("atlas.demand"), pr.T("atlas.demand.of", formatGbps(pr, d.Gbps), pr.Digits(d.Year, 4), d.Source))
	}
	return tw.Flush()
}

// gatewayYears says in which years a national gateway carried the
// country's traffic.
func gatewayYears(pr *i18n.Printer, g atlas.Gateway) string {
	switch {
	case g.From > 0 && g.To > 0:
		return pr.T("atlas.gateway.between", pr.Digits(g.From, 4), pr.Digits(g.To, 4))
	case g.From > 0:
		return pr.T("atlas.gateway.from", pr.Digits(g.From, 4))
	case g.To > 0:
		return pr.T("atlas.gateway.until", pr.Digits(g.To, 4))
	}
	return pr.T("atlas.gateway.always")
}

func printLandingPoint(w io.Writer, pr *i18n.Printer, a *atlas.Atlas, lp *atlas.LandingPoint) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := func(label, value string) { fmt.Fprintf(tw, "%s\t%s\n", label, value) }
	row(pr.T("atlas.landing"), lp.Name+" ("+lp.ID+")")
	row(pr.T("atlas.country"), lp.Country)
	row(pr.T("atlas.location"), pr.T("atlas.lonlat", lp.Lon, lp.Lat))
	var cables []string
	for i := range a.Cables {
		for _, id := range a.Cables[i].LandingPoints {
			if id == lp.ID {
				cables = append(cables, a.Cables[i].Name)
			}
		}
	}
	sort.Strings(cables)
	row(pr.T("atlas.cables.names"), orNone(pr, strings.Join(cables, ", ")))
	return tw.Flush()
}

func orNone(pr *i18n.Printer, s string) string {
	if s == "" {
		return pr.T("atlas.none")
	}
	return s
}

// formatGbps writes a capacity to three significant digits, in Tbit/s
// from a thousand Gbit/s up.
func formatGbps(pr *i18n.Printer, g float64) string {
	if g >= 1000 {
		return pr.T("atlas.tbps", g/1000)
	}
	return pr.T("atlas.gbps", g)
}

func newAtlasExportCmd() *cobra.Command {
	var af atlasFlags
	var format, output, lang string
	var planned bool
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write the atlas as GeoJSON (for maps) or as an atlas JSON file",
		Long: `Write the atlas to stdout or a file.

  --format geojson  a FeatureCollection: cable segments (LineString), landing
                    points (Point), terrestrial links between country
                    centroids; each feature has a "kind" property
  --format json     the atlas file format of docs/atlas.md, which --atlas reads
                    back, with the compiled countries, segments and links`,
		Example: `  lifeline atlas export --format geojson -o atlas.geojson
  lifeline atlas export --format json --atlas ../shared/data/cables > full.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			pr, err := printerFor(lang)
			if err != nil {
				return err
			}
			if format != "geojson" && format != "json" {
				return &usageError{errors.New(pr.T("atlas.err.format", strconv.Quote(format)))}
			}
			a, err := af.loadIn(cmd, pr)
			if err != nil {
				return err
			}
			return writeOutput(cmd.OutOrStdout(), output, func(w io.Writer) error {
				if format == "geojson" {
					return a.WriteGeoJSON(w, atlas.GeoJSONOptions{Planned: planned})
				}
				return a.Encode(w)
			})
		},
	}
	af.register(cmd)
	cmd.Flags().StringVar(&format, "format", "geojson", "geojson or json")
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to this file instead of stdout (written whole or not at all)")
	cmd.Flags().BoolVar(&planned, "planned", false, "include planned cables in GeoJSON")
	langFlag(cmd.Flags(), &lang)
	return cmd
}

func newAtlasFetchCmd() *cobra.Command {
	var url, lang string
	var force bool
	cmd := &cobra.Command{
		Use:   "fetch",
		Short: "Download the open cable map dataset into the cache directory",
		Long: `Download the open cable map dataset (the last openly licensed release of
TeleGeography's submarine cable map, CC BY-NC-SA 3.0, via the Open Undersea
Cable Map project), check that it loads, and keep it in the user cache
directory, where every command then finds it.

The dataset is replaced only once the new copy has loaded cleanly.`,
		Example: `  lifeline atlas fetch
  lifeline atlas fetch --url http://mirror.example.org/open_undersea_cable_map.tar.gz`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			pr, err := printerFor(lang)
			if err != nil {
				return err
			}
			dir, err := fetchedDir(pr)
			if err != nil {
				return err
			}
			stderr := cmd.ErrOrStderr()
			if opencable.IsDataset(dir) && !force {
				fmt.Fprintln(stderr, pr.T("atlas.fetch.present", dir))
				return nil
			}
			if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
				return fmt.Errorf("fetch: %w", err)
			}
			tmp, err := os.MkdirTemp(filepath.Dir(dir), ".opencable-*")
			if err != nil {
				return fmt.Errorf("fetch: %w", err)
			}
			defer os.RemoveAll(tmp)
			fmt.Fprintln(stderr, pr.T("atlas.fetch.url", url))
			bar := newProgress(stderr, pr, pr.T("atlas.fetch.progress"))
			n, err := download.Tarball(cmd.Context(), url, tmp, download.Options{Keep: opencable.Keep, Progress: bar.update})
			bar.finish()
			if err != nil {
				return err
			}
			fmt.Fprintln(stderr, pr.T("atlas.fetch.unpacked", n))
			a, err := opencable.Load(tmp)
			if err != nil {
				return fmt.Errorf("%s: %w", pr.T("atlas.fetch.bad"), err)
			}
			old := dir + ".old"
			os.RemoveAll(old)
			if _, err := os.Stat(dir); err == nil {
				if err := os.Rename(dir, old); err != nil {
					return fmt.Errorf("fetch: %w", err)
				}
			}
			if err := os.Rename(tmp, dir); err != nil {
				return fmt.Errorf("fetch: %w", err)
			}
			os.RemoveAll(old)
			st := a.Stats()
			fmt.Fprintln(stderr, pr.T("atlas.fetch.saved", dir, st.Cables, st.PlannedCables, st.LandingPoints, st.Countries))
			return nil
		},
	}
	cmd.Flags().StringVar(&url, "url", opencable.DatasetURL, "where to download the dataset (a .tar.gz of the repository)")
	cmd.Flags().BoolVar(&force, "force", false, "download again even if the dataset is present")
	langFlag(cmd.Flags(), &lang)
	return cmd
}
