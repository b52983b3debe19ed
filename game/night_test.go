package game

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Twelve seats with a bloc of five: seat 0 Kirov, 1-4 Plotters, 5 the
// Investigator, 6-11 Loyalists.
const twelve = "KPPPPILLLLLL"

func twelveCfg() Config {
	c := DefaultConfig()
	c.Plotters = 5
	return c
}

func TestAnonymousLetter(t *testing.T) {
	tests := []struct {
		name      string
		proposals map[int]int // Plotter seat -> proposed target
		want      int         // NoSeat: no letter
		among     []int       // drawn by lot among these
		count     int
	}{
		{name: "no proposals", want: NoSeat},
		{name: "a single proposal", proposals: map[int]int{1: 6}, want: 6, count: 1},
		{name: "Kirov alone", proposals: map[int]int{0: 11}, want: 11, count: 1},
		{name: "most support", proposals: map[int]int{0: 6, 1: 7, 2: 7, 3: 8, 4: 9}, want: 7, count: 2},
		{name: "most support against Kirov", proposals: map[int]int{0: 6, 1: 7, 2: 7}, want: 7, count: 2},
		{name: "a fellow Plotter", proposals: map[int]int{1: 2, 3: 2}, want: 2, count: 2},
		{name: "tie, Kirov among the tied", proposals: map[int]int{0: 6, 1: 6, 2: 7, 3: 7}, want: 6, count: 2},
		{name: "five-way tie, Kirov among", proposals: map[int]int{0: 10, 1: 6, 2: 7, 3: 8, 4: 9}, want: 10, count: 1},
		{name: "tie, Kirov outside it", proposals: map[int]int{0: 9, 1: 6, 2: 6, 3: 7, 4: 7}, among: []int{6, 7}, count: 2},
		{name: "tie, Kirov silent", proposals: map[int]int{1: 6, 2: 7}, among: []int{6, 7}, count: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb := rig(t, twelveCfg(), twelve, 6)
			tb.toNight()
			for s := range 5 {
				if target, ok := tt.proposals[s]; ok {
					tb.do(letter(s, target))
				}
			}
			tb.do(investigate(5, 0))
			if tb.g.phase == PhaseNight {
				tb.expire() // someone stayed silent
			}
			require.Equal(t, PhaseDebate, tb.g.phase)
			require.Equal(t, 2, tb.g.session)
			den := tb.g.View(SeatViewer(8)).Denunciations
			if tt.want == NoSeat && tt.among == nil {
				assert.Empty(t, den)
				assert.False(t, has(tb.g.log, EvLetterSent))
				return
			}
			sent := find(t, tb.g.log, EvLetterSent)
			assert.Equal(t, toPlotters, sent.audience)
			assert.Equal(t, tt.count, sent.Count)
			if tt.among != nil {
				assert.Contains(t, tt.among, sent.Target)
				assert.True(t, sent.Drawn)
			} else {
				assert.Equal(t, tt.want, sent.Target)
				assert.False(t, sent.Drawn)
			}
			assert.Equal(t, []Denunciation{{Target: sent.Target, Source: FromLetter, By: NoSeat}}, den)
		})
	}
}

func TestLetterDrawIsFromTheSeed(t *testing.T) {
	// Two Plotters for one Loyalist, two for another, Kirov for a third:
	// the lot decides between the first two, the same way for the same
	// seed, and either can be drawn.
	drawn := map[int]int{}
	for seed := uint64(1); seed <= 100; seed++ {
		run := func() int {
			g, _, err := New(twelveCfg(), names, seed, t0)
			require.NoError(t, err)
			tb := &table{t: t, g: g, now: t0}
			tb.toNight()
			p, l, k := tb.seatsWith(Plotter), tb.seatsWith(Loyalist), tb.seatsWith(Kirov)[0]
			tb.do(letter(p[0], l[0]), letter(p[1], l[0]), letter(p[2], l[1]), letter(p[3], l[1]), letter(k, l[2]))
			tb.expire()
			sent := last(t, g.log, EvLetterSent)
			require.True(t, sent.Drawn)
			require.Equal(t, 2, sent.Count)
			return slices.Index(l, sent.Target)
		}
		first := run()
		require.Equal(t, first, run(), "seed %d", seed)
		drawn[first]++
	}
	assert.Len(t, drawn, 2)
	assert.Greater(t, drawn[0], 25)
	assert.Greater(t, drawn[1], 25)
}

