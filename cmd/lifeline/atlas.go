package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"lifeline"
	"lifeline/atlas"
	"lifeline/atlas/opencable"
	"lifeline/atlas/starter"
	"lifeline/download"
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

// load opens the atlas the flags name and says on stderr which one it used.
func (f *atlasFlags) load(cmd *cobra.Command, extra ...atlas.Option) (*atlas.Atlas, error) {
	opts := extra
	if f.capacity != "" {
		file, err := os.Open(f.capacity)
		if err != nil {
			return nil, lifeline.Errorf(lifeline.EINVALID, "", "capacity overrides: %v", err)
		}
		ov, err := atlas.ReadOverrides(file, f.capacity)
		file.Close()
		if err != nil {
			return nil, err
		}
		opts = append(opts, atlas.WithOverrides(ov))
	}
	a, which, err := openAtlas(f.path, opts...)
	if err != nil {
		return nil, err
	}
	st := a.Stats()
	fmt.Fprintf(cmd.ErrOrStderr(), "atlas: %s (%d cables in service, %d landing points)\n", which, st.Cables, st.LandingPoints)
	return a, nil
}

// openAtlas resolves the atlas: an explicit path, else the fetched dataset,
// else the starter atlas. It returns a description of what it used.
func openAtlas(path string, opts ...atlas.Option) (*atlas.Atlas, string, error) {
	if path == "" {
		if dir, err := fetchedDir(); err == nil && opencable.IsDataset(dir) {
			a, err := opencable.Load(dir, opts...)
			if err != nil {
				return nil, "", fmt.Errorf("the fetched dataset in %s does not load (run \"lifeline atlas fetch --force\"): %w", dir, err)
			}
			return a, "open cable map dataset in " + dir, nil
		}
		a, err := starter.Load(opts...)
		if err != nil {
			return nil, "", err
		}
		return a, "embedded starter atlas (approximate; run \"lifeline atlas fetch\" for the full dataset)", nil
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, "", lifeline.Errorf(lifeline.EINVALID, "", "atlas %s: %v", path, unwrapPathErr(err))
	}
	if st.IsDir() {
		if !opencable.IsDataset(path) {
			return nil, "", lifeline.Errorf(lifeline.EINVALID, "", "atlas %s: a directory must hold the open cable map layout (%s, %s)", path, opencable.RoutesFile, opencable.LandingPointFile)
		}
		a, err := opencable.Load(path, opts...)
		return a, "open cable map dataset in " + path, err
	}
	file, err := os.Open(path)
	if err != nil {
		return nil, "", lifeline.Errorf(lifeline.EINVALID, "", "atlas %s: %v", path, unwrapPathErr(err))
	}
	defer file.Close()
	a, err := atlas.Decode(file, path, opts...)
	return a, "atlas file " + path, err
}

func unwrapPathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// fetchedDir is where "atlas fetch" keeps the open cable map dataset.
func fetchedDir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache directory: %w (set XDG_CACHE_HOME)", err)
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
	cmd := &cobra.Command{
		Use:   "stats",
		Short: "Count what the atlas holds",
		Example: `  lifeline atlas stats
  lifeline atlas stats --json --atlas ../shared/data/cables`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := af.load(cmd)
			if err != nil {
				return err
			}
			st := a.Stats()
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), st)
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
			fmt.Fprintf(w, "source\t%s\n", st.Source)
			fmt.Fprintf(w, "cable systems in service\t%d\n", st.Cables)
			fmt.Fprintf(w, "planned cable systems\t%d\n", st.PlannedCables)
			fmt.Fprintf(w, "landing points\t%d\n", st.LandingPoints)
			fmt.Fprintf(w, "countries\t%d\n", st.Countries)
			fmt.Fprintf(w, "cable segments in service\t%d\n", st.Segments)
			fmt.Fprintf(w, "terrestrial border links\t%d\n", st.TerrestrialLinks)
			if a.Attribution != "" {
				fmt.Fprintf(w, "data\t%s\n", a.Attribution)
			}
			return w.Flush()
		},
	}
	af.register(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
	return cmd
}

