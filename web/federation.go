package web

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"lifeline"
	"lifeline/coord"
	"lifeline/federation"
)

// Federation is what the federation page (/admin/federation) reads and
// changes: the peers, through the same federation.Service the command line
// uses (`lifeline peer add|list|update|remove`), so that the page holds no
// rule of its own. The service refuses anyone but an instance
// administrator; the page answers them 404, as for a page that is not
// shared with them.
type Federation struct {
	// Service keeps the peers. Required.
	Service federation.Service
	// Pulls, if not nil, returns what the puller knows of each peer it
	// pulls from (by fingerprint): failed pulls in a row and the last
	// failure.
	Pulls func() map[string]PullState
	// Position, if not nil, returns the position of this instance's newest
	// event: how far behind the bundles written for a peer are.
	Position func(ctx context.Context) (int64, error)
	// Origins, if not nil, tells where items came from: the pages of an
	// incident, a need and an offer received from another instance name
	// it.
	Origins federation.Origins
}

// PullState is what the puller knows of pulling from one peer.
type PullState struct {
	Failures  int    // failed pulls in a row
	LastError string // the last failure, as the puller wrote it
}

// noteOrigin records, for the page of an item the viewer has read through
// the services, the instance the item came from, if it came from another.
func (s *server) noteOrigin(ctx context.Context, rq *request, id string) error {
	if s.cfg.Federation == nil || s.cfg.Federation.Origins == nil {
		return nil
	}
	o, ok, err := s.cfg.Federation.Origins.OriginOf(ctx, id)
	if ok {
		rq.origin = &o
	}
	return err
}

// fedRoutes registers the federation page when the instance federates.
func (s *server) fedRoutes() {
	if s.cfg.Federation == nil || s.cfg.Federation.Service == nil {
		return
	}
	s.page("GET /admin/federation", s.fedPage)
	s.page("POST /admin/federation", s.fedAdd)
	s.page("POST /admin/federation/{fp}/suspend", s.fedSuspend)
	s.page("POST /admin/federation/{fp}/resume", s.fedSuspend)
	s.page("POST /admin/federation/{fp}/remove", s.fedRemove)
}

type fedPage struct {
	Self      string // this instance's fingerprint
	SelfShort string // as people compare it
	SelfKey   string // its public key, base64, to give to peers
	Peers     []peerRow
	Form      url.Values // the form to add a peer
	Confirm   *peerConfirm
	Error     string
	Notice    string
}

// peerRow is a peer as the page shows it.
type peerRow struct {
	*federation.PeerStatus
	Short   string
	Orgs    []orgRef
	Ago     string // time since the last contact, in words ("" never)
	Behind  int64  // this instance's positions not yet in a bundle for it (-1: not known or not reached by bundles)
	Pull    PullState
	Pulling bool // the puller knows this peer
}

type orgRef struct{ ID, Name string }

// peerConfirm is a peer about to be added, with the fingerprint its
// administrators must confirm out of band.
type peerConfirm struct {
	Name, URL, Key, Orgs string
	Community            bool
	Fingerprint, Short   string
}

// fedAdmin lets instance administrators in; anyone else gets the page of
// something that does not exist.
func fedAdmin(r *http.Request, rq *request) error {
	if err := member(r, rq); err != nil {
		return err
	}
	if !rq.viewer.Role.AtLeast(coord.RoleInstanceAdmin) {
		return lifeline.Errorf(lifeline.ENOTFOUND, "web.federation", "no page %s", r.URL.Path)
	}
	return nil
}

func (s *server) fedPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := fedAdmin(r, rq); err != nil {
		return err
	}
	return s.showFederation(w, r, rq, http.StatusOK, fedPage{Form: url.Values{}})
}

// showFederation renders the page with the peers as the service lists them.
func (s *server) showFederation(w http.ResponseWriter, r *http.Request, rq *request, status int, p fedPage) error {
	ctx := r.Context()
	fed := s.cfg.Federation
	key, fp, err := fed.Service.Self(ctx)
	if err != nil {
		return err
	}
	p.Self, p.SelfShort, p.SelfKey = fp, federation.ShortFingerprint(key), base64.StdEncoding.EncodeToString(key)
	peers, err := fed.Service.FindPeers(ctx, rq.viewer)
	if err != nil {
		return err
	}
	names, err := s.orgNames(ctx, rq.viewer)
	if err != nil {
		return err
	}
	var pulls map[string]PullState
	if fed.Pulls != nil {
		pulls = fed.Pulls()
	}
	pos := int64(-1)
	if fed.Position != nil {
		if pos, err = fed.Position(ctx); err != nil {
			return err
		}
	}
	now := s.now()
	for _, ps := range peers {
		row := peerRow{PeerStatus: ps, Short: federation.ShortFingerprint(ps.Key), Behind: -1}
		for _, o := range ps.Orgs {
			row.Orgs = append(row.Orgs, orgRef{ID: o, Name: names[o]})
		}
		if !ps.LastContact.IsZero() {
			row.Ago = ago(rq, now.Sub(ps.LastContact))
		}
		if ps.URL == "" && pos >= 0 {
			row.Behind = max(pos-ps.Exported, 0)
		}
		row.Pull, row.Pulling = pulls[ps.Fingerprint]
		p.Peers = append(p.Peers, row)
	}
	s.render(w, r, rq, status, "federation", rq.t("fed.title"), p)
	return nil
}

