package game

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// toFinal plays quiet sessions until the Final Ballot opens.
func (tb *table) toFinal() {
	tb.t.Helper()
	for tb.g.phase == PhaseDebate {
		tb.toNight()
		tb.expire()
	}
	require.Equal(tb.t, PhaseFinalBallot, tb.g.phase)
}

func TestFinalBallotOpensAfterTheLastSession(t *testing.T) {
	for n := MinSeats; n <= MaxSeats; n++ {
		g, _, err := New(DefaultConfig(), names[:n], uint64(n), t0)
		require.NoError(t, err)
		tb := &table{t: t, g: g, now: t0}
		tb.toFinal()
		assert.Equal(t, DefaultConfig().SessionsFor(n), g.session, "%d seats", n)
		assert.Equal(t, EvFinalBallotOpened, g.log[len(g.log)-1].Kind)
	}
}

func TestFinalBallot(t *testing.T) {
	// Six seats, Kirov at 0; Loyalist 5 is purged first, so 0-4 strike.
	tests := []struct {
		name    string
		strikes map[int]int // striker -> struck; missing seats strike nobody
		end     string      // "all", "deadline", "host"
		count   []int
		winner  Faction
		reason  WinReason
	}{
		{"Kirov alone has the most", map[int]int{1: 0, 2: 0, 3: 0, 4: 1, 0: 3}, "all",
			[]int{3, 1, 0, 1, 0, 0}, Loyalists, KirovStruck},
		{"Kirov tied at the top", map[int]int{2: 0, 3: 0, 4: 1, 0: 3, 1: 3}, "all",
			[]int{2, 1, 0, 2, 0, 0}, Plotters, KirovElected},
		{"another ahead", map[int]int{0: 4, 1: 4, 2: 4, 3: 0, 4: 0}, "all",
			[]int{2, 0, 0, 0, 3, 0}, Plotters, KirovElected},
		{"nobody strikes", nil, "deadline",
			[]int{0, 0, 0, 0, 0, 0}, Plotters, KirovElected},
		{"a single strike on Kirov", map[int]int{3: 0}, "deadline",
			[]int{1, 0, 0, 0, 0, 0}, Loyalists, KirovStruck},
		{"a single strike elsewhere", map[int]int{3: 4}, "host",
			[]int{0, 0, 0, 0, 1, 0}, Plotters, KirovElected},
		{"four of five on Kirov", map[int]int{1: 2, 2: 0, 3: 0, 4: 0, 0: 1}, "all",
			[]int{3, 1, 1, 0, 0, 0}, Loyalists, KirovStruck},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Sessions = 1
			tb := rig(t, cfg, six, 3)
			tb.purgeOf(5)
			tb.expire()
			tb.expire()
			require.Equal(t, PhaseFinalBallot, tb.g.phase)
			tb.refuse(strike(5, 0), CodePurged)
			tb.refuse(strike(0, 5), CodeBadTarget)
			for s := range 5 {
				target, ok := tt.strikes[s]
				if !ok {
					continue
				}
				ev := tb.do(strike(s, target))
				if tb.g.phase != PhaseFinalBallot {
					break
				}
				require.Equal(t, []EventKind{EvStruck, EvStrikeCast}, kinds(ev))
				assert.Equal(t, NoSeat, ev[0].Target, "the public learns only that a name was struck")
				assert.Equal(t, toSeat, ev[1].audience)
				assert.Nil(t, tb.g.View(Spectator).FinalCount)
				assert.True(t, tb.g.View(Spectator).Seats[s].Voted)
				assert.Equal(t, target, tb.g.View(SeatViewer(s)).You.Choice)
				tb.refuse(strike(s, target), CodeAlreadyVoted)
			}
			switch tt.end {
			case "deadline":
				tb.wait(59 * time.Second)
				require.Equal(t, PhaseFinalBallot, tb.g.phase)
				tb.wait(time.Second)
			case "host":
				tb.do(endPhase())
			}
			require.Equal(t, PhaseOver, tb.g.phase)
			assert.Equal(t, tt.count, find(t, tb.g.log, EvFinalCount).Strikes)
			assert.Equal(t, tt.count, tb.g.View(Spectator).FinalCount)
			w, r := tb.g.Winner()
			assert.Equal(t, tt.winner, w)
			assert.Equal(t, tt.reason, r)
			over := last(t, tb.g.log, EvGameOver)
			assert.Equal(t, tt.winner, over.Winner)
			assert.Equal(t, tt.reason, over.Reason)
		})
	}
}

