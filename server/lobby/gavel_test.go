package lobby

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/game"
	"congress/protocol"
)

// playing is five delegates (Anna the host, d1, to Elena, d5) at a game.
func playing(t *testing.T) *State {
	t.Helper()
	s := open(t, "Boris", "Clara", "Dmitri", "Elena")
	recs, err := s.HostAction(s.Member("d1"), protocol.Host{Action: protocol.HostStart}, testEnv())
	require.NoError(t, err)
	for _, rec := range recs {
		require.NoError(t, s.Apply(rec))
	}
	return s
}

// here is a Here of the members listed.
func here(ids ...string) func(string) bool {
	return func(id string) bool {
		for _, x := range ids {
			if x == id {
				return true
			}
		}
		return false
	}
}

// bySeat is the member at a seat.
func bySeat(s *State, seat int) *Member {
	for _, m := range s.Members {
		if m.Seat == seat {
			return m
		}
	}
	return nil
}

func TestGavelHeir(t *testing.T) {
	t.Run("between games, in joining order after the host", func(t *testing.T) {
		s := open(t, "Boris", "Clara", "Dmitri")
		assert.Equal(t, "d2", s.GavelHeir(here("d2", "d3")).ID)
		assert.Equal(t, "d3", s.GavelHeir(here("d3", "d4")).ID, "the first present")
		assert.Nil(t, s.GavelHeir(here("d1")), "nobody but the host")
	})
	t.Run("in a game, in seat order after the host's seat", func(t *testing.T) {
		s := playing(t)
		hostSeat := s.Member("d1").Seat
		next, after := bySeat(s, (hostSeat+1)%5), bySeat(s, (hostSeat+2)%5)
		all := here("d1", "d2", "d3", "d4", "d5")
		assert.Equal(t, next.ID, s.GavelHeir(all).ID)
		assert.Equal(t, after.ID, s.GavelHeir(func(id string) bool { return id != next.ID }).ID, "the next present")
	})
	t.Run("never a bot, nor a seat a bot plays for the gone", func(t *testing.T) {
		s := playing(t)
		next := bySeat(s, (s.Member("d1").Seat+1)%5)
		recs, err := s.HostAction(s.Member("d1"), protocol.Host{Action: protocol.HostKick, Member: next.ID}, testEnv())
		require.NoError(t, err)
		for _, rec := range recs {
			require.NoError(t, s.Apply(rec))
		}
		assert.NotEqual(t, next.ID, s.GavelHeir(here("d1", "d2", "d3", "d4", "d5")).ID)
	})
}

func TestGavelDue(t *testing.T) {
	s := playing(t)
	away := at.Add(-time.Minute)
	env := testEnv()
	env.Here = here("d3")

	env.Now = away.Add(29 * time.Second)
	_, due := s.GavelDue(away, env)
	assert.False(t, due, "30 s by default")

	env.Now = away.Add(30 * time.Second)
	rec, due := s.GavelDue(away, env)
	require.True(t, due)
	assert.Equal(t, Record{Kind: RecGavelPassed, At: env.Now, Member: "d3", From: "d1"}, rec)

	env.Here = here()
	_, due = s.GavelDue(away, env)
	assert.False(t, due, "nobody here to take it")

	require.NoError(t, s.Apply(rec))
	assert.Equal(t, "d3", s.Host)
	assert.True(t, s.Member("d1").LostGavel)
	n, ok := s.Announcement(rec, here("d3"))
	require.True(t, ok)
	assert.Equal(t, protocol.Notice{Kind: protocol.NoticeGavel, Member: "d3", Message: "The gavel passes to Clara: Anna is away.", Event: protocol.NoticeGavelPassed, Params: map[string]string{"name": "Clara", "from": "Anna"}}, n)

	// Anna is back: she is told once, and a second return tells nothing.
	told, n, ok := s.WhileAway(s.Member("d1"), testEnv())
	require.True(t, ok)
	assert.Equal(t, RecTold, told.Kind)
	assert.Equal(t, "While you were away the gavel passed to Clara, who holds it now.", n.Message)
	require.NoError(t, s.Apply(told))
	_, _, ok = s.WhileAway(s.Member("d1"), testEnv())
	assert.False(t, ok)
}

func TestHostAwaySetting(t *testing.T) {
	s := open(t)
	assert.Equal(t, 30*time.Second, s.Settings.HostAway())
	// A log written before the setting holds none: the default.
	old := s.Settings
	old.HostAwaySeconds = 0
	require.NoError(t, s.Apply(Record{Kind: RecSettings, At: at, Settings: &old}))
	assert.Equal(t, protocol.DefaultHostAwaySeconds, s.Settings.HostAwaySeconds)
	five := s.Settings
	five.HostAwaySeconds = 5
	require.NoError(t, s.Apply(Record{Kind: RecSettings, At: at, Settings: &five}))
	assert.Equal(t, 5*time.Second, s.Settings.HostAway())
}

