package norms

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func day(s string) *time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return &t
}

func yes() *bool { b := true; return &b }

// The sets of entries below were written by hand from the texts of the
// catalogue (what each article, rule or holding covers), before the engine
// was run on these incidents. Shared parts are named once.
var (
	// Any shutdown or throttling, whoever ordered it and wherever.
	shutdownCore = []string{"udhr-19", "iccpr-19-2", "hrc-gc34-22", "hrc-res-32-13-op10",
		"ohchr-a-hrc-50-55-states", "itu-cs-40", "berkeley-protocol"}
	// Ordered by an organ of the state.
	stateOrdered = []string{"iccpr-19-3", "itu-cs-34-2"}
	// Nationwide: the international service is suspended.
	nationwide = []string{"itu-cs-33", "itu-cs-35"}
	// Operators named.
	operators = []string{"ohchr-a-hrc-50-55-companies", "ungp-11", "ungp-17"}
	// An African Charter state.
	african = []string{"achpr-charter-9", "achpr-declaration-2019-p38-2"}
	// Blocking of services in a European Convention state.
	strasbourgBlocking = []string{"echr-10", "ecthr-yildirim-2012", "ecthr-cengiz-2015", "ecthr-kharitonov-2020"}
	// Attacks on infrastructure in any armed conflict (customary law).
	customaryHostilities = []string{"cihl-rule-7", "cihl-rule-8", "cihl-rule-14", "cihl-rule-15", "cihl-rule-54"}
	// Attacks on infrastructure in an international armed conflict (treaty law).
	protocolI = []string{"api-48", "api-52-2", "api-52-3", "api-54-2", "api-57"}
	// A submarine cable broken in peacetime.
	cableLaw = []string{"unclos-113", "unclos-114", "unclos-115", "cable-convention-1884-2"}
)

