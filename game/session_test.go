package game

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The common table: seat 0 Kirov, 1 Plotter, 2 Investigator, 3-5 Loyalists.
const six = "KPILLL"

func TestDebateMarks(t *testing.T) {
	tests := []struct {
		name string
		in   []Command
		want []Denunciation // the view's standing denunciations
	}{
		{"none", nil, []Denunciation{}},
		{"one mark", []Command{denounce(0, 2)}, []Denunciation{{Target: 2, Source: FromDelegate, By: 0}}},
		{"changed mark", []Command{denounce(0, 2), denounce(0, 4)}, []Denunciation{{Target: 4, Source: FromDelegate, By: 0}}},
		{"withdrawn", []Command{denounce(0, 2), withdraw(0)}, []Denunciation{}},
		{"withdrawn and made again", []Command{denounce(0, 2), withdraw(0), denounce(0, 3)}, []Denunciation{{Target: 3, Source: FromDelegate, By: 0}}},
		{"two on one", []Command{denounce(0, 2), denounce(1, 2)}, []Denunciation{{Target: 2, Source: FromDelegate, By: 0}, {Target: 2, Source: FromDelegate, By: 1}}},
		{"mutual", []Command{denounce(3, 4), denounce(4, 3)}, []Denunciation{{Target: 4, Source: FromDelegate, By: 3}, {Target: 3, Source: FromDelegate, By: 4}}},
		{"ready does not take a mark back", []Command{denounce(5, 0), ready(5)}, []Denunciation{{Target: 0, Source: FromDelegate, By: 5}}},
		{"a Ready delegate may still change", []Command{denounce(5, 0), ready(5), denounce(5, 1)}, []Denunciation{{Target: 1, Source: FromDelegate, By: 5}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb := rig(t, DefaultConfig(), six, 3)
			tb.do(tt.in...)
			assert.Equal(t, PhaseDebate, tb.g.phase)
			for _, v := range viewers(tb.g) {
				assert.Equal(t, tt.want, tb.g.View(v).Denunciations, "viewer %d", v.Seat)
			}
		})
	}
}

func TestDebateEvents(t *testing.T) {
	tb := rig(t, DefaultConfig(), six, 3)
	ev := tb.do(denounce(0, 2))
	require.Len(t, ev, 1)
	assert.Equal(t, Event{Kind: EvDenounced, At: t0, Session: 1, Phase: PhaseDebate, Seat: 0, Target: 2}, ev[0])
	tb.now = tb.now.Add(time.Second)
	ev = tb.do(withdraw(0))
	assert.Equal(t, Event{Kind: EvWithdrew, At: t0.Add(time.Second), Session: 1, Phase: PhaseDebate, Seat: 0, Target: 2}, ev[0])
	ev = tb.do(ready(1), unready(1))
	assert.Equal(t, []EventKind{EvReady, EvUnready}, kinds(ev))
	assert.False(t, tb.g.View(Spectator).Seats[1].Ready)
	tb.do(ready(1))
	assert.True(t, tb.g.View(Spectator).Seats[1].Ready)
}

func TestDebateEnds(t *testing.T) {
	tests := []struct {
		name string
		in   func(tb *table) []Event
		want Phase
	}{
		{"all Ready", func(tb *table) []Event { return tb.readyAll() }, PhaseNight},
		{"all but one Ready", func(tb *table) []Event {
			tb.do(ready(0), ready(1), ready(2), ready(3), ready(4))
			return nil
		}, PhaseDebate},
		{"one took Ready back", func(tb *table) []Event {
			tb.do(ready(0), ready(1), ready(2), ready(3), ready(4), unready(4), ready(5))
			return nil
		}, PhaseDebate},
		{"host ends it", func(tb *table) []Event { return tb.do(endPhase()) }, PhaseNight},
		{"deadline", func(tb *table) []Event { return tb.expire() }, PhaseNight},
		{"a second before the deadline", func(tb *table) []Event { return tb.wait(119 * time.Second) }, PhaseDebate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb := rig(t, DefaultConfig(), six, 3)
			ev := tt.in(tb)
			assert.Equal(t, tt.want, tb.g.phase)
			if tt.want == PhaseNight {
				assert.True(t, has(ev, EvNoTrial))
				assert.True(t, has(ev, EvNightFell))
			}
		})
	}
}

