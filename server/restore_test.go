package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
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
	"congress/server/store"
)

// restoreAt is the time the made-up logs of these tests were written.
var restoreAt = time.Date(1934, 2, 10, 12, 0, 0, 0, time.UTC)

// created is the first record of a lobby hosted by Anna.
func created(at time.Time) Record {
	_, hash := newToken()
	return Record{Kind: RecCreated, At: at, Member: "d1", Name: "Anna", TokenHash: hash, Settings: quickSettings()}
}

// appendRaw stores data as lobby's next record, bypassing the journal:
// what a journal wrote before it could be stopped, or a damaged record.
func appendRaw(t testing.TB, st *store.Store, lobby string, data []byte) {
	t.Helper()
	recs, err := st.Load(context.Background(), lobby)
	require.NoError(t, err)
	var last uint64
	if len(recs) > 0 {
		last = recs[len(recs)-1].Seq
	}
	_, err = st.Append(context.Background(), lobby, fmt.Sprintf("%s-raw-%d", lobby, last), data, last)
	require.NoError(t, err)
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

// logBuffer collects a server's log lines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestRestoreAllManyLobbies: a start reopens more lobbies than JetStream
// lets one account hold consumers (1,000).
func TestRestoreAllManyLobbies(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	j := NewNATSJournal(st)
	const lobbies = 1100
	for i := range lobbies {
		require.NoError(t, j.Append(ctx, fmt.Sprintf("R%05d", i), created(restoreAt)))
	}
	e := newEnv(t, func(o *Options) { o.Journal = NewNATSJournal(st) })
	n, err := e.srv.RestoreAll(ctx)
	require.NoError(t, err)
	assert.Equal(t, lobbies, n)
	assert.Len(t, e.srv.lobbies.all(), lobbies)
}

// TestRestoreAllDropsClosedLog: the server stopped between a lobby's
// closed record and the drop of its log; the next start finishes the
// drop and serves the other lobbies.
func TestRestoreAllDropsClosedLog(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	appendRaw(t, st, "CXSDAA", mustJSON(t, created(restoreAt)))
	appendRaw(t, st, "CXSDAA", mustJSON(t, Record{Kind: RecClosed, At: restoreAt.Add(time.Minute)}))
	appendRaw(t, st, "PENDAA", mustJSON(t, created(restoreAt)))

	e := newEnv(t, func(o *Options) { o.Journal = NewNATSJournal(st) })
	n, err := e.srv.RestoreAll(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.NotNil(t, e.srv.lobbies.get("PENDAA"))
	assert.Nil(t, e.srv.lobbies.get("CXSDAA"))
	codes, err := st.Lobbies(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"PENDAA"}, codes, "the closed lobby's log is gone")

	// And the next start is as clean.
	e2 := newEnv(t, func(o *Options) { o.Journal = NewNATSJournal(st) })
	e.srv.Close(ctx)
	n, err = e2.srv.RestoreAll(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
}

// TestRestoreAllQuarantinesDamagedLog: a log whose record does not
// replay, and one whose record cannot be read, are kept aside with an
// ERROR line and a metric; their players are told; the rest is served.
func TestRestoreAllQuarantinesDamagedLog(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	appendRaw(t, st, "BRKNAA", mustJSON(t, created(restoreAt)))
	// An act with no game running: it fails replay.
	appendRaw(t, st, "BRKNAA", mustJSON(t, Record{Kind: RecAct, At: restoreAt, Command: &game.Command{Kind: game.CmdReady}}))
	appendRaw(t, st, "GRBDAA", mustJSON(t, created(restoreAt)))
	appendRaw(t, st, "GRBDAA", []byte(`{"kind":`))
	appendRaw(t, st, "HTHYAA", mustJSON(t, created(restoreAt)))

	var logs logBuffer
	e := newEnv(t, func(o *Options) {
		o.Journal = NewNATSJournal(st)
		o.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	})
	n, err := e.srv.RestoreAll(ctx)
	require.NoError(t, err, "one lobby's damage does not stop the start")
	assert.Equal(t, 1, n)
	require.NotNil(t, e.srv.lobbies.get("HTHYAA"))

	for _, code := range []string{"BRKNAA", "GRBDAA"} {
		var line string
		for l := range strings.Lines(logs.String()) {
			if strings.Contains(l, "lobby="+code) && strings.Contains(l, "level=ERROR") {
				line = l
			}
		}
		assert.NotEmpty(t, line, "an ERROR line names %s", code)
		found, err := st.Exists(ctx, code)
		require.NoError(t, err)
		assert.True(t, found, "the log of %s is kept", code)

		c := e.dial(nil)
		c.send(protocol.Watch{Lobby: code})
		r := c.expectError(protocol.CodeLobbyDamaged)
		assert.Contains(t, r.Message, "open a new lobby")
	}

	res, err := http.Get(e.http.URL + "/metrics")
	require.NoError(t, err)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	assert.Contains(t, string(body), "\ncongress_lobbies_quarantined 2\n")

	ok := e.dial(nil)
	ok.send(protocol.Watch{Lobby: "HTHYAA"})
	ok.welcome()
}
