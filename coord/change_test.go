package coord

import (
	"encoding/json"
	"strings"
	"testing"

	"lifeline"
)

func TestChangeValidate(t *testing.T) {
	for _, tt := range []struct {
		kind, subject, request string
		want                   string // "" for valid; else a part of the message
	}{
		{ChangeIncidentUpdate, "inc_1", `{"repair":{"element":"cable-1","status":"repairing"}}`, ""},
		{ChangeNeedUpdate, "need_1", `{"status":"closed"}`, ""},
		{ChangeMatchCreate, "need_1", `{"need_id":"need_1","offer_id":"offer_1","quantity":2}`, ""},
		{ChangeMatchCreate, "need_1", `{"need_id":"need_2","offer_id":"offer_1","quantity":2}`, "is not the item"},
		{ChangeMatchUpdate, "match_1", `{"status":"committed"}`, ""},
		{"need.delete", "need_1", `{}`, "kind: expected one of"},
		{ChangeNeedUpdate, "", `{}`, "item:"},
		{ChangeNeedUpdate, "need_1", `{"colour":"red"}`, "colour"},
		{ChangeNeedUpdate, "need_1", `[1]`, "JSON object"},
		{ChangeNeedUpdate, "need_1", `{} {}`, "one JSON object"},
	} {
		c := &Change{Kind: tt.kind, Subject: tt.subject, Request: json.RawMessage(tt.request)}
		err := c.Validate()
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s %s: %v, want valid", tt.kind, tt.request, err)
		case tt.want != "" && (lifeline.ErrorCode(err) != lifeline.EINVALID || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s %s: %v, want invalid saying %q", tt.kind, tt.request, err, tt.want)
		}
	}
}

func TestChangeRefusal(t *testing.T) {
	c := &Change{Kind: ChangeNeedUpdate, Subject: "need_1", Request: json.RawMessage(`{"status":"closed"}`),
		Marking: Marking{TLP: TLPAmber, Org: "org_a", Author: "mem_a", Orgs: []string{"org_x"}}}
	n := &Resource{ID: "need_1", Title: "Fuel", Category: "power/fuel", Quantity: 1, Unit: "l", Status: ResourceOpen, Marking: c.Marking}
	reporter := Viewer{MemberID: "mem_x", OrgID: "org_x", Role: RoleReporter, OrgVerified: true}
	closed := ResourceClosed
	err := ApplyResourceUpdate(reporter, n, "Need", 0, ResourceUpdate{Status: &closed}, n.Created)
	if lifeline.ErrorCode(err) != lifeline.EFORBIDDEN {
		t.Fatalf("a reporter of a named organisation closes the need: %v, want forbidden", err)
	}
	got := c.Refusal("Relief NGO", err)
	for _, want := range []string{"Relief NGO may not change the status of this need", "TLP:AMBER with org_x", "a coordinator of an organisation it is shared with"} {
		if !strings.Contains(got, want) {
			t.Errorf("refusal %q does not say %q", got, want)
		}
	}
	c.Proposer = reporter
	if got := c.Refusal("", lifeline.Errorf(lifeline.ENOTFOUND, "", "no such need")); strings.Contains(got, "TLP") || !strings.Contains(got, "Organisation org_x may not") || !strings.Contains(got, "may see") {
		t.Errorf("refusal of an unseen item %q says how it is shared", got)
	}
	r := &Change{Kind: ChangeIncidentUpdate, Request: json.RawMessage(`{"repair":{"element":"cable-1","status":"restored"}}`)}
	if got := r.What(); got != "move the restoration of cable-1 to restored" {
		t.Errorf("What = %q", got)
	}
}

func FuzzChangeDecode(f *testing.F) {
	f.Add(ChangeIncidentUpdate, `{"repair":{"element":"cable-1","status":"repairing"}}`)
	f.Add(ChangeMatchCreate, `{"need_id":"need_1","offer_id":"o","quantity":1}`)
	f.Add(ChangeNeedUpdate, `{"status":"closed","quantity":3}`)
	f.Fuzz(func(t *testing.T, kind, request string) {
		c := &Change{Kind: kind, Subject: "need_1", Request: json.RawMessage(request)}
		if err := c.Validate(); err != nil {
			if lifeline.ErrorCode(err) != lifeline.EINVALID {
				t.Fatalf("error %v is not EINVALID", err)
			}
			return
		}
		if _, err := c.Decode(); err != nil {
			t.Fatalf("valid but does not decode: %v", err)
		}
		_ = c.What()
	})
}
