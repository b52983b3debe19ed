package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/bot"
	"congress/game"
	"congress/protocol"
)

// played is the file of a whole game the bots play on the engine, from
// a seed as the server draws them.
func played(t *testing.T) protocol.MatchFile {
	t.Helper()
	var seed game.Seed
	for i := range seed {
		seed[i] = byte(31 * i)
	}
	players := []string{"Anna", "Boris", "Clara", "Dmitri", "Elena", "Fyodor", "Galina"}
	start := time.Date(1934, time.February, 10, 10, 0, 0, 0, time.UTC)
	cfg := game.DefaultConfig()
	g, _, err := game.NewSeeded(cfg, players, seed, start)
	require.NoError(t, err)
	_, err = bot.Play(g, bot.ForCamps(g, bot.Normal, bot.Normal, 7), start)
	require.NoError(t, err)
	f := protocol.MatchFileOf(g, seed, players)
	f.ID, f.Lobby, f.Settings = "86d46b9d-bc23-4e3a-aac9-b17572e1aee3", "K7QXM2", protocol.SettingsOf(cfg, 5)
	// Through the wire, as a download gives it.
	var out protocol.MatchFile
	require.NoError(t, json.Unmarshal(protocol.EncodeMatch(f), &out))
	return out
}

func runVerify(t *testing.T, f any) (int, string, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "match.json")
	b, ok := f.([]byte)
	if !ok {
		var err error
		b, err = json.Marshal(f)
		require.NoError(t, err)
	}
	require.NoError(t, os.WriteFile(path, b, 0o600))
	var stdout, stderr bytes.Buffer
	code := verify([]string{path}, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestVerifyAcceptsAPlayedMatch(t *testing.T) {
	f := played(t)
	code, out, errs := runVerify(t, f)
	require.Equal(t, 0, code, "%s%s", out, errs)
	assert.Empty(t, errs)
	for _, want := range []string{
		"match 86d46b9d-bc23-4e3a-aac9-b17572e1aee3 (lobby K7QXM2), 7 delegates, format 2",
		"ok   commitment: SHA-256(seed " + f.Seed.String() + ") = " + f.Commitment,
		"ok   deal: 7 seats",
		fmt.Sprintf("ok   steps: %d steps replayed, making the file's %d events exactly", len(f.Steps), len(f.Log)),
		fmt.Sprintf("ok   ending: %s win (%s)", f.Winner, f.Reason),
		"verified",
	} {
		assert.Contains(t, out, want)
	}
}

// TestVerifyNamesTheFirstMismatch tampers with a played match's file in
// each way a cheat might, and verify names what differs first.
func TestVerifyNamesTheFirstMismatch(t *testing.T) {
	base := played(t)
	firstOf := func(f *protocol.MatchFile, k game.EventKind) int {
		i := slices.IndexFunc(f.Log, func(e game.Event) bool { return e.Kind == k })
		require.GreaterOrEqual(t, i, 0, "no %s in the log", k)
		return i
	}
	// A Plotter and a Loyalist of the deal.
	plotter := slices.Index(base.Roles, game.Plotter)
	loyal := slices.Index(base.Roles, game.Loyalist)
	require.True(t, plotter >= 0 && loyal >= 0)
	denounce := slices.IndexFunc(base.Steps, func(s game.Step) bool {
		return s.Command != nil && s.Command.Kind == game.CmdDenounce
	})
	require.GreaterOrEqual(t, denounce, 0)

	tests := []struct {
		name   string
		tamper func(f *protocol.MatchFile)
		want   string
	}{
		{
			name: "a role swapped",
			tamper: func(f *protocol.MatchFile) {
				f.Roles = slices.Clone(f.Roles)
				f.Roles[plotter], f.Roles[loyal] = f.Roles[loyal], f.Roles[plotter]
				over := &f.Log[len(f.Log)-1]
				over.Roles = slices.Clone(f.Roles)
			},
			want: fmt.Sprintf("the deal: seat %d (%s) is %s in the file, %s by the engine",
				min(plotter, loyal), base.Names[min(plotter, loyal)], base.Roles[max(plotter, loyal)], base.Roles[min(plotter, loyal)]),
		},
		{
			name: "a role swapped in the last line only",
			tamper: func(f *protocol.MatchFile) {
				over := &f.Log[len(f.Log)-1]
				over.Roles = slices.Clone(over.Roles)
				over.Roles[plotter], over.Roles[loyal] = over.Roles[loyal], over.Roles[plotter]
			},
			want: fmt.Sprintf("event %d (game_over)", len(base.Log)-1),
		},
		{
			name: "an event changed",
			tamper: func(f *protocol.MatchFile) {
				i := firstOf(f, game.EvDenounced)
				f.Log[i].Target = (f.Log[i].Target + 1) % len(f.Names)
				if f.Log[i].Target == f.Log[i].Seat {
					f.Log[i].Target = (f.Log[i].Target + 1) % len(f.Names)
				}
			},
			want: fmt.Sprintf("event %d (denounced), made at step %d (by denounce of seat", firstOf(&base, game.EvDenounced), denounce),
		},
		{
			name: "a command removed",
			tamper: func(f *protocol.MatchFile) {
				f.Steps = slices.Delete(slices.Clone(f.Steps), denounce, denounce+1)
			},
			want: fmt.Sprintf("step %d", denounce),
		},
		{
			name:   "another seed",
			tamper: func(f *protocol.MatchFile) { f.Seed[0] ^= 1 },
			want:   "the commitment: the seed's SHA-256 is",
		},
		{
			name: "another seed, committed to afresh",
			tamper: func(f *protocol.MatchFile) {
				f.Seed[0] ^= 1
				f.Commitment = f.Seed.Commitment()
				f.Log[0].Commitment = f.Commitment
			},
			want: "the deal: seat",
		},
		{
			name:   "a commitment the deal did not publish",
			tamper: func(f *protocol.MatchFile) { f.Log[0].Commitment = game.SeedOf(1).Commitment() },
			want:   "the commitment: the log's game_started published",
		},
		{
			name:   "another winner",
			tamper: func(f *protocol.MatchFile) { f.Winner = 3 - f.Winner },
			want:   "the ending: the file says",
		},
		{
			name:   "a line added",
			tamper: func(f *protocol.MatchFile) { f.Log = append(slices.Clone(f.Log), f.Log[len(f.Log)-1]) },
			want:   fmt.Sprintf("event %d (game_over) of the file's log is not made by the engine", len(base.Log)),
		},
		{
			name:   "the last steps cut",
			tamper: func(f *protocol.MatchFile) { f.Steps = f.Steps[:len(f.Steps)-1] },
			want:   "the ending: after the file's",
		},
		{
			name:   "other settings",
			tamper: func(f *protocol.MatchFile) { f.Config.Threshold++ },
			want:   "the settings",
		},
		{
			name:   "a file of a newer format",
			tamper: func(f *protocol.MatchFile) { f.Format = protocol.MatchFormat + 1 },
			want:   "the file is in format 3, newer than the 2 this program reads",
		},
		{
			name:   "a file of the old format",
			tamper: func(f *protocol.MatchFile) { f.Format = 0 },
			want:   "the file is in format 0",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := played(t)
			tt.tamper(&f)
			code, out, errs := runVerify(t, f)
			assert.Equal(t, 1, code, "%s", out)
			assert.Contains(t, errs, tt.want)
			assert.Contains(t, out, "FAIL ")
			assert.Contains(t, out, tt.want)
			assert.NotContains(t, out, "verified")
		})
	}
}

func TestVerifyUsage(t *testing.T) {
	var stdout, stderr bytes.Buffer
	assert.Equal(t, 2, verify(nil, &stdout, &stderr))
	assert.Contains(t, stderr.String(), "usage: congress verify MATCH.json")
	assert.Equal(t, 2, verify([]string{filepath.Join(t.TempDir(), "none.json")}, &stdout, &stderr))
	code, _, errs := runVerify(t, []byte("not json"))
	assert.Equal(t, 2, code)
	assert.Contains(t, errs, "is not a match file")
}
