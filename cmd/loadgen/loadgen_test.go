package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"congress/game"
	"congress/protocol"
	"congress/protocol/wsclient"
)

func TestBaselineRun(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	srv := httptest.NewServer(&Baseline{DelegateBytes: 900, SpectatorBytes: 700})
	defer srv.Close()

	const lobbies, delegates, spectators = 3, 5, 3
	cfg := Config{
		Addr: strings.TrimPrefix(srv.URL, "http://"), Target: targetBaseline,
		Lobbies: lobbies, Delegates: delegates, Spectators: spectators,
		Rate: 5, Duration: 2 * time.Second, Timeout: 5 * time.Second,
		Movers: "easy", Debate: 5, Dials: 8,
	}
	require.NoError(t, cfg.check())
	res, err := measure(context.Background(), cfg, nil, io.Discard)
	require.NoError(t, err)

	members := delegates + spectators
	assert.Equal(t, lobbies*members, res.ConnsEstablished)
	assert.Empty(t, res.ConnFailures)
	assert.Empty(t, res.ProtoErrs)
	// 5 commands/s for 2 s in each lobby, give or take the window's edges.
	assert.InDelta(t, lobbies*10, res.Commands, 3)
	assert.Zero(t, res.Lost)
	// A command sent in the window may land just after it closes.
	assert.InDelta(t, res.Commands, res.Completed, lobbies)
	assert.Equal(t, uint64(res.Completed), res.Latency.Count)
	assert.Positive(t, res.Latency.Quantile(0.5))
	assert.LessOrEqual(t, res.Latency.Quantile(0.5), res.Latency.Quantile(0.99))
	// Every member receives each command's game message; the actor its Ack.
	assert.InDelta(t, res.Completed*int64(members), res.ByType["game"], float64(lobbies*members))
	assert.InDelta(t, res.Completed, res.ByType["ack"], lobbies)
	assert.Equal(t, int64(900), res.GameBytes["delegate"]/res.GameCount["delegate"])
	assert.Equal(t, int64(700), res.GameBytes["spectator"]/res.GameCount["spectator"])
}

func TestHistogram(t *testing.T) {
	var h Histogram
	for i := 1; i <= 1000; i++ {
		h.Record(time.Duration(i) * time.Millisecond)
	}
	tests := []struct {
		q    float64
		want time.Duration
	}{{0.5, 500 * time.Millisecond}, {0.99, 990 * time.Millisecond}, {0.999, 999 * time.Millisecond}, {1, time.Second}}
	for _, tt := range tests {
		assert.InEpsilon(t, float64(tt.want), float64(h.Quantile(tt.q)), 0.01, "q %v", tt.q)
	}
	var a, b Histogram
	for i := 1; i <= 1000; i++ {
		if i%2 == 0 {
			a.Record(time.Duration(i) * time.Millisecond)
		} else {
			b.Record(time.Duration(i) * time.Millisecond)
		}
	}
	a.Merge(b)
	assert.Equal(t, h.Count, a.Count)
	assert.Equal(t, h.Quantile(0.99), a.Quantile(0.99))
	assert.Equal(t, time.Millisecond, a.Min)
	assert.Equal(t, time.Second, a.Max)
}

func TestGameLog(t *testing.T) {
	msg := `{"type":"game","v":1,"view":{"session":1,"seats":[{"seat":0,"name":"\"log\":[1]"}]},"log":[{"kind":"ready","at":"2026-01-01T00:00:00Z","session":1,"phase":"debate","seat":3,"target":-1}],"now":"2026-01-01T00:00:00Z"}`
	assert.Equal(t, "game", string(wsclient.TypeOf([]byte(msg))))
	evs, err := gameLog[game.Event]([]byte(msg))
	require.NoError(t, err)
	require.Len(t, evs, 1)
	assert.Equal(t, game.EvReady, evs[0].Kind)
	assert.Equal(t, 3, evs[0].Seat)
	lines, err := gameLog[logLine]([]byte(msg))
	require.NoError(t, err)
	assert.Equal(t, []logLine{{Kind: game.EvReady, Seat: 3, Target: -1}}, lines)
}

