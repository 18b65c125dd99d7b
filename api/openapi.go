package api

import (
	_ "embed"
	"net/http"

	"lifeline/coord"
)

// openapiJSON is the OpenAPI 3.1 document of the API; TestOpenAPIRoutes
// checks that it lists exactly the routes the server serves.
//
//go:embed openapi.json
var openapiJSON []byte

func (s *Server) openapi(w http.ResponseWriter, r *http.Request, _ coord.Viewer) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write(openapiJSON)
}