func newAtlasShowCmd() *cobra.Command {
	var af atlasFlags
	var asJSON bool
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
			a, err := af.load(cmd)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			q := args[0]
			if c, err := a.FindCountry(q); err == nil {
				if asJSON {
					return writeJSON(out, c)
				}
				return printCountry(out, a, c)
			}
			if c, err := a.FindCable(q); err == nil {
				if asJSON {
					return writeJSON(out, cableView(a, c))
				}
				return printCable(out, a, c)
			}
			lp, err := a.FindLandingPoint(q)
			if err == nil {
				if asJSON {
					return writeJSON(out, lp)
				}
				return printLandingPoint(out, a, lp)
			}
			_, cerr := a.FindCable(q)
			return lifeline.Errorf(lifeline.ENOTFOUND, "", "no country, cable or landing point matches %q\n  %v\n  %v", q, cerr, err)
		},
	}
	af.register(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
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

func printCable(w io.Writer, a *atlas.Atlas, c *atlas.Cable) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	status := "in service"
	if c.Planned {
		status = "planned"
	}
	fmt.Fprintf(tw, "cable\t%s (%s)\n", c.Name, c.ID)
	fmt.Fprintf(tw, "status\t%s\n", status)
	if c.RFSYear != 0 {
		fmt.Fprintf(tw, "ready for service\t%d\n", c.RFSYear)
	}
	fmt.Fprintf(tw, "length\t%.0f km (%s)\n", c.LengthKm, c.LengthFrom)
	fmt.Fprintf(tw, "capacity\t%s (%s: %s)\n", formatGbps(c.Capacity.Gbps), c.Capacity.Confidence, capacityNote(c.Capacity))
	fmt.Fprintf(tw, "countries\t%s\n", strings.Join(c.Countries, ", "))
	if len(c.Owners) > 0 {
		fmt.Fprintf(tw, "owners\t%s\n", strings.Join(c.Owners, ", "))
	}
	if c.URL != "" {
		fmt.Fprintf(tw, "url\t%s\n", c.URL)
	}
	if c.Source != "" {
		fmt.Fprintf(tw, "source\t%s\n", c.Source)
	}
	fmt.Fprintf(tw, "landing points\t%d\n", len(c.LandingPoints))
	for _, id := range c.LandingPoints {
		lp, _ := a.LandingPoint(id)
		fmt.Fprintf(tw, "  %s\t%s (%s)\n", lp.ID, lp.Name, lp.Country)
	}
	fmt.Fprintf(tw, "segments\t%d\n", len(c.Segments))
	for _, i := range c.Segments {
		s := a.Segments[i]
		fmt.Fprintf(tw, "  %s\t%s → %s, %.0f km\n", s.ID, s.From, s.To, s.LengthKm)
	}
	return tw.Flush()
}

func capacityNote(c atlas.Capacity) string {
	if c.Confidence == atlas.Reported && c.Source != "" {
		return c.Source
	}
	return c.Rule
}

