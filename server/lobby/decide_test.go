package lobby

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/game"
	"congress/protocol"
)

var at = time.Date(1934, 2, 10, 12, 0, 0, 0, time.UTC)

func testEnv() Env {
	return Env{
		Now: at, Seed: func() uint64 { return 7 }, MatchID: func() string { return "m-1" },
		MatchSeed: func() game.Seed { return game.SeedOf(7) },
		Here:      func(string) bool { return false },
		Bounds:    Bounds{ChatLines: 3, MembersEver: 8, Changes: 2},
	}
}

// open is a lobby whose creator Anna is joined by names, each decided and
// applied as the actor would.
func open(t *testing.T, names ...string) *State {
	t.Helper()
	s := NewState("ABCDEF", func(int, string, uint64) Player { return idle{} })
	require.NoError(t, s.Apply(Created("Anna", []byte{1}, false, SettingsOf(protocol.SettingsOf(game.DefaultConfig(), 4)), "", at)))
	for _, n := range names {
		rec, err := s.Join(n, []byte{2}, testEnv())
		require.NoError(t, err)
		require.NoError(t, s.Apply(rec))
	}
	return s
}

func code(err error) protocol.Code {
	if e, ok := err.(*protocol.Error); ok {
		return e.Code
	}
	return ""
}

func TestJoin(t *testing.T) {
	tests := []struct {
		name  string
		state func(t *testing.T) *State
		join  string
		want  protocol.Code
	}{
		{name: "a new name", state: func(t *testing.T) *State { return open(t, "Boris") }, join: "Clara"},
		{name: "a name taken", state: func(t *testing.T) *State { return open(t, "Boris") }, join: "boris", want: protocol.CodeNameTaken},
		{name: "a name that looks taken", state: func(t *testing.T) *State { return open(t, "Boris") }, join: "B\u043eris", want: protocol.CodeNameTaken},
		{name: "as many members as ever may be", state: func(t *testing.T) *State {
			s := open(t, "B", "C", "D", "E", "F", "G")
			for _, id := range []string{"d2", "d3"} {
				require.NoError(t, s.Apply(s.Leave(s.Member(id), testEnv())))
			}
			require.NoError(t, s.Apply(mustJoin(t, s, "H")))
			return s
		}, join: "Zed", want: protocol.CodeLobbyFull},
		{name: "a closed lobby", state: func(t *testing.T) *State {
			s := open(t)
			require.NoError(t, s.Apply(s.Closing(testEnv())))
			return s
		}, join: "Boris", want: protocol.CodeUnknownLobby},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.state(t)
			rec, err := s.Join(tt.join, []byte{3}, testEnv())
			if tt.want != "" {
				assert.Equal(t, tt.want, code(err), "%v", err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, RecJoined, rec.Kind)
			assert.Equal(t, s.nextMember(), rec.Member)
			require.NoError(t, s.Apply(rec))
			assert.Equal(t, tt.join, s.Member(rec.Member).Name)
		})
	}
}

func mustJoin(t *testing.T, s *State, name string) Record {
	t.Helper()
	rec, err := s.Join(name, []byte{4}, testEnv())
	require.NoError(t, err)
	return rec
}

