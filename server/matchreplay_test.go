package server

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/game"
	"congress/protocol"
	"congress/server/store"
)

// randomMatch plays one game through the server: a host and bots with
// settings drawn from r, the host now and then pausing the clock (and
// resuming it at the next change) or hurrying a phase other than the
// Debate.
// It returns the match's ID, the host's seat and every message the host
// was sent, raw, in order.
func (e *env) randomMatch(r *rand.Rand) (id string, seat int, sent []msg) {
	e.t.Helper()
	cfg := game.DefaultConfig()
	cfg.OpenBallot = r.IntN(2) == 0
	cfg.Investigator = r.IntN(3) > 0
	cfg.Reveal = game.Reveal(r.IntN(3))
	cfg.PlotterChat = game.PlotterChat(r.IntN(2))
	cfg.PurgedSeeRoles = r.IntN(2) == 0
	s := protocol.SettingsOf(cfg, 5)
	s.DebateSeconds, s.ChairPickSeconds, s.DefenceSeconds, s.VoteSeconds = 1, 1, 1, 1
	s.ConfessionSeconds, s.NightSeconds, s.FinalBallotSeconds = 1, 1, 1
	status, body := e.post("/api/lobbies", protocol.CreateLobby{Name: "Anna", Public: r.IntN(2) == 0, Settings: &s})
	require.Equal(e.t, http.StatusCreated, status, "%s", body)
	var cr protocol.Created
	require.NoError(e.t, json.Unmarshal(body, &cr))
	host := e.dial(nil)
	host.send(protocol.Resume{Lobby: cr.Code, Token: cr.Token})
	host.welcome()
	for range game.MinSeats - 1 + r.IntN(game.MaxSeats-game.MinSeats+1) {
		host.ok(protocol.Host{Action: protocol.HostAddBot})
	}
	started := host.ok(protocol.Host{Action: protocol.HostStart})
	sent = append(sent, started...)
	deadline := time.After(60 * time.Second)
	for over := false; !over; {
		select {
		case <-deadline:
			e.t.Fatal("the game did not end")
		default:
		}
		m, before := host.until(protocol.TypeGame)
		sent = append(append(sent, before...), m)
		var g protocol.Game
		decode(e.t, m, &g)
		switch {
		case g.View.Phase == game.PhaseOver:
			over = true
		case g.View.Paused:
			host.send(protocol.Act{Kind: game.CmdResume})
		case r.IntN(10) == 0:
			host.send(protocol.Act{Kind: game.CmdPause})
		case g.View.Phase != game.PhaseDebate && r.IntN(2) == 0:
			host.send(protocol.Act{Kind: game.CmdEndPhase})
		}
	}
	sent = append(sent, host.sync()...)
	st := e.replayed(cr.Code)
	id, seat = st.Match.ID, st.Member(cr.You).Seat
	return id, seat, sent
}

// fileOf waits for the history to have match id over, and returns its file.
func (e *env) fileOf(id string) protocol.MatchFile {
	e.t.Helper()
	var body []byte
	require.Eventually(e.t, func() bool {
		var status int
		status, body = e.get("/api/matches/" + id)
		return status == http.StatusOK
	}, 10*time.Second, 20*time.Millisecond, "match %s filed", id)
	var f protocol.MatchFile
	require.NoError(e.t, json.Unmarshal(body, &f))
	return f
}

// replayOf is GET /api/matches/{id}/replay as viewer.
func (e *env) replayOf(id, viewer string) protocol.Replay {
	e.t.Helper()
	status, body := e.get("/api/matches/" + id + "/replay?viewer=" + viewer)
	require.Equal(e.t, http.StatusOK, status, "%s", body)
	var r protocol.Replay
	require.NoError(e.t, json.Unmarshal(body, &r))
	return r
}