func printCountry(w io.Writer, a *atlas.Atlas, c *atlas.Country) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "country\t%s (%s)\n", c.Name, c.Code)
	fmt.Fprintf(tw, "population\t%d\n", c.Population)
	fmt.Fprintf(tw, "cable systems in service\t%d\n", len(c.Cables))
	for _, id := range c.Cables {
		cb, _ := a.Cable(id)
		fmt.Fprintf(tw, "  %s\t%s, %s\n", cb.ID, cb.Name, formatGbps(cb.Capacity.Gbps))
	}
	if len(c.PlannedCables) > 0 {
		fmt.Fprintf(tw, "planned cable systems\t%d\n", len(c.PlannedCables))
		for _, id := range c.PlannedCables {
			cb, _ := a.Cable(id)
			fmt.Fprintf(tw, "  %s\t%s\n", cb.ID, cb.Name)
		}
	}
	fmt.Fprintf(tw, "landing points\t%d\n", len(c.LandingPoints))
	for _, id := range c.LandingPoints {
		lp, _ := a.LandingPoint(id)
		fmt.Fprintf(tw, "  %s\t%s\n", lp.ID, lp.Name)
	}
	fmt.Fprintf(tw, "land neighbours\t%s\n", orNone(strings.Join(c.Neighbours, ", ")))
	for _, g := range a.Gateways {
		if g.Country == c.Code {
			fmt.Fprintf(tw, "national gateway\t%s at %s (%s; %s)\n", g.Operator, strings.Join(g.Sites, ", "), gatewayYears(g), g.Source)
		}
	}
	if d, ok := atlas.DemandAsOf(c.Code, a.AsOf); ok {
		fmt.Fprintf(tw, "international bandwidth used\t%s (%d; %s)\n", formatGbps(d.Gbps), d.Year, d.Source)
	}
	return tw.Flush()
}

func gatewayYears(g atlas.Gateway) string {
	switch {
	case g.From > 0 && g.To > 0:
		return fmt.Sprintf("%d–%d", g.From, g.To)
	case g.From > 0:
		return fmt.Sprintf("from %d", g.From)
	case g.To > 0:
		return fmt.Sprintf("until %d", g.To)
	}
	return "always"
}

func printLandingPoint(w io.Writer, a *atlas.Atlas, lp *atlas.LandingPoint) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "landing point\t%s (%s)\n", lp.Name, lp.ID)
	fmt.Fprintf(tw, "country\t%s\n", lp.Country)
	fmt.Fprintf(tw, "location\t%.4f, %.4f (lon, lat)\n", lp.Lon, lp.Lat)
	var cables []string
	for i := range a.Cables {
		for _, id := range a.Cables[i].LandingPoints {
			if id == lp.ID {
				cables = append(cables, a.Cables[i].Name)
			}
		}
	}
	sort.Strings(cables)
	fmt.Fprintf(tw, "cables\t%s\n", orNone(strings.Join(cables, ", ")))
	return tw.Flush()
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func formatGbps(g float64) string {
	if g >= 1000 {
		return fmt.Sprintf("%.3g Tbit/s", g/1000)
	}
	return fmt.Sprintf("%.3g Gbit/s", g)
}

func newAtlasExportCmd() *cobra.Command {
	var af atlasFlags
	var format, output string
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
			if format != "geojson" && format != "json" {
				return &usageError{fmt.Errorf("--format: want geojson or json, found %q", format)}
			}
			a, err := af.load(cmd)
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
	return cmd
}

func newAtlasFetchCmd() *cobra.Command {
	var url string
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
			dir, err := fetchedDir()
			if err != nil {
				return err
			}
			stderr := cmd.ErrOrStderr()
			if opencable.IsDataset(dir) && !force {
				fmt.Fprintf(stderr, "the dataset is already in %s (use --force to download it again)\n", dir)
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
			fmt.Fprintf(stderr, "downloading %s\n", url)
			bar := newProgress(stderr, "downloading")
			n, err := download.Tarball(cmd.Context(), url, tmp, download.Options{Keep: opencable.Keep, Progress: bar.update})
			bar.finish()
			if err != nil {
				return err
			}
			fmt.Fprintf(stderr, "unpacked %d files; checking that the dataset loads\n", n)
			a, err := opencable.Load(tmp)
			if err != nil {
				return fmt.Errorf("the downloaded dataset does not load, the previous one is kept: %w", err)
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
			fmt.Fprintf(stderr, "saved in %s: %d cables in service, %d planned, %d landing points, %d countries\n",
				dir, st.Cables, st.PlannedCables, st.LandingPoints, st.Countries)
			return nil
		},
	}
	cmd.Flags().StringVar(&url, "url", opencable.DatasetURL, "where to download the dataset (a .tar.gz of the repository)")
	cmd.Flags().BoolVar(&force, "force", false, "download again even if the dataset is present")
	return cmd
}
