package game

import (
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The Congress roles' tables: the roles turned on, the deal (letters of
// roleLetters) and the first Chair.
func withRoles(roles ...Role) Config {
	cfg := DefaultConfig()
	cfg.Roles = Roles(roles...)
	return cfg
}

const (
	kobaTable    = "KNISLLL"  // Kirov 0, Nikolaev 1, Investigator 2, Koba 3
	doublesTable = "KZYILLLL" // Kirov 0, Zinoviev 1, Yagoda 2, Investigator 3
	bukharin     = "KPIBLL"   // Kirov 0, Plotter 1, Investigator 2, Bukharin 3
	marshal      = "KPITLL"   // Kirov 0, Plotter 1, Investigator 2, Tukhachevsky 3
)

func kobaRig(t *testing.T) *table    { return rig(t, withRoles(Koba, Nikolaev), kobaTable, 4) }
func doublesRig(t *testing.T) *table { return rig(t, withRoles(Zinoviev, Yagoda), doublesTable, 4) }

func TestRoleConfig(t *testing.T) {
	tests := []struct {
		name  string
		cfg   Config
		seats int
		want  RoleSet // dealt, if the table is accepted
		err   bool
	}{
		{"base", DefaultConfig(), 10, 0, false},
		{"Koba from 7", withRoles(Koba), 6, 0, false},
		{"Koba at 7", withRoles(Koba), 7, Roles(Koba), false},
		{"Nikolaev without Koba", withRoles(Nikolaev), 8, 0, true},
		{"Koba and Nikolaev", withRoles(Koba, Nikolaev), 7, Roles(Koba, Nikolaev), false},
		{"Bukharin from 6", withRoles(Bukharin), 5, 0, false},
		{"Bukharin at 6", withRoles(Bukharin), 6, Roles(Bukharin), false},
		{"Bukharin without the Investigator", func() Config { c := withRoles(Bukharin); c.Investigator = false; return c }(), 8, 0, true},
		{"Zinoviev from 8", withRoles(Zinoviev), 7, 0, false},
		{"Yagoda at 8", withRoles(Yagoda), 8, Roles(Yagoda), false},
		{"Tukhachevsky at 6", withRoles(Tukhachevsky), 6, Roles(Tukhachevsky), false},
		{"three Plotter roles for two seats", withRoles(Koba, Nikolaev, Zinoviev, Yagoda), 8, 0, true},
		{"every role at 10", withRoles(OptionalRoles...), 10, AllRoles, false},
		{"every role at 12", withRoles(OptionalRoles...), 12, AllRoles, false},
		{"a Last Shot timer of a week", func() Config { c := withRoles(Koba, Nikolaev); c.LastShotTime = 7 * 24 * Longest; return c }(), 7, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.ValidateSeats(tt.seats)
			if tt.err {
				var e *Error
				require.ErrorAs(t, err, &e)
				assert.Equal(t, CodeConfig, e.Code)
				_, _, err = New(tt.cfg, names[:tt.seats], 1, t0)
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, tt.cfg.RolesFor(tt.seats))
			g, _, err := New(tt.cfg, names[:tt.seats], 1, t0)
			require.NoError(t, err)
			for _, r := range OptionalRoles {
				assert.Equal(t, tt.want.Has(r), g.seatOf(r) != NoSeat, "%s dealt", r)
			}
		})
	}
}

func TestRoleSetJSON(t *testing.T) {
	data, err := json.Marshal(withRoles(Koba, Yagoda))
	require.NoError(t, err)
	assert.Contains(t, string(data), `"roles":["koba","yagoda"]`)
	var back Config
	require.NoError(t, json.Unmarshal(data, &back))
	assert.Equal(t, withRoles(Koba, Yagoda), back)
	assert.Error(t, json.Unmarshal([]byte(`{"roles":["kirov"]}`), &back), "a base role is not optional")
	assert.Error(t, json.Unmarshal([]byte(`{"roles":["beria"]}`), &back))
	data, err = json.Marshal(DefaultConfig())
	require.NoError(t, err)
	assert.NotContains(t, string(data), `"roles"`, "the base game's config reads as before")
}

