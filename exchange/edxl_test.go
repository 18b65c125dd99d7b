package exchange

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"lifeline"
	"lifeline/coord"
)

const (
	xsdRequest = "schema/edxl-rm/1.0/EDXL-RMRequestResource.xsd"
	xsdOffer   = "schema/edxl-rm/1.0/EDXL-RMOfferUnsolicitedResource.xsd"
	xsdCommit  = "schema/edxl-rm/1.0/EDXL-RMCommitResource.xsd"
)

func sourceViewer(m coord.Marking) coord.Viewer {
	return coord.Viewer{MemberID: m.Author, OrgID: m.Org, Role: coord.RoleReporter}
}

// Needs, offers and commitments export as EDXL-RM messages the official
// schemas accept, and come back unchanged: export → import → export gives
// the same bytes.
func TestEDXLRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	needs, offers := testResources(t, r, 8)
	for i := range needs {
		n := &needs[i]
		var first bytes.Buffer
		if err := ExportRequestResource(&first, sourceViewer(n.Marking), n, testOpt); err != nil {
			t.Fatal(err)
		}
		xsdValidate(t, xsdRequest, first.Bytes())
		got, _, _, err := ImportRM(bytes.NewReader(first.Bytes()))
		if err != nil || len(got) != 1 {
			t.Fatalf("%s: %v\n%s", n.ID, err, first.Bytes())
		}
		g := got[0]
		if g.ID != n.ID || g.Title != n.Title || g.Category != n.Category || g.Quantity != n.Quantity || g.Unit != n.Unit ||
			g.LeadTime != n.LeadTime || !g.ValidUntil.Equal(n.ValidUntil) || !slices.Equal(g.Countries, n.Countries) ||
			g.TLP != n.TLP || g.Org != n.Org || g.Author != n.Author || !slices.Equal(g.Members, n.Members) ||
			(g.Place == nil) != (n.Place == nil) || g.IncidentID != n.IncidentID || g.Status != n.Status {
			t.Errorf("%s: imported %+v\nfrom %+v", n.ID, g, n)
		}
		var second bytes.Buffer
		if err := ExportRequestResource(&second, sourceViewer(g.Marking), &g, testOpt); err != nil {
			t.Fatal(err)
		}
		mustEqualBytes(t, n.ID, first.Bytes(), second.Bytes())
	}
	for i := range offers {
		o := &offers[i]
		var first bytes.Buffer
		if err := ExportOfferUnsolicitedResource(&first, sourceViewer(o.Marking), o, testOpt); err != nil {
			t.Fatal(err)
		}
		xsdValidate(t, xsdOffer, first.Bytes())
		_, got, _, err := ImportRM(bytes.NewReader(first.Bytes()))
		if err != nil || len(got) != 1 {
			t.Fatalf("%s: %v\n%s", o.ID, err, first.Bytes())
		}
		if g := got[0]; !g.ValidFrom.Equal(o.ValidFrom) || !g.ValidUntil.Equal(o.ValidUntil) || (g.Place != nil && *g.Place != *o.Place) {
			t.Errorf("%s: imported %+v\nfrom %+v", o.ID, g, o)
		}
		var second bytes.Buffer
		if err := ExportOfferUnsolicitedResource(&second, sourceViewer(got[0].Marking), &got[0], testOpt); err != nil {
			t.Fatal(err)
		}
		mustEqualBytes(t, o.ID, first.Bytes(), second.Bytes())
	}
	for i, m := range testMatches(t, r, needs, offers) {
		v := sourceViewer(m.Marking)
		var first bytes.Buffer
		if err := ExportCommitResource(&first, v, &m, &offers[i], testOpt); err != nil {
			t.Fatal(err)
		}
		xsdValidate(t, xsdCommit, first.Bytes())
		_, _, got, err := ImportRM(bytes.NewReader(first.Bytes()))
		if err != nil || len(got) != 1 {
			t.Fatalf("%s: %v\n%s", m.ID, err, first.Bytes())
		}
		g := got[0]
		if g.ID != m.ID || g.NeedID != m.NeedID || g.OfferID != m.OfferID || g.Status != m.Status || g.Quantity != m.Quantity ||
			g.NeedOrg != m.NeedOrg || g.OfferOrg != m.OfferOrg || g.Score != m.Score || g.TLP != m.TLP || !g.Updated.Equal(m.Updated) {
			t.Errorf("%s: imported %+v\nfrom %+v", m.ID, g, m)
		}
		var second bytes.Buffer
		if err := ExportCommitResource(&second, v, &g, &offers[i], testOpt); err != nil {
			t.Fatal(err)
		}
		mustEqualBytes(t, m.ID, first.Bytes(), second.Bytes())
	}
}