// TestMatchFilesReplayToTheirLogs plays random games through the server
// and replays each finished match's file through the engine: the file
// verifies, its log is the lobby's event for event, the replay from
// above holds every event in order, and the replay from the host's seat
// holds exactly the log lines the host was sent, in order. The seed is
// in no message the host got before the end, and the commitment the host
// was shown at the deal is the seed's.
func TestMatchFilesReplayToTheirLogs(t *testing.T) {
	st := openStore(t)
	e := newEnv(t, func(o *Options) { o.Matches = st })
	games := 4
	if testing.Short() {
		games = 1
	}
	for i := range games {
		r := rand.New(rand.NewPCG(uint64(i), 14))
		id, seat, sent := e.randomMatch(r)
		f := e.fileOf(id)
		pauses := 0
		for _, s := range f.Steps {
			if s.Command != nil && s.Command.Kind == game.CmdPause {
				pauses++
			}
		}
		t.Logf("game %d: %d seats, %d steps (%d pauses), %d events, %s (%s)", i, len(f.Names), len(f.Steps), pauses, len(f.Log), f.Winner, f.Reason)

		assert.Equal(t, protocol.MatchFormat, f.Format)
		checked, err := protocol.Verify(&f)
		require.NoError(t, err, "game %d", i)
		assert.Len(t, checked.Checks, 4)

		g := e.replayed(f.Lobby).Match.Game
		live, _ := g.Log(game.Everyone, 0)
		steps := g.Steps()
		assert.Equal(t, mustJSON(t, live), mustJSON(t, f.Log), "game %d: the file's log is the lobby's", i)
		assert.Equal(t, mustJSON(t, steps), mustJSON(t, f.Steps), "game %d: the file's steps are the game's", i)

		all := e.replayOf(id, "all")
		require.Len(t, all.Steps, len(f.Steps)+1, "game %d: the deal and every step", i)
		var seen []game.Event
		for k, s := range all.Steps {
			assert.Equal(t, k-1, s.Index)
			seen = append(seen, s.Events...)
		}
		assert.Equal(t, mustJSON(t, f.Log), mustJSON(t, seen), "game %d: every event from above", i)
		assert.Equal(t, game.PhaseOver, all.Steps[len(all.Steps)-1].View.Phase)

		// What the host's seat saw, live and in the replay. The message
		// that ends the game carries the whole log, secret lines included;
		// the lines before it are what the seat saw while the game ran.
		var hostLog, wholeLog []game.Event
		seed := f.Seed.String()
		for _, m := range sent {
			var g protocol.Game
			if m.Type == protocol.TypeGame {
				decode(t, m, &g)
			}
			if g.View.Phase == game.PhaseOver {
				wholeLog = g.Log
				break
			}
			assert.NotContains(t, string(m.Raw), seed, "game %d: the seed before the end, in %s", i, m.Raw)
			hostLog = append(hostLog, g.Log...)
		}
		require.NotEmpty(t, wholeLog, "game %d: the end reached the host", i)
		assert.Equal(t, mustJSON(t, f.Log), mustJSON(t, wholeLog), "game %d: the host got the file's log at the end", i)
		require.NotEmpty(t, hostLog)
		assert.Equal(t, f.Commitment, hostLog[0].Commitment, "game %d: the deal's commitment", i)
		assert.Equal(t, seed, wholeLog[len(wholeLog)-1].Seed, "game %d: the seed at the end", i)
		lv := lastLobby(t, sent[:1+slices.IndexFunc(sent, func(m msg) bool { return m.Type == protocol.TypeLobby })])
		require.NotNil(t, lv)
		assert.Equal(t, f.Commitment, lv.Commitment, "game %d: the lobby shows the commitment from the start", i)
		assert.Empty(t, lv.Seed)
		lv = lastLobby(t, sent)
		require.NotNil(t, lv)
		assert.Equal(t, protocol.LobbyOver, lv.State)
		assert.Equal(t, seed, lv.Seed, "game %d: the lobby shows the seed once over", i)

		mine := e.replayOf(id, strconv.Itoa(seat))
		seen = nil
		for _, s := range mine.Steps[:len(mine.Steps)-1] {
			assert.Nil(t, s.Command, "a seat's replay shows events, not commands")
			seen = append(seen, s.Events...)
		}
		if !assert.Equal(t, len(hostLog), len(seen), "game %d", i) || mustJSON(t, hostLog) != mustJSON(t, seen) {
			t.Errorf("game %d: the host's seat saw in the replay other lines than it was sent", i)
		}
		last := mine.Steps[len(mine.Steps)-1]
		assert.Equal(t, game.PhaseOver, last.View.Phase)
		assert.Equal(t, game.EvGameOver, last.Events[len(last.Events)-1].Kind)

		gallery := e.replayOf(id, "gallery")
		for _, s := range gallery.Steps[:len(gallery.Steps)-1] {
			assert.Nil(t, s.View.You)
			for _, sv := range s.View.Seats {
				if cfg := f.Config; cfg.Reveal == game.RevealNothing {
					assert.Empty(t, sv.Role, "game %d: the gallery saw a role", i)
				}
			}
		}
	}
}

