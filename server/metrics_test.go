package server

import (
	"math"
	"net/http"
	"net/http/httptest"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/game"
	"congress/protocol"
)

// scrape reads /metrics as Prometheus does.
func (e *env) scrape() map[string]*dto.MetricFamily {
	e.t.Helper()
	res, err := http.Get(e.http.URL + "/metrics")
	require.NoError(e.t, err)
	defer res.Body.Close()
	require.Equal(e.t, http.StatusOK, res.StatusCode)
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(res.Body)
	require.NoError(e.t, err)
	return fams
}

// value is the one sample of a gauge or counter family (labels, if any,
// as name=value pairs).
func value(t *testing.T, fams map[string]*dto.MetricFamily, name string, labels ...string) float64 {
	t.Helper()
	f := fams[name]
	require.NotNil(t, f, "no %s", name)
next:
	for _, m := range f.GetMetric() {
		for i := 0; i+1 < len(labels); i += 2 {
			found := false
			for _, l := range m.GetLabel() {
				if l.GetName() == labels[i] && l.GetValue() == labels[i+1] {
					found = true
				}
			}
			if !found {
				continue next
			}
		}
		switch {
		case m.GetGauge() != nil:
			return m.GetGauge().GetValue()
		case m.GetCounter() != nil:
			return m.GetCounter().GetValue()
		}
	}
	t.Fatalf("no sample of %s%v", name, labels)
	return 0
}

// TestMetrics: /metrics has every metric docs/DEPLOY.md and
// protocol/README.md name, of its type, and the Go runtime's and the
// process's (the load generator reads process_cpu_seconds_total and
// process_resident_memory_bytes from it); the gauges and counters move
// with the lobbies, connections and refusals.
func TestMetrics(t *testing.T) {
	e := newEnv(t)
	tb := e.table(5, quickSettings())
	e.create("Clara", nil)
	before := value(t, e.scrape(), "congress_refusals_total", "code", string(protocol.CodeNotHost))
	tb.clients[1].refused(protocol.Host{Action: protocol.HostStart}, protocol.CodeNotHost)

	fams := e.scrape()
	for _, tt := range []struct {
		name string
		typ  dto.MetricType
	}{
		{"congress_connections", dto.MetricType_GAUGE},
		{"congress_remote_connections", dto.MetricType_GAUGE},
		{"congress_lobbies", dto.MetricType_GAUGE},
		{"congress_games_running", dto.MetricType_GAUGE},
		{"congress_lobbies_quarantined", dto.MetricType_GAUGE},
		{"congress_messages_in_total", dto.MetricType_COUNTER},
		{"congress_messages_out_total", dto.MetricType_COUNTER},
		{"congress_refusals_total", dto.MetricType_COUNTER},
		{"congress_command_seconds", dto.MetricType_HISTOGRAM},
		{"go_goroutines", dto.MetricType_GAUGE},
		{"go_memstats_heap_alloc_bytes", dto.MetricType_GAUGE},
		{"go_gc_duration_seconds", dto.MetricType_SUMMARY},
		{"process_cpu_seconds_total", dto.MetricType_COUNTER},
		{"process_resident_memory_bytes", dto.MetricType_GAUGE},
		{"process_open_fds", dto.MetricType_GAUGE},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := fams[tt.name]
			require.NotNil(t, f, "no %s", tt.name)
			assert.Equal(t, tt.typ, f.GetType())
			assert.NotEmpty(t, f.GetHelp())
		})
	}

	assert.Equal(t, 2.0, value(t, fams, "congress_lobbies"))
	assert.Equal(t, 5.0, value(t, fams, "congress_connections"))
	assert.Equal(t, 0.0, value(t, fams, "congress_remote_connections"))
	assert.Equal(t, 0.0, value(t, fams, "congress_games_running"))
	assert.Equal(t, before+1, value(t, fams, "congress_refusals_total", "code", string(protocol.CodeNotHost)))
	// The hellos, the table's probes and the refused start.
	assert.GreaterOrEqual(t, value(t, fams, "congress_messages_in_total"), 5.0)
	assert.Greater(t, value(t, fams, "congress_messages_out_total"), 0.0)
	assert.Greater(t, value(t, fams, "process_cpu_seconds_total"), 0.0)

	var bounds []float64
	for _, b := range fams["congress_command_seconds"].GetMetric()[0].GetHistogram().GetBucket() {
		bounds = append(bounds, b.GetUpperBound())
	}
	assert.Equal(t, []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, math.Inf(1)}, bounds)

	tb.start()
	tb.clients[0].ok(protocol.Act{Kind: game.CmdReady})
	fams = e.scrape()
	assert.Equal(t, 1.0, value(t, fams, "congress_games_running"))
	h := fams["congress_command_seconds"].GetMetric()[0].GetHistogram()
	assert.Equal(t, uint64(1), h.GetSampleCount(), "one game command timed")
}

// TestMetricsLabelsEscapedOnce: a label value with a quote, a backslash
// and a line break reads back as itself.
func TestMetricsLabelsEscapedOnce(t *testing.T) {
	e := newEnv(t)
	odd := protocol.Code("odd \"code\" \\ with\na new line")
	e.srv.metrics.refused(odd)
	e.srv.metrics.refused(odd)
	assert.Equal(t, 2.0, value(t, e.scrape(), "congress_refusals_total", "code", string(odd)))
}

// BenchmarkMetricsScrape is one scrape of a server's /metrics, with the
// Go runtime's and the process's collectors.
func BenchmarkMetricsScrape(b *testing.B) {
	m := newMetrics()
	for _, c := range []protocol.Code{protocol.CodeRateLimited, protocol.CodeTooSlow, protocol.CodeNotHost, "handshake"} {
		m.refused(c)
	}
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	b.ReportAllocs()
	for range b.N {
		w := httptest.NewRecorder()
		m.handler.ServeHTTP(w, req)
	}
}
