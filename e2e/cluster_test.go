package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/game"
	"congress/protocol"

	"congress/server/store/natstest"
)

// clusterLease is the nodes' lease TTL in this test: how long a lobby
// outlives its node before another takes it over.
const clusterLease = 3 * time.Second

// TestCluster runs three congress nodes (separate processes) on a
// three-server NATS cluster on loopback. Two lobbies are opened on two
// nodes, their delegates and spectators connected all over the cluster,
// most through nodes that do not own their lobby; the second lobby's
// clients are all on other nodes than its owner, and play a whole game so.
// The owner of the first is killed with SIGKILL in the middle of a purge
// vote: another node claims the lobby once its lease has expired, every
// client reconnects to a surviving node and finds exactly the game it
// left (every vote it was told was taken is there), and the game goes on
// to its end. Then the second lobby's rematch is under way when its owner
// is drained: its clients are told to reconnect, come back through the
// last node, and finish their game as if nothing had happened. The lobby
// list and the match history answer alike from every node.
func TestCluster(t *testing.T) {
	bin := buildCongress(t)
	urls, servers := natstest.Cluster(t, 3)
	natstest.Settled(t, servers)
	var nodes []*wireServer
	for i := range 3 {
		nodes = append(nodes, runNode(t, bin, freeLoopback(t),
			"--nats", strings.Join(urls, ","), "--node-id", fmt.Sprintf("n%d", i),
			"--lease-ttl", clusterLease.String(), "--log-level", "info", "--data", filepath.Join(t.TempDir(), "unused")))
	}
	t.Cleanup(func() {
		if !t.Failed() {
			return
		}
		for i, n := range nodes {
			if n.cmd.ProcessState == nil {
				_ = n.cmd.Process.Kill()
				_ = n.cmd.Wait() // and its output copied
			}
			t.Logf("node %d:\n%s", i, n.log)
		}
	})

	// On three NATS servers, every stream and bucket has three replicas.
	nc, err := nats.Connect(strings.Join(urls, ","))
	require.NoError(t, err)
	defer nc.Close()
	js, err := jetstream.New(nc)
	require.NoError(t, err)
	for _, name := range []string{"CONGRESS_LOBBIES", "CONGRESS_MATCHES", "KV_congress_matches", "KV_congress_leases", "KV_congress_lobbies"} {
		stream, err := js.Stream(t.Context(), name)
		require.NoError(t, err, name)
		assert.Equal(t, 3, stream.CachedInfo().Config.Replicas, name)
	}

	// The first lobby is opened on node 0, the second on node 1; each
	// client connects where the list says (an owner's own clients too).
	first := openTable(t, nodes, 0, []int{0, 1, 2, 1, 2, 0, 1}, 2)
	second := openTable(t, nodes, 1, []int{2, 0, 2, 0, 2}, 0) // none on node 1

	// Every node lists both public lobbies.
	for i, n := range nodes {
		require.Eventually(t, func() bool {
			var list []protocol.LobbySummary
			status, body := getJSON(t, n.url+"/api/lobbies")
			if status != http.StatusOK || json.Unmarshal(body, &list) != nil {
				return false
			}
			var codes []string
			for _, l := range list {
				codes = append(codes, l.Code)
			}
			return slices.Contains(codes, first.code) && slices.Contains(codes, second.code)
		}, 10*time.Second, 100*time.Millisecond, "node %d does not list both lobbies", i)
	}

	// The second lobby plays a whole game, every client relayed to its
	// owner; the first game goes into its purge vote, three votes cast.
	first.start()
	second.start()
	winner, reason := playFor(t, game.KirovPurged, second.host, second.delegates, second.spectators)
	t.Logf("the second lobby's game ended, every client relayed: %s (%s)", winner, reason)
	first.toVote(t, 3)
	before := snapAll(t, first.everyone(), second.everyone())

	// Node 0, the first lobby's owner, dies.
	killed := time.Now()
	stopNode(t, nodes[0], syscall.SIGKILL)
	survivors := nodes[1:]
	for _, c := range first.everyone() {
		// Connected to node 0, or relayed to it: told to reconnect once
		// another node has the lobby.
		c.closed(t, 2*clusterLease+10*time.Second)
		c.resume(t, survivors, first.code)
	}
	took := time.Since(killed)
	t.Logf("the first lobby was back %v after its owner was killed (lease %v)", took.Round(time.Millisecond), clusterLease)
	// The lease expired at most a lease after the kill, and at least two
	// thirds of one (it is renewed every third).
	assert.Less(t, took, 2*clusterLease/3+10*time.Second, "the lobby came back more than 10 s after its lease expired")
	for _, c := range second.everyone() {
		select {
		case <-c.done: // it was connected through node 0
			c.resume(t, survivors, second.code)
		default:
		}
	}
	for c, want := range before {
		c.sync()
		got := snap(t, c)
		assert.JSONEq(t, string(want.view), string(got.view), "%s sees another game", c.name)
		if slices.Contains(first.everyone(), c) {
			// The second lobby's clients were shown its first game's
			// chat as it went; a Welcome after the game shows them every
			// channel of it.
			assert.Equal(t, texts(want.chat), texts(got.chat), "%s lost chat", c.name)
		}
	}
	require.Equal(t, game.PhaseVote, first.host.view.Phase)

	winner, reason = playFor(t, game.KirovPurged, first.host, first.delegates, first.spectators)
	t.Logf("the first game ended after the failover: %s (%s)", winner, reason)

	// The second lobby's rematch, a little way in; then node 1, its
	// owner, drains: the lobby (and the first, if node 1 took it) moves
	// to node 2, and the clients follow.
	second.host.must(protocol.Host{Action: protocol.HostRematch})
	second.start()
	for _, c := range second.delegates[:3] {
		c.must(protocol.Say{Channel: game.ChannelPublic, Text: c.name + " speaks before the storm."})
	}
	before = snapAll(t, second.everyone())
	require.NoError(t, nodes[1].cmd.Process.Signal(syscall.SIGUSR1))
	for _, c := range second.everyone() {
		c.closed(t, 10*time.Second)
		closing := lastClosing(c)
		require.NotNil(t, closing, "%s was not told why", c.name)
		assert.Equal(t, protocol.CodeReconnect, closing.Code, c.name)
		c.resume(t, nodes[2:], second.code)
	}
	for c, want := range before {
		c.sync()
		got := snap(t, c)
		assert.JSONEq(t, string(want.view), string(got.view), "%s sees another game after the drain", c.name)
		assert.Equal(t, storm(want.chat), storm(got.chat), "%s lost chat in the drain", c.name)
		assert.Len(t, storm(got.chat), 3, c.name)
	}
	status, _ := getJSON(t, nodes[1].url+"/readyz")
	assert.Equal(t, http.StatusServiceUnavailable, status, "a drained node is not ready")
	winner, reason = playFor(t, game.KirovPurged, second.host, second.delegates, second.spectators)
	t.Logf("the second game ended after the drain: %s (%s)", winner, reason)

	for _, c := range append(first.everyone(), second.everyone()...) {
		assert.Empty(t, wireAudit(c), c.name)
	}
	// The three matches are on file, from either live node.
	for _, n := range nodes[1:] {
		status, body := getJSON(t, n.url+"/api/matches")
		require.Equal(t, http.StatusOK, status)
		var list protocol.MatchList
		require.NoError(t, json.Unmarshal(body, &list))
		assert.Equal(t, 3, list.Total, "%s", body)
	}
	stopNode(t, nodes[1], syscall.SIGTERM)
	stopNode(t, nodes[2], syscall.SIGTERM)
}

