package api

import (
	"net/http"
	"strconv"

	"lifeline"
	"lifeline/coord"
)

func (s *Server) listEvents(w http.ResponseWriter, r *http.Request, v coord.Viewer) {
	q := r.URL.Query()
	var after int64
	if a := q.Get("after"); a != "" {
		n, err := strconv.ParseInt(a, 10, 64)
		if err != nil || n < 0 {
			s.problem(w, r, v, lifeline.Errorf(lifeline.EINVALID, "api", "after: expected a sequence number, found %q", trunc(a)))
			return
		}
		after = n
	}
	f, err := listFilter(r)
	if err != nil {
		s.problem(w, r, v, err)
		return
	}
	var p coord.Page[*coord.Event]
	if q.Has("subject") {
		// One item's history, through the index of subjects.
		f.After = strconv.FormatInt(after, 10)
		p, err = s.svc.Events.FindEventsBySubject(r.Context(), v, q.Get("subject"), f)
	} else {
		p, err = s.svc.Events.FindEvents(r.Context(), v, after, f.Limit)
	}
	if err != nil {
		s.problem(w, r, v, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, p, "")
}