// Messages go to exactly the readers coord.CanSee lets see the item, and a
// commitment describes its offer only to readers who may see the offer.
func TestEDXLVisibility(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	needs, offers := testResources(t, r, 30)
	matches := testMatches(t, r, needs, offers)
	for i := range 600 {
		v := randomViewer(r)
		k := i % len(needs)
		_, err := NeedMessage(v, &needs[k], testOpt)
		if coord.CanSee(v, needs[k].Marking) != (err == nil) || err != nil && lifeline.ErrorCode(err) != lifeline.ENOTFOUND {
			t.Fatalf("need %s (%s) for %+v: %v", needs[k].ID, needs[k].TLP, v, err)
		}
		_, err = OfferMessage(v, &offers[k], testOpt)
		if coord.CanSee(v, offers[k].Marking) != (err == nil) {
			t.Fatalf("offer %s (%s) for %+v: %v", offers[k].ID, offers[k].TLP, v, err)
		}
		m := &matches[k%len(matches)]
		msg, err := MatchMessage(v, m, &offers[k%len(matches)], testOpt)
		if coord.CanSee(v, m.Marking) != (err == nil) {
			t.Fatalf("match %s (%s) for %+v: %v", m.ID, m.TLP, v, err)
		}
		if err == nil {
			described := msg.ResourceInformation[0].Resource.Name != ""
			if described != coord.CanSee(v, offers[k%len(matches)].Marking) {
				t.Fatalf("match %s for %+v describes the offer: %v, may see it: %v", m.ID, v, described, !described)
			}
		}
	}
}