// TestReplayRequestsValidated: the replay's viewer is checked, a running
// match is refused, and a match filed before files kept their steps is
// said to have no replay.
func TestReplayRequestsValidated(t *testing.T) {
	st := openStore(t)
	e := newEnv(t, func(o *Options) { o.Matches = st })
	id := e.botGame(false)
	f := e.fileOf(id)

	old := strings.Replace(string(protocol.EncodeMatch(protocol.MatchFile{ID: "6ba7b810-9dad-11d1-80b4-00c04fd430c8", Log: f.Log, Names: f.Names})), `"format":2`, `"format":0`, 1)
	require.NoError(t, st.FinishMatch(t.Context(), storeMatch("6ba7b810-9dad-11d1-80b4-00c04fd430c8"), []byte(old)))
	running := "6ba7b810-9dad-11d1-80b4-00c04fd430c9"
	require.NoError(t, st.PutMatch(t.Context(), storeMatch(running)))

	tests := []struct {
		path       string
		wantStatus int
		wantCode   protocol.Code
		wantIn     string
	}{
		{"/api/matches/" + id + "/replay", 200, "", `"viewer":"all"`},
		{"/api/matches/" + id + "/replay?viewer=all", 200, "", `"viewer":"all"`},
		{"/api/matches/" + id + "/replay?viewer=gallery", 200, "", `"viewer":"gallery"`},
		{"/api/matches/" + id + "/replay?viewer=0", 200, "", `"viewer":"0"`},
		{"/api/matches/" + id + "/replay?viewer=6", 200, "", `"you":{"seat":6`},
		{"/api/matches/" + id + "/replay?viewer=7", 400, protocol.CodeBadParameter, "seat from 0 to 6"},
		{"/api/matches/" + id + "/replay?viewer=-1", 400, protocol.CodeBadParameter, "viewer"},
		{"/api/matches/" + id + "/replay?viewer=01", 400, protocol.CodeBadParameter, "viewer"},
		{"/api/matches/" + id + "/replay?viewer=everyone", 400, protocol.CodeBadParameter, "viewer"},
		{"/api/matches/" + id + "/replay?viewer=9999999999999999999999", 400, protocol.CodeBadParameter, "viewer"},
		{"/api/matches/6ba7b810-9dad-11d1-80b4-00c04fd430c8/replay", 404, protocol.CodeNoReplay, "cannot be replayed"},
		{"/api/matches/" + running + "/replay", 409, protocol.CodeMatchRunning, ""},
		{"/api/matches/" + running + "/file", 409, protocol.CodeMatchRunning, ""},
		{"/api/matches/6ba7b810-9dad-11d1-80b4-00c04fd430ca/replay", 404, protocol.CodeNotFound, ""},
		{"/api/matches/not-an-id/replay", 404, protocol.CodeNotFound, ""},
		{"/api/matches/not-an-id/file", 404, protocol.CodeNotFound, ""},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			status, body := e.get(tt.path)
			assert.Equal(t, tt.wantStatus, status, "%s", body)
			if tt.wantCode != "" {
				var p protocol.Problem
				require.NoError(t, json.Unmarshal(body, &p), "%s", body)
				assert.Equal(t, tt.wantCode, p.Code)
			}
			assert.Contains(t, string(body), tt.wantIn)
		})
	}

	t.Run("the replay compressed", func(t *testing.T) {
		req, err := http.NewRequest(http.MethodGet, e.http.URL+"/api/matches/"+id+"/replay", nil)
		require.NoError(t, err)
		req.Header.Set("Accept-Encoding", "gzip")
		res, err := http.DefaultTransport.RoundTrip(req)
		require.NoError(t, err)
		defer res.Body.Close()
		assert.Equal(t, "gzip", res.Header.Get("Content-Encoding"))
		zipped, err := io.ReadAll(res.Body)
		require.NoError(t, err)
		zr, err := gzip.NewReader(bytes.NewReader(zipped))
		require.NoError(t, err)
		plain, err := io.ReadAll(zr)
		require.NoError(t, err)
		var r protocol.Replay
		require.NoError(t, json.Unmarshal(plain, &r))
		assert.Len(t, r.Steps, len(f.Steps)+1)
		t.Logf("the replay of %d steps: %d KiB, %d KiB compressed", len(r.Steps), len(plain)>>10, len(zipped)>>10)
		assert.Less(t, len(zipped)*5, len(plain))
	})
	t.Run("the file as a download", func(t *testing.T) {
		res, err := http.Get(e.http.URL + "/api/matches/" + id + "/file")
		require.NoError(t, err)
		defer res.Body.Close()
		assert.Equal(t, http.StatusOK, res.StatusCode)
		assert.Equal(t, fmt.Sprintf(`attachment; filename="congress-match-%s.json"`, id), res.Header.Get("Content-Disposition"))
		var got protocol.MatchFile
		require.NoError(t, json.NewDecoder(res.Body).Decode(&got))
		assert.Equal(t, mustJSON(t, f), mustJSON(t, got))
	})
}