func TestAccusation(t *testing.T) {
	type mark struct{ by, target int }
	tests := []struct {
		name      string
		deal      string
		chair     int
		threshold int
		marks     []mark
		then      func(tb *table) // after the Debate closed
		want      Phase           // after then
		accused   int
		tied      []int
		drawn     bool
		pickedBy  int
	}{
		{name: "nobody denounced", deal: six, chair: 3, threshold: 2,
			want: PhaseNight, accused: NoSeat},
		{name: "one short of the threshold", deal: six, chair: 3, threshold: 2,
			marks: []mark{{0, 4}}, want: PhaseNight, accused: NoSeat},
		{name: "threshold exactly met", deal: six, chair: 3, threshold: 2,
			marks: []mark{{0, 4}, {1, 4}}, want: PhaseDefence, accused: 4, pickedBy: NoSeat},
		{name: "threshold of three not met by two", deal: six, chair: 3, threshold: 3,
			marks: []mark{{0, 4}, {1, 4}, {2, 5}}, want: PhaseNight, accused: NoSeat},
		{name: "threshold of one", deal: six, chair: 3, threshold: 1,
			marks: []mark{{0, 4}}, want: PhaseDefence, accused: 4, pickedBy: NoSeat},
		{name: "most wins", deal: six, chair: 3, threshold: 2,
			marks: []mark{{0, 4}, {1, 4}, {2, 4}, {3, 5}, {4, 5}}, want: PhaseDefence, accused: 4, pickedBy: NoSeat},
		{name: "the Chair is accused", deal: six, chair: 3, threshold: 2,
			marks: []mark{{0, 3}, {1, 3}}, want: PhaseDefence, accused: 3, pickedBy: NoSeat},
		{name: "tie: the Chair picks", deal: six, chair: 3, threshold: 2,
			marks: []mark{{0, 4}, {1, 4}, {2, 5}, {3, 5}},
			then:  func(tb *table) { tb.do(pick(3, 5)) },
			want:  PhaseDefence, accused: 5, tied: []int{4, 5}, pickedBy: 3},
		{name: "tie: the Chair picks the other", deal: six, chair: 3, threshold: 2,
			marks: []mark{{0, 4}, {1, 4}, {2, 5}, {3, 5}},
			then:  func(tb *table) { tb.do(pick(3, 4)) },
			want:  PhaseDefence, accused: 4, tied: []int{4, 5}, pickedBy: 3},
		{name: "tie: the Chair waits", deal: six, chair: 3, threshold: 2,
			marks: []mark{{0, 4}, {1, 4}, {2, 5}, {3, 5}},
			then:  func(tb *table) { tb.expire() },
			want:  PhaseDefence, accused: -2, tied: []int{4, 5}, drawn: true, pickedBy: NoSeat},
		{name: "tie: the host ends the Chair's pick", deal: six, chair: 3, threshold: 2,
			marks: []mark{{0, 4}, {1, 4}, {2, 5}, {3, 5}},
			then:  func(tb *table) { tb.do(endPhase()) },
			want:  PhaseDefence, accused: -2, tied: []int{4, 5}, drawn: true, pickedBy: NoSeat},
		{name: "tie: a second before the Chair's deadline", deal: six, chair: 3, threshold: 2,
			marks: []mark{{0, 4}, {1, 4}, {2, 5}, {3, 5}},
			then:  func(tb *table) { tb.wait(19 * time.Second) },
			want:  PhaseAccusation, accused: NoSeat, tied: []int{4, 5}},
		{name: "tie including the Chair: drawn at once", deal: six, chair: 4, threshold: 2,
			marks: []mark{{0, 4}, {1, 4}, {2, 5}, {3, 5}},
			want:  PhaseDefence, accused: -2, tied: []int{4, 5}, drawn: true, pickedBy: NoSeat},
		{name: "three-way tie", deal: six, chair: 0, threshold: 2,
			marks: []mark{{0, 3}, {1, 3}, {2, 4}, {3, 4}, {4, 5}, {5, 1}},
			want:  PhaseAccusation, accused: NoSeat, tied: []int{3, 4}},
		{name: "tie below the threshold is no trial", deal: six, chair: 0, threshold: 2,
			marks: []mark{{0, 3}, {1, 4}},
			want:  PhaseNight, accused: NoSeat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Threshold = tt.threshold
			tb := rig(t, cfg, tt.deal, tt.chair)
			for _, m := range tt.marks {
				tb.do(denounce(m.by, m.target))
			}
			tb.readyAll()
			if tt.then != nil {
				tb.then(tt.then)
			}
			assert.Equal(t, tt.want, tb.g.phase)
			switch tt.accused {
			case -2: // drawn by lot: one of the tied
				assert.Contains(t, tt.tied, tb.g.accused)
			default:
				assert.Equal(t, tt.accused, tb.g.accused)
			}
			assert.Equal(t, tt.tied, tb.g.tied)
			if tt.tied != nil {
				tie := find(t, tb.g.log, EvTied)
				assert.Equal(t, tt.tied, tie.Seats)
				if tt.chair == tt.tied[0] || tt.chair == tt.tied[1] {
					assert.Equal(t, NoSeat, tie.Seat, "a Chair among the tied does not pick")
				} else {
					assert.Equal(t, tt.chair, tie.Seat)
				}
			}
			if tt.want == PhaseDefence {
				acc := find(t, tb.g.log, EvAccused)
				assert.Equal(t, tb.g.accused, acc.Target)
				assert.Equal(t, tt.drawn, acc.Drawn)
				assert.Equal(t, tt.pickedBy, acc.Seat)
				assert.Equal(t, tb.g.standing()[tb.g.accused], acc.Count)
				assert.GreaterOrEqual(t, acc.Count, tt.threshold)
			}
			if tt.want == PhaseNight {
				assert.Equal(t, NoSeat, tb.g.accused)
				assert.True(t, has(tb.g.log, EvNoTrial))
			}
		})
	}
}