func rmDoc(inner string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<RequestResource xmlns="urn:oasis:names:tc:emergency:EDXL:RM:1.0:msg" xmlns:rm="urn:oasis:names:tc:emergency:EDXL:RM:1.0">
  <MessageID>M1</MessageID>
  <SentDateTime>2026-11-20T06:00:00Z</SentDateTime>
  <MessageContentType>RequestResource</MessageContentType>
  <OriginatingMessageID>M1</OriginatingMessageID>
  <ContactInformation><rm:ContactDescription>Red Crescent</rm:ContactDescription><rm:ContactRole>Requester</rm:ContactRole></ContactInformation>
  <ResourceInformation>
    <ResourceInfoElementID>R1</ResourceInfoElementID>
    <Resource><Name>Generators</Name><TypeStructure><rm:ValueListURN>urn:x:types</rm:ValueListURN><rm:Value>Power Generator</rm:Value></TypeStructure></Resource>
    ` + inner + `
  </ResourceInformation>
</RequestResource>`
}

// Hostile and broken messages fail with an error naming the line or
// element, and nothing is imported.
func TestEDXLHostile(t *testing.T) {
	good := `<AssignmentInformation><Quantity><rm:MeasuredQuantity><rm:Amount>3</rm:Amount></rm:MeasuredQuantity></Quantity></AssignmentInformation>
    <ScheduleInformation><ScheduleType>ReportTo</ScheduleType><Location><rm:LocationDescription>Port Sudan</rm:LocationDescription><rm:TargetArea><gml:Point xmlns:gml="http://www.opengis.net/gml"><gml:pos>19.6 37.2</gml:pos></gml:Point></rm:TargetArea></Location></ScheduleInformation>`
	cases := []struct{ name, doc, want string }{
		{"entity expansion", `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><RequestResource/>`, "document type declaration"},
		{"wrong namespace", strings.Replace(rmDoc(good), "RM:1.0:msg\"", "RM:2.0:msg\"", 1), "expected \"urn:oasis:names:tc:emergency:EDXL:RM:1.0:msg\""},
		{"unknown message", strings.ReplaceAll(rmDoc(good), "RequestResource", "RequestQuote"), "root element <RequestQuote>; expected"},
		{"huge attribute", strings.Replace(rmDoc(good), "<MessageID>", `<MessageID a="`+strings.Repeat("x", MaxField+1)+`">`, 1), "line 3: attribute a of <MessageID>"},
		{"fractional quantity", strings.Replace(rmDoc(good), ">3<", ">2.5<", 1), "RequestResource/ResourceInformation[1]/AssignmentInformation/Quantity: expected a whole number"},
		{"no quantity", rmDoc(""), "AssignmentInformation/Quantity: required"},
		{"bad position", strings.Replace(rmDoc(good), "19.6 37.2", "190 37.2", 1), "ScheduleInformation[1]/Location: gml:pos"},
		{"bad role", strings.Replace(rmDoc(good), "<rm:ContactRole>Requester", "<rm:ContactRole>Boss", 1), "ContactInformation[1]/ContactRole: expected one of"},
		{"mismatched tag", strings.Replace(rmDoc(good), "<ScheduleInformation>", "<ScheduleInformationX>", 1), "not well-formed"},
		{"bad time", strings.Replace(rmDoc(good), "2026-11-20T06:00:00Z", "yesterday", 1), "RequestResource/SentDateTime: expected a date"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n, o, m, err := ImportRM(strings.NewReader(c.doc))
			if n != nil || o != nil || m != nil || lifeline.ErrorCode(err) != lifeline.EINVALID {
				t.Fatalf("got %v %v %v, %v; want EINVALID", n, o, m, err)
			}
			if msg := err.(*lifeline.Error).Message; !strings.Contains(msg, c.want) {
				t.Fatalf("message %q does not say %q", msg, c.want)
			}
		})
	}
	// A request from another system imports as a TLP:AMBER need of its
	// requester.
	n, _, _, err := ImportRM(strings.NewReader(rmDoc(good)))
	if err != nil {
		t.Fatal(err)
	}
	if g := n[0]; g.Category != "power-generator" || g.Quantity != 3 || g.Org != "Red Crescent" || g.TLP != coord.TLPAmber || g.Place == nil || g.Place.Lat != 19.6 {
		t.Fatalf("imported %+v", g)
	}
	xsdValidate(t, xsdRequest, []byte(rmDoc(good)))
}

func FuzzImportRM(f *testing.F) {
	r := rand.New(rand.NewPCG(11, 12))
	needs, offers := testResources(f, r, 2)
	for i := range needs {
		var b bytes.Buffer
		_ = ExportRequestResource(&b, sourceViewer(needs[i].Marking), &needs[i], testOpt)
		f.Add(b.Bytes())
		b.Reset()
		_ = ExportOfferUnsolicitedResource(&b, sourceViewer(offers[i].Marking), &offers[i], testOpt)
		f.Add(b.Bytes())
	}
	for _, m := range testMatches(f, r, needs, offers) {
		var b bytes.Buffer
		_ = ExportCommitResource(&b, sourceViewer(m.Marking), &m, nil, testOpt)
		f.Add(b.Bytes())
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		n, o, m, err := ImportRM(bytes.NewReader(b))
		if err != nil {
			if n != nil || o != nil || m != nil || lifeline.ErrorCode(err) != lifeline.EINVALID {
				t.Fatalf("error %v with values", err)
			}
			return
		}
		for i := range n {
			if err := n[i].Validate(); err != nil {
				t.Fatal(err)
			}
		}
		for i := range o {
			if err := o[i].Validate(); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// A resource typed in another system's vocabulary, inside TypeInfo (open
// to any namespace), and a signature import; a foreign element elsewhere
// does not.
func TestEDXLOpenContent(t *testing.T) {
	good := `<AssignmentInformation><Quantity><rm:MeasuredQuantity><rm:Amount>3</rm:Amount></rm:MeasuredQuantity></Quantity></AssignmentInformation>
    <ScheduleInformation><ScheduleType>ReportTo</ScheduleType><Location><rm:LocationDescription>Port Sudan</rm:LocationDescription><rm:TargetArea><gml:Point xmlns:gml="http://www.opengis.net/gml"><gml:pos>19.6 37.2</gml:pos></gml:Point></rm:TargetArea></Location></ScheduleInformation>`
	doc := strings.Replace(rmDoc(good), "</TypeStructure>", `</TypeStructure><TypeInfo><n:Kind xmlns:n="urn:example:nims"><n:Tier>2</n:Tier></n:Kind></TypeInfo>`, 1)
	doc = strings.Replace(doc, "</RequestResource>", `<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo/></ds:Signature></RequestResource>`, 1)
	if n, _, _, err := ImportRM(strings.NewReader(doc)); err != nil || len(n) != 1 {
		t.Fatalf("got %v, %v", n, err)
	}
	bad := strings.Replace(rmDoc(good), "</TypeStructure>", `</TypeStructure><n:Kind xmlns:n="urn:example:nims"/>`, 1)
	if _, _, _, err := ImportRM(strings.NewReader(bad)); err == nil || !strings.Contains(err.Error(), `element <Kind> is in namespace "urn:example:nims"`) {
		t.Fatalf("foreign element outside TypeInfo: %v", err)
	}
}