// clusterTable is a lobby of the cluster test and its clients.
type clusterTable struct {
	t          *testing.T
	code       string
	host       *wireClient
	delegates  []*wireClient
	spectators []*wireClient
}

// openTable opens a public lobby on nodes[owner] with a delegate
// connected to nodes[at[i]] for each i (the host first) and a spectator
// on nodes[spectatorAt]. Its timers are long: the test moves it on.
func openTable(t *testing.T, nodes []*wireServer, owner int, at []int, spectatorAt int) *clusterTable {
	t.Helper()
	cfg := game.DefaultConfig()
	for _, d := range []*time.Duration{&cfg.DebateTime, &cfg.ChairPickTime, &cfg.DefenceTime, &cfg.VoteTime, &cfg.ConfessionTime, &cfg.NightTime, &cfg.FinalBallotTime} {
		*d = 10 * time.Minute
	}
	settings := protocol.SettingsOf(cfg, 10)
	names := []string{"Anna", "Boris", "Clara", "Dmitri", "Elena", "Fyodor", "Galina"}
	created := nodes[owner].createLobby(t, protocol.CreateLobby{Name: names[0], Settings: &settings, Public: true})
	tb := &clusterTable{t: t, code: created.Code}
	for i, n := range at {
		c := dialWire(t, nodes[n], names[i])
		if i == 0 {
			c.send(protocol.Resume{Lobby: created.Code, Token: created.Token})
			c.token = created.Token
			tb.host = c
		} else {
			c.send(protocol.Join{Lobby: created.Code, Name: names[i]})
		}
		c.until(protocol.TypeWelcome)
		tb.delegates = append(tb.delegates, c)
	}
	spectator := dialWire(t, nodes[spectatorAt], "Olga")
	spectator.send(protocol.Watch{Lobby: created.Code, Name: "Olga"})
	spectator.until(protocol.TypeWelcome)
	tb.spectators = []*wireClient{spectator}
	return tb
}