// TestRolesKeepTheDeal: turning roles on changes no draw of the match
// seed: the seats, the Chair and every seat's camp are the base game's.
func TestRolesKeepTheDeal(t *testing.T) {
	for seed := range uint64(50) {
		base, _, err := New(DefaultConfig(), names[:10], seed, t0)
		require.NoError(t, err)
		all, _, err := New(withRoles(OptionalRoles...), names[:10], seed, t0)
		require.NoError(t, err)
		require.Equal(t, base.chair, all.chair)
		for i := range base.seats {
			require.Equal(t, base.seats[i].name, all.seats[i].name)
			require.Equal(t, base.seats[i].role.Faction(), all.seats[i].role.Faction())
			if r := base.seats[i].role; r == Kirov || r == Investigator {
				require.Equal(t, r, all.seats[i].role)
			}
		}
	}
}

func TestRolesInPlayArePublic(t *testing.T) {
	tb := kobaRig(t)
	for _, v := range viewers(tb.g) {
		r := tb.g.View(v).Rules
		assert.True(t, r.LastShot)
		assert.Equal(t, []RoleCount{{Loyalist, 3}, {Investigator, 1}, {Kirov, 1}, {Koba, 1}, {Nikolaev, 1}}, r.Roles)
	}
	assert.False(t, rig(t, withRoles(Koba), "KPISLLL", 4).g.View(Spectator).Rules.LastShot)
}

func TestKobaKnowsTheBlocButKirov(t *testing.T) {
	tb := kobaRig(t)
	koba := tb.g.View(SeatViewer(3))
	assert.Equal(t, []int{1}, koba.You.Known().OfBloc)
	assert.Equal(t, Plotters, koba.Seats[1].Faction)
	assert.Equal(t, NoRole, koba.Seats[1].Role, "Koba knows the bloc, not its roles")
	assert.Equal(t, NoFaction, koba.Seats[0].Faction, "Koba cannot believe Kirov would betray him")
	for _, s := range []int{0, 1} {
		v := tb.g.View(SeatViewer(s))
		assert.Equal(t, NoRole, v.Seats[3].Role, "the bloc does not know Koba")
		assert.Equal(t, Nikolaev, v.Seats[1].Role)
		assert.Nil(t, v.You.Known().OfBloc)
	}
	for _, s := range []int{2, 4} {
		v := tb.g.View(SeatViewer(s))
		assert.Nil(t, v.You.Known().OfBloc)
		assert.Equal(t, NoFaction, v.Seats[1].Faction)
	}
}

func TestLastShot(t *testing.T) {
	tests := []struct {
		name   string
		end    func(tb *table) []Event
		winner Faction
		reason WinReason
	}{
		{"Nikolaev finds Koba", func(tb *table) []Event { return tb.do(shoot(1, 3)) }, Plotters, KobaShot},
		{"Nikolaev misses", func(tb *table) []Event { return tb.do(shoot(1, 4)) }, Loyalists, KirovPurged},
		{"Nikolaev names a purged Loyalist", func(tb *table) []Event { return tb.do(shoot(1, 2)) }, Loyalists, KirovPurged},
		{"nobody named by the deadline", func(tb *table) []Event { return tb.expire() }, Loyalists, KirovPurged},
		{"the host ends it", func(tb *table) []Event { return tb.do(endPhase()) }, Loyalists, KirovPurged},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb := kobaRig(t)
			tb.purgeOf(2) // the Investigator, by mistake
			tb.expire()
			tb.expire()
			require.Equal(t, PhaseDebate, tb.g.phase)
			ev := tb.purgeOf(0)
			require.Equal(t, PhaseLastShot, tb.g.phase, "%v", kinds(ev))
			assert.False(t, tb.g.Over())
			assert.False(t, has(ev, EvGameOver))
			assert.Equal(t, []int{0, 1}, find(t, ev, EvLastShot).Seats)
			for _, v := range viewers(tb.g) {
				view := tb.g.View(v)
				assert.Equal(t, Plotters, view.Seats[0].Faction, "the bloc stands exposed")
				assert.Equal(t, Plotters, view.Seats[1].Faction)
				if v.Seat != 3 {
					assert.Equal(t, NoFaction, view.Seats[3].Faction, "Koba's seat stays hidden")
				}
				if v.Seat == 1 {
					assert.Equal(t, []Action{{Kind: CmdShoot, Targets: []int{2, 3, 4, 5, 6}, Secret: true}}, view.Actions)
				} else {
					assert.Empty(t, view.Actions)
				}
			}
			assert.True(t, tb.g.CanWrite(SeatViewer(0), ChannelPlotters), "purged Kirov confers with the bloc")
			assert.True(t, tb.g.CanWrite(SeatViewer(1), ChannelPlotters))
			assert.False(t, tb.g.CanRead(SeatViewer(3), ChannelPlotters))
			tb.refuse(shoot(1, 0), CodeBadTarget)
			tb.refuse(shoot(1, 1), CodeBadTarget)
			tb.refuse(shoot(3, 4), CodeNotYourRole)
			tb.refuse(denounce(4, 5), CodeWrongPhase)

			ev = tt.end(tb)
			require.True(t, tb.g.Over())
			w, r := tb.g.Winner()
			assert.Equal(t, tt.winner, w)
			assert.Equal(t, tt.reason, r)
			assert.Equal(t, tt.reason, find(t, ev, EvGameOver).Reason)
		})
	}
}