// then runs a step of a table test.
func (tb *table) then(f func(*table)) { f(tb) }

func TestTieDrawIsFromTheSeedAndFair(t *testing.T) {
	// The lot among the tied depends on the seed only, and with enough
	// seeds each of the tied is drawn.
	drawn := map[int]int{}
	for seed := uint64(1); seed <= 200; seed++ {
		run := func() int {
			g, _, err := New(DefaultConfig(), names[:6], seed, t0)
			require.NoError(t, err)
			tb := &table{t: t, g: g, now: t0}
			// A three-way tie that includes the Chair: drawn at once.
			c := g.chair
			a, b := (c+1)%6, (c+2)%6
			tb.do(denounce(a, c), denounce(b, c), denounce(c, a), denounce((c+3)%6, a), denounce((c+4)%6, b), denounce((c+5)%6, b))
			tb.readyAll()
			require.Equal(t, PhaseDefence, g.phase)
			return (g.accused - c + 6) % 6
		}
		first := run()
		require.Equal(t, first, run(), "seed %d draws differently twice", seed)
		drawn[first]++
	}
	assert.Len(t, drawn, 3)
	for k, n := range drawn {
		assert.Greater(t, n, 30, "tied seat +%d drawn %d times in 200", k, n)
	}
}

func TestCarriedDenunciationsCount(t *testing.T) {
	// A confession and a letter against the same delegate reach the
	// threshold of 2 without any delegate's mark. Three sessions, so that
	// a third Debate follows.
	cfg := DefaultConfig()
	cfg.Sessions = 3
	tb := rig(t, cfg, six, 3)
	tb.purgeOf(4)
	require.Equal(t, PhaseConfession, tb.g.phase)
	tb.do(confess(4, 5))
	require.Equal(t, PhaseNight, tb.g.phase)
	tb.do(letter(0, 5), letter(1, 3), investigate(2, 0))
	require.Equal(t, PhaseDebate, tb.g.phase)
	require.Equal(t, 2, tb.g.session)

	want := []Denunciation{{Target: 5, Source: FromConfession, By: 4}, {Target: 5, Source: FromLetter, By: NoSeat}}
	for _, v := range viewers(tb.g) {
		assert.Equal(t, want, tb.g.View(v).Denunciations)
	}
	carried := 0
	for _, e := range tb.g.log {
		if e.Kind == EvCarried {
			carried++
			assert.Equal(t, 5, e.Target)
			assert.Equal(t, 2, e.Session)
			if e.Source == FromLetter {
				assert.Equal(t, NoSeat, e.Seat, "a letter never names its authors")
			} else {
				assert.Equal(t, FromConfession, e.Source)
				assert.Equal(t, 4, e.Seat)
			}
		}
	}
	assert.Equal(t, 2, carried)
	tb.readyAll()
	assert.Equal(t, PhaseDefence, tb.g.phase)
	assert.Equal(t, 5, tb.g.accused)
	assert.Equal(t, 2, last(t, tb.g.log, EvAccused).Count)

	// Carried denunciations last one Debate only.
	tb.do(endPhase())
	tb.voteAll(false)
	require.Equal(t, PhaseNight, tb.g.phase)
	tb.expire()
	assert.Equal(t, []Denunciation{}, tb.g.View(Spectator).Denunciations)
}

