package exchange_test

import (
	"fmt"
	"os"
	"strings"
	"time"

	"lifeline/coord"
	"lifeline/exchange"
)

// An HXL table holds what the reader may see: an anonymous reader gets the
// TLP:CLEAR incident and not the TLP:AMBER one.
func ExampleExportHXLIncidents() {
	reported := time.Date(2026, 11, 20, 6, 0, 0, 0, time.UTC)
	incidents := []coord.Incident{
		{ID: "inc-1", Title: "SEACOM cut off Djibouti", Kind: coord.KindCableCut, Status: coord.IncidentVerified,
			Countries: []string{"DJ"}, Created: reported, Marking: coord.Marking{TLP: coord.TLPClear, Org: "cable", Author: "lina"}},
		{ID: "inc-2", Title: "Landing station without power", Kind: coord.KindPowerOutage, Status: coord.IncidentReported,
			Countries: []string{"DJ"}, Created: reported, Marking: coord.Marking{TLP: coord.TLPAmber, Org: "cable", Author: "lina"}},
	}
	var out strings.Builder
	if err := exchange.ExportHXLIncidents(&out, coord.Viewer{}, incidents); err != nil {
		fmt.Println(err)
		return
	}
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\r\n")[1:] {
		fmt.Println(strings.Join(strings.Split(line, ",")[:8], ","))
	}
	// Output:
	// #event+code,#event+name,#event+type,#status,#severity,#x_urgency,#x_certainty,#country+code
	// inc-1,SEACOM cut off Djibouti,cable_cut,verified,,,,DJI
}

// A national warning of a power outage, in CAP, becomes a draft incident.
func ExampleImportCAP() {
	alert := `<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>NGA-2026-0412</identifier>
  <sender>alerts@ndma.example</sender>
  <sent>2026-11-20T07:00:00+01:00</sent>
  <status>Actual</status>
  <msgType>Alert</msgType>
  <scope>Public</scope>
  <info>
    <category>Infra</category>
    <event>Power outage</event>
    <urgency>Immediate</urgency>
    <severity>Severe</severity>
    <certainty>Observed</certainty>
    <headline>Grid collapse: nationwide power outage</headline>
    <area>
      <areaDesc>Nigeria</areaDesc>
      <geocode><valueName>ISO 3166-1 alpha-2</valueName><value>NG</value></geocode>
    </area>
  </info>
</alert>`
	in, err := exchange.ImportCAP(strings.NewReader(alert))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	fmt.Println(in.Title, "|", in.Kind, "|", in.Status, "|", in.TLP, "|", in.Countries, "|", in.Created.Format(time.RFC3339))
	// Output:
	// Grid collapse: nationwide power outage | power_outage | reported | TLP:CLEAR | [NG] | 2026-11-20T06:00:00Z
}
