package server

import (
	"net/http"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"congress/protocol"
)

// metrics are the server's counters, served by /metrics through the
// Prometheus client with the Go runtime's and the process's own. Every
// update is an atomic add: no lock on the paths that carry messages.
type metrics struct {
	connections atomic.Int64
	remote      atomic.Int64 // clients of other nodes in lobbies of this one
	lobbies     atomic.Int64
	games       atomic.Int64
	quarantined atomic.Int64 // lobbies whose log did not restore
	in          atomic.Int64
	out         atomic.Int64

	refusals *prometheus.CounterVec
	latency  histogram

	handler http.Handler
	reg     *prometheus.Registry
}

func newMetrics() *metrics {
	m := &metrics{
		refusals: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "congress_refusals_total",
			Help: "Requests refused and connections closed, by code.",
		}, []string{"code"}),
		latency: histogram{prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "congress_command_seconds",
			Help:    "Time from reading a game command to having sent its effects.",
			Buckets: []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1},
		})},
	}
	gauge := func(name, help string, v *atomic.Int64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, func() float64 { return float64(v.Load()) })
	}
	counter := func(name, help string, v *atomic.Int64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, func() float64 { return float64(v.Load()) })
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(
		gauge("congress_connections", "Open WebSocket connections.", &m.connections),
		gauge("congress_remote_connections", "Clients connected to other nodes of the cluster, in lobbies of this node.", &m.remote),
		gauge("congress_lobbies", "Open lobbies.", &m.lobbies),
		gauge("congress_games_running", "Lobbies with a game in progress.", &m.games),
		gauge("congress_lobbies_quarantined", "Lobbies whose log did not restore: kept aside, not served.", &m.quarantined),
		counter("congress_messages_in_total", "WebSocket messages received from clients.", &m.in),
		counter("congress_messages_out_total", "WebSocket messages queued to clients.", &m.out),
		m.refusals,
		m.latency.Histogram,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	m.reg = reg
	m.handler = promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
	return m
}

// connGauge is the gauge that counts c: its own WebSocket, or a client
// of another node.
func (m *metrics) connGauge(c *conn) *atomic.Int64 {
	if c.ws == nil {
		return &m.remote
	}
	return &m.connections
}

// refused counts a refusal (or a close) by its code.
func (m *metrics) refused(code protocol.Code) {
	m.refusals.WithLabelValues(string(code)).Inc()
}

// histogram takes durations.
type histogram struct{ prometheus.Histogram }

func (h histogram) observe(d time.Duration) { h.Observe(d.Seconds()) }