func set(parts ...[]string) []string {
	var out []string
	for _, p := range parts {
		out = append(out, p...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func minus(all []string, drop ...string) []string {
	return slices.DeleteFunc(slices.Clone(all), func(s string) bool { return slices.Contains(drop, s) })
}

var emergencyET = []Situation{{Country: "ET", Kind: "state_of_emergency", From: "2026-11-04", Source: "Council of Ministers, State of Emergency Proclamation (as published in the Federal Negarit Gazette)"}}

var ethiopiaShutdown = Incident{Kind: "shutdown", Countries: []string{"ET"}, Start: day("2026-11-05"),
	Shutdown: &Shutdown{OrderedBy: "National government", GovJustification: "Public safety", GeoScope: "national",
		Extent: "Full network", Type: "shutdown", TelcosInvolved: []string{"Ethio Telecom", "Safaricom Ethiopia"}}}

var fixtures = []struct {
	name       string
	in         Incident
	situations []Situation
	want       []string
}{
	{"nationwide shutdown ordered by the government during a declared emergency", ethiopiaShutdown, emergencyET,
		set(shutdownCore, stateOrdered, nationwide, operators, african,
			[]string{"iccpr-4", "hrc-gc29-2", "hrc-gc29-4", "joint-declaration-2011-6b", "ungp-23"})},
	{"the same shutdown when the emergency is recorded for another country", ethiopiaShutdown,
		[]Situation{{Country: "ER", Kind: "state_of_emergency", From: "2026-11-04", Source: "test"}},
		set(shutdownCore, stateOrdered, nationwide, operators, african, []string{"joint-declaration-2011-6b", "ungp-23"})},
	{"the same shutdown when the emergency ended before it", ethiopiaShutdown,
		[]Situation{{Country: "ET", Kind: "state_of_emergency", From: "2025-01-01", Until: "2025-06-01", Source: "test"}},
		set(shutdownCore, stateOrdered, nationwide, operators, african, []string{"joint-declaration-2011-6b", "ungp-23"})},
	{"Togo, September 2017: shutdown during protests in an ECOWAS state",
		Incident{Kind: "shutdown", Countries: []string{"TG"}, Start: day("2017-09-05"), End: day("2017-09-10"),
			Shutdown: &Shutdown{OrderedBy: "government", ActualCause: "Protests", GeoScope: "national", Extent: "full_network"}},
		nil,
		set(shutdownCore, stateOrdered, nationwide, african,
			[]string{"hrc-gc37-34", "joint-declaration-2011-6b", "ecowas-amnesty-togo-2020"})},
	{"Nigeria, June 2021: a platform suspended nationwide",
		Incident{Kind: "shutdown", Countries: []string{"NG"}, Start: day("2021-06-05"),
			Shutdown: &Shutdown{OrderedBy: "Federal government", GovJustification: "other", GeoScope: "national",
				Extent: "service_based", TelcosInvolved: []string{"MTN Nigeria", "Airtel Nigeria"}}},
		nil,
		set(shutdownCore, stateOrdered, nationwide, operators, african,
			[]string{"hrc-gc34-43", "ecowas-amnesty-togo-2020", "ecowas-serap-nigeria-2022", "ungp-23"})},
	{"Turkey, 2008: a court blocks a video platform nationwide",
		Incident{Kind: "shutdown", Countries: []string{"TR"}, Start: day("2008-05-05"),
			Shutdown: &Shutdown{OrderedBy: "Courts", GeoScope: "national", Extent: "service_based"}},
		nil,
		set(shutdownCore, stateOrdered, nationwide, strasbourgBlocking, []string{"hrc-gc34-43"})},
	{"Russia, 2012: a regulator blocks a shared IP address",
		Incident{Kind: "shutdown", Countries: []string{"RU"}, Start: day("2012-12-19"),
			Shutdown: &Shutdown{OrderedBy: "Regulator", Extent: "service_based"}},
		nil,
		set(shutdownCore, stateOrdered, strasbourgBlocking, []string{"hrc-gc34-43", "itu-cs-35"})},
	{"Russia, 2023: the same blocking after Russia left the European Convention",
		Incident{Kind: "shutdown", Countries: []string{"RU"}, Start: day("2023-03-01"),
			Shutdown: &Shutdown{OrderedBy: "Regulator", Extent: "service_based"}},
		nil,
		set(shutdownCore, stateOrdered, []string{"hrc-gc34-43", "itu-cs-35"})},
	{"Venezuela, 2019: throttling by the state operator after the American Convention was denounced",
		Incident{Kind: "throttling", Countries: []string{"VE"}, Start: day("2019-01-21"),
			Shutdown: &Shutdown{OrderedBy: "government", Type: "throttle", GeoScope: "national", TelcosInvolved: []string{"CANTV"}}},
		nil,
		set(shutdownCore, stateOrdered, nationwide, operators, []string{"ungp-23"})},
	// The 2011 Joint Declaration says of cutting off access that “the same
	// applies to slow-downs imposed on the Internet or parts of the Internet”.
	{"Iran: the whole network slowed down nationwide by the government, no reason given",
		Incident{Kind: "throttling", Countries: []string{"IR"}, Start: day("2026-01-08"),
			Shutdown: &Shutdown{OrderedBy: "government", Type: "throttle", GeoScope: "national", Extent: "full_network"}},
		nil,
		set(shutdownCore, stateOrdered, nationwide, []string{"joint-declaration-2011-6b"})},
	{"Colombia, 2021: regional throttling during protests, ordered by nobody known",
		Incident{Kind: "throttling", Countries: []string{"CO"}, Start: day("2021-05-04"),
			Shutdown: &Shutdown{OrderedBy: "unknown", ActualCause: "protests", GeoScope: "regional"}},
		nil,
		set(shutdownCore, []string{"hrc-gc37-34", "achr-13"})},
	{"Syria: nationwide shutdown to stop cheating in exams",
		Incident{Kind: "shutdown", Countries: []string{"SY"}, Start: day("2025-06-10"),
			Shutdown: &Shutdown{OrderedBy: "Ministry", GovJustification: "Exam cheating", GeoScope: "national", Extent: "full_network"}},
		nil,
		set(shutdownCore, stateOrdered, nationwide, []string{"joint-declaration-2011-6b"})},
	{"Uganda, 2021: election shutdown on national security grounds",
		Incident{Kind: "shutdown", Countries: []string{"UG"}, Start: day("2021-01-13"),
			Shutdown: &Shutdown{OrderedBy: "Regulator", GovJustification: "National security", Election: yes(),
				GeoScope: "national", Extent: "full_network", TelcosInvolved: []string{"MTN Uganda", "Airtel Uganda"}}},
		nil,
		set(shutdownCore, stateOrdered, nationwide, operators, african, []string{"joint-declaration-2011-6b", "ungp-23"})},
	{"Turkey, July 2016: national throttling under the state of emergency",
		Incident{Kind: "throttling", Countries: []string{"TR"}, Start: day("2016-07-20"), End: day("2016-07-25"),
			Shutdown: &Shutdown{OrderedBy: "government", GovJustification: "national security", GeoScope: "national", Type: "throttle"}},
		[]Situation{{Country: "TR", Kind: "state_of_emergency", From: "2016-07-21", Until: "2018-07-18", Source: "Council of Ministers decision 2016/9064"}},
		set(shutdownCore, stateOrdered, nationwide,
			[]string{"iccpr-4", "hrc-gc29-2", "hrc-gc29-4", "joint-declaration-2011-6b", "echr-10", "echr-15"})},
	{"Kenya: an operator cuts service on its own initiative",
		Incident{Kind: "shutdown", Countries: []string{"KE"}, Start: day("2026-02-01"), Shutdown: &Shutdown{OrderedBy: "telco"}},
		nil,
		set(shutdownCore, african, []string{"ohchr-a-hrc-50-55-companies", "ungp-11"})},
	{"shutdown by an armed group during a non-international armed conflict",
		Incident{Kind: "shutdown", Countries: []string{"SD"}, Start: day("2024-02-02"),
			Shutdown: &Shutdown{OrderedBy: "militia", GeoScope: "national", Extent: "full_network", TelcosInvolved: []string{"Sudani", "Zain", "MTN"}}},
		[]Situation{{Country: "SD", Kind: "non_international_armed_conflict", From: "2023-04-15", Source: "ICRC classification, RULAC"}},
		set(shutdownCore, nationwide, operators, african,
			[]string{"iccpr-4", "joint-declaration-2011-6b", "joint-declaration-2015-4c", "icrc-34ic-res-2-2024", "ungp-23"})},
	{"the same shutdown with no context recorded",
		Incident{Kind: "shutdown", Countries: []string{"SD"}, Start: day("2024-02-02"),
			Shutdown: &Shutdown{OrderedBy: "militia", GeoScope: "national", Extent: "full_network", TelcosInvolved: []string{"Sudani", "Zain", "MTN"}}},
		nil,
		set(shutdownCore, nationwide, operators, african, []string{"joint-declaration-2011-6b"})},
	{"strike on a landing station in an international armed conflict",
		Incident{Kind: "physical_attack", Countries: []string{"UA"}, Start: day("2022-03-10"),
			Elements: []string{"landing_point:odesa"}, AttributedTo: "armed forces"},
		[]Situation{{Country: "UA", Kind: "international_armed_conflict", From: "2022-02-24", Source: "UN General Assembly resolution ES-11/1"}},
		set(protocolI, customaryHostilities,
			[]string{"udhr-19", "iccpr-19-2", "icrc-34ic-res-2-2024", "itu-cs-38", "berkeley-protocol"})},
	{"submarine cable cut during an international armed conflict",
		Incident{Kind: "cable_cut", Countries: []string{"UA"}, Start: day("2022-04-01"), Elements: []string{"cable:kerch-strait"}},
		[]Situation{{Country: "UA", Kind: "international_armed_conflict", From: "2022-02-24", Source: "UN General Assembly resolution ES-11/1"}},
		set(protocolI, customaryHostilities, cableLaw,
			[]string{"icrc-34ic-res-2-2024", "itu-cs-38", "cable-convention-1884-15", "berkeley-protocol"})},
	{"attack on the power grid in an international armed conflict",
		Incident{Kind: "power_outage", Countries: []string{"UA"}, Start: day("2022-10-10"), AttributedTo: "military"},
		[]Situation{{Country: "UA", Kind: "international_armed_conflict", From: "2022-02-24", Source: "UN General Assembly resolution ES-11/1"}},
		set(protocolI, customaryHostilities, []string{"icrc-34ic-res-2-2024", "berkeley-protocol"})},
	{"cable broken by an anchor in peacetime",
		Incident{Kind: "cable_cut", Countries: []string{"TO"}, Start: day("2019-01-20"), Elements: []string{"cable:tonga-cable"}},
		nil,
		set(cableLaw, []string{"itu-cs-38", "berkeley-protocol"})},
	{"volcanic eruption cuts a small island state off, disaster recorded",
		Incident{Kind: "natural_hazard", Countries: []string{"TO"}, Start: day("2022-01-15"), Elements: []string{"cable:tonga-cable"}},
		[]Situation{{Country: "TO", Kind: "disaster", From: "2022-01-15", Until: "2022-03-31", Source: "OCHA Flash Update No. 1, Tonga volcanic eruption"}},
		[]string{"berkeley-protocol", "itu-cs-40", "itu-pp-res-136", "tampere-4", "tampere-5", "tampere-8", "tampere-9"}},
	{"repair crews turned away under occupation",
		Incident{Kind: "repair_access_denied", Countries: []string{"PS"}, Start: day("2024-01-10"), AttributedTo: "military"},
		[]Situation{{Country: "PS", Kind: "occupation", From: "1967-06-07", Source: "ICJ advisory opinion of 19 July 2024"}},
		[]string{"berkeley-protocol", "cihl-rule-55", "cihl-rule-56", "itu-cs-38"}},
	{"telecom equipment seized by an occupying army",
		Incident{Kind: "equipment_seizure", Countries: []string{"UA"}, Start: day("2022-05-01"), AttributedTo: "military",
			Elements: []string{"network:kherson-isp"}},
		[]Situation{{Country: "UA", Kind: "occupation", From: "2022-03-01", Source: "OHCHR, report on the human rights situation in Ukraine"}},
		set([]string{"udhr-19", "iccpr-19-2", "api-52-2", "cihl-rule-7", "cihl-rule-8", "hague-regs-53", "itu-cs-38", "berkeley-protocol"})},
	{"cyber attack on an operator during a non-international armed conflict",
		Incident{Kind: "cyber_attack", Countries: []string{"SD"}, Start: day("2024-02-05"), AttributedTo: "unknown", ASNs: []uint32{15706}},
		[]Situation{{Country: "SD", Kind: "non_international_armed_conflict", From: "2023-04-15", Source: "ICRC classification, RULAC"}},
		set(customaryHostilities, []string{"apii-14", "icrc-cyber-position-2019", "icrc-34ic-res-2-2024", "itu-cs-38",
			"gge-2015-13f", "gge-2015-13g", "berkeley-protocol"})},
	{"equipment held at customs after a hurricane",
		Incident{Kind: "repair_access_denied", Countries: []string{"HT"}, Start: day("2026-08-03")},
		[]Situation{{Country: "HT", Kind: "disaster", From: "2026-08-01", Source: "OCHA flash update"}},
		[]string{"berkeley-protocol", "itu-cs-38", "itu-cs-40", "itu-pp-res-136", "tampere-4", "tampere-5", "tampere-8", "tampere-9"}},
	{"a dispute over a regional Internet registry",
		Incident{Kind: "core_resource_governance", Countries: []string{"MU"}, Start: day("2021-07-01")},
		nil,
		[]string{"berkeley-protocol"}},
}

func TestFixtures(t *testing.T) {
	c := mustDefault(t)
	for _, f := range fixtures {
		t.Run(f.name, func(t *testing.T) {
			ex, err := c.Apply(f.in, f.situations)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, fd := range ex.Findings {
				got = append(got, fd.ID)
				if len(fd.Reasons) == 0 {
					t.Errorf("%s: no reasons", fd.ID)
				}
				for _, r := range fd.Reasons {
					if r.Because == "" || len(r.Facts) == 0 {
						t.Errorf("%s: a reason without its sentence or facts: %+v", fd.ID, r)
					}
				}
			}
			slices.Sort(got)
			want := slices.Clone(f.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("entries:\n got  %s\n want %s\n extra %s\n missing %s", strings.Join(got, " "), strings.Join(want, " "),
					strings.Join(minus(got, want...), " "), strings.Join(minus(want, got...), " "))
			}
		})
	}
	if len(fixtures) < 20 {
		t.Errorf("%d fixtures; the table must hold at least 20", len(fixtures))
	}
}

// The reason a finding gives names the rule's sentence and the facts behind
// each clause, including the source of the context.
func TestReasonsAreExplained(t *testing.T) {
	c := mustDefault(t)
	ex, err := c.Apply(ethiopiaShutdown, emergencyET)
	if err != nil {
		t.Fatal(err)
	}
	var art4 *Finding
	for i := range ex.Findings {
		if ex.Findings[i].ID == "iccpr-4" {
			art4 = &ex.Findings[i]
		}
	}
	if art4 == nil {
		t.Fatal("article 4 does not apply to a shutdown during a declared emergency")
	}
	r := art4.Reasons[0]
	joined := strings.Join(r.Facts, " | ")
	for _, want := range []string{"the incident is a shutdown", "a declared state of emergency in ET from 2026-11-04", "Proclamation"} {
		if !strings.Contains(joined, want) {
			t.Errorf("article 4 reason facts %q lack %q", joined, want)
		}
	}
	if !strings.Contains(r.Because, "article 4") {
		t.Errorf("article 4 reason: %q", r.Because)
	}
	// The STOP spellings were normalised in the facts, not in the caller's value.
	if ethiopiaShutdown.Shutdown.OrderedBy != "National government" {
		t.Errorf("Apply changed the caller's incident: ordered_by = %q", ethiopiaShutdown.Shutdown.OrderedBy)
	}
}

// Apply is deterministic: the same input gives the same findings.
func TestApplyDeterministic(t *testing.T) {
	c := mustDefault(t)
	a, err := c.Apply(ethiopiaShutdown, emergencyET)
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		b, _ := c.Apply(ethiopiaShutdown, emergencyET)
		if !slices.EqualFunc(a.Findings, b.Findings, func(x, y Finding) bool {
			return x.ID == y.ID && slices.EqualFunc(x.Reasons, y.Reasons, func(p, q Reason) bool {
				return p.Because == q.Because && slices.Equal(p.Facts, q.Facts)
			})
		}) {
			t.Fatal("two runs on the same input differ")
		}
	}
}

func TestApplyRejectsBadInput(t *testing.T) {
	c := mustDefault(t)
	for _, tc := range []struct {
		name string
		in   Incident
		sits []Situation
		want string
	}{
		{"unknown kind", Incident{Kind: "earthquake"}, nil, `kind: expected one of cable_cut`},
		{"bad country", Incident{Kind: "shutdown", Countries: []string{"Sudan"}}, nil, `countries[0]: expected an ISO 3166-1 alpha-2 code`},
		{"end before start", Incident{Kind: "shutdown", Start: day("2026-01-02"), End: day("2026-01-01")}, nil, "end: "},
		{"unknown ordered_by", Incident{Kind: "shutdown", Shutdown: &Shutdown{OrderedBy: "aliens"}}, nil, `shutdown.ordered_by: expected one of government`},
		{"unknown extent", Incident{Kind: "shutdown", Shutdown: &Shutdown{Extent: "partial"}}, nil, `shutdown.shutdown_extent: expected one of full_network, service_based, found "partial"`},
		{"situation without source", Incident{Kind: "shutdown"}, []Situation{{Country: "ET", Kind: "disaster", From: "2026-01-01"}}, "situations[0]: situation source: required"},
		{"situation of unknown kind", Incident{Kind: "shutdown"}, []Situation{{Country: "ET", Kind: "war", From: "2026-01-01", Source: "x"}}, `situation kind: expected one of international_armed_conflict`},
		{"situation until before from", Incident{Kind: "shutdown"}, []Situation{{Country: "ET", Kind: "disaster", From: "2026-01-02", Until: "2026-01-01", Source: "x"}}, "is before from"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.Apply(tc.in, tc.sits)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v; want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestParseSituation(t *testing.T) {
	s, err := ParseSituation("et, State of emergency ,2026-11-04,,Proclamation No. 6/2026, Federal Negarit Gazette")
	if err != nil {
		t.Fatal(err)
	}
	want := Situation{Country: "ET", Kind: "state_of_emergency", From: "2026-11-04", Source: "Proclamation No. 6/2026, Federal Negarit Gazette"}
	if s != want {
		t.Errorf("ParseSituation = %+v; want %+v", s, want)
	}
	if _, err := ParseSituation("ET,state_of_emergency,2026-11-04"); err == nil || !strings.Contains(err.Error(), "COUNTRY,KIND,FROM,UNTIL,SOURCE") {
		t.Errorf("short situation: %v", err)
	}
}

// BenchmarkApply measures one explanation over the whole catalogue.
func BenchmarkApply(b *testing.B) {
	c := mustDefault(b)
	for b.Loop() {
		if _, err := c.Apply(ethiopiaShutdown, emergencyET); err != nil {
			b.Fatal(err)
		}
	}
}