func (tb *clusterTable) everyone() []*wireClient {
	return append(slices.Clone(tb.delegates), tb.spectators...)
}

func (tb *clusterTable) start() {
	tb.host.must(protocol.Host{Action: protocol.HostStart})
	for _, c := range tb.everyone() {
		c.sync()
	}
}

// toVote brings the game to a purge vote on seat 0 with votes cast.
func (tb *clusterTable) toVote(t *testing.T, votes int) {
	accuseSeatZero(t, tb.host, tb.delegates)
	cast := 0
	for _, c := range tb.delegates {
		c.sync()
		require.Equal(t, game.PhaseVote, c.view.Phase)
		if c.seat() != 0 && cast < votes {
			c.must(protocol.Act{Kind: game.CmdPurgeVote, Purge: cast != 1})
			cast++
		}
	}
	tb.delegates[1].must(protocol.Say{Channel: game.ChannelPublic, Text: "The vote is open."})
}

// storm is the chat said in the second lobby's rematch.
func storm(lines []protocol.ChatLine) []string {
	var out []string
	for _, l := range texts(lines) {
		if strings.HasSuffix(l, "speaks before the storm.") {
			out = append(out, l)
		}
	}
	return out
}

// snapAll is every client's view and chat, once each has read all it
// was sent.
func snapAll(t *testing.T, groups ...[]*wireClient) map[*wireClient]snapshot {
	out := map[*wireClient]snapshot{}
	for _, g := range groups {
		for _, c := range g {
			c.sync()
			out[c] = snap(t, c)
		}
	}
	return out
}

// resume brings a client whose connection closed back into its lobby
// through one of nodes, trying them in turn: a node may tell it to
// reconnect while the lobby changes hands.
func (c *wireClient) resume(t *testing.T, nodes []*wireServer, code string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for i := 0; time.Now().Before(deadline); i++ {
		c.connect(nodes[i%len(nodes)])
		if c.spec {
			c.send(protocol.Watch{Lobby: code, Name: c.name})
		} else {
			c.send(protocol.Resume{Lobby: code, Token: c.token})
		}
		for {
			if len(c.in) > 0 {
				if m := c.next(); m.Type == protocol.TypeWelcome {
					return
				} else if m.Type == protocol.TypeError {
					t.Fatalf("%s: resume refused: %s", c.name, m.Raw)
				}
				continue
			}
			closed := false
			select {
			case <-c.done:
				closed = len(c.in) == 0
			case <-time.After(10 * time.Millisecond):
			}
			if closed {
				break
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("%s could not resume in lobby %s", c.name, code)
}

// closed waits for the client's connection to close.
func (c *wireClient) closed(t *testing.T, within time.Duration) {
	t.Helper()
	select {
	case <-c.done:
	case <-time.After(within):
		t.Fatalf("%s: the connection is still open after %v", c.name, within)
	}
}

// lastClosing is the last Closing message the client received.
func lastClosing(c *wireClient) *protocol.Closing {
	msgs := c.messages()
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Type == protocol.TypeClosing {
			var cl protocol.Closing
			c.decode(msgs[i], &cl)
			return &cl
		}
	}
	return nil
}
