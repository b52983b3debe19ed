package game

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestLoggedAndAudience: in random games, the first event of every
// command Apply accepts is the one Command.Logged names, and no other of
// its events is; and the viewers whose log shows that event are exactly
// those View.Audience names from the actor's view before the command
// (the spectators too when it says all).
func TestLoggedAndAudience(t *testing.T) {
	games := 40
	if raceDetector || testing.Short() {
		games = 16
	}
	applied := map[CommandKind]int{}
	for i := range games {
		r := rand.New(rand.NewPCG(uint64(i), 31))
		cfg, players, seed := randomSetup(r)
		g, _, err := New(cfg, players, seed, t0)
		require.NoError(t, err)
		now := t0
		for n := 0; !g.Over(); n++ {
			st := randomStep(r, g, now)
			if n >= 400 {
				st = finishStep(g, now)
			}
			now = st.At
			if st.Advance {
				st.run(g)
				continue
			}
			c := st.Cmd
			var seats []int
			all := true
			if !c.Kind.HostOnly() && c.Seat >= 0 && c.Seat < len(g.seats) {
				v := g.View(SeatViewer(c.Seat))
				seats, all = v.Audience(c)
			}
			mark := g.LogLen()
			evs, err := st.run(g)
			if err != nil {
				continue
			}
			applied[c.Kind]++
			require.True(t, c.Logged(evs[0]), "game %d: %+v is logged by %+v", i, c, evs[0])
			for _, e := range evs[1:] {
				require.False(t, c.Logged(e), "game %d: %+v logged twice, by %+v too", i, c, e)
			}
			var saw []int
			spectator := false
			for _, v := range viewers(g) {
				log, _ := g.Log(v, mark)
				if len(log) > 0 && reflect.DeepEqual(log[0], evs[0]) {
					if v.IsSeat() {
						saw = append(saw, v.Seat)
					} else {
						spectator = true
					}
				}
			}
			if g.Over() {
				continue // then everyone sees everything
			}
			if all {
				require.True(t, spectator, "game %d: %+v", i, c)
				require.Len(t, saw, len(g.seats), "game %d: %+v", i, c)
			} else {
				require.False(t, spectator, "game %d: %+v", i, c)
				require.Equal(t, seats, saw, "game %d: %+v", i, c)
			}
		}
	}
	for k := CmdDenounce; k <= lastCommand; k++ {
		require.Positive(t, applied[k], "no %v applied", k)
	}
	require.False(t, Command{Kind: lastCommand + 1}.Logged(Event{}))
	require.False(t, slices.ContainsFunc([]Event{{Kind: EvStruck, Seat: 2, Target: NoSeat}}, Command{Kind: CmdStrike, Seat: 1}.Logged))
}
