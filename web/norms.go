package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"
	"time"

	"lifeline"
	"lifeline/coord"
	"lifeline/norms"
)

// normsRoutes registers the catalogue's pages, public like the atlas, and,
// when the coordination pages are served, an incident's legal brief and the
// check of a file against its evidence.
func (s *server) normsRoutes() {
	s.page("GET /norms", s.normsList)
	s.page("GET /norms/{id}", s.normPage)
	if !s.svc.Complete() {
		return
	}
	s.page("GET /incidents/{id}/brief", s.incidentBriefPage)
	// The check streams the upload into the hash; it reads the CSRF token
	// from the stream itself (custodyForm) instead of parsing the form first.
	s.pageChecked("POST /incidents/{id}/evidence/check", s.custodyCheck, nil)
}

// normGroup is one heading of the catalogue page and its entries.
type normGroup struct {
	Title string // an instrument's name, or "" when Kind names the group
	Kind  string // the entries' kind, when grouped by kind
	Topic string // the topic the group opens, when it is the first of one
	Items []normItem
}

// normItem is an entry with its date as a time, for the page's calendar.
type normItem struct {
	*norms.Entry
	Day time.Time
}

func itemOf(e *norms.Entry) normItem {
	d, _ := time.Parse(time.DateOnly, e.Date) // the catalogue's dates are valid (norms.Decode)
	return normItem{Entry: e, Day: d}
}

type normsListPage struct {
	Query      norms.Query
	Group      string // "instrument" or "kind"
	Groups     []normGroup
	Count      int
	Total      int
	Kinds      []string
	Addressees []string
	Topics     []norms.Topic
	Filtered   bool
}

// maxNormQuery bounds the words a search may hold.
const maxNormQuery = 200

// normsList is the catalogue: every entry, or those that match the words
// and filters of the query, grouped by instrument (under the headings of
// their fields of law) or by kind. It is a plain GET form: no script.
func (s *server) normsList(w http.ResponseWriter, r *http.Request, rq *request) error {
	const op = "web.normsList"
	q := r.URL.Query()
	query := norms.Query{Text: strings.TrimSpace(q.Get("q")), Kind: q.Get("kind"), Binds: q.Get("binds"), Topic: q.Get("topic")}
	group := q.Get("group")
	switch {
	case len(query.Text) > maxNormQuery:
		return lifeline.Errorf(lifeline.EINVALID, op, "q: at most %d bytes of words to search for", maxNormQuery)
	case query.Kind != "" && !slices.Contains(norms.Kinds, query.Kind):
		return lifeline.Errorf(lifeline.EINVALID, op, "kind: expected one of %s, found %q", strings.Join(norms.Kinds, ", "), query.Kind)
	case query.Binds != "" && !slices.Contains(norms.Addressees, query.Binds):
		return lifeline.Errorf(lifeline.EINVALID, op, "binds: expected one of %s, found %q", strings.Join(norms.Addressees, ", "), query.Binds)
	case group != "" && group != "instrument" && group != "kind":
		return lifeline.Errorf(lifeline.EINVALID, op, "group: expected instrument or kind, found %q", group)
	}
	if _, ok := norms.TopicByName(query.Topic); query.Topic != "" && !ok {
		return lifeline.Errorf(lifeline.EINVALID, op, "topic: unknown %q", query.Topic)
	}
	if group == "" {
		group = "instrument"
	}
	found := s.norms.Find(query)
	p := normsListPage{Query: query, Group: group, Count: len(found), Total: len(s.norms.Entries),
		Kinds: norms.Kinds, Addressees: norms.Addressees, Topics: norms.Topics,
		Filtered: query != norms.Query{}}
	if group == "kind" {
		for _, k := range norms.Kinds {
			g := normGroup{Kind: k}
			for _, e := range found {
				if e.Kind == k {
					g.Items = append(g.Items, itemOf(e))
				}
			}
			if len(g.Items) > 0 {
				p.Groups = append(p.Groups, g)
			}
		}
	} else {
		// Catalogue order keeps a topic's entries, and an instrument's,
		// together (a test of norms holds the list to the topics' order).
		topic := ""
		for _, e := range found {
			n := len(p.Groups)
			if n > 0 && p.Groups[n-1].Title == e.Instrument && e.Topic == topic {
				p.Groups[n-1].Items = append(p.Groups[n-1].Items, itemOf(e))
				continue
			}
			g := normGroup{Title: e.Instrument, Items: []normItem{itemOf(e)}}
			if e.Topic != topic {
				g.Topic, topic = e.Topic, e.Topic
			}
			p.Groups = append(p.Groups, g)
		}
	}
	s.render(w, r, rq, http.StatusOK, "norms", rq.t("norms.title"), p)
	return nil
}