func TestLastShotAfterTheFinalBallot(t *testing.T) {
	tb := kobaRig(t)
	for !(tb.g.phase == PhaseFinalBallot) {
		tb.expire()
	}
	for i := range tb.g.seats {
		if i != 0 {
			tb.do(strike(i, 0))
		}
	}
	tb.do(strike(0, 4))
	require.Equal(t, PhaseLastShot, tb.g.phase)
	tb.do(shoot(1, 3))
	w, r := tb.g.Winner()
	assert.Equal(t, Plotters, w)
	assert.Equal(t, KobaShot, r)
}

func TestNoLastShotWithoutBoth(t *testing.T) {
	tb := rig(t, withRoles(Koba), "KPISLLL", 4)
	ev := tb.purgeOf(0)
	require.True(t, tb.g.Over(), "%v", kinds(ev))
	w, _ := tb.g.Winner()
	assert.Equal(t, Loyalists, w)
}

func TestBukharinIsReportedAPlotter(t *testing.T) {
	tb := rig(t, withRoles(Bukharin), bukharin, 4)
	assert.Equal(t, Plotters, tb.g.View(SeatViewer(3)).You.Known().ReportedAs)
	assert.Equal(t, NoFaction, tb.g.View(SeatViewer(4)).You.Known().ReportedAs)
	tb.toNight()
	ev := tb.do(investigate(2, 3))
	assert.Equal(t, Plotters, find(t, ev, EvInvestigated).Faction, "reported at once: no Yagoda in play")
	assert.Equal(t, []Investigation{{Session: 1, Target: 3, Faction: Plotters}}, tb.g.View(SeatViewer(2)).You.Investigations)
}

func TestDoublesAndYagoda(t *testing.T) {
	tests := []struct {
		name     string
		target   int
		falsify  bool
		reported Faction
	}{
		{"Zinoviev is reported a Loyalist", 1, false, Loyalists},
		{"Kirov", 0, false, Plotters},
		{"a Loyalist", 4, false, Loyalists},
		{"Kirov, falsified", 0, true, Loyalists},
		{"a Loyalist, falsified", 4, true, Plotters},
		{"Zinoviev, falsified", 1, true, Plotters},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb := doublesRig(t)
			assert.Equal(t, Loyalists, tb.g.View(SeatViewer(1)).You.Known().ReportedAs)
			tb.toNight()
			yagoda := tb.g.View(SeatViewer(2))
			assert.True(t, yagoda.May(CmdFalsify))
			assert.True(t, yagoda.May(CmdLetter))
			kirov := tb.g.View(SeatViewer(0))
			assert.False(t, kirov.May(CmdFalsify), "Yagoda's alone")
			if tt.falsify {
				ev := tb.do(falsify(2))
				assert.Equal(t, EvFalsified, ev[0].Kind)
				f := tb.g.View(SeatViewer(2)).You.Known().Falsified
				require.NotNil(t, f)
				assert.Equal(t, Falsification{Session: 1, Named: NoSeat}, *f, "Yagoda learns the target after choosing")
				tb.refuse(falsify(2), CodeUsed)
			}
			ev := tb.do(investigate(3, tt.target))
			assert.Equal(t, NoFaction, find(t, ev, EvInvestigated).Faction, "with Yagoda in play, the report waits for dawn")
			assert.Empty(t, tb.g.View(SeatViewer(3)).You.Investigations)
			ev = append(ev, tb.do(letter(0, 4), letter(1, 4), letter(2, 4))...)
			require.Equal(t, PhaseDebate, tb.g.phase)
			rep := find(t, ev, EvReported)
			assert.Equal(t, 3, rep.Seat)
			assert.Equal(t, tt.reported, rep.Faction)
			assert.Equal(t, []Investigation{{Session: 1, Target: tt.target, Faction: tt.reported}}, tb.g.View(SeatViewer(3)).You.Investigations)
			if tt.falsify {
				assert.Equal(t, tt.target, find(t, ev, EvNamed).Target)
				assert.Equal(t, Falsification{Session: 1, Named: tt.target}, *tb.g.View(SeatViewer(2)).You.Known().Falsified)
				tb.expire()
				require.Equal(t, PhaseNight, tb.g.phase)
				tb.refuse(falsify(2), CodeUsed)
			} else {
				assert.False(t, has(ev, EvNamed))
				assert.Nil(t, tb.g.View(SeatViewer(2)).You.Knows)
			}
		})
	}
}