func TestTrialVote(t *testing.T) {
	// Accused: seat 4. Voters: 0, 1, 2, 3, 5.
	tests := []struct {
		name   string
		votes  map[int]bool // seat -> purge; missing seats abstain
		end    string       // how the vote closes: "all", "deadline", "host"
		purged bool
		purge  int
		spare  int
	}{
		{"unanimous purge", map[int]bool{0: true, 1: true, 2: true, 3: true, 5: true}, "all", true, 5, 0},
		{"three to two", map[int]bool{0: true, 1: true, 2: true, 3: false, 5: false}, "all", true, 3, 2},
		{"two to three", map[int]bool{0: true, 1: true, 2: false, 3: false, 5: false}, "all", false, 2, 3},
		{"tie spares", map[int]bool{0: true, 1: true, 2: false, 3: false}, "deadline", false, 2, 2},
		{"one to nothing, rest abstain", map[int]bool{0: true}, "deadline", true, 1, 0},
		{"nobody votes", nil, "deadline", false, 0, 0},
		{"host closes the vote", map[int]bool{0: true, 5: false, 3: true}, "host", true, 2, 1},
	}
	for _, secret := range []bool{false, true} {
		for _, tt := range tests {
			name := tt.name
			if secret {
				name += " (secret)"
			}
			t.Run(name, func(t *testing.T) {
				cfg := DefaultConfig()
				cfg.OpenBallot = !secret
				tb := rig(t, cfg, six, 3)
				tb.denounceAll(4, 0, 1)
				tb.readyAll()
				require.Equal(t, PhaseDefence, tb.g.phase)
				tb.expire()
				require.Equal(t, PhaseVote, tb.g.phase)
				var want []SeatVote
				for _, s := range []int{0, 1, 2, 3, 5} {
					p, ok := tt.votes[s]
					if !ok {
						continue
					}
					want = append(want, SeatVote{Seat: s, Purge: p})
					ev := tb.do(vote(s, p))
					if tb.g.phase != PhaseVote {
						break
					}
					// Before the count: only "X has voted".
					require.Equal(t, []EventKind{EvVoted, EvVoteCast}, kinds(ev))
					assert.Equal(t, toSeat, ev[1].audience)
					for _, v := range viewers(tb.g) {
						view := tb.g.View(v)
						assert.Nil(t, view.Ballot)
						assert.True(t, view.Seats[s].Voted)
						if view.You == nil {
							continue
						}
						// Each delegate sees their own vote, and only theirs.
						if mine, voted := tt.votes[v.Seat]; voted && slices.Contains(want, SeatVote{v.Seat, mine}) {
							require.NotNil(t, view.You.Vote)
							assert.Equal(t, mine, *view.You.Vote)
						} else {
							assert.Nil(t, view.You.Vote)
						}
					}
				}
				switch tt.end {
				case "deadline":
					tb.wait(29 * time.Second)
					require.Equal(t, PhaseVote, tb.g.phase)
					tb.wait(time.Second)
				case "host":
					tb.do(endPhase())
				}
				require.NotEqual(t, PhaseVote, tb.g.phase)
				b := find(t, tb.g.log, EvBallot)
				assert.Equal(t, tt.purge, b.PurgeCount)
				assert.Equal(t, tt.spare, b.SpareCount)
				assert.Equal(t, tt.purged, b.Purge)
				assert.Equal(t, 4, b.Target)
				view := tb.g.View(SeatViewer(5)).Ballot
				require.NotNil(t, view)
				assert.Equal(t, Ballot{Accused: 4, Purge: tt.purge, Spare: tt.spare, Purged: tt.purged, Votes: view.Votes}, *view)
				if secret {
					assert.Nil(t, b.Votes)
					assert.Nil(t, view.Votes)
				} else {
					assert.Equal(t, want, b.Votes)
					assert.Equal(t, want, view.Votes)
				}
				if tt.purged {
					assert.Equal(t, PhaseConfession, tb.g.phase)
					assert.False(t, tb.g.seats[4].alive)
					assert.True(t, has(tb.g.log, EvPurged))
				} else {
					assert.Equal(t, PhaseNight, tb.g.phase)
					assert.True(t, tb.g.seats[4].alive)
					assert.True(t, has(tb.g.log, EvSpared))
				}
			})
		}
	}
}

