package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"lifeline"
	"lifeline/coord"
)

// alertFilter reads ?after=, ?limit=, ?country=, ?asn=, ?since= and
// ?state= of GET /api/v1/alerts.
func alertFilter(r *http.Request) (coord.AlertFilter, error) {
	if err := queryParams(r, "after", "limit", "country", "asn", "since", "state"); err != nil {
		return coord.AlertFilter{}, err
	}
	lf, err := listFilter(r)
	if err != nil {
		return coord.AlertFilter{}, err
	}
	q := r.URL.Query()
	f := coord.AlertFilter{After: lf.After, Limit: lf.Limit, Country: lf.Country, State: q.Get("state")}
	if a := q.Get("asn"); a != "" {
		n, err := strconv.ParseUint(strings.TrimPrefix(strings.ToUpper(a), "AS"), 10, 32)
		if err != nil || n == 0 {
			return f, lifeline.Errorf(lifeline.EINVALID, "api", "asn: expected an AS number such as 12880 or AS12880, found %q", trunc(a))
		}
		f.ASN = uint32(n)
	}
	if s := q.Get("since"); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return f, lifeline.Errorf(lifeline.EINVALID, "api", "since: expected an RFC 3339 time such as 2026-06-03T06:00:00Z, found %q", trunc(s))
		}
		f.Since = t
	}
	return f, f.Validate()
}

func (s *Server) listAlerts(w http.ResponseWriter, r *http.Request, v coord.Viewer) {
	f, err := alertFilter(r)
	if err != nil {
		s.problem(w, r, v, err)
		return
	}
	if s.alerts == nil {
		s.writeJSON(w, r, http.StatusOK, coord.Page[*coord.Alert]{Items: []*coord.Alert{}}, "")
		return
	}
	p, err := s.alerts.FindAlerts(r.Context(), v, f)
	if err != nil {
		s.problem(w, r, v, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, p, "")
}

func (s *Server) getAlert(w http.ResponseWriter, r *http.Request, v coord.Viewer) {
	if s.alerts == nil {
		s.problem(w, r, v, lifeline.Errorf(lifeline.ENOTFOUND, "api", "alert not found"))
		return
	}
	getOne(s, w, r, v, s.alerts.FindAlertByID, func(a *coord.Alert) int64 { return a.Version })
}