func TestKickedPassIsBarred(t *testing.T) {
	s := open(t)
	rec, err := s.Join("Boris", []byte("boris's pass"), testEnv())
	require.NoError(t, err)
	require.NoError(t, s.Apply(rec))
	require.NoError(t, s.Barred([]byte("boris's pass")))
	recs, err := s.HostAction(s.Member("d1"), protocol.Host{Action: protocol.HostKick, Member: rec.Member}, testEnv())
	require.NoError(t, err)
	for _, r := range recs {
		require.NoError(t, s.Apply(r))
	}
	assert.Equal(t, protocol.CodeKicked, code(s.Barred([]byte("boris's pass"))))
	assert.NoError(t, s.Barred([]byte("another pass")))

	// The bar outlives a rematch's snapshot, and a replay.
	snap := s.Snapshot()
	again := NewState("ABCDEF", nil)
	require.NoError(t, again.Apply(Record{Kind: RecSnapshot, At: at, Snapshot: &snap}))
	assert.Equal(t, protocol.CodeKicked, code(again.Barred([]byte("boris's pass"))))
}

func TestWhileAway(t *testing.T) {
	s := playing(t)
	boris := s.Member("d2")
	env := testEnv()
	recs, err := s.HostAction(s.Member("d1"), protocol.Host{Action: protocol.HostBotSeat, Member: boris.ID, Bot: true}, env)
	require.NoError(t, err)
	require.NoError(t, s.Apply(recs[0]))
	n, ok := s.Announcement(recs[0], here("d1"))
	require.True(t, ok)
	assert.Equal(t, "A bot now plays Boris's seat: Boris is away.", n.Message)

	// The bot, in Boris's seat, denounces the seat after his, presses
	// Ready and votes Spare on it; others move too, which Boris is not
	// told of.
	g := s.Match.Game
	target := (boris.Seat + 1) % 5
	other := (boris.Seat + 2) % 5
	act := func(c game.Command) {
		t.Helper()
		rec, err := s.Act(c, env)
		require.NoError(t, err)
		require.NoError(t, s.Apply(rec))
	}
	act(game.Command{Kind: game.CmdDenounce, Seat: boris.Seat, Target: target})
	for seat := range 5 {
		if seat != boris.Seat && seat != target {
			act(game.Command{Kind: game.CmdDenounce, Seat: seat, Target: target})
		}
	}
	act(game.Command{Kind: game.CmdDenounce, Seat: target, Target: other})
	for seat := range 5 {
		act(game.Command{Kind: game.CmdReady, Seat: seat})
	}
	require.Equal(t, game.PhaseDefence, g.Phase())
	act(game.Command{Kind: game.CmdEndPhase, Seat: game.NoSeat})
	act(game.Command{Kind: game.CmdPurgeVote, Seat: boris.Seat, Purge: false})
	act(game.Command{Kind: game.CmdPurgeVote, Seat: other, Purge: true})

	// Boris is back: the bot hands the seat over, and he is told.
	back, ok := s.HandBack(boris, env)
	require.True(t, ok)
	require.NoError(t, s.Apply(back))
	n, ok = s.Announcement(back, here("d1", "d2"))
	require.True(t, ok)
	assert.Equal(t, "Boris is back and plays their own seat again.", n.Message)
	act(game.Command{Kind: game.CmdPurgeVote, Seat: (boris.Seat + 3) % 5, Purge: true})

	told, n, ok := s.WhileAway(boris, env)
	require.True(t, ok)
	assert.Equal(t, protocol.NoticeWhileAway, n.Kind)
	assert.Equal(t, "While you were away your deputy denounced "+g.Name(target)+", pressed Ready and voted Spare on "+g.Name(target)+".", n.Message)
	require.Len(t, n.Deeds, 3)
	for _, e := range n.Deeds {
		assert.Equal(t, boris.Seat, e.Seat)
	}
	require.NoError(t, s.Apply(told))
	_, _, ok = s.WhileAway(boris, env)
	assert.False(t, ok, "told once")
}

func TestDeedWords(t *testing.T) {
	s := playing(t)
	g := s.Match.Game
	name := g.Name
	tests := []struct {
		name  string
		deeds []game.Event
		want  string
	}{
		{"none", nil, ""},
		{"one", []game.Event{{Kind: game.EvDenounced, Seat: 0, Target: 1}}, "denounced " + name(1)},
		{"a silent confession and a strike", []game.Event{{Kind: game.EvConfessed, Seat: 0, Target: game.NoSeat}, {Kind: game.EvStrikeCast, Seat: 0, Target: 2}},
			"left the hall without a word and struck " + name(2) + " from the ballot"},
		{"an investigation's report", []game.Event{{Kind: game.EvInvestigated, Seat: 0, Target: 3, Faction: game.Plotters}}, "had the NKVD investigate " + name(3) + ": a Plotter"},
		{"many", []game.Event{
			{Kind: game.EvDenounced, Target: 1}, {Kind: game.EvWithdrew, Target: 1}, {Kind: game.EvDenounced, Target: 2},
			{Kind: game.EvWithdrew, Target: 2}, {Kind: game.EvDenounced, Target: 3}, {Kind: game.EvWithdrew, Target: 3},
			{Kind: game.EvDenounced, Target: 4}, {Kind: game.EvVoteCast, Target: 4, Purge: true},
		}, "denounced " + name(1) + ", withdrew the denunciation of " + name(1) + ", denounced " + name(2) + ", withdrew the denunciation of " + name(2) +
			", denounced " + name(3) + ", withdrew the denunciation of " + name(3) + " and made 2 more (see the minutes)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, deedWords(g, tt.deeds))
		})
	}
}
