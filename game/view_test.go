package game

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// textEnum is what every enum of the package implements.
type textEnum interface {
	fmt.Stringer
	MarshalText() ([]byte, error)
}

func TestEnumsOnTheWire(t *testing.T) {
	tests := []struct {
		name  string
		names []string
		value func(i int) textEnum
		parse func(s string) (int, error)
	}{
		{"Faction", []string{"none", "loyalists", "plotters"},
			func(i int) textEnum { return Faction(i) },
			func(s string) (int, error) { var v Faction; err := v.UnmarshalText([]byte(s)); return int(v), err }},
		{"Role", []string{"none", "loyalist", "investigator", "plotter", "kirov",
			"koba", "nikolaev", "bukharin", "zinoviev", "tukhachevsky", "yagoda"},
			func(i int) textEnum { return Role(i) },
			func(s string) (int, error) { var v Role; err := v.UnmarshalText([]byte(s)); return int(v), err }},
		{"Phase", []string{"debate", "accusation", "defence", "vote", "confession", "night", "final_ballot", "over", "last_shot"},
			func(i int) textEnum { return Phase(i) },
			func(s string) (int, error) { var v Phase; err := v.UnmarshalText([]byte(s)); return int(v), err }},
		{"Reveal", []string{"nothing", "faction", "role"},
			func(i int) textEnum { return Reveal(i) },
			func(s string) (int, error) { var v Reveal; err := v.UnmarshalText([]byte(s)); return int(v), err }},
		{"PlotterChat", []string{"night", "always"},
			func(i int) textEnum { return PlotterChat(i) },
			func(s string) (int, error) { var v PlotterChat; err := v.UnmarshalText([]byte(s)); return int(v), err }},
		{"BallotKind", []string{"open", "secret"},
			func(i int) textEnum { return BallotKind(i) },
			func(s string) (int, error) { var v BallotKind; err := v.UnmarshalText([]byte(s)); return int(v), err }},
		{"Channel", []string{"public", "plotters", "purged", "spectators"},
			func(i int) textEnum { return Channel(i) },
			func(s string) (int, error) { var v Channel; err := v.UnmarshalText([]byte(s)); return int(v), err }},
		{"WinReason", []string{"not_over", "kirov_purged", "parity", "kirov_struck", "kirov_elected", "koba_shot"},
			func(i int) textEnum { return WinReason(i) },
			func(s string) (int, error) { var v WinReason; err := v.UnmarshalText([]byte(s)); return int(v), err }},
		{"Source", []string{"delegate", "letter", "confession"},
			func(i int) textEnum { return Source(i) },
			func(s string) (int, error) { var v Source; err := v.UnmarshalText([]byte(s)); return int(v), err }},
		{"CommandKind", []string{"denounce", "withdraw", "ready", "unready", "chair_pick", "purge_vote",
			"confess", "letter", "investigate", "strike", "end_phase", "pause", "resume", "falsify", "shoot"},
			func(i int) textEnum { return CommandKind(i) },
			func(s string) (int, error) { var v CommandKind; err := v.UnmarshalText([]byte(s)); return int(v), err }},
		{"EventKind", eventNames,
			func(i int) textEnum { return EventKind(i) },
			func(s string) (int, error) { var v EventKind; err := v.UnmarshalText([]byte(s)); return int(v), err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for i, name := range tt.names {
				v := tt.value(i)
				assert.Equal(t, name, v.String())
				text, err := v.MarshalText()
				require.NoError(t, err)
				assert.Equal(t, name, string(text))
				back, err := tt.parse(name)
				require.NoError(t, err)
				assert.Equal(t, i, back)
			}
			for _, bad := range []int{-1, len(tt.names)} {
				_, err := tt.value(bad).MarshalText()
				assert.Error(t, err, "value %d", bad)
				assert.Contains(t, tt.value(bad).String(), fmt.Sprint(bad))
			}
			_, err := tt.parse("stalin")
			assert.Error(t, err)
		})
	}
	assert.Len(t, eventNames, int(EvShot)+1, "an event kind without a wire name")
}