func TestTheArmyStandsBehindTheMarshal(t *testing.T) {
	tests := []struct {
		name         string
		purge, spare int
		purged       bool
	}{
		{"3 to 2 saves him", 3, 2, false},
		{"4 to 1 purges him", 4, 1, true},
		{"2 to 1 purges him", 2, 1, true},
		{"1 to 0 purges him", 1, 0, true},
		{"2 to 2 spares him, as anyone", 2, 2, false},
		{"no votes spare him", 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb := rig(t, withRoles(Tukhachevsky), marshal, 4)
			for round := 1; round <= 2; round++ {
				tb.denounceAll(3, 0, 1)
				tb.readyAll()
				require.Equal(t, 3, tb.g.accused)
				tb.do(endPhase())
				voters := []int{0, 1, 2, 4, 5}
				var ev []Event
				for k, s := range voters[:tt.purge+tt.spare] {
					ev = append(ev, tb.do(vote(s, k < tt.purge))...)
				}
				if tb.g.phase == PhaseVote {
					ev = append(ev, tb.expire()...)
				}
				b := find(t, ev, EvBallot)
				assert.Equal(t, tt.purged, b.Purge)
				army := tt.purge > tt.spare && !tt.purged
				assert.Equal(t, army && round == 1, has(ev, EvArmy), "the first save only is announced (round %d)", round)
				for _, v := range viewers(tb.g) {
					sv := tb.g.View(v).Seats[3]
					if army {
						assert.Equal(t, Tukhachevsky, sv.Role, "his seat is known to be the Marshal")
						assert.Equal(t, Loyalists, sv.Faction)
					} else if v.Seat != 3 {
						assert.Equal(t, NoRole, sv.Role)
					}
				}
				if tt.purged {
					return
				}
				tb.expire()
			}
		})
	}
}

// roleRefusalTests are the Congress roles' refusals, each on its table.
var roleRefusalTests = []struct {
	name  string
	rig   func(t *testing.T) *table
	reach func(tb *table)
	cmd   Command
	want  Code
}{
	{"falsify by day", doublesRig, func(*table) {}, falsify(2), CodeWrongPhase},
	{"Kirov falsifies", doublesRig, func(tb *table) { tb.toNight() }, falsify(0), CodeNotYourRole},
	{"the Investigator falsifies", doublesRig, func(tb *table) { tb.toNight() }, falsify(3), CodeNotYourRole},
	{"falsify twice a night", doublesRig, func(tb *table) { tb.toNight(); tb.do(falsify(2)) }, falsify(2), CodeUsed},
	{"falsify a second night", doublesRig, func(tb *table) {
		tb.toNight()
		tb.do(falsify(2))
		tb.expire()
		tb.toNight()
	}, falsify(2), CodeUsed},
	{"shoot before the end", kobaRig, func(*table) {}, shoot(1, 3), CodeWrongPhase},
	{"Kirov shoots", kobaRig, func(tb *table) { tb.purgeOf(0) }, shoot(0, 3), CodeNotYourRole},
	{"Nikolaev shoots Kirov", kobaRig, func(tb *table) { tb.purgeOf(0) }, shoot(1, 0), CodeBadTarget},
	{"Nikolaev shoots nobody", kobaRig, func(tb *table) { tb.purgeOf(0) }, shoot(1, 9), CodeUnknownSeat},
	{"shoot twice", kobaRig, func(tb *table) { tb.purgeOf(0); tb.do(shoot(1, 4)) }, shoot(1, 3), CodeGameOver},
	{"shoot while paused", kobaRig, func(tb *table) { tb.purgeOf(0); tb.do(pause()) }, shoot(1, 3), CodePaused},
}

