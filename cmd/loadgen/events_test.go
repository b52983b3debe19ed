package main

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"congress/game"
	"congress/protocol"
)

// randomEvent sets every field of an event at random, as the server may
// send it.
func randomEvent(rng *rand.Rand) game.Event {
	ints := func() []int {
		switch n := rng.IntN(4); n {
		case 0:
			return nil
		default:
			s := make([]int, n-1)
			for i := range s {
				s[i] = rng.IntN(30) - 2
			}
			return s
		}
	}
	names := []string{"Anna", "Boris <b>", "Ёлка 🎄", "quote\"d", "tab\there", "d7"}
	e := game.Event{
		Kind: game.EventKind(rng.IntN(int(game.EvVoteOpened) + 1)), Session: rng.IntN(6), Phase: game.Phase(rng.IntN(3)),
		Seat: rng.IntN(13) - 1, Target: rng.IntN(13) - 1, Seats: ints(), Count: rng.IntN(3), Drawn: rng.IntN(2) == 0,
		Purge: rng.IntN(2) == 0, Source: game.Source(rng.IntN(2)), PurgeCount: rng.IntN(3), SpareCount: rng.IntN(3),
		Strikes: ints(), Faction: game.Faction(rng.IntN(3)), Role: game.Role(rng.IntN(5)), Winner: game.Faction(rng.IntN(3)),
		Reason: game.WinReason(rng.IntN(2)),
		At:     time.Unix(1.7e9+rng.Int64N(1e8), rng.Int64N(1e9)).UTC(),
	}
	for range rng.IntN(3) {
		e.Names = append(e.Names, names[rng.IntN(len(names))])
		e.Votes = append(e.Votes, game.SeatVote{Seat: rng.IntN(12), Purge: rng.IntN(2) == 0})
		e.Roles = append(e.Roles, game.Role(rng.IntN(5)))
	}
	seed := game.SeedOf(rng.Uint64())
	if rng.IntN(3) == 0 {
		e.Commitment = seed.Commitment()
	}
	if rng.IntN(3) == 0 {
		e.Seed = seed.String()
	}
	return e
}

// TestDecodeEvents: decodeEvents reads what encoding/json reads from the
// server's messages, and leaves to it (false) what it does not take.
func TestDecodeEvents(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	fast := 0
	for i := range 2000 {
		var evs []game.Event
		if i%10 != 0 {
			evs = []game.Event{}
			for range rng.IntN(4) {
				evs = append(evs, randomEvent(rng))
			}
		}
		data := protocol.Encode(protocol.TypeGame, protocol.Game{Log: evs})
		want, err := gameLog[game.Event](data)
		require.NoError(t, err)
		got, err := delegateLog(data)
		require.NoError(t, err)
		require.Equal(t, mustJSON(t, want), mustJSON(t, got), "%s", data)
		if _, ok := decodeEvents(data[bytes.LastIndex(data, logKey)+len(logKey):]); ok {
			fast++
		}
	}
	require.Greater(t, fast, 1000, "most messages take the fast path")
}

func mustJSON(t testing.TB, v any) string {
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

// FuzzDecodeEvents: whatever decodeEvents takes, encoding/json takes too,
// with the same result.
func FuzzDecodeEvents(f *testing.F) {
	for _, s := range []string{`[]`, `null`, `[{"kind":"voted","at":"2026-01-01T00:00:00Z","session":1,"phase":"debate","seat":2,"target":-1}]`,
		`[{"kind":"game_over","at":"2026-01-01T00:00:00.5+01:00","session":1,"phase":"over","seat":0,"target":0,"roles":["kirov"],"votes":[{"seat":1,"purge":true}],"names":["A"],"seats":[1,-0]}]`,
		`[{"seat":01}]`, `[{"seat":1.5}]`, `[{"kind":"nope"}]`, `[{"Seat":3}]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, ok := decodeEvents(data)
		if !ok {
			return
		}
		var want []game.Event
		if err := json.Unmarshal(data[:endOfValue(t, data)], &want); err != nil {
			t.Fatalf("%s: decodeEvents took what encoding/json refuses: %v", data, err)
		}
		if mustJSON(t, want) != mustJSON(t, got) {
			t.Fatalf("%s: got %s, want %s", data, mustJSON(t, got), mustJSON(t, want))
		}
	})
}

// endOfValue is the length of the JSON value data starts with.
func endOfValue(t *testing.T, data []byte) int {
	dec := json.NewDecoder(bytes.NewReader(data))
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		t.Fatalf("%s: decodeEvents took what encoding/json refuses: %v", data, err)
	}
	return int(dec.InputOffset())
}

// BenchmarkDecodeEvents reads a delegate's log at the start of a game,
// by the scanner and by encoding/json.
func BenchmarkDecodeEvents(b *testing.B) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 123456789, time.UTC)
	g, _, err := game.New(game.DefaultConfig(), []string{"Anna", "Boris", "Clara", "Dmitri", "Elena", "Fyodor", "Galina", "Hanna", "Igor", "Jana"}, 7, now)
	require.NoError(b, err)
	for range 40 {
		now = now.Add(3 * time.Second)
		g.Advance(now)
	}
	evs, _ := g.Log(game.SeatViewer(1), 0)
	data := protocol.Encode(protocol.TypeGame, protocol.Game{View: g.View(game.SeatViewer(1)), Log: evs, Now: now})
	log := data[bytes.LastIndex(data, logKey)+len(logKey):]
	b.Logf("%d events, %d bytes", len(evs), len(log))
	_, ok := decodeEvents(log)
	require.True(b, ok)
	b.Run("scanner", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			decodeEvents(log)
		}
	})
	b.Run("encoding/json", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			_, _ = gameLog[game.Event](data)
		}
	})
}