// normRule is one rule of an entry as its page shows it.
type normRule struct {
	Because    string
	Conditions []string
}

type normPageData struct {
	Entry normItem
	Rules []normRule
	// Incidents are those the reader may see that engage the entry, with
	// the situations the reader may see; nil without the coordination
	// pages.
	Incidents []*coord.Incident
	More      int  // incidents beyond those listed
	Coord     bool // the coordination pages are served
}

// maxNormIncidents bounds the incidents an entry's page lists.
const maxNormIncidents = 50

// normPage shows one entry: its instrument and citation, kind, date,
// addressees, summary, source, where it was checked, what is not
// confirmed, the conditions under which it applies in words, and the
// incidents the reader may see that engage it.
func (s *server) normPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	e, ok := s.norms.Entry(r.PathValue("id"))
	if !ok {
		return lifeline.Errorf(lifeline.ENOTFOUND, "web.normPage", "no entry %q in the catalogue", r.PathValue("id"))
	}
	p := normPageData{Entry: itemOf(e), Coord: s.svc.Complete()}
	for _, rule := range e.Applies {
		p.Rules = append(p.Rules, normRule{Because: rule.Because, Conditions: rule.Conditions()})
	}
	if p.Coord {
		var err error
		if p.Incidents, p.More, err = s.incidentsEngaging(r.Context(), rq.viewer, e.ID); err != nil {
			return err
		}
	}
	s.render(w, r, rq, http.StatusOK, "norm", e.Citation+" · "+e.Instrument, p)
	return nil
}

// incidentsEngaging lists, newest first, the incidents v may see that
// engage entry id in the context v may see, at most maxNormIncidents of
// them, and how many more there are. The engine runs on each incident
// in memory, about 0.1 ms an incident (BenchmarkApply, docs/performance.md).
func (s *server) incidentsEngaging(ctx context.Context, v coord.Viewer, id string) ([]*coord.Incident, int, error) {
	all, err := listAll(ctx, func(f coord.ListFilter) (coord.Page[*coord.Incident], error) {
		return s.svc.Incidents.FindIncidents(ctx, v, f)
	})
	if err != nil {
		return nil, 0, err
	}
	situations, err := norms.AllSituationsOf(ctx, s.svc.Situations, v)
	if err != nil {
		return nil, 0, err
	}
	var out []*coord.Incident
	more := 0
	for _, in := range slices.Backward(all) {
		ex, err := s.norms.Apply(norms.FromCoord(in), situations)
		if err != nil {
			s.log.Warn("web: norms", "incident", in.ID, "err", lifeline.Trace(err))
			continue
		}
		if !slices.ContainsFunc(ex.Findings, func(f norms.Finding) bool { return f.ID == id }) {
			continue
		}
		if len(out) == maxNormIncidents {
			more++
			continue
		}
		out = append(out, in)
	}
	return out, more, nil
}

// incidentBriefPage serves the legal brief of an incident as the reader
// may see it — the builder the API and the command line use — as a
// self-contained HTML page, or as Markdown to download with
// ?format=markdown. It is marked with its TLP in its header and footer.
func (s *server) incidentBriefPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	const op = "web.incidentBrief"
	format := r.URL.Query().Get("format")
	if format != "" && format != "html" && format != "markdown" {
		return lifeline.Errorf(lifeline.EINVALID, op, "format: expected html or markdown, found %q", format)
	}
	id := r.PathValue("id")
	b, err := norms.BriefOf(r.Context(), s.norms, s.svc, rq.viewer, id, s.now())
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	ctype := "text/html; charset=utf-8"
	if format == "markdown" {
		ctype = "text/markdown; charset=utf-8"
		err = norms.RenderMarkdown(&buf, b)
	} else {
		err = norms.RenderHTML(&buf, b)
	}
	if err != nil {
		return err
	}
	h := w.Header()
	// The brief is one page with its own inline style, to be saved and
	// printed; it loads nothing and runs nothing.
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
	h.Set("Cache-Control", "private, no-store")
	if format == "markdown" {
		h.Set("Content-Disposition", `attachment; filename="brief-`+safeFileName(id)+`.md"`)
	}
	writeBody(w, r, http.StatusOK, ctype, buf.Bytes())
	return nil
}

