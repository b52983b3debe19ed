package game

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// randomGames is how many random games the determinism test plays, and
// every how many of them it also checks every view of every state as JSON
// for every viewer (the costly part: JSON, and decoding it into maps).
// -short plays fewer; CI (-race, not -short) plays the race count.
func randomGames() (games, viewEvery int) {
	switch {
	case testing.Short():
		return 200, 40
	case raceDetector:
		return 150, 30
	}
	return 2000, 20
}

// sameGame is reflect.DeepEqual on two games whose logs are already known
// to be equal before index from: it compares every other field in full and
// the logs from there on, so that comparing after every step stays linear.
func sameGame(a, b *Game, from int) bool {
	if len(a.log) < from || len(b.log) < from {
		return false
	}
	ca, cb := *a, *b
	ca.log, cb.log = a.log[from:], b.log[from:]
	ca.view, cb.view = viewCache{}, viewCache{} // no part of the state
	return reflect.DeepEqual(&ca, &cb)
}

// TestRandomGames plays random games with random legal and illegal
// commands, time jumps, pauses and host EndPhase, and checks that
//   - replaying the record (sent through JSON, as a match log is stored)
//     into a fresh game gives the same state (reflect.DeepEqual), the same
//     events and the same refusals after every step, and the same views,
//     as JSON, for every viewer in every state reached;
//   - a refused command changes nothing;
//   - no view and no log sent to any viewer in any state reached holds a
//     fact RULES.md §5 hides from that viewer.
func TestRandomGames(t *testing.T) {
	games, viewEvery := randomGames()
	var steps, refused, states, viewed int
	for i := range games {
		r := rand.New(rand.NewPCG(uint64(i), 1934))
		cfg, players, seed := randomSetup(r)
		a, evA, err := New(cfg, players, seed, t0)
		require.NoError(t, err)
		var record []step
		// The replay sees only the record: the same header and each step
		// as it is recorded.
		b, evB, err := New(cfg, players, seed, t0)
		require.NoError(t, err)
		require.Equal(t, evA, evB)
		views := i%viewEvery == 0

		now := t0
		cursors := make([]int, len(players)+2)
		last := make([][]byte, len(players)+2)
		if views {
			checkViews(t, a, b, cursors, last)
		}
		for n := 0; !a.Over(); n++ {
			if n >= 5000 {
				t.Fatalf("game %d does not end", i)
			}
			var st step
			if n < 400 {
				st = randomStep(r, a, now)
			} else {
				st = finishStep(a, now)
			}
			now = st.At
			record = append(record, st)

			from := len(a.log)
			gotA, errA := st.run(a)
			gotB, errB := record[n].run(b)
			if !reflect.DeepEqual(errA, errB) || !reflect.DeepEqual(gotA, gotB) || !sameGame(a, b, from) {
				t.Fatalf("game %d step %d (%+v): the replay differs", i, n, st)
			}
			steps++
			if errA != nil {
				refused++
				if len(a.log) != from {
					t.Fatalf("game %d step %d: a refused command logged something", i, n)
				}
				continue // nothing happened: the views are those already checked
			}
			if st.Advance && gotA == nil {
				continue // no deadline passed: nothing happened
			}
			states++
			if views {
				viewed++
				checkViews(t, a, b, cursors, last)
			}
		}
		require.True(t, sameGame(a, b, 0), "game %d: states differ", i)

		// A last replay from scratch of the record as a match log stores
		// it, through JSON, without looking at anything on the way.
		data, err := json.Marshal(record)
		require.NoError(t, err)
		var stored []step
		require.NoError(t, json.Unmarshal(data, &stored))
		c, _, err := New(cfg, players, seed, t0)
		require.NoError(t, err)
		for _, st := range stored {
			_, _ = st.run(c)
		}
		require.True(t, sameGame(a, c, 0), "game %d: replay from scratch differs", i)

		// After the game every viewer sees the whole log.
		for _, v := range viewers(a) {
			log, _ := a.Log(v, 0)
			require.Len(t, log, len(a.log))
		}
	}
	t.Logf("%d games, %d steps, %d refused, %d states; views and logs of every viewer checked in %d states of %d games",
		games, steps, refused, states, viewed, (games+viewEvery-1)/viewEvery)
	require.Greater(t, refused, steps/10, "too few illegal commands tried")
	require.Less(t, refused, steps/2, "too few legal commands tried")
}

