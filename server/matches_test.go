package server

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/game"
	"congress/protocol"
)

// post sends a JSON body and returns the status and the body read.
func (e *env) post(path string, body any) (int, []byte) {
	e.t.Helper()
	b, err := json.Marshal(body)
	require.NoError(e.t, err)
	res, err := http.Post(e.http.URL+path, "application/json", bytes.NewReader(b))
	require.NoError(e.t, err)
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res.StatusCode, out
}

// get returns the status and the body of a GET.
func (e *env) get(path string) (int, []byte) {
	e.t.Helper()
	res, err := http.Get(e.http.URL + path)
	require.NoError(e.t, err)
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res.StatusCode, out
}

// botGame opens a lobby, seats a host and six bots, and plays a game
// with one-second timers to its end, the host hurrying every phase but
// the Debate. It returns the match's ID.
func (e *env) botGame(public bool) string {
	e.t.Helper()
	host, code := e.botLobby(public, 6)
	lv := lastLobby(e.t, host.ok(protocol.Host{Action: protocol.HostStart}))
	require.NotNil(e.t, lv)
	host.hurryToTheEnd()
	id := e.replayed(code).Match.ID
	require.NotEmpty(e.t, id)
	return id
}

// botLobby opens a lobby with one-second timers and seats its host and
// bots: the host, resumed, and the lobby's code.
func (e *env) botLobby(public bool, bots int) (*client, string) {
	e.t.Helper()
	s := protocol.SettingsOf(game.DefaultConfig(), 5)
	s.DebateSeconds, s.ChairPickSeconds, s.DefenceSeconds, s.VoteSeconds = 1, 1, 1, 1
	s.ConfessionSeconds, s.NightSeconds, s.FinalBallotSeconds = 1, 1, 1
	status, body := e.post("/api/lobbies", protocol.CreateLobby{Name: "Anna", Public: public, Settings: &s})
	require.Equal(e.t, http.StatusCreated, status, "%s", body)
	var cr protocol.Created
	require.NoError(e.t, json.Unmarshal(body, &cr))
	host := e.dial(nil)
	host.send(protocol.Resume{Lobby: cr.Code, Token: cr.Token})
	host.welcome()
	for range bots {
		host.ok(protocol.Host{Action: protocol.HostAddBot})
	}
	return host, cr.Code
}

// hurryToTheEnd has the host end every phase but the Debate until the
// game is over.
func (c *client) hurryToTheEnd() {
	c.t.Helper()
	deadline := time.After(60 * time.Second)
	for {
		select {
		case <-deadline:
			c.t.Fatal("the game did not end")
		default:
		}
		g := c.game()
		if g.View.Phase == game.PhaseOver {
			return
		}
		if g.View.Phase != game.PhaseDebate {
			c.send(protocol.Act{Kind: game.CmdEndPhase})
		}
	}
}

// TestPrivateMatchesAreNotListed: the archive lists the matches of
// public lobbies only; a private lobby's match, its file and its replay
// open by its ID alone.
func TestPrivateMatchesAreNotListed(t *testing.T) {
	st := openStore(t)
	e := newEnv(t, func(o *Options) { o.Matches = st })
	public, private := e.botGame(true), e.botGame(false)

	var list protocol.MatchList
	require.Eventually(t, func() bool {
		status, body := e.get("/api/matches")
		require.Equal(t, http.StatusOK, status, "%s", body)
		require.NoError(t, json.Unmarshal(body, &list))
		return list.Total > 0
	}, 5*time.Second, 20*time.Millisecond)
	require.Len(t, list.Matches, 1)
	assert.Equal(t, public, list.Matches[0].ID)
	assert.Equal(t, 1, list.Total)

	for _, id := range []string{public, private} {
		for _, path := range []string{"", "/file", "/replay", "/replay?viewer=gallery"} {
			status, body := e.get("/api/matches/" + id + path)
			assert.Equal(t, http.StatusOK, status, "%s: %.200s", path, body)
		}
	}
}

// TestMatchRequestsValidated: a bad page, page size or match ID is
// answered 400 naming the parameter or 404, never 500 or a panic, and
// neither they nor any other request leave a line in the log at info.
func TestMatchRequestsValidated(t *testing.T) {
	st := openStore(t)
	var logs bytes.Buffer
	var mu sync.Mutex
	e := newEnv(t, func(o *Options) {
		o.Matches = st
		o.Logger = slog.New(slog.NewTextHandler(&lockedWriter{w: &logs, mu: &mu}, &slog.HandlerOptions{Level: slog.LevelInfo}))
	})
	tests := []struct {
		path       string
		wantStatus int
		wantCode   protocol.Code
		wantIn     string
	}{
		{"/api/matches", 200, "", `"per_page":20`},
		{"/api/matches?page=3&per_page=100", 200, "", `"per_page":100`},
		{"/api/matches?page=9223372036854775807", 400, protocol.CodeBadParameter, "page"},
		{"/api/matches?page=99999999999999999999", 400, protocol.CodeBadParameter, "page"},
		{"/api/matches?page=-1", 400, protocol.CodeBadParameter, "page"},
		{"/api/matches?page=one", 400, protocol.CodeBadParameter, "page"},
		{"/api/matches?per_page=0", 400, protocol.CodeBadParameter, "per_page"},
		{"/api/matches?per_page=200", 400, protocol.CodeBadParameter, "per_page"},
		{"/api/matches/*", 404, protocol.CodeNotFound, ""},
		{"/api/matches/%3E", 404, protocol.CodeNotFound, ""},
		{"/api/matches/%2E%2E", 404, protocol.CodeNotFound, ""},
		{"/api/matches/a%20b", 404, protocol.CodeNotFound, ""},
		{"/api/matches/a.b", 404, protocol.CodeNotFound, ""},
		{"/api/matches/" + strings.Repeat("f", 64), 404, protocol.CodeNotFound, ""},
		{"/api/matches/{6ba7b810-9dad-11d1-80b4-00c04fd430c8}", 404, protocol.CodeNotFound, ""},
		{"/api/matches/6ba7b810-9dad-11d1-80b4-00c04fd430c8", 404, protocol.CodeNotFound, ""},
		{"/api/matches/6ba7b810-9dad-11d1-80b4-00c04fd430c8/replay?viewer=3", 404, protocol.CodeNotFound, ""},
		{"/api/matches/6ba7b810-9dad-11d1-80b4-00c04fd430c8/file", 404, protocol.CodeNotFound, ""},
		{"/api/matches/%3E/replay", 404, protocol.CodeNotFound, ""},
		{"/api/lobbies/ZZZZZZ", 404, protocol.CodeUnknownLobby, ""},
		{"/", 200, "", "<html"},
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
	mu.Lock()
	defer mu.Unlock()
	assert.Empty(t, logs.String())
}

// lockedWriter serialises writes from several goroutines.
type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
