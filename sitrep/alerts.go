package sitrep

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"lifeline/coord"
)

// DetectorAlerts returns the instance's detector alerts v may see that
// are still open (Build keeps those raised within FreshFor), as the report lists
// them (Options.Alerts); alerts nil returns none. Build checks each one's
// marking again.
func DetectorAlerts(ctx context.Context, alerts coord.AlertService, v coord.Viewer, now time.Time) ([]Alert, error) {
	if alerts == nil {
		return nil, nil
	}
	var out []Alert
	f := coord.AlertFilter{Since: now.Add(-FreshFor), State: coord.AlertOpen, Limit: 200}
	for range 5 {
		p, err := alerts.FindAlerts(ctx, v, f)
		if err != nil {
			return nil, err
		}
		for _, a := range p.Items {
			out = append(out, alertOf(a))
		}
		if p.Next == "" {
			break
		}
		f.After = p.Next
	}
	return out, nil
}

// alertOf is a detector alert as the report lists it, in words of no
// language: what fell, how far, and which kinds of signal saw it.
func alertOf(a *coord.Alert) Alert {
	what := a.Entity
	if a.ASN != 0 {
		what = fmt.Sprintf("AS%d", a.ASN)
	} else if a.Country != "" {
		what = a.Country
	}
	title := fmt.Sprintf("%s: −%d %% (%s)", what, int(math.Round(a.Drop*100)), strings.Join(a.Kinds, ", "))
	var cc []string
	if a.Country != "" {
		cc = []string{a.Country}
	}
	return Alert{Title: title, Countries: cc, At: a.Raised, Source: "detector", Ref: a.ID, Marking: a.Marking}
}