func TestCommandJSON(t *testing.T) {
	data, err := json.Marshal(Command{Kind: CmdPurgeVote, Seat: 3, Purge: true})
	require.NoError(t, err)
	assert.JSONEq(t, `{"kind":"purge_vote","seat":3,"purge":true}`, string(data))
	var c Command
	require.NoError(t, json.Unmarshal([]byte(`{"kind":"strike","seat":2,"target":5}`), &c))
	assert.Equal(t, Command{Kind: CmdStrike, Seat: 2, Target: 5}, c)
	assert.Error(t, json.Unmarshal([]byte(`{"kind":"assassinate","seat":2}`), &c))
	assert.True(t, CmdPause.HostOnly())
	assert.False(t, CmdStrike.HostOnly())
}

func TestChannels(t *testing.T) {
	// Six seats, Kirov 0, Plotter 1, Investigator 2, Loyalists 3-5;
	// Loyalist 4 and Plotter 1 purged in sessions 1 and 2.
	type rights struct{ write, read []Channel }
	P, Pl, Pu, S := ChannelPublic, ChannelPlotters, ChannelPurged, ChannelSpectators
	tests := []struct {
		name   string
		always bool
		reach  func(tb *table)
		want   map[int]rights // viewer seat (NoSeat: spectator)
	}{
		{"Debate", false, func(*table) {}, map[int]rights{
			0: {[]Channel{P}, []Channel{P, Pl}}, 3: {[]Channel{P}, []Channel{P}}, NoSeat: {[]Channel{S}, []Channel{P, S}},
		}},
		{"Debate, channel always open", true, func(*table) {}, map[int]rights{
			1: {[]Channel{P, Pl}, []Channel{P, Pl}}, 2: {[]Channel{P}, []Channel{P}},
		}},
		{"Night", false, func(tb *table) { tb.toNight() }, map[int]rights{
			0: {[]Channel{Pl}, []Channel{P, Pl}}, 2: {nil, []Channel{P}}, NoSeat: {[]Channel{S}, []Channel{P, S}},
		}},
		{"a purged Loyalist and a purged Plotter", false, func(tb *table) {
			tb.purgeOf(4)
			tb.expire()
			tb.expire()
			tb.purgeOf(1)
		}, map[int]rights{
			4: {[]Channel{Pu}, []Channel{P, Pu}}, 1: {[]Channel{Pu}, []Channel{P, Pu}}, 0: {[]Channel{P}, []Channel{P, Pl}},
		}},
		{"after the game", false, func(tb *table) { tb.purgeOf(0) }, map[int]rights{
			0: {[]Channel{P, Pu}, []Channel{P, Pl, Pu}}, 3: {[]Channel{P}, []Channel{P, Pl, Pu}},
			NoSeat: {[]Channel{S}, []Channel{P, Pl, Pu, S}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			if tt.always {
				cfg.PlotterChat = PlotterChatAlways
			}
			tb := rig(t, cfg, six, 3)
			tt.reach(tb)
			for seat, want := range tt.want {
				v := Viewer{Seat: seat}
				view := tb.g.View(v)
				if want.write == nil {
					want.write = []Channel{} // [] on the wire, never null
				}
				assert.Equal(t, want.write, view.Write, "write, viewer %d", seat)
				assert.Equal(t, want.read, view.Read, "read, viewer %d", seat)
				for _, ch := range Channels {
					assert.Equal(t, contains(want.write, ch), tb.g.CanWrite(v, ch), "viewer %d writes %s", seat, ch)
					assert.Equal(t, contains(want.read, ch), tb.g.CanRead(v, ch), "viewer %d reads %s", seat, ch)
				}
			}
		})
	}
}

func contains(s []Channel, c Channel) bool {
	for _, x := range s {
		if x == c {
			return true
		}
	}
	return false
}

func TestLogCursor(t *testing.T) {
	tb := rig(t, DefaultConfig(), six, 3)
	all, next := tb.g.Log(Spectator, 0)
	require.Equal(t, tb.g.LogLen(), next)
	assert.Equal(t, []EventKind{EvGameStarted, EvSessionOpened}, kinds(all))
	tb.do(denounce(0, 4))
	evs, next2 := tb.g.Log(Spectator, next)
	assert.Equal(t, []EventKind{EvDenounced}, kinds(evs))
	assert.Equal(t, next+1, next2)
	evs, next3 := tb.g.Log(Spectator, next2)
	assert.Empty(t, evs)
	assert.Equal(t, next2, next3)
	evs, _ = tb.g.Log(Spectator, -7)
	assert.Len(t, evs, 3, "a negative cursor starts at the beginning")
	evs, next4 := tb.g.Log(Spectator, 99)
	assert.Empty(t, evs)
	assert.Equal(t, next2, next4, "a cursor past the end is the end")

	// Secret events move the cursor for everyone without showing.
	tb.toNight()
	_, mark := tb.g.Log(SeatViewer(3), 0)
	tb.do(letter(1, 3))
	evs, after := tb.g.Log(SeatViewer(3), mark)
	assert.Empty(t, evs)
	assert.Equal(t, mark+1, after)
	evs, _ = tb.g.Log(SeatViewer(0), mark)
	assert.Equal(t, []EventKind{EvLetterProposed}, kinds(evs))
}

func TestUnknownViewerIsASpectator(t *testing.T) {
	tb := rig(t, DefaultConfig(), six, 3)
	tb.toNight()
	tb.do(letter(0, 3), investigate(2, 0))
	for _, v := range []Viewer{{Seat: 6}, {Seat: -2}, {Seat: 1 << 30}} {
		assert.Equal(t, tb.g.View(Spectator), tb.g.View(v), "viewer %d", v.Seat)
		got, _ := tb.g.Log(v, 0)
		want, _ := tb.g.Log(Spectator, 0)
		assert.Equal(t, want, got)
		assert.False(t, tb.g.CanRead(v, ChannelPlotters))
		assert.True(t, tb.g.CanWrite(v, ChannelSpectators))
		assert.Nil(t, tb.g.View(v).You)
	}
}

func TestRoleVisibility(t *testing.T) {
	// Which seats' roles each viewer sees, by setting. Six seats, Kirov 0,
	// Plotter 1, Investigator 2, Loyalists 3-5; Loyalist 4 has been purged.
	tests := []struct {
		name   string
		cfg    func(*Config)
		viewer int
		want   []int // seats whose role the viewer sees
		admit  bool  // a spectator the host admitted
	}{
		{"a Loyalist sees only themself", nil, 3, []int{3}, false},
		{"the Investigator sees only themself", nil, 2, []int{2}, false},
		{"Kirov sees the bloc", nil, 0, []int{0, 1}, false},
		{"a Plotter sees the bloc", nil, 1, []int{0, 1}, false},
		{"a purged Loyalist sees only themself", nil, 4, []int{4}, false},
		{"a purged Loyalist with purged-see-roles", func(c *Config) { c.PurgedSeeRoles = true }, 4, []int{0, 1, 2, 3, 4, 5}, false},
		{"a living Loyalist with purged-see-roles", func(c *Config) { c.PurgedSeeRoles = true }, 3, []int{3}, false},
		{"the spectator", nil, NoSeat, nil, false},
		{"the spectator with spectators-see-roles", func(c *Config) { c.SpectatorsSeeRoles = true }, NoSeat, nil, false},
		{"an admitted spectator", nil, NoSeat, nil, true},
		{"an admitted spectator with spectators-see-roles", func(c *Config) { c.SpectatorsSeeRoles = true }, NoSeat, []int{0, 1, 2, 3, 4, 5}, true},
		{"a Loyalist under reveal role", func(c *Config) { c.Reveal = RevealRole }, 3, []int{3, 4}, false},
		{"a Plotter under reveal role", func(c *Config) { c.Reveal = RevealRole }, 0, []int{0, 1, 4}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			if tt.cfg != nil {
				tt.cfg(&cfg)
			}
			tb := rig(t, cfg, six, 3)
			tb.purgeOf(4)
			tb.do(confess(4, 5))
			view := tb.g.View(Viewer{Seat: tt.viewer, admitted: tt.admit})
			var seen []int
			for i, sv := range view.Seats {
				if sv.Role != NoRole {
					seen = append(seen, i)
					assert.Equal(t, tb.g.seats[i].role, sv.Role)
					assert.Equal(t, tb.g.seats[i].role.Faction(), sv.Faction)
				} else if i != 4 || cfg.Reveal == RevealNothing {
					assert.Equal(t, NoFaction, sv.Faction, "seat %d", i)
				}
			}
			assert.Equal(t, tt.want, seen)
		})
	}
}