func TestSecretBallotOpensAfterTheGame(t *testing.T) {
	cfg := DefaultConfig()
	cfg.OpenBallot = false
	tb := rig(t, cfg, six, 3)
	tb.purgeOf(0) // Kirov: the game ends on the count
	require.Equal(t, PhaseOver, tb.g.phase)
	view := tb.g.View(SeatViewer(4))
	require.NotNil(t, view.Ballot)
	assert.Equal(t, []SeatVote{{1, true}, {2, true}, {3, true}, {4, true}, {5, true}}, view.Ballot.Votes)
	assert.Nil(t, find(t, tb.g.log, EvBallot).Votes, "the log keeps what was announced")
	casts := 0
	log, _ := tb.g.Log(SeatViewer(4), 0)
	for _, e := range log {
		if e.Kind == EvVoteCast {
			casts++
		}
	}
	assert.Equal(t, 5, casts, "after the game the log shows every vote")
}

func TestTheAccusedChairDoesNotVote(t *testing.T) {
	tb := rig(t, DefaultConfig(), six, 3)
	tb.denounceAll(3, 0, 1)
	tb.readyAll()
	tb.expire()
	require.Equal(t, 3, tb.g.accused)
	require.Equal(t, 3, tb.g.chair)
	tb.refuse(vote(3, false), CodeAccusedNoVote)
	accused := tb.g.View(SeatViewer(3))
	assert.False(t, accused.May(CmdPurgeVote))
	assert.Equal(t, []Action{{Kind: CmdPurgeVote, Purge: []bool{true, false}}}, tb.g.View(SeatViewer(4)).Actions)
	tb.voteAll(true)
	// Every other living delegate voted: counted without waiting.
	assert.Equal(t, PhaseConfession, tb.g.phase)
	assert.Equal(t, 3, tb.g.purgedAt)
	tb.do(confess(3, 0))
	tb.expire()
	assert.Equal(t, 4, tb.g.chair, "after a purged Chair comes the next living seat")
}

func TestDefenceEnds(t *testing.T) {
	for _, host := range []bool{false, true} {
		tb := rig(t, DefaultConfig(), six, 3)
		tb.denounceAll(4, 0, 1)
		tb.readyAll()
		require.Equal(t, PhaseDefence, tb.g.phase)
		tb.refuse(vote(0, true), CodeWrongPhase)
		assert.True(t, tb.g.CanWrite(SeatViewer(4), ChannelPublic), "the Accused speaks")
		assert.True(t, tb.g.CanWrite(SeatViewer(0), ChannelPublic), "chat stays open to all living")
		if host {
			tb.do(endPhase())
		} else {
			tb.wait(29 * time.Second)
			require.Equal(t, PhaseDefence, tb.g.phase)
			tb.wait(time.Second)
		}
		assert.Equal(t, PhaseVote, tb.g.phase)
		d, _ := tb.g.NextDeadline()
		assert.Equal(t, tb.now.Add(30*time.Second), d)
	}
}

func TestPurgeReveal(t *testing.T) {
	tests := []struct {
		name        string
		reveal      Reveal
		victim      int
		wantFaction Faction
		wantRole    Role
	}{
		{"sealed Loyalist", RevealNothing, 4, NoFaction, NoRole},
		{"sealed Plotter", RevealNothing, 1, NoFaction, NoRole},
		{"faction of a Plotter", RevealFaction, 1, Plotters, NoRole},
		{"faction of the Investigator", RevealFaction, 2, Loyalists, NoRole},
		{"role of the Investigator", RevealRole, 2, Loyalists, Investigator},
		{"role of a Plotter", RevealRole, 1, Plotters, Plotter},
		{"role of a Loyalist", RevealRole, 5, Loyalists, Loyalist},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Reveal = tt.reveal
			tb := rig(t, cfg, six, 3)
			ev := tb.purgeOf(tt.victim)
			p := find(t, ev, EvPurged)
			assert.Equal(t, tt.victim, p.Target)
			assert.Equal(t, tt.wantFaction, p.Faction)
			assert.Equal(t, tt.wantRole, p.Role)
			// A Loyalist who is not the victim sees what the setting opens.
			other := 3
			if tt.victim == 3 {
				other = 5
			}
			sv := tb.g.View(SeatViewer(other)).Seats[tt.victim]
			assert.False(t, sv.Alive)
			assert.Equal(t, tt.wantFaction, sv.Faction)
			assert.Equal(t, tt.wantRole, sv.Role)
			assert.Equal(t, PhaseConfession, tb.g.phase)
		})
	}
}