func TestSeveralAddresses(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	var hits [2]atomic.Int64
	var addrs []string
	// One baseline behind two listeners, as the nodes of a cluster share
	// their lobbies: a member may reach the lobby through either.
	b := &Baseline{DelegateBytes: 300, SpectatorBytes: 200}
	for i := range hits {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			hits[i].Add(1)
			b.ServeHTTP(w, r)
		}))
		defer srv.Close()
		addrs = append(addrs, strings.TrimPrefix(srv.URL, "http://"))
	}
	const lobbies, delegates, spectators = 2, 5, 2
	cfg := Config{
		Addr: " " + strings.Join(addrs, ", ") + ",", Target: targetBaseline,
		Lobbies: lobbies, Delegates: delegates, Spectators: spectators,
		Rate: 5, Duration: time.Second, Timeout: 5 * time.Second,
		Movers: "easy", Debate: 5, Dials: 8,
	}
	require.NoError(t, cfg.check())
	res, err := measure(context.Background(), cfg, nil, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, lobbies*(delegates+spectators), res.ConnsEstablished, "failures: %v", res.ConnFailures)
	assert.Empty(t, res.ProtoErrs)
	// Lobbies and connections are dealt round-robin over both servers.
	for i := range hits {
		assert.GreaterOrEqual(t, hits[i].Load(), int64(delegates+spectators), "server %d", i)
	}

	cfg.Addr = " , "
	assert.ErrorContains(t, cfg.check(), "no server")
}

func TestSeveralPIDs(t *testing.T) {
	_, err := parsePIDs("12,x")
	assert.ErrorContains(t, err, `"x" is not a process ID`)
	self := strconv.Itoa(os.Getpid())
	one, err := newProber(self, "").sample(context.Background())
	require.NoError(t, err)
	p := newProber(self+","+self, "")
	assert.Equal(t, "/proc/"+self+" + /proc/"+self, p.source())
	two, err := p.sample(context.Background())
	require.NoError(t, err)
	assert.InDelta(t, 2*one.rss, two.rss, float64(one.rss)/2)
	assert.GreaterOrEqual(t, two.cpu, 2*one.cpu)
	assert.Nil(t, newProber("", ""))
}

func TestHasActions(t *testing.T) {
	tricky := []game.SeatView{{Name: `"actions":[]`}, {Name: `x","actions":null`}}
	tests := []struct {
		name    string
		actions []game.Action
		want    bool
	}{
		{"none", nil, false},
		{"empty", []game.Action{}, false},
		{"one", []game.Action{{Kind: game.CmdReady}}, true},
		{"several", []game.Action{{Kind: game.CmdDenounce, Targets: []int{1, 2}}, {Kind: game.CmdReady}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := protocol.Encode(protocol.TypeGame, protocol.Game{View: game.View{Seats: tricky, Actions: tt.actions}})
			assert.Equal(t, tt.want, hasActions(data), "%s", data)
		})
	}
}

// TestResultIsACopy: the progress line reads a result while every
// connection goes on recording into the recorder's; the result shares
// none of its maps (a shared one crashed a run at its 40th second).
func TestResultIsACopy(t *testing.T) {
	rc := newRecorder()
	rc.setRecording(true)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 20000 {
			rc.update(false, func(r *Result) { r.Latency.Record(time.Duration(i) * time.Microsecond) })
			rc.message("game", 10)
		}
	}()
	for range 200 {
		res := rc.result()
		_ = res.Latency.Quantile(0.99)
		_ = res.ByType.Total()
	}
	<-done
	res := rc.result()
	res.ByType["game"] = -1
	res.Latency.Buckets[0] = 1 << 40
	assert.Equal(t, int64(20000), rc.result().ByType["game"])
	assert.Equal(t, uint64(20000), rc.result().Latency.Count)
	assert.Less(t, rc.result().Latency.Quantile(0.99), 20*time.Millisecond)
}