func TestRoleRefusals(t *testing.T) {
	for _, tt := range roleRefusalTests {
		t.Run(tt.name, func(t *testing.T) {
			tb := tt.rig(t)
			tt.reach(tb)
			tb.refuse(tt.cmd, tt.want)
			for _, v := range viewers(tb.g) {
				if v.Seat == tt.cmd.Seat {
					view := tb.g.View(v)
					assert.False(t, view.Allows(tt.cmd), "a refused command is not listed")
				}
			}
		})
	}
}

// TestLeakCheckerCatchesRoleLeaks: the leak checker fails a view or a log
// that shows one of the Congress roles' secrets to a viewer not entitled
// to it: Koba's seat, Yagoda's falsification, Nikolaev's target, the
// doubles' true faction.
func TestLeakCheckerCatchesRoleLeaks(t *testing.T) {
	marshal := func(v any) []byte {
		data, err := json.Marshal(v)
		require.NoError(t, err)
		return data
	}
	doubles := doublesRig(t)
	doubles.toNight()
	doubles.do(falsify(2), investigate(3, 1))
	koba := kobaRig(t)
	koba.purgeOf(0) // the Last Shot
	require.Equal(t, PhaseLastShot, koba.g.phase)

	tests := []struct {
		name   string
		tb     *table
		viewer int
		doctor func(*View)
	}{
		{"Koba's seat to the bloc", koba, 1, func(v *View) { v.Seats[3].Role = Koba }},
		{"Koba's camp in the Last Shot", koba, 4, func(v *View) { v.Seats[3].Faction = Loyalists }},
		{"Nikolaev's role in the Last Shot", koba, 4, func(v *View) { v.Seats[1].Role = Nikolaev }},
		{"Koba's knowledge to another", koba, 4, func(v *View) { v.You.Knows = &Knowledge{OfBloc: []int{1}} }},
		{"Kirov to Koba", koba, 3, func(v *View) { v.You.Knows = &Knowledge{OfBloc: []int{0, 1}} }},
		{"Yagoda's falsification to Kirov", doubles, 0, func(v *View) { v.You.Knows = &Knowledge{Falsified: &Falsification{1, NoSeat}} }},
		{"the named seat to Yagoda before dawn", doubles, 2, func(v *View) { v.You.Knows = &Knowledge{Falsified: &Falsification{1, 1}} }},
		{"Zinoviev's true faction to a Loyalist", doubles, 4, func(v *View) { v.Seats[1].Faction = Plotters }},
		{"a report before dawn", doubles, 3, func(v *View) { v.You.Investigations = []Investigation{{1, 1, Loyalists}} }},
		{"a double's report told as the truth", doubles, 3, func(v *View) { v.You.Investigations = []Investigation{{1, 1, Plotters}} }},
		{"reported_as to a Loyalist", doubles, 4, func(v *View) { v.You.Knows = &Knowledge{ReportedAs: Plotters} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := SeatViewer(tt.viewer)
			require.NoError(t, checkView(tt.tb.g, v, marshal(tt.tb.g.View(v))))
			view := tt.tb.g.View(v)
			seats := make([]SeatView, len(view.Seats))
			copy(seats, view.Seats)
			view.Seats = seats
			you := *view.You
			view.You = &you
			tt.doctor(&view)
			require.Error(t, checkView(tt.tb.g, v, marshal(view)))
		})
	}
	logs := []struct {
		name   string
		tb     *table
		viewer int
		event  Event
	}{
		{"Yagoda's falsification to the Investigator", doubles, 3, Event{Kind: EvFalsified, Seat: 2, Target: NoSeat}},
		{"a falsified report's target to Yagoda, wrong", doubles, 2, Event{Kind: EvNamed, Seat: 2, Target: 4}},
		{"a report with the true faction", doubles, 3, Event{Kind: EvReported, Session: 1, Seat: 3, Target: 1, Faction: Loyalists}},
		{"an investigation's faction before dawn", doubles, 3, Event{Kind: EvInvestigated, Session: 1, Seat: 3, Target: 1, Faction: Plotters}},
		{"Nikolaev's target", koba, 4, Event{Kind: EvShot, Seat: 1, Target: 3}},
	}
	for _, tt := range logs {
		t.Run("log: "+tt.name, func(t *testing.T) {
			v := SeatViewer(tt.viewer)
			evs, _ := tt.tb.g.Log(v, 0)
			require.NoError(t, checkLog(tt.tb.g, v, marshal(evs)))
			require.Error(t, checkLog(tt.tb.g, v, marshal(append(evs, tt.event))))
		})
	}
}