// storeMatch is a match summary for the history, filed by hand.
func storeMatch(id string) store.Match {
	return store.Match{ID: id, Lobby: "ABCDEF", Started: time.Now(), Seats: []string{"Anna"}}
}

// TestMatchFileKeepsTheGamesChat: the lines said while the game runs are
// in the match file, in order, each after the last step applied when it
// was said; the lobby's lines before the game and after its end are not.
// The replay from the host's seat shows the host's public lines.
func TestMatchFileKeepsTheGamesChat(t *testing.T) {
	st := openStore(t)
	e := newEnv(t, func(o *Options) { o.Matches = st })
	s := protocol.SettingsOf(game.DefaultConfig(), 5)
	s.DebateSeconds, s.ChairPickSeconds, s.DefenceSeconds, s.VoteSeconds = 1, 1, 1, 1
	s.ConfessionSeconds, s.NightSeconds, s.FinalBallotSeconds = 1, 1, 1
	cr := e.create("Anna", &s)
	host := e.dial(nil)
	host.send(protocol.Resume{Lobby: cr.Code, Token: cr.Token})
	host.welcome()
	for range 4 {
		host.ok(protocol.Host{Action: protocol.HostAddBot})
	}
	host.ok(protocol.Say{Channel: game.ChannelPublic, Text: "before the game"})
	host.ok(protocol.Host{Action: protocol.HostStart})

	steps := func() int {
		return e.replayed(cr.Code).Match.Game.NumSteps()
	}
	type said struct {
		text          string
		after, before int // the steps applied just before and just after
	}
	var lines []said
	deadline := time.After(60 * time.Second)
	for {
		m, _ := host.until(protocol.TypeGame)
		var g protocol.Game
		decode(t, m, &g)
		if g.View.Phase == game.PhaseOver {
			break
		}
		if slices.Contains(g.View.Write, game.ChannelPublic) && len(lines) < 3 {
			text := fmt.Sprintf("line %d", len(lines))
			before := steps()
			if _, r := host.do(protocol.Say{Channel: game.ChannelPublic, Text: text}); r == nil {
				lines = append(lines, said{text: text, after: before, before: steps()})
			}
		}
		select {
		case <-deadline:
			t.Fatal("the game did not end")
		default:
		}
	}
	require.NotEmpty(t, lines, "the host spoke during the game")
	host.ok(protocol.Say{Channel: game.ChannelPublic, Text: "after the game"})
	after := e.replayed(cr.Code)
	id := after.Match.ID

	f := e.fileOf(id)
	// The journal makes the same chat again: a lobby restored mid-game
	// files it whole.
	require.Len(t, after.Match.Chat, len(f.Chat))
	for i, c := range after.Match.Chat {
		assert.Equal(t, f.Chat[i], protocol.MatchChat{Step: c.Step, Line: c.Line.Wire()})
	}
	require.Len(t, f.Chat, len(lines), "only the lines said during the game: %+v", f.Chat)
	for i, l := range lines {
		got := f.Chat[i]
		assert.Equal(t, l.text, got.Line.Text)
		assert.Equal(t, "Anna", got.Line.Name)
		assert.Equal(t, game.ChannelPublic, got.Line.Channel)
		assert.GreaterOrEqual(t, got.Step, l.after-1, "%q follows the steps applied before it", l.text)
		assert.LessOrEqual(t, got.Step, l.before-1, "%q precedes the steps applied after it", l.text)
	}
	var heard []string
	for _, st := range e.replayOf(id, "0").Steps {
		for _, l := range st.Chat {
			heard = append(heard, l.Text)
		}
	}
	want := make([]string, len(lines))
	for i, l := range lines {
		want[i] = l.text
	}
	assert.Equal(t, want, heard, "the replay from a seat shows the floor's lines")
}
