package main

import (
	"io"
	"log/slog"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/server"
)

func TestDefaultNodeID(t *testing.T) {
	id := defaultNodeID(":8080")
	assert.True(t, server.ValidNodeID(id), id)
	assert.True(t, strings.HasSuffix(id, "-8080"), id)
	assert.Equal(t, id, defaultNodeID(":8080"), "the same after a restart")
	assert.NotEqual(t, id, defaultNodeID("127.0.0.1:8081"))
}

func TestParseFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		want    Main
		wantErr bool
	}{
		{
			name: "defaults",
			want: Main{Listen: ":8080", DataDir: "./data", LogLevel: slog.LevelInfo, ConnsPerIP: 64, LobbiesPerIP: 10, Retention: 720 * time.Hour, LeaseTTL: 10 * time.Second,
				MetricsFrom: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}},
		},
		{
			name: "environment",
			env: map[string]string{"CONGRESS_LISTEN": "127.0.0.1:9000", "CONGRESS_DATA": "/var/lib/congress", "CONGRESS_MAX_CONNS_PER_IP": "500",
				"CONGRESS_ORIGINS": "a.example.org, *.b.example.org", "CONGRESS_LOG_LEVEL": "debug",
				"CONGRESS_BASE_URL": "https://congress.example.org/", "CONGRESS_METRICS_FROM": "10.0.0.0/8",
				"CONGRESS_NATS": "nats://n1:4222,nats://n2:4222", "CONGRESS_RETENTION": "48h",
				"CONGRESS_NODE_ID": "congress-2", "CONGRESS_LEASE_TTL": "5s", "CONGRESS_TRUSTED_PROXIES": "172.16.0.0/12",
				"CONGRESS_PPROF": "127.0.0.1:6060"},
			want: Main{Listen: "127.0.0.1:9000", DataDir: "/var/lib/congress", ConnsPerIP: 500, LobbiesPerIP: 10, Origins: []string{"a.example.org", "*.b.example.org"},
				LogLevel: slog.LevelDebug, BaseURL: "https://congress.example.org", MetricsFrom: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")},
				NATS: "nats://n1:4222,nats://n2:4222", Retention: 48 * time.Hour, NodeID: "congress-2", LeaseTTL: 5 * time.Second,
				TrustedProxies: []netip.Prefix{netip.MustParsePrefix("172.16.0.0/12")}, Pprof: "127.0.0.1:6060"},
		},
		{
			name: "flags win over the environment",
			args: []string{"--listen", ":7000", "--log-level", "warn", "--origins", "", "--retention", "24h", "--max-lobbies-per-ip", "3"},
			env:  map[string]string{"CONGRESS_LISTEN": ":9000", "CONGRESS_ORIGINS": "a.example.org", "CONGRESS_METRICS_FROM": "10.0.0.0/8"},
			want: Main{Listen: ":7000", DataDir: "./data", LogLevel: slog.LevelWarn, ConnsPerIP: 64, LobbiesPerIP: 3, MetricsFrom: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, Retention: 24 * time.Hour, LeaseTTL: 10 * time.Second},
		},
		{name: "bad level", args: []string{"--log-level", "loud"}, wantErr: true},
		{name: "bad base url", args: []string{"--base-url", "congress.example.org"}, wantErr: true},
		{name: "bad network", args: []string{"--metrics-from", "everyone"}, wantErr: true},
		{name: "no connections allowed", args: []string{"--max-conns-per-ip", "0"}, wantErr: true},
		{name: "bad retention", args: []string{"--retention", "a month"}, wantErr: true},
		{name: "retention too short", args: []string{"--retention", "1m"}, wantErr: true},
		{name: "stray argument", args: []string{"serve"}, wantErr: true},
		{name: "bad proxy network", args: []string{"--trusted-proxies", "the balancer"}, wantErr: true},
		{name: "bad node id", args: []string{"--node-id", "node.1"}, wantErr: true},
		{name: "lease too short", args: []string{"--lease-ttl", "100ms"}, wantErr: true},
		{name: "lease not a duration", args: []string{"--lease-ttl", "ten"}, wantErr: true},
		{name: "unknown flag", args: []string{"--port", "80"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := ParseFlags(tt.args, func(k string) string { return tt.env[k] }, io.Discard)
			if tt.wantErr {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			m.Log = nil
			assert.Equal(t, tt.want, *m)
		})
	}
}

// TestShouldRelease: the spare heap (free, or dead objects not yet
// collected) goes back once it is large and the heap has settled, and
// not more often than memoryGap.
func TestShouldRelease(t *testing.T) {
	const mb = 1 << 20
	settled := heapSample{objects: 100 * mb, live: 100 * mb, free: 10 * mb}
	for _, c := range []struct {
		name      string
		prev, cur heapSample
		since     time.Duration
		want      bool
	}{
		{"free after a storm", settled, heapSample{objects: 105 * mb, live: 100 * mb, free: 110 * mb}, time.Hour, true},
		{"dead objects after a storm", settled, heapSample{objects: 105 * mb, live: 40 * mb, free: 10 * mb}, time.Hour, true},
		{"still growing", settled, heapSample{objects: 150 * mb, live: 100 * mb, free: 110 * mb}, time.Hour, false},
		{"little spare", settled, heapSample{objects: 100 * mb, live: 90 * mb, free: 30 * mb}, time.Hour, false},
		{"spare small against live", heapSample{objects: 1000 * mb}, heapSample{objects: 1000 * mb, live: 1000 * mb, free: 400 * mb}, time.Hour, false},
		{"released a minute ago", settled, heapSample{objects: 100 * mb, live: 100 * mb, free: 110 * mb}, time.Minute, false},
		{"released just over the gap ago", settled, heapSample{objects: 100 * mb, live: 100 * mb, free: 110 * mb}, memoryGap, true},
	} {
		assert.Equal(t, c.want, shouldRelease(c.prev, c.cur, c.since), c.name)
	}
}
