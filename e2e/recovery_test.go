package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	natsserver "github.com/nats-io/nats-server/v2/server"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/game"
	"congress/protocol"
)

// buildCongress is ./cmd/congress built for this run of the tests: the
// first test to need it builds it, into a directory TestMain removes.
func buildCongress(t testing.TB) string {
	t.Helper()
	congress.once.Do(func() {
		dir, err := os.MkdirTemp("", "congress-e2e-")
		if err != nil {
			congress.err = err
			return
		}
		congress.dir, congress.bin = dir, filepath.Join(dir, "congress")
		build := exec.Command("go", "build", "-o", congress.bin, "./cmd/congress")
		build.Dir = ".."
		if out, err := build.CombinedOutput(); err != nil {
			congress.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	require.NoError(t, congress.err)
	return congress.bin
}

// congress is the binary the tests run, built once.
var congress struct {
	once     sync.Once
	dir, bin string
	err      error
}

func TestMain(m *testing.M) {
	if spec := os.Getenv(abuserEnv); spec != "" {
		abuserProcess(spec)
	}
	code := m.Run()
	if congress.dir != "" {
		os.RemoveAll(congress.dir)
	}
	os.Exit(code)
}

func freeLoopback(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

// runNode starts the binary on addr with args and waits for /readyz. The
// caller stops it; cleanup kills what is left.
func runNode(t testing.TB, bin, addr string, args ...string) *wireServer {
	t.Helper()
	s := &wireServer{url: "http://" + addr, log: new(bytes.Buffer)}
	s.cmd = exec.Command(bin, append([]string{"--listen", addr, "--log-level", "warn"}, args...)...)
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	require.NoError(t, s.cmd.Start())
	t.Cleanup(func() {
		if s.cmd.ProcessState == nil {
			_ = s.cmd.Process.Kill()
			_ = s.cmd.Wait()
		}
	})
	require.Eventually(t, func() bool {
		res, err := http.Get(s.url + "/readyz")
		if err != nil {
			return false
		}
		res.Body.Close()
		return res.StatusCode == http.StatusOK
	}, 20*time.Second, 50*time.Millisecond, "congress did not come up: %s", s.log)
	return s
}

// stopNode ends the process: SIGKILL (a crash) or SIGTERM (a graceful
// stop, which must exit cleanly).
func stopNode(t *testing.T, s *wireServer, sig syscall.Signal) {
	t.Helper()
	require.NoError(t, s.cmd.Process.Signal(sig))
	err := s.cmd.Wait()
	if sig == syscall.SIGTERM {
		require.NoError(t, err, "graceful stop: %s", s.log)
	}
}

// snapshot is what one client sees, to compare before and after a restart.
type snapshot struct {
	view []byte
	chat []protocol.ChatLine
}

// TestRestartLosesNothing plays into the middle of a game, stops the
// server (crash or graceful), starts it again on the same data directory
// and requires that every delegate and spectator, reconnecting with its
// token, finds exactly the game it left: session, phase, votes,
// denunciations, night choices, chat and deadline. The game then finishes.
func TestRestartLosesNothing(t *testing.T) {
	t.Parallel()
	bin := buildCongress(t)
	cases := []struct {
		name     string
		sig      syscall.Signal
		night    bool
		external bool // the log on a separate NATS server (--nats)
		expire   bool // the vote's deadline passes while the server is down
	}{
		{"kill -9 during the purge vote", syscall.SIGKILL, false, false, false},
		{"graceful restart during the purge vote", syscall.SIGTERM, false, false, false},
		{"kill -9 during the night", syscall.SIGKILL, true, false, false},
		{"external NATS, kill -9 during the purge vote", syscall.SIGKILL, false, true, false},
		{"the vote's deadline passes while the server is down", syscall.SIGKILL, false, false, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"--data", filepath.Join(t.TempDir(), "data")}
			if tc.external {
				args = []string{"--nats", startNATS(t), "--data", filepath.Join(t.TempDir(), "unused")}
			}
			addr := freeLoopback(t)
			srv := runNode(t, bin, addr, args...)

			cfg := game.DefaultConfig()
			for _, d := range []*time.Duration{&cfg.DebateTime, &cfg.ChairPickTime, &cfg.DefenceTime, &cfg.VoteTime, &cfg.ConfessionTime, &cfg.NightTime, &cfg.FinalBallotTime} {
				*d = 10 * time.Minute
			}
			if tc.expire {
				cfg.VoteTime = 4 * time.Second
			}
			settings := protocol.SettingsOf(cfg, 10)
			created := srv.createLobby(t, protocol.CreateLobby{Name: "Anna", Settings: &settings})
			host := dialWire(t, srv, "Anna")
			host.send(protocol.Resume{Lobby: created.Code, Token: created.Token})
			host.until(protocol.TypeWelcome)
			host.token = created.Token
			delegates := []*wireClient{host}
			for _, n := range []string{"Boris", "Clara", "Dmitri", "Elena", "Fyodor", "Galina"} {
				c := dialWire(t, srv, n)
				c.send(protocol.Join{Lobby: created.Code, Name: n})
				c.until(protocol.TypeWelcome)
				delegates = append(delegates, c)
			}
			spectator := dialWire(t, srv, "Olga")
			spectator.send(protocol.Watch{Lobby: created.Code, Name: "Olga"})
			spectator.until(protocol.TypeWelcome)
			everyone := append(slices.Clone(delegates), spectator)

			host.must(protocol.Host{Action: protocol.HostStart})
			for _, c := range everyone {
				c.sync()
			}
			delegates[2].must(protocol.Say{Channel: game.ChannelPublic, Text: "The Congress will hear every voice."})
			spectator.must(protocol.Say{Channel: game.ChannelSpectators, Text: "From the gallery."})

			accuseSeatZero(t, host, delegates)
			voters := 0
			for _, c := range delegates {
				c.sync()
				if c.seat() == 0 {
					continue // the Accused does not vote (and the last vote may already have closed the ballot)
				}
				require.Equal(t, game.PhaseVote, c.view.Phase)
				if tc.night {
					// Everyone spares: the Night falls.
					c.must(protocol.Act{Kind: game.CmdPurgeVote, Purge: false})
				} else if voters < 3 {
					c.must(protocol.Act{Kind: game.CmdPurgeVote, Purge: voters != 1})
					voters++
				}
			}
			if tc.night {
				for _, c := range delegates {
					c.sync()
					require.Equal(t, game.PhaseNight, c.view.Phase)
				}
				// Every night action but one: the Night stays open.
				acted := false
				for _, c := range delegates {
					me := c.view.You
					if me.Faction != game.Plotters || acted {
						continue
					}
					_ = c.do(protocol.Say{Channel: game.ChannelPlotters, Text: "The letter names seat 1."})
					c.must(protocol.Act{Kind: game.CmdLetter, Target: firstOther(c.view, me.Bloc)})
					acted = true
				}
				for _, c := range delegates {
					if c.view.You.Role == game.Investigator {
						c.must(protocol.Act{Kind: game.CmdInvestigate, Target: firstOther(c.view, []int{c.seat()})})
					}
				}
			}

			before := map[*wireClient]snapshot{}
			for _, c := range everyone {
				c.sync()
				before[c] = snap(t, c)
			}
			if !tc.night {
				require.Equal(t, game.PhaseVote, host.view.Phase)
				voted := 0
				for _, s := range host.view.Seats {
					if s.Voted {
						voted++
					}
				}
				require.Equal(t, 3, voted, "three votes cast before the stop")
			}

			stopNode(t, srv, tc.sig)
			for _, c := range everyone {
				<-c.done // every connection is gone with the server
			}
			if tc.expire {
				time.Sleep(5 * time.Second)
			}
			srv = runNode(t, bin, addr, args...)

			for _, c := range everyone {
				c.connect(srv)
				if c == spectator {
					c.send(protocol.Watch{Lobby: created.Code, Name: "Olga"})
				} else {
					c.send(protocol.Resume{Lobby: created.Code, Token: c.token})
				}
				w := c.until(protocol.TypeWelcome)
				var welcome protocol.Welcome
				c.decode(w, &welcome)
				require.NotNil(t, welcome.Game, "%s found no game", c.name)
				after := snap(t, c)
				if tc.expire {
					// The deadline took effect at once: the three votes
					// cast were counted, the rest abstained.
					require.NotNil(t, c.view.Ballot, c.name)
					assert.Equal(t, 2, c.view.Ballot.Purge, c.name)
					assert.Equal(t, 1, c.view.Ballot.Spare, c.name)
					assert.NotEqual(t, game.PhaseVote, c.view.Phase, c.name)
					continue
				}
				assert.JSONEq(t, string(before[c].view), string(after.view), "%s sees another game after the restart", c.name)
				assert.Equal(t, texts(before[c].chat), texts(after.chat), "%s lost chat", c.name)
			}

			// The match's file stays closed while it is played.
			var welcome protocol.Welcome
			host.decode(lastOf(host, protocol.TypeWelcome), &welcome)
			matchID := welcome.Lobby.Match
			require.NotEmpty(t, matchID)
			if host.view.Phase != game.PhaseOver {
				status, body := getJSON(t, srv.url+"/api/matches/"+matchID)
				assert.Equal(t, http.StatusConflict, status, "%s", body)
				assert.Contains(t, string(body), string(protocol.CodeMatchRunning))
			}

			// The game goes on to its end.
			winner, reason := playFor(t, game.KirovPurged, host, delegates, []*wireClient{spectator})
			t.Logf("after the restart the game went on to session %d: %s (%s)", host.view.Session, winner, reason)
			assert.NotEqual(t, game.NotOver, reason)
			for _, c := range everyone {
				c.sync()
				assert.Equal(t, game.PhaseOver, c.view.Phase, c.name)
				assert.Empty(t, wireAudit(c), c.name)
			}
			// Now the file opens: the whole log, every role; the lobby is
			// private, so its match is not in the public list.
			status, body := getJSON(t, srv.url+"/api/matches/"+matchID)
			require.Equal(t, http.StatusOK, status, "%s", body)
			var file protocol.MatchFile
			require.NoError(t, json.Unmarshal(body, &file))
			assert.Equal(t, created.Code, file.Lobby)
			assert.Len(t, file.Names, 7)
			assert.Equal(t, reason, file.Reason)
			require.NotEmpty(t, file.Log)
			last := file.Log[len(file.Log)-1]
			assert.Equal(t, game.EvGameOver, last.Kind)
			assert.Len(t, last.Roles, 7, "every role is in the file")
			status, body = getJSON(t, srv.url+"/api/matches")
			require.Equal(t, http.StatusOK, status)
			var list protocol.MatchList
			require.NoError(t, json.Unmarshal(body, &list))
			assert.Zero(t, list.Total)
			assert.Empty(t, list.Matches)
			stopNode(t, srv, syscall.SIGTERM)
		})
	}
}

// snap is the client's current view (as JSON) and the chat it was given
// in its last Welcome or since.
func snap(t *testing.T, c *wireClient) snapshot {
	t.Helper()
	require.NotNil(t, c.view, c.name)
	v, err := json.Marshal(c.view)
	require.NoError(t, err)
	var chat []protocol.ChatLine
	for _, m := range c.messages() {
		switch m.Type {
		case protocol.TypeWelcome:
			var w protocol.Welcome
			c.decode(m, &w)
			chat = w.Chat
		case protocol.TypeChat:
			var l protocol.ChatLine
			c.decode(m, &l)
			chat = append(chat, l)
		}
	}
	return snapshot{view: v, chat: chat}
}

func texts(lines []protocol.ChatLine) []string {
	var out []string
	for _, l := range lines {
		out = append(out, l.Channel.String()+": "+l.Name+": "+l.Text)
	}
	return out
}

// firstOther is the lowest living seat not in skip.
func firstOther(v *game.View, skip []int) int {
	for _, s := range v.Seats {
		if s.Alive && !slices.Contains(skip, s.Seat) {
			return s.Seat
		}
	}
	return game.NoSeat
}

// TestDamagedDataDirectory: a data directory that cannot be used stops
// the server with a message saying what is wrong and what to do.
func TestDamagedDataDirectory(t *testing.T) {
	t.Parallel()
	bin := buildCongress(t)
	data := filepath.Join(t.TempDir(), "data")
	addr := freeLoopback(t)
	srv := runNode(t, bin, addr, "--data", data)
	created := srv.createLobby(t, protocol.CreateLobby{Name: "Anna"})
	require.NotEmpty(t, created.Code)
	stopNode(t, srv, syscall.SIGTERM)

	require.NoError(t, os.RemoveAll(filepath.Join(data, "jetstream")))
	cmd := exec.Command(bin, "--listen", addr, "--data", data)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	require.Error(t, err, "the server started on a damaged data directory")
	msg := out.String()
	assert.Contains(t, msg, "damaged")
	assert.Contains(t, msg, "move it aside")
	_, err = http.Get("http://" + addr + "/healthz")
	assert.Error(t, err, "nothing listens")
}

// lastOf is the last message of type tp the client received.
func lastOf(c *wireClient, tp protocol.Type) wireMsg {
	c.t.Helper()
	msgs := c.messages()
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Type == tp {
			return msgs[i]
		}
	}
	c.t.Fatalf("%s received no %s", c.name, tp)
	return wireMsg{}
}

func getJSON(t *testing.T, url string) (int, []byte) {
	t.Helper()
	res, err := http.Get(url)
	require.NoError(t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res.StatusCode, body
}

// startNATS runs a NATS server with JetStream listening on a loopback
// port, as an operator's own NATS would be, and returns its URL.
func startNATS(t *testing.T) string {
	t.Helper()
	ns, err := natsserver.NewServer(&natsserver.Options{
		Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: t.TempDir(), NoSigs: true, NoLog: true,
	})
	require.NoError(t, err)
	ns.Start()
	require.True(t, ns.ReadyForConnections(10*time.Second), "nats-server did not start")
	t.Cleanup(ns.Shutdown)
	return ns.ClientURL()
}