// ago says a duration as people read a lag: minutes, then hours, then
// days.
func ago(rq *request, d time.Duration) string {
	switch {
	case d < time.Hour:
		return rq.t("fed.ago.minutes", int(max(d, 0)/time.Minute))
	case d < 48*time.Hour:
		return rq.t("fed.ago.hours", int(d/time.Hour))
	}
	return rq.t("fed.ago.days", int(d/(24*time.Hour)))
}

// fedAdd adds a peer in two steps: the first shows the fingerprint of the
// key typed in, to be checked with the peer's administrators; the second,
// which carries that fingerprint back, adds the peer — unless the key was
// changed in between.
func (s *server) fedAdd(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := fedAdmin(r, rq); err != nil {
		return err
	}
	f := r.PostForm
	p := &federation.Peer{Name: strings.TrimSpace(f.Get("name")), URL: strings.TrimSpace(f.Get("url")),
		Orgs:      strings.FieldsFunc(f.Get("orgs"), func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\r' || r == '\t' }),
		Community: f.Get("community") == "1"}
	invalid := func(msg string) error {
		w.Header().Set("Cache-Control", "no-store")
		return s.showFederation(w, r, rq, http.StatusBadRequest, fedPage{Form: f, Error: msg})
	}
	key, err := federation.ParseKey(f.Get("key"))
	if err != nil {
		return invalid(rq.errText(err))
	}
	p.Key, p.Fingerprint = key, federation.Fingerprint(key)
	if err := p.Validate(); err != nil {
		return invalid(rq.errText(err))
	}
	if confirmed := f.Get("confirm"); confirmed != p.Fingerprint {
		st := http.StatusOK
		page := fedPage{Form: f, Confirm: &peerConfirm{Name: p.Name, URL: p.URL, Key: strings.TrimSpace(f.Get("key")),
			Orgs: strings.Join(p.Orgs, " "), Community: p.Community, Fingerprint: p.Fingerprint, Short: federation.ShortFingerprint(key)}}
		if confirmed != "" {
			// The form confirmed another key's fingerprint.
			st, page.Error = http.StatusBadRequest, rq.t("fed.changed")
		}
		w.Header().Set("Cache-Control", "no-store")
		return s.showFederation(w, r, rq, st, page)
	}
	err = s.cfg.Federation.Service.AddPeer(r.Context(), rq.viewer, p)
	if c := lifeline.ErrorCode(err); c == lifeline.EINVALID || c == lifeline.ECONFLICT {
		return invalid(rq.errText(err))
	}
	if err != nil {
		return err
	}
	return s.showFederation(w, r, rq, http.StatusOK, fedPage{Form: url.Values{}, Notice: rq.t("fed.added", p.Name)})
}

// pathPeer is the peer named by the fingerprint in the path.
func (s *server) pathPeer(r *http.Request, rq *request) (*federation.PeerStatus, error) {
	peers, err := s.cfg.Federation.Service.FindPeers(r.Context(), rq.viewer)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(peers, func(p *federation.PeerStatus) bool { return p.Fingerprint == r.PathValue("fp") })
	if i < 0 {
		return nil, lifeline.Errorf(lifeline.ENOTFOUND, "web.federation", "no peer %s", r.PathValue("fp"))
	}
	return peers[i], nil
}

// fedSuspend suspends or resumes the exchange with a peer.
func (s *server) fedSuspend(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := fedAdmin(r, rq); err != nil {
		return err
	}
	ps, err := s.pathPeer(r, rq)
	if err != nil {
		return err
	}
	p := ps.Peer
	p.Suspended = strings.HasSuffix(r.URL.Path, "/suspend")
	if _, err := s.cfg.Federation.Service.UpdatePeer(r.Context(), rq.viewer, &p); err != nil {
		return err
	}
	notice := rq.t("fed.resumed", p.Name)
	if p.Suspended {
		notice = rq.t("fed.suspended.notice", p.Name)
	}
	return s.showFederation(w, r, rq, http.StatusOK, fedPage{Form: url.Values{}, Notice: notice})
}

// fedRemove forgets a peer, once the form confirms it.
func (s *server) fedRemove(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := fedAdmin(r, rq); err != nil {
		return err
	}
	ps, err := s.pathPeer(r, rq)
	if err != nil {
		return err
	}
	if r.PostForm.Get("confirm") != "yes" {
		return s.showFederation(w, r, rq, http.StatusBadRequest, fedPage{Form: url.Values{}, Error: rq.t("fed.remove.unconfirmed", ps.Name)})
	}
	if err := s.cfg.Federation.Service.RemovePeer(r.Context(), rq.viewer, ps.Fingerprint); err != nil {
		return err
	}
	return s.showFederation(w, r, rq, http.StatusOK, fedPage{Form: url.Values{}, Notice: rq.t("fed.removed", ps.Name)})
}