// checkViews compares every viewer's view of a and b as JSON and checks
// it, and the log events new since the last state, for leaks. A view
// whose bytes have not changed since the last state was checked then.
func checkViews(t *testing.T, a, b *Game, cursors []int, last [][]byte) {
	for k, v := range viewers(a) {
		ja, err := json.Marshal(a.View(v))
		if err != nil {
			t.Fatal(err)
		}
		jb, err := json.Marshal(b.View(v))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(ja, jb) {
			t.Fatalf("views differ for viewer %d:\n%s\n%s", v.Seat, ja, jb)
		}
		if view := a.View(v); !full(view) {
			t.Fatalf("viewer %d in %s: a list of the view has room to append in place: %+v", v.Seat, a.phase, view)
		}
		if !bytes.Equal(ja, last[k]) {
			if err := checkView(a, v, ja); err != nil {
				t.Fatalf("viewer %d in %s: %v\n%s", v.Seat, a.phase, err, ja)
			}
			last[k] = ja
		}
		evs, next := a.Log(v, cursors[k])
		if len(evs) > 0 {
			jl, err := json.Marshal(evs)
			if err != nil {
				t.Fatal(err)
			}
			if err := checkLog(a, v, jl); err != nil {
				t.Fatalf("viewer %d: %v\n%s", v.Seat, err, jl)
			}
		}
		cursors[k] = next
	}
}

// full reports whether every list of a view is full to its capacity, so
// that a caller who appends to one copies it rather than writing into
// memory other views share.
func full(v View) bool {
	ok := cap(v.Tied) == len(v.Tied) && cap(v.Seats) == len(v.Seats) &&
		cap(v.Denunciations) == len(v.Denunciations) && cap(v.FinalCount) == len(v.FinalCount) &&
		cap(v.Actions) == len(v.Actions) && cap(v.HostActions) == len(v.HostActions) &&
		cap(v.Write) == len(v.Write) && cap(v.Read) == len(v.Read)
	for _, a := range v.Actions {
		ok = ok && cap(a.Targets) == len(a.Targets) && cap(a.Purge) == len(a.Purge)
	}
	if r := v.Rules; r != nil {
		ok = ok && cap(r.Roles) == len(r.Roles)
	}
	if b := v.Ballot; b != nil {
		ok = ok && cap(b.Votes) == len(b.Votes)
	}
	if y := v.You; y != nil {
		ok = ok && cap(y.Investigations) == len(y.Investigations) && cap(y.Bloc) == len(y.Bloc) &&
			cap(y.Proposals) == len(y.Proposals) && cap(y.Known().OfBloc) == len(y.Known().OfBloc)
	}
	return ok
}

// TestWholeLogsHaveNoLeaks checks Log(viewer, 0) in full at every step of
// some random games, in case an old event ever became visible when it
// should not (the test above reads only the new ones).
func TestWholeLogsHaveNoLeaks(t *testing.T) {
	games := 8
	if raceDetector || testing.Short() {
		games = 1
	}
	walkRandomGames(t, games, 17, func(g *Game, i int, _ bool) {
		for _, v := range viewers(g) {
			evs, _ := g.Log(v, 0)
			jl, err := json.Marshal(evs)
			require.NoError(t, err)
			require.NoError(t, checkLog(g, v, jl), "game %d viewer %d", i, v.Seat)
		}
	})
}

