package fedhttp

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"lifeline/coord"
	"lifeline/federation"
)

// Collector exposes, for the operators' /metrics, each peer's exchange
// as the store records it and the puller sees it: the position pulled up
// to, the events received, the batches refused, the last contact, and the
// pull failures in a row. Peers are labelled by the first 16 hex digits
// of their fingerprint. It reads the store at each scrape.
type Collector struct {
	svc    federation.Service
	client *Client // may be nil
	admin  coord.Viewer

	pulled, received, refused, contact, failures, suspended *prometheus.Desc
}

// NewCollector returns the federation metrics over svc, with the pull
// status of client when it is not nil.
func NewCollector(svc federation.Service, client *Client, admin coord.Viewer) *Collector {
	l := []string{"peer", "name"}
	return &Collector{svc: svc, client: client, admin: admin,
		pulled:    prometheus.NewDesc("lifeline_federation_pulled_position", "The peer's position up to which this instance holds every event the peer may send it.", l, nil),
		received:  prometheus.NewDesc("lifeline_federation_received_events_total", "Events accepted from the peer.", l, nil),
		refused:   prometheus.NewDesc("lifeline_federation_refused_batches_total", "Batches from the peer refused (see lifeline peer list for the last reason).", l, nil),
		contact:   prometheus.NewDesc("lifeline_federation_last_contact_seconds", "When a batch from the peer was last accepted, Unix seconds (0: never).", l, nil),
		failures:  prometheus.NewDesc("lifeline_federation_pull_failures", "Pulls from the peer that failed in a row.", l, nil),
		suspended: prometheus.NewDesc("lifeline_federation_suspended", "1 if exchange with the peer is suspended.", l, nil),
	}
}

// Describe implements prometheus.Collector.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.pulled, c.received, c.refused, c.contact, c.failures, c.suspended} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	peers, err := c.svc.FindPeers(ctx, c.admin)
	if err != nil {
		return
	}
	var status map[string]PullStatus
	if c.client != nil {
		status = c.client.Status()
	}
	for _, p := range peers {
		l := []string{p.Fingerprint[:16], p.Name}
		contact := 0.0
		if !p.LastContact.IsZero() {
			contact = float64(p.LastContact.Unix())
		}
		susp := 0.0
		if p.Suspended {
			susp = 1
		}
		ch <- prometheus.MustNewConstMetric(c.pulled, prometheus.GaugeValue, float64(p.Pulled), l...)
		ch <- prometheus.MustNewConstMetric(c.received, prometheus.CounterValue, float64(p.Received), l...)
		ch <- prometheus.MustNewConstMetric(c.refused, prometheus.CounterValue, float64(p.Refused), l...)
		ch <- prometheus.MustNewConstMetric(c.contact, prometheus.GaugeValue, contact, l...)
		ch <- prometheus.MustNewConstMetric(c.failures, prometheus.GaugeValue, float64(status[p.Fingerprint].Failures), l...)
		ch <- prometheus.MustNewConstMetric(c.suspended, prometheus.GaugeValue, susp, l...)
	}
}
