package coord

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestSubscriptionWants checks what each filter selects, alert events
// (types beginning with "alert.") included, whatever their payload.
func TestSubscriptionWants(t *testing.T) {
	inc := func(kind IncidentKind, country, severity string) json.RawMessage {
		b, _ := json.Marshal(Incident{ID: "inc_1", Kind: kind, Countries: []string{country}, Severity: severity})
		return b
	}
	yes := func() (bool, error) { return true, nil }
	no := func() (bool, error) { return false, nil }
	need, _ := json.Marshal(Need{Resource: Resource{ID: "need_1", Countries: []string{"SD"}}})
	cases := []struct {
		name    string
		f       SubscriptionFilter
		typ     string
		item    json.RawMessage
		matches func() (bool, error)
		want    bool
	}{
		{"incident", SubscriptionFilter{Incidents: true}, EventIncidentCreated, inc(KindShutdown, "SD", ""), no, true},
		{"incident not chosen", SubscriptionFilter{Alerts: true}, EventIncidentUpdated, inc(KindShutdown, "SD", ""), no, false},
		{"kind", SubscriptionFilter{Incidents: true, Kinds: []IncidentKind{KindCableCut}}, EventIncidentCreated, inc(KindShutdown, "SD", ""), no, false},
		{"country", SubscriptionFilter{Incidents: true, Countries: []string{"ET"}}, EventIncidentCreated, inc(KindShutdown, "SD", ""), no, false},
		{"too mild", SubscriptionFilter{Incidents: true, MinSeverity: SeveritySevere}, EventIncidentCreated, inc(KindShutdown, "SD", SeverityModerate), no, false},
		{"severe enough", SubscriptionFilter{Incidents: true, MinSeverity: SeveritySevere}, EventIncidentCreated, inc(KindShutdown, "SD", SeverityExtreme), no, true},
		{"unknown severity", SubscriptionFilter{Incidents: true, MinSeverity: SeveritySevere}, EventIncidentCreated, inc(KindShutdown, "SD", ""), no, true},
		{"alert", SubscriptionFilter{Alerts: true}, "alert.raised", json.RawMessage(`{"signal":"ioda:SD"}`), no, true},
		{"alert in a country", SubscriptionFilter{Alerts: true, Countries: []string{"SD"}}, "alert.raised", json.RawMessage(`{"country":"SD"}`), no, true},
		{"alert elsewhere", SubscriptionFilter{Alerts: true, Countries: []string{"SD"}}, "alert.raised", json.RawMessage(`{"countries":["ET"]}`), no, false},
		{"alert not chosen", SubscriptionFilter{Incidents: true}, "alert.raised", json.RawMessage(`{}`), no, false},
		{"not quite an alert", SubscriptionFilter{Alerts: true}, "alerting", json.RawMessage(`{}`), no, false},
		{"need matching", SubscriptionFilter{MatchingNeeds: true}, EventNeedCreated, need, yes, true},
		{"need not matching", SubscriptionFilter{MatchingNeeds: true}, EventNeedCreated, need, no, false},
		{"need elsewhere", SubscriptionFilter{MatchingNeeds: true, Countries: []string{"ET"}}, EventNeedCreated, need, yes, false},
		{"other events", SubscriptionFilter{Incidents: true, Alerts: true, MatchingNeeds: true}, EventOfferCreated, need, yes, false},
	}
	for _, c := range cases {
		got, err := c.f.Wants(c.typ, c.item, c.matches)
		if err != nil || got != c.want {
			t.Errorf("%s: Wants = %v, %v; want %v", c.name, got, err, c.want)
		}
	}
}

func TestSubscriptionValidate(t *testing.T) {
	for _, c := range []struct {
		s    Subscription
		says string
	}{
		{Subscription{URL: "https://h.example.org/x", Filter: SubscriptionFilter{Incidents: true}}, ""},
		{Subscription{URL: "https://user:pw@h.example.org/x", Filter: SubscriptionFilter{Incidents: true}}, "without credentials"},
		{Subscription{URL: "/relative", Filter: SubscriptionFilter{Incidents: true}}, "absolute http or https URL"},
		{Subscription{URL: "https://h.example.org", Filter: SubscriptionFilter{}}, "choose at least one"},
		{Subscription{URL: "https://h.example.org", Filter: SubscriptionFilter{Incidents: true, Countries: []string{"XX"}}}, "filter.countries[0]"},
		{Subscription{URL: "https://h.example.org", Filter: SubscriptionFilter{Incidents: true, Kinds: []IncidentKind{"picnic"}}}, "filter.kinds[0]"},
		{Subscription{URL: "https://h.example.org", Filter: SubscriptionFilter{Incidents: true, MinSeverity: "Bad"}}, "filter.min_severity"},
	} {
		err := c.s.Validate()
		if c.says == "" && err != nil || c.says != "" && (err == nil || !strings.Contains(err.Error(), c.says)) {
			t.Errorf("%+v: %v, want %q", c.s, err, c.says)
		}
	}
}
