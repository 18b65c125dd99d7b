package norms

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"lifeline/coord"
)

func sampleBrief(t *testing.T) *Brief {
	t.Helper()
	ex, err := mustDefault(t).Apply(ethiopiaShutdown, emergencyET)
	if err != nil {
		t.Fatal(err)
	}
	return &Brief{
		IncidentID:  "inc-42",
		Title:       `Nationwide shutdown <script>alert(1)</script> [x](http://evil.example)`,
		Description: "# not a heading | nor a table",
		Marking:     coord.TLPAmber,
		Generated:   time.Date(2026, 11, 6, 9, 0, 0, 0, time.UTC),
		Incident:    ethiopiaShutdown,
		Timeline: []Event{
			{At: time.Date(2026, 11, 5, 6, 0, 0, 0, time.UTC), Text: "Mobile data and fixed lines stop nationwide."},
			{At: time.Date(2026, 11, 5, 9, 0, 0, 0, time.UTC), Text: "The regulator confirms an order *from the Council*."},
		},
		Impact: []string{"About 30 million users lose access (estimate from the atlas)."},
		Evidence: []EvidenceItem{
			{Kind: "signal", Ref: "ioda:bgp:ET", SHA256: strings.Repeat("ab", 32), Submitted: time.Date(2026, 11, 5, 7, 0, 0, 0, time.UTC), SubmittedBy: "monitor-1", TLP: coord.TLPGreen},
			{Kind: "file", Ref: "order.pdf", SHA256: strings.Repeat("0f", 32), Submitted: time.Date(2026, 11, 5, 10, 0, 0, 0, time.UTC), SubmittedBy: "lawyer-2", Seq: 17, Event: strings.Repeat("e1", 32), TLP: coord.TLPRed, Note: "copy of the order | leaked"},
			{Kind: "link", Ref: "https://example.org/report", TLP: coord.TLPAmber},
		},
		Situations: emergencyET,
		Findings:   ex,
	}
}

func TestBriefMarkingIsTheNarrowest(t *testing.T) {
	b := sampleBrief(t)
	if got := b.TLP(); got != coord.TLPRed {
		t.Errorf("TLP() = %s; the narrowest evidence is TLP:RED", got)
	}
	b.Evidence = b.Evidence[:1:1]
	if got := b.TLP(); got != coord.TLPAmber {
		t.Errorf("TLP() = %s; the incident's TLP:AMBER is narrower than the evidence's TLP:GREEN", got)
	}
}

func TestRenderMarkdown(t *testing.T) {
	b := sampleBrief(t)
	var buf bytes.Buffer
	if err := RenderMarkdown(&buf, b); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if lines[0] != "**TLP:RED**" || lines[len(lines)-1] != "**TLP:RED**" {
		t.Errorf("the marking is not on the first and last lines: %q … %q", lines[0], lines[len(lines)-1])
	}
	for _, want := range []string{
		`# Legal brief: Nationwide shutdown \<script\>alert(1)\</script\> \[x\](http://evil.example)`,
		`\# not a heading \| nor a table`,
		"SHA-256 `" + strings.Repeat("0f", 32) + "`; submitted 2026-11-05T10:00:00Z by lawyer-2; signed event 17 `" + strings.Repeat("e1", 32) + "`; TLP:RED",
		"report  \n   SHA-256 ``; its submission is not in the part of the signed log this brief's reader may see; TLP:AMBER",
		`copy of the order \| leaked`,
		`an order \*from the Council\*`,
		"source: Council of Ministers, State of Emergency Proclamation",
		"`iccpr-4`", "`ungp-23`", "Article 4(1)-(3)",
		"does not decide whether any of them was breached",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the Markdown brief lacks %q", want)
		}
	}
	for _, f := range b.Findings.Findings {
		if !strings.Contains(out, "`"+f.ID+"`") {
			t.Errorf("the Markdown brief lacks finding %s", f.ID)
		}
	}
	var again bytes.Buffer
	_ = RenderMarkdown(&again, b)
	if again.String() != out {
		t.Error("two renderings of the same brief differ")
	}
}

func TestRenderHTML(t *testing.T) {
	b := sampleBrief(t)
	var buf bytes.Buffer
	if err := RenderHTML(&buf, b); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		`<header><span class="tlp red">TLP:RED</span></header>`,
		`<footer><span class="tlp red">TLP:RED</span></footer>`,
		`<title>TLP:RED · Legal brief: Nationwide shutdown &lt;script&gt;alert(1)&lt;/script&gt;`,
		`<code>` + strings.Repeat("ab", 32) + `</code>`,
		`id="iccpr-4"`, `Article 4(1)-(3)`, `@media print`,
		`<td>2</td><td>file</td>`,
		`<td>17<br><code>` + strings.Repeat("e1", 32) + `</code></td>`,
		`<td colspan="3">its submission is not in the part of the signed log this brief&#39;s reader may see</td>`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the HTML brief lacks %q", want)
		}
	}
	if strings.Contains(out, "<script>") {
		t.Error("text from the incident reached the page unescaped")
	}
	// Self-contained: nothing is loaded from elsewhere.
	for _, bad := range []string{"<link", " src=", "@import", "url("} {
		if strings.Contains(out, bad) {
			t.Errorf("the HTML brief loads an external resource (%q)", bad)
		}
	}
}

func TestRenderRejectsBadBriefs(t *testing.T) {
	b := sampleBrief(t)
	b.Marking = "TLP:WHITE"
	if err := RenderHTML(&bytes.Buffer{}, b); err == nil || !strings.Contains(err.Error(), "marking: expected one of") {
		t.Errorf("TLP:WHITE: %v", err)
	}
	b = sampleBrief(t)
	b.Generated = time.Time{}
	if err := RenderMarkdown(&bytes.Buffer{}, b); err == nil || !strings.Contains(err.Error(), "generated: required") {
		t.Errorf("no generation time: %v", err)
	}
}
