package api

import (
	"net/http"
	"strconv"

	"lifeline"
	"lifeline/coord"
)

// status maps each error code to one HTTP status: the only such table.
var status = map[string]int{
	lifeline.EINVALID:   http.StatusBadRequest,
	lifeline.ENOTFOUND:  http.StatusNotFound,
	lifeline.ECONFLICT:  http.StatusConflict,
	lifeline.EFORBIDDEN: http.StatusForbidden,
	lifeline.EINTERNAL:  http.StatusInternalServerError,
}

// Problem is an RFC 7807 problem document.
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
	Code   string `json:"code"`
}

// problem writes err as a problem document. Internal errors are logged
// and shown only as "internal error". An anonymous caller refused an act
// gets 401, since a token might allow it.
func (s *Server) problem(w http.ResponseWriter, r *http.Request, v coord.Viewer, err error) {
	code := lifeline.ErrorCode(err)
	st, ok := status[code]
	if !ok {
		code, st = lifeline.EINTERNAL, http.StatusInternalServerError
	}
	detail := lifeline.ErrorMessage(err)
	if code == lifeline.EINTERNAL {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", lifeline.Trace(err))
		detail = "internal error"
	}
	if code == lifeline.EFORBIDDEN && v.Anonymous() {
		w.Header().Set("WWW-Authenticate", `Bearer realm="lifeline"`)
		s.problemStatus(w, r, http.StatusUnauthorized, "unauthorized", detail)
		return
	}
	if code == lifeline.ENOTFOUND {
		// Say the same for "no such item" and "not yours to see".
		detail = "not found"
	}
	s.problemStatus(w, r, st, code, detail)
}

func (s *Server) problemStatus(w http.ResponseWriter, r *http.Request, st int, code, detail string) {
	p := Problem{Type: "https://lifeline.invalid/problems/" + code, Title: http.StatusText(st), Status: st, Detail: detail, Code: code}
	w.Header().Set("Content-Type", "application/problem+json")
	s.writeBody(w, r, st, p, "")
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