func TestNightEndsWhenEveryActionIsIn(t *testing.T) {
	tests := []struct {
		name   string
		deal   string
		purge  int // purged in session 1, NoSeat for none
		in     []Command
		closes bool
	}{
		{"five seats, both letters", "KPLLL", NoSeat, []Command{letter(0, 2), letter(1, 3)}, true},
		{"five seats, one letter", "KPLLL", NoSeat, []Command{letter(0, 2)}, false},
		{"six seats, letters without the Investigator", six, NoSeat, []Command{letter(0, 3), letter(1, 3)}, false},
		{"six seats, everyone", six, NoSeat, []Command{letter(0, 3), investigate(2, 1), letter(1, 3)}, true},
		{"the Investigator purged", six, 2, []Command{letter(0, 3), letter(1, 3)}, true},
		{"a Plotter purged", "KPPILLLL", 1, []Command{letter(0, 4), investigate(3, 0), letter(2, 4)}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb := rig(t, DefaultConfig(), tt.deal, 4)
			if tt.purge != NoSeat {
				tb.purgeOf(tt.purge)
				tb.expire() // no confession
			} else {
				tb.toNight()
			}
			require.Equal(t, PhaseNight, tb.g.phase)
			tb.do(tt.in...)
			if tt.closes {
				assert.Equal(t, PhaseDebate, tb.g.phase)
				assert.Equal(t, 2, tb.g.session)
			} else {
				assert.Equal(t, PhaseNight, tb.g.phase)
			}
		})
	}
}

func TestInvestigation(t *testing.T) {
	tests := []struct {
		name   string
		target int
		want   Faction
	}{
		{"Kirov shows as a Plotter", 0, Plotters},
		{"a Plotter", 1, Plotters},
		{"a Loyalist", 4, Loyalists},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb := rig(t, DefaultConfig(), six, 3)
			tb.toNight()
			ev := tb.do(investigate(2, tt.target))
			require.Len(t, ev, 1)
			assert.Equal(t, EvInvestigated, ev[0].Kind)
			assert.Equal(t, tt.want, ev[0].Faction)
			assert.Equal(t, toSeat, ev[0].audience)
			want := []Investigation{{Session: 1, Target: tt.target, Faction: tt.want}}
			assert.Equal(t, want, tb.g.View(SeatViewer(2)).You.Investigations)
			assert.Equal(t, tt.target, tb.g.View(SeatViewer(2)).You.Choice)
			for _, v := range viewers(tb.g) {
				if v.Seat == 2 {
					continue
				}
				view := tb.g.View(v)
				if view.You != nil {
					assert.Nil(t, view.You.Investigations)
				}
				log, _ := tb.g.Log(v, 0)
				assert.False(t, has(log, EvInvestigated), "viewer %d", v.Seat)
			}
			tb.refuse(investigate(2, 3), CodeAlreadyActed)
		})
	}
}

func TestInvestigationsAccumulate(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Sessions = 3
	tb := rig(t, cfg, six, 3)
	tb.toNight()
	tb.do(investigate(2, 1))
	tb.expire()
	tb.toNight()
	tb.do(investigate(2, 5))
	tb.expire()
	assert.Equal(t, []Investigation{{1, 1, Plotters}, {2, 5, Loyalists}}, tb.g.View(SeatViewer(2)).You.Investigations)
	// The Investigator purged keeps what they learnt, and learns no more.
	tb.purgeOf(2)
	tb.expire()
	require.Equal(t, PhaseNight, tb.g.phase)
	tb.refuse(investigate(2, 0), CodePurged)
	assert.Len(t, tb.g.View(SeatViewer(2)).You.Investigations, 2)
}

