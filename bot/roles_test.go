package bot

import (
	"slices"
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

// TestReportsAreWeighedWhenTheyMayBeFalse: the Investigator takes a report
// as certain only when no double and no Yagoda is dealt. With one of them
// in play, a report of "Plotter" makes its seat more suspect, not a
// certain Plotter, and a report of "Loyalist" less suspect, not cleared;
// with Yagoda, whose Normal bot falsifies the first report he can, the
// game's first report says nothing either way.
func TestReportsAreWeighedWhenTheyMayBeFalse(t *testing.T) {
	const seats = 10
	tests := []struct {
		name    string
		roles   []game.Role
		certain bool
	}{
		{"base game", nil, true},
		{"Tukhachevsky", []game.Role{game.Tukhachevsky}, true},
		{"Bukharin", []game.Role{game.Bukharin}, false},
		{"Zinoviev", []game.Role{game.Zinoviev}, false},
		{"Yagoda", []game.Role{game.Yagoda}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rules := &game.Rules{Threshold: 2}
			for _, r := range tt.roles {
				rules.Roles = append(rules.Roles, game.RoleCount{Role: r, Count: 1})
			}
			v := game.View{Plotters: 4, Investigator: true, Rules: rules, Seats: make([]game.SeatView, seats)}
			for i := range v.Seats {
				v.Seats[i].Alive = true
			}
			v.You = &game.You{Seat: 0, Faction: game.Loyalists, Role: game.Investigator,
				Investigations: []game.Investigation{{Session: 1, Target: 5, Faction: game.Loyalists}, {Session: 2, Target: 3, Faction: game.Plotters}}}
			b := New(0, Normal, 1)
			b.sync(v)
			p := b.private()
			other := p[7] // a seat with no report
			if tt.certain {
				assert.InDelta(t, 1, p[3], 1e-9)
				assert.InDelta(t, 0, p[5], 1e-9)
				return
			}
			assert.Less(t, p[3], 1.0)
			assert.Greater(t, p[3], other+0.1)
			assert.Greater(t, p[5], 0.0)
			if slices.Contains(tt.roles, game.Yagoda) {
				assert.InDelta(t, other, p[5], 1e-9, "the first report, Yagoda's to falsify")
			} else {
				assert.Less(t, p[5], other-0.1)
			}
		})
	}
}

// TestNikolaevNamesWhoFollowedTheCongress: at every count that deals Koba
// and Nikolaev, Koba hiding marks exactly as the Congress's suspicion
// alone would (the board's reading of him departs nowhere), and Nikolaev
// names, among the Loyalists, one who departed from it least, and among
// those one who marked most often.
func TestNikolaevNamesWhoFollowedTheCongress(t *testing.T) {
	t.Parallel()
	cfg := game.DefaultConfig()
	cfg.Roles = game.Roles(game.Koba, game.Nikolaev)
	shots := 0
	for seats := 7; seats <= game.MaxSeats; seats++ {
		for k := range 40 {
			seed := uint64(seats*1000 + k)
			g, _, err := game.New(cfg, names(seats), seed, start)
			require.NoError(t, err)
			bots := ForCamps(g, Normal, Normal, seed)
			_, err = Play(g, bots, start)
			require.NoError(t, err)
			d := bots[0].brd
			require.NotNil(t, d.marked, "the board reads who follows the Congress when the Last Shot is in play")
			log, _ := g.Log(game.Everyone, 0)
			named := -1
			for _, e := range log {
				if e.Kind == game.EvShot {
					named = e.Target
				}
			}
			v := g.View(game.Everyone)
			departs := func(i int) int { return d.marked[i] - d.followed[i] }
			fewest, most := -1, -1
			for i, s := range v.Seats {
				if s.Role.Faction() != game.Loyalists {
					continue
				}
				if s.Role == game.Koba {
					assert.Zero(t, departs(i), "Koba at %d seats, seed %d", seats, seed)
				}
				if fewest < 0 || departs(i) < fewest {
					fewest, most = departs(i), -1
				}
				if departs(i) == fewest {
					most = max(most, d.followed[i])
				}
			}
			if named < 0 {
				continue
			}
			shots++
			assert.Equal(t, fewest, departs(named), "the shot at %d seats, seed %d", seats, seed)
			assert.Equal(t, most, d.followed[named], "the shot at %d seats, seed %d", seats, seed)
		}
	}
	require.Greater(t, shots, 50, "enough Last Shots to judge")
}

// TestNormalInvestigatorConcealsInSomeGames: at nine seats a Normal
// Investigator plays Hard's concealFinds in about one game in four,
// drawn once a game; at the counts beside it, never.
func TestNormalInvestigatorConcealsInSomeGames(t *testing.T) {
	t.Parallel()
	for _, seats := range []int{8, 9, 10} {
		games, concealed := 0, 0
		for k := range 200 {
			seed := uint64(9100 + k)
			g, _, err := game.New(game.DefaultConfig(), names(seats), seed, start)
			require.NoError(t, err)
			bots := ForCamps(g, Normal, Normal, seed)
			_, err = Play(g, bots, start)
			require.NoError(t, err)
			log, _ := g.Log(game.Spectator, 0)
			for i, r := range log[len(log)-1].Roles {
				if r != game.Investigator {
					continue
				}
				games++
				switch bots[i].mixed {
				case 1:
					concealed++
				case 0:
					require.NotEqual(t, 9, seats, "seed %d: the Investigator never drew whether to conceal", seed)
				}
			}
		}
		require.Positive(t, games, "%d seats deal an Investigator", seats)
		share := float64(concealed) / float64(games)
		t.Logf("%d seats: the Investigator concealed in %d of %d games", seats, concealed, games)
		if seats == 9 {
			assert.InDelta(t, 0.25, share, 0.08)
		} else {
			assert.Zero(t, concealed)
		}
	}
}
