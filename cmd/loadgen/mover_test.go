package main

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/game"
)

// TestMoversSendOnlyWhatViewsList: the load generator works out no
// legality of its own. In random games straight on the engine, every
// mover is shown its view at every step, paused or not, whether it may
// act or not; every command it decides on is one that view lists, with a
// listed target and vote, and the engine accepts it, and the event that
// logs it is the one the lobby's flight waits for.
func TestMoversSendOnlyWhatViewsList(t *testing.T) {
	start := time.Date(1934, time.February, 10, 10, 0, 0, 0, time.UTC)
	for _, name := range movers {
		t.Run(name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(3, 5))
			decided := map[game.CommandKind]int{}
			for i := range 24 {
				cfg := game.DefaultConfig()
				cfg.Threshold = 1 + rng.IntN(3)
				cfg.OpenBallot = rng.IntN(2) == 0
				seats := game.MinSeats + i%(game.MaxSeats-game.MinSeats+1)
				players := make([]string, seats)
				for s := range players {
					players[s] = fmt.Sprintf("Delegate %d", s+1)
				}
				g, _, err := game.New(cfg, players, uint64(i), start)
				require.NoError(t, err)
				ms := make([]mover, seats)
				next := make([]int, seats)
				for s := range ms {
					ms[s] = newMover(name, s, uint64(i))
				}
				now := start
				for steps := 0; !g.Over(); steps++ {
					require.Less(t, steps, 20000, "game %d does not end", i)
					if rng.IntN(30) == 0 {
						k := game.CmdPause
						if g.Paused() {
							k = game.CmdResume
						}
						_, err := g.Apply(game.Command{Kind: k, Seat: game.NoSeat}, now)
						require.NoError(t, err)
					}
					acted := false
					for s, m := range ms {
						if g.Over() {
							break
						}
						ev, n := g.Log(game.SeatViewer(s), next[s])
						next[s] = n
						m.Observe(ev)
						v := g.View(game.SeatViewer(s))
						c, ok := m.Decide(v, now)
						if !ok {
							continue
						}
						require.True(t, v.Allows(c), "game %d: seat %d decided %+v, not listed in %+v", i, s, c, v.Actions)
						evs, err := g.Apply(c, now)
						require.NoError(t, err, "game %d: seat %d decided %+v", i, s, c)
						require.True(t, c.Logged(evs[0]), "game %d: %+v logged by %+v", i, c, evs[0])
						decided[c.Kind]++
						acted = true
					}
					switch {
					case acted:
					case g.Paused():
						_, err := g.Apply(game.Command{Kind: game.CmdResume, Seat: game.NoSeat}, now)
						require.NoError(t, err)
					default:
						now, _ = g.NextDeadline()
						g.Advance(now)
					}
				}
			}
			for _, k := range []game.CommandKind{game.CmdDenounce, game.CmdReady, game.CmdPurgeVote, game.CmdLetter, game.CmdStrike} {
				assert.Positive(t, decided[k], "no %v decided", k)
			}
		})
	}
}