func TestLeakCheckerCatchesLeaks(t *testing.T) {
	tb := rig(t, DefaultConfig(), six, 3)
	tb.denounceAll(4, 0, 1)
	tb.readyAll()
	tb.expire()
	tb.do(vote(0, true))
	marshal := func(v any) []byte {
		data, err := json.Marshal(v)
		require.NoError(t, err)
		return data
	}
	loyal := SeatViewer(3)
	require.NoError(t, checkView(tb.g, loyal, marshal(tb.g.View(loyal))))

	tests := []struct {
		name   string
		doctor func(*View)
	}{
		{"Kirov's role", func(v *View) { v.Seats[0].Role = Kirov }},
		{"a Plotter's faction", func(v *View) { v.Seats[1].Faction = Plotters }},
		{"a false own role", func(v *View) { v.You.Role = Plotter }},
		{"the bloc", func(v *View) { v.You.Bloc = []int{0, 1} }},
		{"an early ballot", func(v *View) { v.Ballot = &Ballot{Accused: 4} }},
		{"another's vote as one's own", func(v *View) { p := true; v.You.Vote = &p }},
		{"proposals", func(v *View) { v.You.Proposals = []Proposal{{0, 3}} }},
		{"investigations", func(v *View) { v.You.Investigations = []Investigation{{1, 0, Plotters}} }},
		{"final count", func(v *View) { v.FinalCount = []int{1, 0, 0, 0, 0, 0} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			view := tb.g.View(loyal)
			tt.doctor(&view)
			require.Error(t, checkView(tb.g, loyal, marshal(view)))
		})
	}
	t.Run("log", func(t *testing.T) {
		all := tb.g.log // what only the end of the game may show
		require.Error(t, checkLog(tb.g, loyal, marshal(all)))
		evs, _ := tb.g.Log(loyal, 0)
		require.NoError(t, checkLog(tb.g, loyal, marshal(evs)))
		extra := append(evs, Event{Kind: EvStruck, Seat: 0, Target: 3})
		require.Error(t, checkLog(tb.g, loyal, marshal(extra)))
		extra = append(evs, Event{Kind: EvPurged, Target: 1, Role: Plotter, Faction: Plotters})
		require.Error(t, checkLog(tb.g, loyal, marshal(extra)))
		extra = append(evs, Event{Kind: EvPaused, Seed: tb.g.seed.String()})
		require.ErrorContains(t, checkLog(tb.g, loyal, marshal(extra)), "seed")
		extra = append(evs, Event{Kind: EvPaused, Commitment: tb.g.seed.String()})
		require.ErrorContains(t, checkLog(tb.g, loyal, marshal(extra)), "seed", "the seed under any key")
	})
	t.Run("the seed in a view", func(t *testing.T) {
		view := tb.g.View(loyal)
		seats := make([]SeatView, len(view.Seats))
		copy(seats, view.Seats)
		seats[0].Name = tb.g.seed.String()
		view.Seats = seats
		require.ErrorContains(t, checkView(tb.g, loyal, marshal(view)), "seed")
	})
	_ = time.Second
}

// TestViewInIsView checks that a view built in lent memory is the view,
// at every step of some random games, for every viewer, with one buffer
// lent again and again (so that nothing from an earlier view survives
// into a later one), and that it allocates nothing of the viewer's own.
func TestViewInIsView(t *testing.T) {
	games := 8
	if raceDetector || testing.Short() {
		games = 2
	}
	var buf ViewBuf
	walkRandomGames(t, games, 23, func(g *Game, i int, _ bool) {
		for _, v := range viewers(g) {
			want := g.View(v)
			got := g.ViewIn(v, &buf)
			require.Equal(t, want, got, "game %d viewer %d", i, v.Seat)
			if v.IsSeat() && !g.seesAllRoles(v) {
				require.Same(t, &buf.rows[0], &got.Seats[0], "game %d viewer %d: rows not in the buffer", i, v.Seat)
			}
		}
	})
}

// TestViewInAllocatesNothing checks ViewIn's promise: once a state's
// common parts are built, a delegate's view in lent memory allocates
// nothing, at every step of a random game. (The race detector's own
// allocations would count, so it runs without: .ci/run tests ./game so.)
func TestViewInAllocatesNothing(t *testing.T) {
	if raceDetector {
		t.Skip("allocations are counted without -race (.ci/run runs ./game so too)")
	}
	var buf ViewBuf
	checked := 0
	walkRandomGames(t, 3, 29, func(g *Game, i int, _ bool) {
		for s := range g.Seats() {
			v := SeatViewer(s)
			g.ViewIn(v, &buf) // builds what the state's views share
			allocs := testing.AllocsPerRun(5, func() { g.ViewIn(v, &buf) })
			require.Zero(t, allocs, "game %d seat %d in %v", i, s, g.Phase())
			checked++
		}
	})
	require.Greater(t, checked, 100)
}

// TestMayActAllocatesNothing: Game.MayAct, which the simulator asks of
// every seat every round, builds nothing.
func TestMayActAllocatesNothing(t *testing.T) {
	if raceDetector {
		t.Skip("allocations are counted without -race (.ci/run runs ./game so too)")
	}
	walkRandomGames(t, 2, 37, func(g *Game, _ int, _ bool) {
		for s := range g.Seats() {
			require.Zero(t, testing.AllocsPerRun(3, func() { g.MayAct(s) }))
		}
	})
}