func TestEveryoneSeesEverythingAfterTheGame(t *testing.T) {
	cfg := DefaultConfig()
	cfg.OpenBallot = false
	tb := rig(t, cfg, six, 3)
	tb.toNight()
	tb.do(letter(0, 3), letter(1, 4), investigate(2, 1))
	tb.purgeOf(0)
	require.True(t, tb.g.Over())
	for _, v := range viewers(tb.g) {
		view := tb.g.View(v)
		for i, sv := range view.Seats {
			assert.Equal(t, tb.g.seats[i].role, sv.Role)
		}
		assert.Empty(t, view.Actions)
		assert.True(t, view.Deadline.IsZero())
		log, _ := tb.g.Log(v, 0)
		assert.Equal(t, tb.g.log, log)
		assert.True(t, tb.g.CanRead(v, ChannelPlotters))
	}
}

// wire is a view or log as the server sends it.
func wire(t *testing.T, v any) string {
	t.Helper()
	data, err := json.Marshal(v)
	require.NoError(t, err)
	return string(data)
}

// playOut ends the game by letting every deadline pass.
func (tb *table) playOut() {
	tb.t.Helper()
	for !tb.g.Over() {
		tb.expire()
	}
}

func TestViewsAreReadOnlyAndStayPut(t *testing.T) {
	// Views may share their lists with each other and with the game. A
	// caller may append to them (that copies them) and keep them while the
	// game goes on: they do not change, and the game does not either.
	tb := rig(t, DefaultConfig(), six, 3)
	tb.denounceAll(4, 0, 1)
	tb.denounceAll(5, 2, 3)
	tb.readyAll()
	require.Equal(t, PhaseAccusation, tb.g.phase)
	before := snapshot(tb.g)
	var views []View
	var sent []string
	for _, v := range viewers(tb.g) {
		view := tb.g.View(v)
		views, sent = append(views, view), append(sent, wire(t, view))
		// Every list is full to its capacity, so that appending copies.
		assertFull(t, view.Tied, view.Seats, view.Denunciations, view.FinalCount, view.Actions, view.Write, view.Read)
		if view.You != nil {
			assertFull(t, view.You.Investigations, view.You.Bloc, view.You.Proposals)
		}
		_ = append(view.Tied, 0)
		_ = append(view.Seats, SeatView{Role: Kirov})
		_ = append(view.Denunciations, Denunciation{})
		_ = append(view.Actions, Action{Kind: CmdStrike})
		_ = append(view.HostActions, Action{Kind: CmdPause})
		for _, a := range view.Actions {
			assertFull(t, a.Targets, a.Purge)
			_ = append(a.Targets, 0)
			_ = append(a.Purge, false)
		}
		_ = append(view.Write, ChannelPlotters)
		_ = append(view.Read, ChannelPurged)
		if view.You != nil {
			_ = append(view.You.Bloc, 5)
			_ = append(view.You.Investigations, Investigation{})
		}
	}
	assert.Equal(t, before, snapshot(tb.g))
	for i, v := range viewers(tb.g) {
		assert.Equal(t, sent[i], wire(t, tb.g.View(v)), "viewer %d", v.Seat)
	}
	chair := tb.g.View(SeatViewer(3))
	assert.Equal(t, []Action{{Kind: CmdChairPick, Targets: []int{4, 5}}}, chair.Actions)
	assert.Equal(t, []int{4, 5}, chair.Tied)
	assert.Equal(t, 4, chair.Denunciations[0].Target)
	assert.Equal(t, Loyalist, chair.You.Role)
	assert.Equal(t, NoRole, tb.g.View(SeatViewer(2)).Seats[0].Role)

	tb.do(pick(3, 4))
	tb.playOut()
	for i, v := range views {
		assert.Equal(t, sent[i], wire(t, v), "viewer %d's view changed", i)
	}
}

