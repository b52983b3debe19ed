package server

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"congress/protocol"
)

// metrics are the server's counters, written out in the Prometheus text
// exposition format by /metrics. Every update is an atomic add: no lock
// on the paths that carry messages.
type metrics struct {
	connections atomic.Int64
	remote      atomic.Int64 // clients of other nodes in lobbies of this one
	lobbies     atomic.Int64
	games       atomic.Int64
	quarantined atomic.Int64 // lobbies whose log did not restore
	in          atomic.Int64
	out         atomic.Int64

	mu       sync.Mutex
	refusals map[protocol.Code]*atomic.Int64

	latency *histogram
}

func newMetrics() *metrics {
	return &metrics{
		refusals: map[protocol.Code]*atomic.Int64{},
		latency:  newHistogram(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1),
	}
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
	m.mu.Lock()
	n := m.refusals[code]
	if n == nil {
		n = new(atomic.Int64)
		m.refusals[code] = n
	}
	m.mu.Unlock()
	n.Add(1)
}

// write renders every metric.
func (m *metrics) write(w io.Writer) {
	gauge := func(name, help string, v int64) {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s gauge\n%s %d\n", name, help, name, name, v)
	}
	counter := func(name, help string, v int64) {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s counter\n%s %d\n", name, help, name, name, v)
	}
	gauge("congress_connections", "Open WebSocket connections.", m.connections.Load())
	gauge("congress_remote_connections", "Clients connected to other nodes of the cluster, in lobbies of this node.", m.remote.Load())
	gauge("congress_lobbies", "Open lobbies.", m.lobbies.Load())
	gauge("congress_games_running", "Lobbies with a game in progress.", m.games.Load())
	gauge("congress_lobbies_quarantined", "Lobbies whose log did not restore: kept aside, not served.", m.quarantined.Load())
	counter("congress_messages_in_total", "WebSocket messages received from clients.", m.in.Load())
	counter("congress_messages_out_total", "WebSocket messages queued to clients.", m.out.Load())

	fmt.Fprintf(w, "# HELP congress_refusals_total Requests refused and connections closed, by code.\n# TYPE congress_refusals_total counter\n")
	m.mu.Lock()
	codes := make([]protocol.Code, 0, len(m.refusals))
	for c := range m.refusals {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	for _, c := range codes {
		fmt.Fprintf(w, "congress_refusals_total{code=%q} %d\n", escapeLabel(string(c)), m.refusals[c].Load())
	}
	m.mu.Unlock()

	m.latency.write(w, "congress_command_seconds", "Time from reading a game command to having sent its effects.")
}

func escapeLabel(s string) string {
	return strings.NewReplacer(`\`, `\\`, "\n", `\n`, `"`, `\"`).Replace(s)
}

// histogram is a Prometheus histogram with fixed buckets (seconds).
type histogram struct {
	bounds []float64
	counts []atomic.Int64 // per bucket, not cumulative; the last is +Inf
	sumNs  atomic.Int64
}

func newHistogram(bounds ...float64) *histogram {
	return &histogram{bounds: bounds, counts: make([]atomic.Int64, len(bounds)+1)}
}

func (h *histogram) observe(d time.Duration) {
	s := d.Seconds()
	i, _ := slices.BinarySearch(h.bounds, s)
	h.counts[i].Add(1)
	h.sumNs.Add(int64(d))
}

func (h *histogram) write(w io.Writer, name, help string) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s histogram\n", name, help, name)
	var cum int64
	for i, b := range h.bounds {
		cum += h.counts[i].Load()
		fmt.Fprintf(w, "%s_bucket{le=\"%s\"} %d\n", name, formatFloat(b), cum)
	}
	cum += h.counts[len(h.bounds)].Load()
	fmt.Fprintf(w, "%s_bucket{le=\"+Inf\"} %d\n", name, cum)
	fmt.Fprintf(w, "%s_sum %s\n%s_count %d\n", name, formatFloat(float64(h.sumNs.Load())/1e9), name, cum)
}

func formatFloat(f float64) string {
	if math.IsInf(f, 1) {
		return "+Inf"
	}
	return fmt.Sprintf("%g", f)
}