func TestConfession(t *testing.T) {
	tests := []struct {
		name   string
		in     func(tb *table) []Event
		target int // NoSeat: no confession
	}{
		{"names a delegate", func(tb *table) []Event { return tb.do(confess(4, 0)) }, 0},
		{"deadline passes", func(tb *table) []Event { return tb.expire() }, NoSeat},
		{"host ends it", func(tb *table) []Event { return tb.do(endPhase()) }, NoSeat},
		{"leaves without a word", func(tb *table) []Event { return tb.do(confess(4, NoSeat)) }, NoSeat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb := rig(t, DefaultConfig(), six, 3)
			tb.purgeOf(4)
			require.Equal(t, PhaseConfession, tb.g.phase)
			assert.Equal(t, []Action{{Kind: CmdConfess, Targets: []int{NoSeat, 0, 1, 2, 3, 5}}}, tb.g.View(SeatViewer(4)).Actions)
			assert.Empty(t, tb.g.View(SeatViewer(0)).Actions)
			ev := tt.in(tb)
			c := find(t, ev, EvConfessed)
			assert.Equal(t, 4, c.Seat)
			assert.Equal(t, tt.target, c.Target)
			require.Equal(t, PhaseNight, tb.g.phase)
			tb.refuse(confess(4, 1), CodeWrongPhase)
			tb.refuse(denounce(4, 1), CodePurged)
			tb.expire()
			require.Equal(t, PhaseDebate, tb.g.phase)
			var want []Denunciation
			if tt.target != NoSeat {
				want = []Denunciation{{Target: tt.target, Source: FromConfession, By: 4}}
			}
			assert.Equal(t, want, nilIfEmpty(tb.g.View(SeatViewer(0)).Denunciations))
		})
	}
}

func nilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

func TestKirovPurgedEndsTheGameAtOnce(t *testing.T) {
	// Kirov would like to confess; the Congress has already closed.
	tb := rig(t, DefaultConfig(), six, 3)
	ev := tb.purgeOf(0)
	assert.Equal(t, []EventKind{EvVoted, EvVoteCast, EvBallot, EvPurged, EvGameOver}, kinds(ev[len(ev)-5:]))
	assert.Equal(t, PhaseOver, tb.g.phase)
	w, r := tb.g.Winner()
	assert.Equal(t, Loyalists, w)
	assert.Equal(t, KirovPurged, r)
	over := find(t, ev, EvGameOver)
	assert.Equal(t, []Role{Kirov, Plotter, Investigator, Loyalist, Loyalist, Loyalist}, over.Roles)
	assert.Equal(t, Loyalists, over.Winner)
	tb.refuse(confess(0, 3), CodeGameOver)
	_, ok := tb.g.NextDeadline()
	assert.False(t, ok)
	assert.Nil(t, tb.wait(time.Hour))
	assert.False(t, has(tb.g.log, EvConfessed))
}

func TestParityByPurge(t *testing.T) {
	// Six seats, two Plotters: purge two Loyalists and the bloc has parity.
	tb := rig(t, DefaultConfig(), six, 3)
	tb.purgeOf(4)
	tb.do(confess(4, 5))
	tb.expire()
	require.Equal(t, PhaseDebate, tb.g.phase)
	ev := tb.purgeOf(5)
	assert.Equal(t, []EventKind{EvPurged, EvGameOver}, kinds(ev[len(ev)-2:]))
	w, r := tb.g.Winner()
	assert.Equal(t, Plotters, w)
	assert.Equal(t, Parity, r)
	tb.refuse(confess(5, 3), CodeGameOver)
	assert.Equal(t, PhaseOver, tb.g.View(Spectator).Phase)
	assert.Equal(t, Plotters, tb.g.View(Spectator).Winner)
	assert.Equal(t, Parity, tb.g.View(Spectator).Reason)
}

func TestPurgingAPlotterIsNoParity(t *testing.T) {
	tb := rig(t, DefaultConfig(), six, 3)
	tb.purgeOf(1)
	assert.Equal(t, PhaseConfession, tb.g.phase)
	assert.False(t, tb.g.Over())
}