func TestTimeouts(t *testing.T) {
	// Each phase ends at its deadline with the absent delegates' default;
	// with the clock paused across the deadline it ends only once the
	// paused time has been made up.
	tests := []struct {
		name    string
		reach   func(tb *table)
		from    Phase
		want    Phase
		timer   time.Duration
		outcome EventKind
	}{
		{"Debate without marks", func(*table) {}, PhaseDebate, PhaseNight, 120 * time.Second, EvNoTrial},
		{"Debate with an Accused", func(tb *table) { tb.denounceAll(4, 0, 1) }, PhaseDebate, PhaseDefence, 120 * time.Second, EvAccused},
		{"Chair's pick", func(tb *table) {
			tb.denounceAll(4, 0, 1)
			tb.denounceAll(5, 2, 3)
			tb.readyAll()
		}, PhaseAccusation, PhaseDefence, 20 * time.Second, EvAccused},
		{"Defence", func(tb *table) {
			tb.denounceAll(4, 0, 1)
			tb.readyAll()
		}, PhaseDefence, PhaseVote, 30 * time.Second, EvVoteOpened},
		{"Vote, all abstain", func(tb *table) {
			tb.denounceAll(4, 0, 1)
			tb.readyAll()
			tb.expire()
		}, PhaseVote, PhaseNight, 30 * time.Second, EvSpared},
		{"Confession", func(tb *table) { tb.purgeOf(4) }, PhaseConfession, PhaseNight, 20 * time.Second, EvConfessed},
		{"Night", func(tb *table) { tb.toNight() }, PhaseNight, PhaseDebate, 30 * time.Second, EvSessionOpened},
		{"last Night", func(tb *table) {
			for tb.g.session < tb.g.sessions {
				tb.toNight()
				tb.expire()
			}
			tb.toNight()
		}, PhaseNight, PhaseFinalBallot, 30 * time.Second, EvFinalBallotOpened},
		{"Final Ballot", func(tb *table) { tb.toFinal() }, PhaseFinalBallot, PhaseOver, 60 * time.Second, EvGameOver},
	}
	for _, paused := range []bool{false, true} {
		for _, tt := range tests {
			name := tt.name
			if paused {
				name += " paused across the deadline"
			}
			t.Run(name, func(t *testing.T) {
				tb := rig(t, DefaultConfig(), six, 3)
				tt.reach(tb)
				require.Equal(t, tt.from, tb.g.phase)
				opened := tb.now
				deadline, ok := tb.g.NextDeadline()
				require.True(t, ok)
				assert.Equal(t, opened.Add(tt.timer), deadline, "the timer of %s", tt.from)
				if paused {
					tb.wait(tt.timer - time.Second)
					tb.do(pause())
					_, ok := tb.g.NextDeadline()
					assert.False(t, ok)
					assert.Nil(t, tb.wait(time.Hour), "a paused clock lets no deadline pass")
					require.Equal(t, tt.from, tb.g.phase)
					tb.do(resume())
					d, ok := tb.g.NextDeadline()
					require.True(t, ok)
					assert.Equal(t, tb.now.Add(time.Second), d, "the deadline moved by the pause")
					assert.Nil(t, tb.wait(time.Second-time.Nanosecond))
					require.Equal(t, tt.from, tb.g.phase)
					tb.wait(time.Nanosecond)
				} else {
					assert.Nil(t, tb.wait(tt.timer-time.Nanosecond))
					require.Equal(t, tt.from, tb.g.phase)
					tb.wait(time.Nanosecond)
				}
				assert.Equal(t, tt.want, tb.g.phase)
				if tt.outcome >= 0 {
					assert.True(t, has(tb.g.log, tt.outcome))
				}
			})
		}
	}
}

func TestAdvanceOpensTheNextPhaseNow(t *testing.T) {
	// A server that wakes late (or a node that takes a lobby over after a
	// crash) ends the phase that ran out; the next phase opens then, with
	// its full time, rather than running out behind the players' backs.
	tb := rig(t, DefaultConfig(), six, 3)
	ev := tb.wait(150 * time.Second)
	assert.Equal(t, []EventKind{EvNoTrial, EvNightFell}, kinds(ev))
	assert.Equal(t, t0.Add(150*time.Second), ev[1].At)
	d, _ := tb.g.NextDeadline()
	assert.Equal(t, t0.Add(180*time.Second), d)
	assert.Nil(t, tb.g.Advance(tb.now), "nothing more to do")
	ev = tb.wait(10 * time.Hour)
	assert.Equal(t, []EventKind{EvSessionOpened}, kinds(ev))
	assert.Equal(t, PhaseDebate, tb.g.phase)
	assert.Equal(t, 2, tb.g.session)
}

func TestPause(t *testing.T) {
	tb := rig(t, DefaultConfig(), six, 3)
	tb.wait(100 * time.Second)
	ev := tb.do(pause())
	assert.Equal(t, []EventKind{EvPaused}, kinds(ev))
	view := tb.g.View(SeatViewer(0))
	assert.True(t, view.Paused)
	assert.True(t, view.Deadline.IsZero())
	assert.Empty(t, view.Actions)
	assert.True(t, tb.g.Paused())
	tb.refuse(denounce(0, 1), CodePaused)
	tb.refuse(ready(0), CodePaused)
	tb.refuse(endPhase(), CodePaused)
	tb.refuse(pause(), CodePaused)
	tb.wait(time.Hour)
	assert.Equal(t, PhaseDebate, tb.g.phase)
	ev = tb.do(resume())
	assert.Equal(t, []EventKind{EvResumed}, kinds(ev))
	tb.refuse(resume(), CodeNotPaused)
	d, ok := tb.g.NextDeadline()
	require.True(t, ok)
	assert.Equal(t, tb.now.Add(20*time.Second), d)
	assert.Equal(t, d, tb.g.View(Spectator).Deadline)
	tb.do(denounce(0, 1))
}

func TestResumeWithAClockGoneBack(t *testing.T) {
	// A clock that steps back between pause and resume shifts nothing
	// rather than bringing the deadline forward.
	tb := rig(t, DefaultConfig(), six, 3)
	before, _ := tb.g.NextDeadline()
	tb.do(pause())
	tb.now = tb.now.Add(-time.Minute)
	tb.do(resume())
	after, _ := tb.g.NextDeadline()
	assert.Equal(t, before, after)
}