func TestFitRoles(t *testing.T) {
	tests := []struct {
		roles RoleSet
		seats int
		want  RoleSet
	}{
		{0, 10, 0},
		{AllRoles, 10, AllRoles},
		{AllRoles, 12, AllRoles},
		{AllRoles, 8, Roles(Koba, Nikolaev, Bukharin, Zinoviev, Tukhachevsky)},
		{AllRoles, 7, Roles(Koba, Nikolaev, Bukharin, Zinoviev, Tukhachevsky, Yagoda)}, // Zinoviev and Yagoda are not dealt below 8
		{Roles(Nikolaev), 10, 0},
		{Roles(Koba, Nikolaev, Zinoviev, Yagoda), 9, Roles(Koba, Nikolaev, Zinoviev)},
	}
	for _, tt := range tests {
		t.Run(tt.roles.String(), func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Roles = tt.roles
			got := cfg.FitRoles(tt.seats)
			assert.Equal(t, tt.want, got, "%v at %d", got, tt.seats)
			cfg.Roles = got
			assert.NoError(t, cfg.ValidateSeats(tt.seats))
		})
	}
}

// TestEveryRoleSet plays, for every set of Congress roles a host may turn
// on and every count, the deal that table gets (each distinct one once),
// one game of lawful random play and its replay from the record, and
// checks after every step that the two are the same game and, for a
// share of the tables, that no view and no log line of any viewer leaks
// (the leak checker of leak_test.go; TestRandomGames checks more).
func TestEveryRoleSet(t *testing.T) {
	seen := map[[2]int]bool{}
	tables := 0
	for mask := range 1 << len(OptionalRoles) {
		var set RoleSet
		for i, r := range OptionalRoles {
			if mask&(1<<i) != 0 {
				set |= Roles(r)
			}
		}
		for n := MinSeats; n <= MaxSeats; n++ {
			cfg := withRoles(set.List()...)
			if cfg.Validate() != nil {
				continue // Nikolaev without Koba: refused whatever the count
			}
			if cfg.ValidateSeats(n) != nil {
				continue // too many roles for a camp's plain seats: refused
			}
			key := [2]int{n, int(cfg.RolesFor(n))}
			if seen[key] {
				continue
			}
			seen[key] = true
			tables++
			// Views are the costly part: every sixth table's are checked
			// (every 24th with -short or -race), the rest replay only.
			views := tables%6 == 0
			if testing.Short() || raceDetector {
				views = tables%24 == 0
			}
			seed := uint64(mask*100 + n)
			a, _, err := New(cfg, names[:n], seed, t0)
			require.NoError(t, err)
			b, _, err := New(cfg, names[:n], seed, t0)
			require.NoError(t, err)
			cursors := make([]int, n+2)
			last := make([][]byte, n+2)
			if views {
				checkViews(t, a, b, cursors, last)
			}
			r := rand.New(rand.NewPCG(seed, 3))
			now := t0
			for !a.Over() {
				st := legalStep(a, r, now)
				now = st.At
				from := len(a.log)
				_, errA := st.run(a)
				_, errB := st.run(b)
				require.NoError(t, errA, "%v at %d: %+v", cfg.Roles, n, st)
				require.NoError(t, errB)
				require.True(t, sameGame(a, b, from), "%v at %d: the replay differs", cfg.Roles, n)
				if views {
					checkViews(t, a, b, cursors, last)
				}
			}
		}
	}
	t.Logf("%d distinct tables", tables)
	require.Greater(t, tables, 100)
}