// assertFull checks that each list's capacity is its length.
func assertFull(t *testing.T, lists ...any) {
	t.Helper()
	for i, l := range lists {
		v := reflect.ValueOf(l)
		assert.Equal(t, v.Len(), v.Cap(), "list %d (%T)", i, l)
	}
}

func TestBallotViewsStayPut(t *testing.T) {
	for _, open := range []bool{true, false} {
		cfg := DefaultConfig()
		cfg.OpenBallot = open
		tb := rig(t, cfg, six, 3)
		tb.purgeOf(4)
		v := tb.g.View(SeatViewer(0))
		require.NotNil(t, v.Ballot)
		assert.Equal(t, 5, v.Ballot.Purge)
		if open {
			require.Len(t, v.Ballot.Votes, 5)
			assert.Equal(t, SeatVote{Seat: 0, Purge: true}, v.Ballot.Votes[0])
		} else {
			assert.Nil(t, v.Ballot.Votes)
		}
		sent := wire(t, v)
		before := snapshot(tb.g)
		assertFull(t, v.Ballot.Votes)
		_ = append(v.Ballot.Votes, SeatVote{Seat: 4, Purge: true})
		assert.Equal(t, before, snapshot(tb.g))
		tb.playOut()
		assert.Equal(t, sent, wire(t, v), "open ballot %v", open)
	}
}

