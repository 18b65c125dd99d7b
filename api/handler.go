package api

import (
	"context"
	"net/http"

	"lifeline/coord"
)

// getOne answers GET of one item, with its version as ETag.
func getOne[T any](s *Server, w http.ResponseWriter, r *http.Request, v coord.Viewer,
	find func(context.Context, coord.Viewer, string) (T, error), version func(T) int64) {
	it, err := find(r.Context(), v, r.PathValue("id"))
	if err != nil {
		s.problem(w, r, v, err)
		return
	}
	body, err := s.withOrigin(r.Context(), r.PathValue("id"), it)
	if err != nil {
		s.problem(w, r, v, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, body, versionETag(version(it)))
}

// patchOne answers PATCH of one item: it decodes the update, takes the
// version the client expects from If-Match (ifVersion points into the
// update), applies it and answers the new state with its version as ETag.
func patchOne[U, T any](s *Server, w http.ResponseWriter, r *http.Request, v coord.Viewer, ifVersion func(*U) *int64,
	update func(context.Context, coord.Viewer, string, U) (T, error), version func(T) int64) {
	var upd U
	if !s.body(w, r, v, &upd) {
		return
	}
	var err error
	if *ifVersion(&upd), err = ifMatch(r); err != nil {
		s.problem(w, r, v, err)
		return
	}
	it, err := update(r.Context(), v, r.PathValue("id"), upd)
	if err != nil {
		s.problem(w, r, v, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, it, versionETag(version(it)))
}

// listAll answers GET of a page of list (a key of coord.ListNarrowing,
// or another name for a list without narrowing). A query parameter the
// list does not take is refused, not ignored.
func listAll[T any](s *Server, w http.ResponseWriter, r *http.Request, v coord.Viewer, list string,
	find func(context.Context, coord.Viewer, coord.ListFilter) (coord.Page[T], error)) {
	f, err := listFilter(r)
	if err == nil {
		err = queryParams(r, append(append([]string{"after", "limit"}, coord.ListNarrowing[list]...), "format")...)
	}
	if err != nil {
		s.problem(w, r, v, err)
		return
	}
	p, err := find(r.Context(), v, f)
	if err != nil {
		s.problem(w, r, v, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, p, "")
}

// created answers a successful POST with {"id": …}.
func (s *Server) created(w http.ResponseWriter, r *http.Request, location, id string, version int64) {
	w.Header().Set("Location", location+"/"+id)
	if version > 0 {
		w.Header().Set("ETag", versionETag(version))
	}
	s.writeJSON(w, r, http.StatusCreated, map[string]string{"id": id}, "")
}

// body decodes the request body into v, answering the error itself; it
// reports whether to go on.
func (s *Server) body(w http.ResponseWriter, r *http.Request, v coord.Viewer, dst any) bool {
	st, err := s.decode(w, r, dst)
	if err == nil {
		return true
	}
	if st == http.StatusBadRequest {
		s.problem(w, r, v, err)
	} else {
		s.problemStatus(w, r, st, "invalid", err.Error())
	}
	return false
}
