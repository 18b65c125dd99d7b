package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"lifeline"
	"lifeline/coord"
	"lifeline/exchange"
)

var exportFormats = exchange.Formats

func newExportCmd() *cobra.Command {
	var dsn, format, kind, incident, need, offer, match, out, instance, lang string
	cmd := &cobra.Command{
		Use:   "export --format FORMAT",
		Short: "Write records in the formats the field reads: CAP, EDXL-RM, HXL, STIX, STOP, GeoJSON",
		Long: `Write coordination records in a standard format (docs/exchange.md), with only
what the member whose token is in $LIFELINE_TOKEN may see (without a token:
what anybody may see).

  cap      one incident as a CAP 1.2 alert (--incident)
  edxl     a need, an offer or a commitment as an EDXL-RM 1.0 message (--need, --offer, --match)
  geojson  incidents with an area, as a FeatureCollection
  hxl      HXL-tagged CSV of incidents, needs, offers, commitments or restoration (--kind)
  stix     incidents as a STIX 2.1 bundle with TLP 2.0 markings
  stop     shutdowns in the columns of Access Now's STOP dataset`,
		Example: `  lifeline export --format stix -o incidents.json
  LIFELINE_TOKEN=… lifeline export --format hxl --kind needs -o needs.csv
  lifeline export --format cap --incident inc_4k2x…`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			pr, err := printerFor(lang)
			if err != nil {
				return err
			}
			if !slices.Contains(exportFormats, format) {
				return &usageError{errors.New(pr.T("xchg.err.oneof", "--format", strings.Join(exportFormats, ", "), strconv.Quote(format)))}
			}
			ctx := cmd.Context()
			db, v, err := openAs(ctx, dsn)
			if err != nil {
				return err
			}
			defer db.Close()
			opt := exchange.Options{Instance: instance, Now: time.Now().UTC()}
			req := exchange.Request{Format: format, Kind: kind, Incident: incident, Need: need, Offer: offer, Match: match}
			switch {
			case format == "cap" && incident == "":
				return &usageError{errors.New(pr.T("xchg.err.cap"))}
			case format == "edxl" && need == "" && offer == "" && match == "":
				return &usageError{errors.New(pr.T("xchg.err.edxl"))}
			case format == "hxl" && !slices.Contains(exchange.HXLKinds, kind):
				return &usageError{errors.New(pr.T("xchg.err.oneof", "--kind", strings.Join(exchange.HXLKinds, ", "), strconv.Quote(kind)))}
			}
			// The whole export is made before anything is written, so a
			// failure leaves no half-written file.
			var buf bytes.Buffer
			if err := exchange.Export(ctx, &buf, db.Services(), v, req, opt); err != nil {
				return err
			}
			write := func(w io.Writer) error { _, err := w.Write(buf.Bytes()); return err }
			return writeOutput(cmd.OutOrStdout(), out, write)
		},
	}
	dbFlag(cmd, &dsn)
	host, _ := os.Hostname()
	if host == "" {
		host = "localhost"
	}
	cmd.Flags().StringVar(&format, "format", "", "one of "+strings.Join(exportFormats, ", ")+" (required)")
	cmd.Flags().StringVar(&kind, "kind", "incidents", "with hxl: incidents, needs, offers, commitments or restoration")
	cmd.Flags().StringVar(&incident, "incident", "", "with cap: the incident")
	cmd.Flags().StringVar(&need, "need", "", "with edxl: a need (RequestResource)")
	cmd.Flags().StringVar(&offer, "offer", "", "with edxl: an offer (OfferUnsolicitedResource)")
	cmd.Flags().StringVar(&match, "match", "", "with edxl: a commitment (CommitResource)")
	cmd.Flags().StringVar(&instance, "instance", host, "this instance's host name, which makes identifiers unique (CAP sender, STIX identity)")
	cmd.Flags().StringVarP(&out, "output", "o", "", "write to this file (default: standard output)")
	langFlag(cmd.Flags(), &lang)
	return cmd
}

var importFormats = []string{"cap", "edxl", "geojson", "hxl", "stix", "stop"}

