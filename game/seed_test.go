package game

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSeedText(t *testing.T) {
	var s Seed
	for i := range s {
		s[i] = byte(i)
	}
	tests := []struct {
		name    string
		in      string
		want    Seed
		wantErr bool
	}{
		{name: "zero", in: strings.Repeat("0", 64)},
		{name: "bytes in order", in: "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", want: s},
		{name: "upper case", in: "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F", want: s},
		{name: "short", in: strings.Repeat("0", 62), wantErr: true},
		{name: "long", in: strings.Repeat("0", 66), wantErr: true},
		{name: "not hex", in: strings.Repeat("g", 64), wantErr: true},
		{name: "empty", in: "", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got Seed
			err := got.UnmarshalText([]byte(tt.in))
			if tt.wantErr {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, strings.ToLower(tt.in), got.String())
		})
	}
}

func TestSeedCommitment(t *testing.T) {
	// SHA-256 of 32 zero bytes, as any SHA-256 tool gives it.
	assert.Equal(t, "66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925", Seed{}.Commitment())
	a, b := SeedOf(1), SeedOf(2)
	assert.NotEqual(t, a.Commitment(), b.Commitment())
	assert.Len(t, a.Commitment(), 64)
}

// TestSeedOfDealsAsBefore pins the deals New made from a number before
// seeds had 32 bytes: a journal written then replays to the same game.
func TestSeedOfDealsAsBefore(t *testing.T) {
	tests := []struct {
		seed  uint64
		deal  string
		first string
		chair int
	}{
		{1, "LKPILLL", "B", 4},
		{42, "LKLLLIP", "B", 4},
		{1 << 60, "LLPKLLI", "A", 6},
	}
	for _, tt := range tests {
		g, _, err := New(DefaultConfig(), []string{"A", "B", "C", "D", "E", "F", "G"}, tt.seed, t0)
		require.NoError(t, err)
		assert.Equal(t, tt.deal, deal(g), "seed %d", tt.seed)
		assert.Equal(t, tt.first, g.Name(0), "seed %d", tt.seed)
		assert.Equal(t, tt.chair, g.chair, "seed %d", tt.seed)
	}
}

// TestEverySeedByteDeals: every byte of a seed is drawn on, so a seed
// differing anywhere deals differently (over enough seats to tell).
func TestEverySeedByteDeals(t *testing.T) {
	players := []string{"A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L"}
	var base Seed
	for i := range base {
		base[i] = byte(7 * i)
	}
	g, _, err := NewSeeded(DefaultConfig(), players, base, t0)
	require.NoError(t, err)
	order := func(g *Game) string {
		var b strings.Builder
		for i := range g.Seats() {
			b.WriteString(g.Name(i))
		}
		return b.String() + deal(g)
	}
	want := order(g)
	for i := range base {
		s := base
		s[i] ^= 1
		h, _, err := NewSeeded(DefaultConfig(), players, s, t0)
		require.NoError(t, err)
		assert.NotEqual(t, want, order(h), "byte %d", i)
	}
}

func TestCommitmentAndSeedInTheLog(t *testing.T) {
	seed := SeedOf(99)
	g, events, err := NewSeeded(DefaultConfig(), []string{"A", "B", "C", "D", "E"}, seed, t0)
	require.NoError(t, err)
	require.Equal(t, EvGameStarted, events[0].Kind)
	assert.Equal(t, seed.Commitment(), events[0].Commitment)
	assert.Empty(t, events[0].Seed)
	for !g.Over() {
		dl, _ := g.NextDeadline()
		g.Advance(dl)
	}
	all, _ := g.Log(Spectator, 0)
	over := all[len(all)-1]
	require.Equal(t, EvGameOver, over.Kind)
	assert.Equal(t, seed.String(), over.Seed)
	for _, e := range all[:len(all)-1] {
		assert.Empty(t, e.Seed, "%s", e.Kind)
	}
}

// TestReplayRebuildsRandomGames plays random games and rebuilds each
// from its steps alone: the same log, event for event, and the same
// views at the end.
func TestReplayRebuildsRandomGames(t *testing.T) {
	games := 40
	if raceDetector || testing.Short() {
		games = 5
	}
	for i := range games {
		r := rand.New(rand.NewPCG(uint64(i), 31))
		cfg, players, n := randomSetup(r)
		g, _, err := New(cfg, players, n, t0)
		require.NoError(t, err)
		now := t0
		for k := 0; !g.Over(); k++ {
			st := randomStep(r, g, now)
			if k >= 400 {
				st = finishStep(g, now)
			}
			now = st.At
			_, _ = st.run(g)
		}
		calls := 0
		h, err := Replay(cfg, players, SeedOf(n), t0, g.Steps(), func(*Game, int, []Event) { calls++ })
		require.NoError(t, err, "game %d", i)
		assert.Equal(t, len(g.Steps())+1, calls, "game %d: a call for the deal and each step", i)
		assert.Equal(t, asJSON(g.log), asJSON(h.log), "game %d", i)
		assert.Equal(t, asJSON(g.Steps()), asJSON(h.Steps()), "game %d", i)
		for _, v := range append(viewers(g), Everyone) {
			assert.Equal(t, asJSON(g.View(v)), asJSON(h.View(v)), "game %d viewer %+v", i, v)
		}
	}
}

func TestReplayRefusesABrokenRecord(t *testing.T) {
	players := names[:6]
	seed := SeedOf(5)
	g, _, err := NewSeeded(DefaultConfig(), players, seed, t0)
	require.NoError(t, err)
	_, err = g.Apply(denounce(1, 2), t0)
	require.NoError(t, err)
	_, err = g.Apply(denounce(3, 2), t0)
	require.NoError(t, err)
	dl, _ := g.NextDeadline()
	require.NotEmpty(t, g.Advance(dl))
	steps := g.Steps()
	require.Len(t, steps, 3)
	_, err = Replay(g.cfg, players, seed, t0, steps, nil)
	require.NoError(t, err)

	t.Run("a command the rules refuse", func(t *testing.T) {
		bad := slices.Clone(steps)
		bad[1] = Step{At: bad[1].At, Command: &Command{Kind: CmdStrike, Seat: 1, Target: 2}}
		_, err := Replay(g.cfg, players, seed, t0, bad, nil)
		require.ErrorContains(t, err, "step 1 (strike)")
	})
	t.Run("an advance before any deadline", func(t *testing.T) {
		bad := []Step{{At: t0}}
		_, err := Replay(g.cfg, players, seed, t0, bad, nil)
		require.ErrorContains(t, err, "step 0: no deadline had passed")
	})
}

func TestEveryoneSeesEverything(t *testing.T) {
	tb := rig(t, DefaultConfig(), "KPILLL", 0)
	tb.toNight()
	tb.do(letter(0, 2), investigate(2, 0))
	all := tb.g.View(Everyone)
	for i, s := range all.Seats {
		assert.Equal(t, tb.g.seats[i].role, s.Role, "seat %d", i)
	}
	assert.Nil(t, all.You)
	assert.Empty(t, all.Actions)
	evs, _ := tb.g.Log(Everyone, 0)
	assert.Equal(t, asJSON(tb.g.log), asJSON(evs), "every event, secret ones included")
	spec, _ := tb.g.Log(Spectator, 0)
	assert.Less(t, len(spec), len(evs))
}

func asJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}