// custody returns the chain of custody of the incident's evidence as v may
// see it: the incident as the service returned it to v, and the events
// about it v may see. A failure to read the log leaves the submissions
// unknown (and is logged): the evidence still shows.
func (s *server) custody(ctx context.Context, v coord.Viewer, in *coord.Incident) []norms.Custody {
	events, err := coord.EventsAbout(ctx, s.svc.Events, v, in.ID, 0)
	if err != nil {
		s.log.Warn("web: custody", "incident", in.ID, "err", lifeline.Trace(err))
	}
	return norms.CustodyOf(in, events)
}

// maxEvidenceCheck bounds a file checked against the evidence. It is hashed
// as it arrives and never stored, so the bound is on time, not space.
const maxEvidenceCheck = 1 << 30

type custodyCheckPage struct {
	Incident *coord.Incident
	Custody  []norms.Custody
	Orgs     map[string]string
	File     string // the name the browser gave the file
	SHA256   string
	Size     int64
	Matches  []norms.Custody
}

// custodyCheck hashes an uploaded file (SHA-256) as it streams in, without
// storing it, and says whether it is one of the incident's evidence items
// the reader may see, which one, and when and by whom it was submitted.
func (s *server) custodyCheck(w http.ResponseWriter, r *http.Request, rq *request) error {
	const op = "web.custodyCheck"
	ctx := r.Context()
	v := rq.viewer
	part, err := s.custodyForm(w, r, rq)
	if err != nil {
		return err
	}
	defer part.Close()
	in, err := s.svc.Incidents.FindIncidentByID(ctx, v, r.PathValue("id"))
	if err != nil {
		return err
	}
	h := sha256.New()
	n, err := io.Copy(h, part)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return lifeline.Errorf(lifeline.EINVALID, op, "file: at most %d MB can be checked here; use \"lifeline evidence verify\" for larger files", maxEvidenceCheck>>20)
		}
		return lifeline.Errorf(lifeline.EINVALID, op, "file: the upload was interrupted: send it again")
	}
	if part.FileName() == "" && n == 0 {
		return lifeline.Errorf(lifeline.EINVALID, op, "file: choose a file to check")
	}
	orgs, err := s.orgNames(ctx, v)
	if err != nil {
		return err
	}
	sum := hex.EncodeToString(h.Sum(nil))
	cs := s.custody(ctx, v, in)
	p := custodyCheckPage{Incident: in, Custody: cs, Orgs: orgs, File: part.FileName(), SHA256: sum, Size: n, Matches: norms.MatchFile(cs, sum)}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, rq, http.StatusOK, "custody-check", rq.t("custody.check.title", in.Title), p)
	return nil
}

// custodyForm reads the check's multipart form as a stream: the CSRF token
// first (the form puts it before the file), then the file's part, which
// it returns unread. The origin and token checks are those of every other
// form (checkCSRF).
func (s *server) custodyForm(w http.ResponseWriter, r *http.Request, rq *request) (*multipart.Part, error) {
	const op = "web.csrf"
	if site := r.Header.Get("Sec-Fetch-Site"); site == "cross-site" {
		return nil, lifeline.Errorf(lifeline.EFORBIDDEN, op, "a form of another site cannot be submitted here")
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxEvidenceCheck+64<<10)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, lifeline.Errorf(lifeline.EINVALID, op, "the form could not be read: send it from the incident's page")
	}
	expired := lifeline.Errorf(lifeline.EFORBIDDEN, op, "this form has expired or did not come from this site; go back, reload the page and submit it again")
	tok, err := mr.NextPart()
	if err != nil || tok.FormName() != "csrf" {
		return nil, expired
	}
	got, err := io.ReadAll(io.LimitReader(tok, 512))
	if err != nil || len(got) == 0 || subtle.ConstantTimeCompare(got, []byte(rq.csrf)) != 1 {
		return nil, expired
	}
	file, err := mr.NextPart()
	if err != nil || file.FormName() != "file" {
		return nil, lifeline.Errorf(lifeline.EINVALID, "web.custodyCheck", "file: choose a file to check")
	}
	return file, nil
}
