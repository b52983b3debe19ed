package game

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestWorkedExampleOfDocs plays the session told in docs/RULES.md, "A
// worked session", with the default settings, and checks every outcome
// the story states.
func TestWorkedExampleOfDocs(t *testing.T) {
	const (
		anna, boris, clara, dmitri, elena, fyodor, galina = 0, 1, 2, 3, 4, 5, 6
	)
	seated := names[:7]
	// Seed 15844 (found by search) seats them in this order with Clara in
	// the Chair; the roles are then dealt as rig does (the same roles New
	// deals, moved to the story's seats).
	g, _, err := New(DefaultConfig(), seated, 15844, t0)
	require.NoError(t, err)
	for i, s := range g.seats {
		require.Equal(t, seated[i], s.name)
	}
	require.Equal(t, clara, g.chair)
	want := []Role{Loyalist, Plotter, Loyalist, Kirov, Investigator, Loyalist, Loyalist}
	var dealt []Role
	for _, s := range g.seats {
		dealt = append(dealt, s.role)
	}
	require.ElementsMatch(t, want, dealt)
	for i := range g.seats {
		g.seats[i].role = want[i]
	}
	g.findBloc()
	tb := &table{t: t, g: g, now: t0}
	assert.Equal(t, 4, g.sessions, "four sessions for seven delegates")

	// Debate.
	tb.do(denounce(anna, boris), denounce(fyodor, boris), denounce(boris, fyodor), denounce(galina, fyodor),
		denounce(dmitri, anna), withdraw(dmitri))
	tb.readyAll()

	// Accusation: a tie, the Chair is not in it and picks Boris.
	require.Equal(t, PhaseAccusation, g.phase)
	assert.Equal(t, []int{boris, fyodor}, g.tied)
	tb.do(pick(clara, boris))
	assert.Equal(t, boris, g.accused)

	// Trial: 4 to 2 on an open ballot.
	tb.expire()
	tb.do(vote(anna, true), vote(clara, true), vote(fyodor, true), vote(dmitri, false), vote(galina, false))
	assert.Nil(t, tb.g.View(SeatViewer(anna)).Ballot, "only who has voted, until the last vote")
	tb.do(vote(elena, true))
	b := tb.g.View(SeatViewer(anna)).Ballot
	require.NotNil(t, b)
	assert.Equal(t, Ballot{Accused: boris, Purge: 4, Spare: 2, Purged: true, Votes: []SeatVote{
		{anna, true}, {clara, true}, {dmitri, false}, {elena, true}, {fyodor, true}, {galina, false},
	}}, *b)
	assert.Equal(t, NoRole, tb.g.View(SeatViewer(anna)).Seats[boris].Role, "the file is sealed")
	assert.False(t, g.Over(), "Kirov alone against five Loyalists")

	// Confession.
	require.Equal(t, PhaseConfession, g.phase)
	tb.do(confess(boris, anna))

	// Night: Kirov, the bloc's last, writes the letter alone.
	tb.do(letter(dmitri, fyodor))
	tb.do(investigate(elena, galina))
	assert.Equal(t, []Investigation{{Session: 1, Target: galina, Faction: Loyalists}}, tb.g.View(SeatViewer(elena)).You.Investigations)
	sent := last(t, g.log, EvLetterSent)
	assert.Equal(t, fyodor, sent.Target)
	assert.False(t, sent.Drawn)

	// Session 2 opened as soon as both had acted.
	assert.Equal(t, 2, g.session)
	assert.Equal(t, PhaseDebate, g.phase)
	assert.Equal(t, dmitri, g.chair)
	assert.Equal(t, []Denunciation{
		{Target: anna, Source: FromConfession, By: boris},
		{Target: fyodor, Source: FromLetter, By: NoSeat},
	}, tb.g.View(SeatViewer(clara)).Denunciations)
}

// TestWorkedLastShotOfDocs plays "A worked Last Shot" of docs/RULES.md:
// the seven delegates of the worked session with Koba and Nikolaev on.
func TestWorkedLastShotOfDocs(t *testing.T) {
	const (
		anna, boris, clara, dmitri, elena, fyodor, galina = 0, 1, 2, 3, 4, 5, 6
	)
	seated := names[:7]
	cfg := DefaultConfig()
	cfg.Roles = Roles(Koba, Nikolaev)
	// The roles change no draw of the seed: the seating and the Chair of
	// the worked session.
	g, _, err := New(cfg, seated, 15844, t0)
	require.NoError(t, err)
	for i, s := range g.seats {
		require.Equal(t, seated[i], s.name)
	}
	want := []Role{Loyalist, Nikolaev, Loyalist, Kirov, Investigator, Loyalist, Koba}
	var dealt []Role
	for _, s := range g.seats {
		dealt = append(dealt, s.role)
	}
	require.ElementsMatch(t, want, dealt)
	for i := range g.seats {
		g.seats[i].role = want[i]
	}
	g.findBloc()
	tb := &table{t: t, g: g, now: t0}

	koba := g.View(SeatViewer(galina))
	assert.Equal(t, []int{boris}, koba.You.Known().OfBloc)
	assert.Equal(t, Plotters, koba.Seats[boris].Faction, `Boris "of the bloc"`)
	assert.Equal(t, NoRole, koba.Seats[boris].Role)
	assert.Equal(t, NoFaction, koba.Seats[dmitri].Faction, "of Dmitri nothing")

	// Debate: Dmitri, at 3, is accused.
	tb.do(denounce(anna, dmitri), denounce(fyodor, dmitri), denounce(galina, dmitri),
		denounce(boris, fyodor), denounce(dmitri, anna))
	tb.readyAll()
	require.Equal(t, PhaseDefence, g.phase)
	assert.Equal(t, dmitri, g.accused)

	// Trial: 4 to 2, Kirov purged.
	tb.expire()
	tb.do(vote(anna, true), vote(clara, true), vote(fyodor, true), vote(galina, true), vote(boris, false), vote(elena, false))
	require.Equal(t, PhaseLastShot, g.phase, "the Loyalists would win: the Last Shot")
	assert.False(t, g.Over())
	d, ok := g.NextDeadline()
	require.True(t, ok)
	assert.Equal(t, 60*time.Second, d.Sub(tb.now))
	for _, v := range viewers(g) {
		view := g.View(v)
		assert.Equal(t, Plotters, view.Seats[dmitri].Faction)
		assert.Equal(t, Plotters, view.Seats[boris].Faction)
		if v.Seat != galina {
			assert.Equal(t, NoFaction, view.Seats[galina].Faction)
		}
	}
	assert.True(t, g.CanWrite(SeatViewer(dmitri), ChannelPlotters), "the purged Kirov confers")
	assert.True(t, g.CanWrite(SeatViewer(boris), ChannelPlotters))

	// Had Boris named Galina, the bloc would have won.
	other := snapshot(g)
	_, err = other.Apply(shoot(boris, galina), tb.now)
	require.NoError(t, err)
	w, r := other.Winner()
	assert.Equal(t, Plotters, w)
	assert.Equal(t, KobaShot, r)

	// Boris names Anna: a plain Loyalist. The Loyalists win.
	tb.do(shoot(boris, anna))
	w, r = g.Winner()
	assert.Equal(t, Loyalists, w)
	assert.Equal(t, KirovPurged, r)
}