func newImportCmd() *cobra.Command {
	var dsn, format, kind, tlp, lang string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "import --format FORMAT FILE",
		Short: "Read records from CAP, EDXL-RM, HXL, STIX, STOP or GeoJSON as new incidents, needs and offers",
		Long: `Read a file in a standard format (docs/exchange.md) and create what it holds
as new items by the member whose token is in $LIFELINE_TOKEN (a reporter at
least): CAP alerts, STIX incidents, STOP rows and GeoJSON features become
incidents; HXL tables incidents, needs or offers (--kind); EDXL-RM messages
needs and offers. The whole file is checked first and created in one
transaction: one bad record, and nothing is imported — the error names the
line, element or record.`,
		Example: `  LIFELINE_TOKEN=… lifeline import --format stop --tlp TLP:CLEAR keepiton-2024.csv
  LIFELINE_TOKEN=… lifeline import --format cap storm-warning.xml
  LIFELINE_TOKEN=… lifeline import --format hxl --kind needs needs.csv`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			pr, err := printerFor(lang)
			if err != nil {
				return err
			}
			if !slices.Contains(importFormats, format) {
				return &usageError{errors.New(pr.T("xchg.err.oneof", "--format", strings.Join(importFormats, ", "), strconv.Quote(format)))}
			}
			ctx := cmd.Context()
			db, v, err := openAs(ctx, dsn)
			if err != nil {
				return err
			}
			defer db.Close()
			if v.Anonymous() {
				return lifeline.Errorf(lifeline.EINVALID, "", "%s", pr.T("xchg.err.token", "$"+tokenEnv))
			}
			f, err := os.Open(args[0])
			if err != nil {
				return err
			}
			defer f.Close()
			var incidents []coord.Incident
			var needs []coord.Need
			var offers []coord.Offer
			switch format {
			case "cap":
				var in *coord.Incident
				if in, err = exchange.ImportCAP(f); err == nil {
					incidents = []coord.Incident{*in}
				}
			case "stix":
				incidents, err = exchange.ImportSTIX(f, v)
			case "stop":
				incidents, err = exchange.ImportSTOP(f, v, coord.TLP(tlp))
			case "geojson":
				incidents, err = exchange.ImportGeoJSON(f, v)
			case "edxl":
				needs, offers, _, err = exchange.ImportRM(f)
			case "hxl":
				switch kind {
				case "incidents":
					incidents, err = exchange.ImportHXLIncidents(f, v)
				case "needs":
					needs, err = exchange.ImportHXLNeeds(f, v)
				case "offers":
					offers, err = exchange.ImportHXLOffers(f, v)
				default:
					return &usageError{errors.New(pr.T("xchg.err.oneof", "--kind", "incidents, needs, offers", strconv.Quote(kind)))}
				}
			}
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			ip, np, op := ptrs(incidents), ptrs(needs), ptrs(offers)
			if err := db.Import(ctx, v, ip, np, op); err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			res := map[string]int{"incidents": len(ip), "needs": len(np), "offers": len(op)}
			return printResult(cmd.OutOrStdout(), asJSON, res,
				pr.T("xchg.imported", args[0], len(ip), len(np), len(op)))
		},
	}
	dbFlag(cmd, &dsn)
	cmd.Flags().StringVar(&format, "format", "", "one of "+strings.Join(importFormats, ", ")+" (required)")
	cmd.Flags().StringVar(&kind, "kind", "incidents", "with hxl: incidents, needs or offers")
	cmd.Flags().StringVar(&tlp, "tlp", "", "with stop: the marking of the imported incidents (default TLP:AMBER; TLP:CLEAR for the public dataset)")
	cmd.Flags().BoolVar(&asJSON, "json", false, `print {"incidents", "needs", "offers"}`)
	langFlag(cmd.Flags(), &lang)
	return cmd
}

// ptrs returns pointers to copies of the items (the store gives each its
// own id when it creates it).
func ptrs[T any](items []T) []*T {
	out := make([]*T, len(items))
	for i := range items {
		it := items[i]
		out[i] = &it
	}
	return out
}
