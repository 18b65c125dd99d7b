package feed

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	"lifeline/watch/ioda"
)

// TestIODA serves IODA API v2 responses for two countries, one of which
// answers with a broken body: the poller hands over the good responses
// with the window it was asked for, counts the bad one, and goes on.
func TestIODA(t *testing.T) {
	signals, err := os.ReadFile("../watch/ioda/testdata/signals.json")
	if err != nil {
		t.Fatal(err)
	}
	events, err := os.ReadFile("../watch/ioda/testdata/events.json")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2024, 1, 5, 12, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	var queries []string
	mux := http.NewServeMux()
	mux.HandleFunc("/v2/signals/raw/country/IR", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		queries = append(queries, r.URL.RawQuery)
		mu.Unlock()
		w.Write(signals)
	})
	mux.HandleFunc("/v2/outages/events", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("entityCode") == "SY" {
			w.Write([]byte(`{"type": "outages.events", "data": [{"location": `))
			return
		}
		w.Write(events)
	})
	mux.HandleFunc("/v2/signals/raw/country/SY", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "upstream timeout", http.StatusBadGateway)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	p, err := NewIODA(IODAConfig{BaseURL: srv.URL + "/v2/", Countries: []string{"ir", "SY"}, Every: time.Hour, Window: 24 * time.Hour,
		Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var series, evs int
	calls := 0
	err = p.Run(ctx, func(cc string, res *ioda.Result) error {
		calls++
		if cc != "IR" {
			t.Errorf("a response for %s was handed over; only IR's are good", cc)
		}
		series += len(res.Series)
		evs += len(res.Events)
		if calls == 2 {
			// Both of IR's endpoints are in: let SY's be tried, then stop
			// at the wait for the next poll.
			go func() {
				for p.Status().State != StateWaiting {
					time.Sleep(time.Millisecond)
				}
				cancel()
			}()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if series == 0 || evs == 0 {
		t.Errorf("%d series and %d events handed over, want some of each", series, evs)
	}
	st := p.Status()
	if st.Skipped != 2 || st.Messages != 2 || st.LastError == "" {
		t.Errorf("status %+v: want 2 responses, 2 skipped (SY's), an error", st)
	}
	if len(queries) != 1 || queries[0] != "from=1704369600&until=1704456000" {
		t.Errorf("queries %v, want the last 24 hours in Unix seconds", queries)
	}
}

func TestIODAConfig(t *testing.T) {
	for _, c := range []IODAConfig{{}, {Countries: []string{"Iran"}}, {Countries: []string{"I1"}}} {
		if _, err := NewIODA(c); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
}
