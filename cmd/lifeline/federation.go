package main

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"lifeline/coord"
	"lifeline/fedhttp"
	"lifeline/store"
	"lifeline/web"

	"github.com/prometheus/client_golang/prometheus"
)

// startFederation serves /federation/v1/ on mux, registers the
// federation's metrics with reg and, until ctx ends, pulls from the peers
// every pullEvery (0: only when they notify) and notifies them when this
// instance's log grows.
func startFederation(ctx context.Context, db *store.DB, mux *http.ServeMux, pullEvery time.Duration, log *slog.Logger, reg prometheus.Registerer) (*fedhttp.Client, error) {
	key, err := db.SigningKey(ctx)
	if err != nil {
		return nil, err
	}
	client := fedhttp.NewClient(db, key, coord.System, nil, log)
	mux.Handle("/federation/", fedhttp.NewServer(db, log, client.Wake))
	if err := reg.Register(fedhttp.NewCollector(db, client, coord.System)); err != nil {
		return nil, err
	}
	period := pullEvery
	if period <= 0 {
		period = 24 * time.Hour // woken by notifications only
	}
	go client.Run(ctx, period)
	go notifyPeers(ctx, db, client)
	return client, nil
}

// webFederation is what the web interface's federation page reads: the
// peers from the store, what the puller knows of each.
func webFederation(db *store.DB, client *fedhttp.Client) *web.Federation {
	return &web.Federation{Service: db, Position: db.Position, Origins: db, Pulls: func() map[string]web.PullState {
		out := map[string]web.PullState{}
		for fp, st := range client.Status() {
			out[fp] = web.PullState{Failures: st.Failures, LastError: st.LastError}
		}
		return out
	}}
}

// notifyPeers tells the peers when the log has grown, at most every two
// seconds, so that they pull at once instead of at their next period.
func notifyPeers(ctx context.Context, db *store.DB, client *fedhttp.Client) {
	last, _ := db.Position(ctx)
	t := time.NewTicker(2 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		pos, err := db.Position(ctx)
		if err != nil || pos == last {
			continue
		}
		last = pos
		nctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		client.Notify(nctx, pos)
		cancel()
	}
}