func TestBlocSeesItsOwnNight(t *testing.T) {
	// Ten seats, a bloc of four: 0 Kirov, 1-3 Plotters, 4 Investigator.
	cfg := DefaultConfig()
	tb := rig(t, cfg, "KPPPILLLLL", 9)
	tb.toNight()
	tb.do(letter(1, 5), letter(2, 6))
	for _, v := range viewers(tb.g) {
		view := tb.g.View(v)
		log, _ := tb.g.Log(v, 0)
		proposed := 0
		for _, e := range log {
			if e.Kind == EvLetterProposed {
				proposed++
			}
		}
		if v.Seat >= 0 && v.Seat <= 3 {
			assert.Equal(t, []Proposal{{1, 5}, {2, 6}}, view.You.Proposals, "Plotter %d", v.Seat)
			assert.Equal(t, []int{0, 1, 2, 3}, view.You.Bloc)
			require.NotNil(t, view.You.Kirov)
			assert.Equal(t, 0, *view.You.Kirov)
			assert.Equal(t, 2, proposed)
			assert.True(t, tb.g.CanWrite(v, ChannelPlotters))
			assert.True(t, tb.g.CanRead(v, ChannelPlotters))
		} else {
			if view.You != nil {
				assert.Nil(t, view.You.Proposals)
				assert.Nil(t, view.You.Bloc)
				assert.Nil(t, view.You.Kirov)
			}
			assert.Zero(t, proposed, "viewer %d", v.Seat)
			assert.False(t, tb.g.CanWrite(v, ChannelPlotters))
			assert.False(t, tb.g.CanRead(v, ChannelPlotters))
		}
	}
	// Plotter 3 is purged next session; they keep the first night and
	// learn nothing of the second.
	tb.do(letter(0, 5), letter(3, 7), investigate(4, 0))
	require.Equal(t, 2, tb.g.session)
	tb.purgeOf(3)
	tb.do(confess(3, 9))
	tb.do(letter(0, 8), letter(1, 8))
	view := tb.g.View(SeatViewer(3))
	assert.Nil(t, view.You.Proposals, "a purged Plotter no longer sits with the bloc")
	assert.Equal(t, []int{0, 1, 2, 3}, view.You.Bloc, "but remembers it")
	assert.False(t, tb.g.CanRead(SeatViewer(3), ChannelPlotters))
	assert.False(t, tb.g.CanWrite(SeatViewer(3), ChannelPlotters))
	log, _ := tb.g.Log(SeatViewer(3), 0)
	for _, e := range log {
		if e.Kind == EvLetterProposed || e.Kind == EvLetterSent {
			assert.Equal(t, 1, e.Session, "a purged Plotter saw %s of session %d", e.Kind, e.Session)
		}
	}
	assert.True(t, has(log, EvLetterSent))
	living, _ := tb.g.Log(SeatViewer(2), 0)
	assert.Equal(t, 2, last(t, living, EvLetterProposed).Session)
}

func TestPlottersChannel(t *testing.T) {
	for _, always := range []bool{false, true} {
		cfg := DefaultConfig()
		if always {
			cfg.PlotterChat = PlotterChatAlways
		}
		tb := rig(t, cfg, six, 3)
		assert.Equal(t, always, tb.g.CanWrite(SeatViewer(0), ChannelPlotters), "Debate, always=%v", always)
		assert.True(t, tb.g.CanRead(SeatViewer(0), ChannelPlotters))
		assert.False(t, tb.g.CanRead(SeatViewer(3), ChannelPlotters))
		tb.toNight()
		assert.True(t, tb.g.CanWrite(SeatViewer(1), ChannelPlotters))
		assert.False(t, tb.g.CanWrite(SeatViewer(1), ChannelPublic), "the living are silent at night")
		assert.False(t, tb.g.CanWrite(SeatViewer(2), ChannelPlotters))
	}
}

func TestNightRefusals(t *testing.T) {
	tb := rig(t, DefaultConfig(), six, 3)
	tb.toNight()
	assert.Equal(t, []Action{{Kind: CmdLetter, Targets: []int{1, 2, 3, 4, 5}, Secret: true}}, tb.g.View(SeatViewer(0)).Actions)
	assert.Equal(t, []Action{{Kind: CmdInvestigate, Targets: []int{0, 1, 3, 4, 5}, Secret: true}}, tb.g.View(SeatViewer(2)).Actions)
	assert.Empty(t, tb.g.View(SeatViewer(3)).Actions)
	tb.do(letter(0, 3))
	assert.Empty(t, tb.g.View(SeatViewer(0)).Actions)
	assert.Equal(t, 3, tb.g.View(SeatViewer(0)).You.Choice)
	assert.Equal(t, NoSeat, tb.g.View(SeatViewer(1)).You.Choice)
	tb.refuse(letter(0, 4), CodeAlreadyActed)
	assert.True(t, slices.Equal([]Proposal{{0, 3}}, tb.g.View(SeatViewer(1)).You.Proposals))
}