// TestViewRules: every viewer's view carries the game's public settings,
// as the config and the deal make them.
func TestViewRules(t *testing.T) {
	secret := DefaultConfig()
	secret.OpenBallot, secret.Threshold, secret.Reveal = false, 3, RevealRole
	secret.PlotterChat, secret.PurgedSeeRoles, secret.SpectatorsSeeRoles = PlotterChatAlways, true, true
	noInvestigator := DefaultConfig()
	noInvestigator.Investigator = false
	tests := []struct {
		name string
		cfg  Config
		deal string
		want Rules
	}{
		{"defaults, six seats", DefaultConfig(), six, Rules{
			Threshold: 2, Ballot: BallotOpen, Reveal: RevealNothing, PlotterChat: PlotterChatNight,
			Roles: []RoleCount{{Loyalist, 3}, {Investigator, 1}, {Plotter, 1}, {Kirov, 1}},
		}},
		{"every setting turned, ten seats", secret, "KPPPILLLLL", Rules{
			Threshold: 3, Ballot: BallotSecret, Reveal: RevealRole, PlotterChat: PlotterChatAlways,
			PurgedSeeRoles: true, SpectatorsSeeRoles: true,
			Roles: []RoleCount{{Loyalist, 5}, {Investigator, 1}, {Plotter, 3}, {Kirov, 1}},
		}},
		{"no Investigator", noInvestigator, "KPLLLL", Rules{
			Threshold: 2, Ballot: BallotOpen, Reveal: RevealNothing, PlotterChat: PlotterChatNight,
			Roles: []RoleCount{{Loyalist, 4}, {Plotter, 1}, {Kirov, 1}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb := rig(t, tt.cfg, tt.deal, 3)
			for _, v := range viewers(tb.g) {
				require.NotNil(t, tb.g.View(v).Rules, "viewer %d", v.Seat)
				assert.Equal(t, tt.want, *tb.g.View(v).Rules, "viewer %d", v.Seat)
			}
		})
	}
	var sent map[string]any
	require.NoError(t, json.Unmarshal([]byte(wire(t, rig(t, secret, "KPPPILLLLL", 3).g.View(Spectator))), &sent))
	assert.Equal(t, map[string]any{
		"threshold": 3.0, "ballot": "secret", "reveal": "role", "plotter_chat": "always",
		"purged_see_roles": true, "spectators_see_roles": true,
		"roles": []any{
			map[string]any{"role": "loyalist", "count": 5.0}, map[string]any{"role": "investigator", "count": 1.0},
			map[string]any{"role": "plotter", "count": 3.0}, map[string]any{"role": "kirov", "count": 1.0},
		},
	}, sent["rules"])
}

// TestHostActions: the host's commands are listed for every viewer as
// the clock allows them, and none after the game.
func TestHostActions(t *testing.T) {
	tb := rig(t, DefaultConfig(), six, 3)
	running := []Action{{Kind: CmdEndPhase}, {Kind: CmdPause}}
	for _, v := range viewers(tb.g) {
		assert.Equal(t, running, tb.g.View(v).HostActions, "viewer %d", v.Seat)
	}
	tb.do(pause())
	for _, v := range viewers(tb.g) {
		assert.Equal(t, []Action{{Kind: CmdResume}}, tb.g.View(v).HostActions, "viewer %d", v.Seat)
		assert.Empty(t, tb.g.View(v).Actions, "viewer %d", v.Seat)
	}
	tb.do(resume())
	assert.Equal(t, running, tb.g.View(Spectator).HostActions)
	tb.purgeOf(0)
	require.True(t, tb.g.Over())
	for _, v := range viewers(tb.g) {
		assert.Equal(t, []Action{}, tb.g.View(v).HostActions, "viewer %d", v.Seat)
	}
}

// TestViewMarks: the phase decides which of the Chair, the Accused and
// the denunciations a view puts before the Congress.
func TestViewMarks(t *testing.T) {
	tests := []struct {
		phase          Phase
		chair, accused int
		want           Marks
	}{
		{PhaseDebate, 2, NoSeat, Marks{Chair: true, Denunciations: true, Denounces: true}},
		{PhaseAccusation, 2, NoSeat, Marks{Chair: true, Denunciations: true}},
		{PhaseDefence, 2, 4, Marks{Chair: true, Accused: true, Denunciations: true}},
		{PhaseVote, 2, 4, Marks{Chair: true, Accused: true, Denunciations: true}},
		{PhaseConfession, 2, 4, Marks{Chair: true, Accused: true}},
		{PhaseNight, 2, 4, Marks{Chair: true}},
		{PhaseFinalBallot, 2, 4, Marks{}},
		{PhaseLastShot, 2, 4, Marks{}},
		{PhaseOver, 2, 4, Marks{}},
		{PhaseDebate, NoSeat, NoSeat, Marks{Denunciations: true, Denounces: true}},
	}
	for _, tc := range tests {
		t.Run(tc.phase.String(), func(t *testing.T) {
			assert.Equal(t, tc.want, tc.phase.marks(tc.chair, tc.accused))
		})
	}
	// A view carries its phase's marks.
	tb := rig(t, DefaultConfig(), six, 3)
	assert.Equal(t, Marks{Chair: true, Denunciations: true, Denounces: true}, tb.g.View(Spectator).Marks)
	tb.toNight()
	v := tb.g.View(SeatViewer(0))
	assert.Equal(t, PhaseNight, v.Phase)
	assert.Equal(t, Marks{Chair: true}, v.Marks)
}

// TestSecretActions: in random games, an action is Secret exactly when
// its kind is, a kind is Secret exactly when only one camp is ever
// offered it (so that showing it would tell a watcher the camp, if not
// the role), and a Secret action comes only in a view whose SecretTurn
// asks every delegate of that phase alike to open the file.
func TestSecretActions(t *testing.T) {
	games := 40
	if raceDetector || testing.Short() {
		games = 10
	}
	camps := map[CommandKind]map[Faction]bool{}
	walkRandomGames(t, games, 43, func(g *Game, i int, _ bool) {
		for seat := range g.seats {
			view := g.View(SeatViewer(seat))
			want := g.phase == PhaseLastShot || g.phase == PhaseNight && g.seats[seat].alive
			if view.SecretTurn != want {
				t.Fatalf("game %d, seat %d (alive %v) in %s: SecretTurn %v", i, seat, g.seats[seat].alive, g.phase, view.SecretTurn)
			}
			for _, a := range view.Actions {
				if a.Secret != a.Kind.Secret() {
					t.Fatalf("game %d: %s offered with Secret %v", i, a.Kind, a.Secret)
				}
				if a.Secret && !view.SecretTurn {
					t.Fatalf("game %d, seat %d in %s: secret %s without SecretTurn", i, seat, g.phase, a.Kind)
				}
				if camps[a.Kind] == nil {
					camps[a.Kind] = map[Faction]bool{}
				}
				camps[a.Kind][g.seats[seat].role.Faction()] = true
			}
		}
		for _, v := range []Viewer{Spectator, AdmittedSpectator} {
			if view := g.View(v); view.SecretTurn {
				t.Fatalf("game %d: a spectator's view in %s has SecretTurn", i, g.phase)
			}
		}
	})
	for k, seen := range camps {
		if k.Secret() {
			assert.Len(t, seen, 1, "the secret %s offered to %v", k, seen)
		}
	}
	// Kinds every delegate is offered in a session are seen by both camps
	// (the confession, the Accused's alone, may by chance reach one only).
	for _, k := range []CommandKind{CmdDenounce, CmdPurgeVote, CmdReady} {
		assert.Len(t, camps[k], 2, "%s offered to %v", k, camps[k])
	}
	for _, k := range []CommandKind{CmdDenounce, CmdPurgeVote, CmdConfess, CmdStrike, CmdLetter, CmdInvestigate} {
		assert.Contains(t, camps, k, "%s never offered", k)
	}
}