func TestHostAction(t *testing.T) {
	five := func(t *testing.T) *State { return open(t, "Boris", "Clara", "Dmitri", "Elena") }
	started := func(t *testing.T) *State {
		s := five(t)
		recs, err := s.HostAction(s.Member("d1"), protocol.Host{Action: protocol.HostStart}, testEnv())
		require.NoError(t, err)
		for _, rec := range recs {
			require.NoError(t, s.Apply(rec))
		}
		return s
	}
	tests := []struct {
		name  string
		state func(t *testing.T) *State
		by    string
		h     protocol.Host
		kinds []RecordKind
		want  protocol.Code
	}{
		{name: "not the host", state: five, by: "d2", h: protocol.Host{Action: protocol.HostPublic, Public: true}, want: protocol.CodeNotHost},
		{name: "listing", state: five, by: "d1", h: protocol.Host{Action: protocol.HostPublic, Public: true}, kinds: []RecordKind{RecPublic}},
		{name: "start", state: five, by: "d1", h: protocol.Host{Action: protocol.HostStart}, kinds: []RecordKind{RecStarted}},
		{name: "start twice", state: started, by: "d1", h: protocol.Host{Action: protocol.HostStart}, want: protocol.CodeGameStarted},
		{name: "kick a seated delegate", state: started, by: "d1", h: protocol.Host{Action: protocol.HostKick, Member: "d3"}, kinds: []RecordKind{RecBotSeat, RecKicked}},
		{name: "kick oneself", state: five, by: "d1", h: protocol.Host{Action: protocol.HostKick, Member: "d1"}, want: protocol.CodeBadMessage},
		{name: "a bot as host", state: func(t *testing.T) *State {
			s := five(t)
			recs, err := s.HostAction(s.Member("d1"), protocol.Host{Action: protocol.HostAddBot, Strength: "easy"}, testEnv())
			require.NoError(t, err)
			require.NoError(t, s.Apply(recs[0]))
			return s
		}, by: "d1", h: protocol.Host{Action: protocol.HostMakeHost, Member: "d6"}, want: protocol.CodeUnknownMember},
		{name: "a seat to a bot between games", state: five, by: "d1", h: protocol.Host{Action: protocol.HostBotSeat, Member: "d2", Bot: true}, want: protocol.CodeNoGame},
		{name: "a seat to a bot", state: started, by: "d1", h: protocol.Host{Action: protocol.HostBotSeat, Member: "d2", Bot: true}, kinds: []RecordKind{RecBotSeat}},
		{name: "rematch during the game", state: started, by: "d1", h: protocol.Host{Action: protocol.HostRematch}, want: protocol.CodeNoGame},
		{name: "too many changes", state: func(t *testing.T) *State {
			s := five(t)
			for _, pub := range []bool{true, false} {
				recs, err := s.HostAction(s.Member("d1"), protocol.Host{Action: protocol.HostPublic, Public: pub}, testEnv())
				require.NoError(t, err)
				require.NoError(t, s.Apply(recs[0]))
			}
			return s
		}, by: "d1", h: protocol.Host{Action: protocol.HostPublic, Public: true}, want: protocol.CodeTooManyChanges},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.state(t)
			recs, err := s.HostAction(s.Member(tt.by), tt.h, testEnv())
			if tt.want != "" {
				assert.Equal(t, tt.want, code(err), "%v", err)
				assert.Empty(t, recs)
				return
			}
			require.NoError(t, err)
			var kinds []RecordKind
			for _, rec := range recs {
				kinds = append(kinds, rec.Kind)
				require.NoError(t, s.Apply(rec), "a decided record applies")
			}
			assert.Equal(t, tt.kinds, kinds)
		})
	}
}

func TestCommandIsTheMembersOwnSeat(t *testing.T) {
	s := open(t, "Boris", "Clara", "Dmitri", "Elena")
	_, err := s.Command(s.Member("d2"), protocol.Act{Kind: game.CmdDenounce})
	assert.Equal(t, protocol.CodeNoGame, code(err))
	recs, err := s.HostAction(s.Member("d1"), protocol.Host{Action: protocol.HostStart}, testEnv())
	require.NoError(t, err)
	require.NoError(t, s.Apply(recs[0]))

	cmd, err := s.Command(s.Member("d2"), protocol.Act{Kind: game.CmdDenounce, Target: 0})
	require.NoError(t, err)
	assert.Equal(t, s.Member("d2").Seat, cmd.Seat)
	_, err = s.Command(s.Member("d2"), protocol.Act{Kind: game.CmdPause})
	assert.Equal(t, protocol.CodeNotHost, code(err))
	_, err = s.Command(nil, protocol.Act{Kind: game.CmdDenounce})
	assert.Equal(t, protocol.CodeNotSeated, code(err))
}

func TestSayIsBounded(t *testing.T) {
	s := open(t, "Boris")
	for range 3 {
		rec, err := s.Say(s.Member("d2"), "", game.ChannelPublic, "Comrades!", testEnv())
		require.NoError(t, err)
		require.NoError(t, s.Apply(rec))
	}
	_, err := s.Say(s.Member("d2"), "", game.ChannelPublic, "once more", testEnv())
	assert.Equal(t, protocol.CodeChatFull, code(err))
	_, err = s.Say(s.Member("d1"), "", game.ChannelPlotters, "between us", testEnv())
	assert.Equal(t, protocol.CodeChannelClosed, code(err))
	rec, err := s.Say(nil, "", game.ChannelSpectators, "from the gallery", testEnv())
	require.NoError(t, err)
	assert.Equal(t, "Spectator", rec.Chat.Name)
}
