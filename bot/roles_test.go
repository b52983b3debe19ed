package bot

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/game"
)

// fitRoles is roles less those the table of seats cannot take.
func fitRoles(roles game.RoleSet, seats int) game.RoleSet {
	cfg := game.DefaultConfig()
	cfg.Roles = roles
	return cfg.FitRoles(seats)
}

// TestBotsPlayTheCongressRoles: at every count, with each Congress role
// alone (Nikolaev with Koba) and with all of them, bots of both strengths
// play games to their end with only accepted commands (Play stops at a
// refused one).
func TestBotsPlayTheCongressRoles(t *testing.T) {
	t.Parallel()
	sets := []game.RoleSet{
		game.Roles(game.Koba), game.Roles(game.Koba, game.Nikolaev), game.Roles(game.Bukharin),
		game.Roles(game.Zinoviev), game.Roles(game.Tukhachevsky), game.Roles(game.Yagoda), game.AllRoles,
	}
	mixes := [][2]Strength{{Easy, Easy}, {Easy, Normal}, {Normal, Easy}, {Normal, Normal}, {Hard, Hard}}
	reasons := map[game.WinReason]int{}
	for seats := game.MinSeats; seats <= game.MaxSeats; seats++ {
		for si, set := range sets {
			cfg := game.DefaultConfig()
			cfg.Roles = fitRoles(set, seats)
			for mi, mix := range mixes {
				_, r := play(t, cfg, seats, mix[0], mix[1], uint64(seats*1000+si*10+mi))
				reasons[r.Reason]++
			}
		}
	}
	assert.Positive(t, reasons[game.KobaShot], "Nikolaev finds Koba now and then: %v", reasons)
}

// TestKobaIsNotFoundTooOften: Normal bots at ten seats with Koba and
// Nikolaev: Koba steers without showing what he knows, so that when the
// Last Shot comes Nikolaev names him no more than twice as often as a name
// drawn at random among the Loyalists would (a Koba who played on his
// knowledge openly was named in every Last Shot).
func TestKobaIsNotFoundTooOften(t *testing.T) {
	if testing.Short() {
		t.Skip("plays many games; run without -short")
	}
	t.Parallel()
	cfg := game.DefaultConfig()
	cfg.Roles = game.Roles(game.Koba, game.Nikolaev)
	const seats = 10
	shots, hits := 0, 0
	for k := range 400 {
		g, r := play(t, cfg, seats, Normal, Normal, uint64(90000+k))
		log, _ := g.Log(game.Everyone, 0)
		for _, e := range log {
			if e.Kind == game.EvLastShot {
				shots++
			}
		}
		if r.Reason == game.KobaShot {
			hits++
		}
	}
	loyalists := seats - cfg.PlottersFor(seats)
	require.Greater(t, shots, 50, "enough Last Shots to judge")
	rate, chance := float64(hits)/float64(shots), 1/float64(loyalists)
	t.Logf("Nikolaev found Koba in %d of %d Last Shots (%.1f%%; chance %.1f%%)", hits, shots, 100*rate, 100*chance)
	assert.LessOrEqual(t, rate, 2*chance)
	assert.Positive(t, hits)
}
