package game

import (
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Situations on the six-seat table (Kirov 0, Plotter 1, Investigator 2,
// Loyalists 3-5, Chair 3) from which refusals are tried.
var situations = map[string]func(tb *table){
	"debate": func(*table) {},
	"debate, 0 denounces 4 and is Ready": func(tb *table) {
		tb.do(denounce(0, 4), ready(0))
	},
	"tie, Chair 3 picks": func(tb *table) {
		tb.denounceAll(4, 0, 1)
		tb.denounceAll(5, 2, 3)
		tb.readyAll()
	},
	"defence of 4": func(tb *table) {
		tb.denounceAll(4, 0, 1)
		tb.readyAll()
	},
	"vote on 4, 0 voted": func(tb *table) {
		tb.denounceAll(4, 0, 1)
		tb.readyAll()
		tb.expire()
		tb.do(vote(0, true))
	},
	"confession of 4": func(tb *table) { tb.purgeOf(4) },
	"night":           func(tb *table) { tb.toNight() },
	"night, 0 and 2 acted": func(tb *table) {
		tb.toNight()
		tb.do(letter(0, 3), investigate(2, 0))
	},
	"night after 4 purged": func(tb *table) {
		tb.purgeOf(4)
		tb.expire()
	},
	"night after the Investigator purged": func(tb *table) {
		tb.purgeOf(2)
		tb.expire()
	},
	"session 2 after 4 purged": func(tb *table) {
		tb.purgeOf(4)
		tb.expire()
		tb.expire()
	},
	"confession of 1 after 4": func(tb *table) {
		tb.purgeOf(4)
		tb.expire()
		tb.expire()
		tb.purgeOf(1)
	},
	"final ballot after 4 purged, 0 struck": func(tb *table) {
		tb.purgeOf(4)
		tb.expire()
		tb.expire()
		tb.toFinal()
		tb.do(strike(0, 3))
	},
	"paused": func(tb *table) { tb.do(pause()) },
	"over":   func(tb *table) { tb.purgeOf(0) },
}

var refusalTests = []struct {
	name string
	in   string // situation
	cmd  Command
	want Code
}{
	// bad_command
	{"unknown kind", "debate", Command{Kind: lastCommand + 1, Seat: 0}, CodeBadCommand},
	{"negative kind", "debate", Command{Kind: -1, Seat: 0}, CodeBadCommand},
	{"unknown kind after the game", "over", Command{Kind: 99}, CodeBadCommand},

	// game_over
	{"denounce after the game", "over", denounce(3, 4), CodeGameOver},
	{"pause after the game", "over", pause(), CodeGameOver},
	{"resume after the game", "over", resume(), CodeGameOver},
	{"end phase after the game", "over", endPhase(), CodeGameOver},
	{"Kirov confesses after his purge", "over", confess(0, 3), CodeGameOver},

	// paused / not_paused
	{"resume without a pause", "debate", resume(), CodeNotPaused},
	{"denounce while paused", "paused", denounce(0, 1), CodePaused},
	{"pause while paused", "paused", pause(), CodePaused},
	{"end phase while paused", "paused", endPhase(), CodePaused},
	{"unknown seat while paused", "paused", denounce(9, 1), CodePaused},

	// unknown_seat
	{"actor past the last seat", "debate", denounce(6, 1), CodeUnknownSeat},
	{"negative actor", "debate", denounce(-1, 1), CodeUnknownSeat},
	{"actor far away", "debate", ready(1 << 40), CodeUnknownSeat},
	{"denounce past the last seat", "debate", denounce(0, 6), CodeUnknownSeat},
	{"denounce a negative seat", "debate", denounce(0, -1), CodeUnknownSeat},
	{"Chair picks nobody", "tie, Chair 3 picks", pick(3, 99), CodeUnknownSeat},
	{"confess about nobody", "confession of 4", confess(4, 6), CodeUnknownSeat},
	{"letter to nobody", "night", letter(0, 6), CodeUnknownSeat},
	{"investigate nobody", "night", investigate(2, -2), CodeUnknownSeat},
	{"strike nobody", "final ballot after 4 purged, 0 struck", strike(1, 6), CodeUnknownSeat},

	// purged
	{"purged denounces", "session 2 after 4 purged", denounce(4, 0), CodePurged},
	{"purged withdraws", "session 2 after 4 purged", withdraw(4), CodePurged},
	{"purged is Ready", "session 2 after 4 purged", ready(4), CodePurged},
	{"purged writes a letter", "night after 4 purged", letter(4, 0), CodePurged},
	{"purged Investigator investigates", "night after the Investigator purged", investigate(2, 0), CodePurged},
	{"purged votes", "confession of 1 after 4", vote(4, true), CodePurged},
	{"purged strikes", "final ballot after 4 purged, 0 struck", strike(4, 0), CodePurged},
	{"purged picks", "confession of 1 after 4", pick(4, 0), CodePurged},

	// invalid_target
	{"self-denunciation", "debate", denounce(3, 3), CodeBadTarget},
	{"denounce the purged", "session 2 after 4 purged", denounce(0, 4), CodeBadTarget},
	{"denounce the same twice", "debate, 0 denounces 4 and is Ready", denounce(0, 4), CodeBadTarget},
	{"withdraw nothing", "debate", withdraw(0), CodeBadTarget},
	{"Chair picks outside the tie", "tie, Chair 3 picks", pick(3, 0), CodeBadTarget},
	{"confess oneself", "confession of 4", confess(4, 4), CodeBadTarget},
	{"confess the purged", "confession of 1 after 4", confess(1, 4), CodeBadTarget},
	{"letter against oneself", "night", letter(1, 1), CodeBadTarget},
	{"letter against the purged", "night after 4 purged", letter(1, 4), CodeBadTarget},
	{"investigate oneself", "night", investigate(2, 2), CodeBadTarget},
	{"investigate the purged", "night after 4 purged", investigate(2, 4), CodeBadTarget},
	{"strike oneself", "final ballot after 4 purged, 0 struck", strike(1, 1), CodeBadTarget},
	{"strike the purged", "final ballot after 4 purged, 0 struck", strike(1, 4), CodeBadTarget},

	// wrong_phase
	{"denounce at night", "night", denounce(0, 3), CodeWrongPhase},
	{"denounce in the vote", "vote on 4, 0 voted", denounce(3, 5), CodeWrongPhase},
	{"withdraw in the defence", "defence of 4", withdraw(0), CodeWrongPhase},
	{"Ready at night", "night", ready(3), CodeWrongPhase},
	{"Unready in the defence", "defence of 4", unready(0), CodeWrongPhase},
	{"Chair picks without a tie", "debate", pick(3, 4), CodeWrongPhase},
	{"vote in the defence", "defence of 4", vote(0, true), CodeWrongPhase},
	{"vote at night", "night", vote(3, false), CodeWrongPhase},
	{"confess in the debate", "debate", confess(3, 4), CodeWrongPhase},
	{"purged confesses too late", "session 2 after 4 purged", confess(4, 0), CodeWrongPhase},
	{"letter in the debate", "debate", letter(0, 3), CodeWrongPhase},
	{"investigate in the vote", "vote on 4, 0 voted", investigate(2, 0), CodeWrongPhase},
	{"strike at night", "night", strike(3, 0), CodeWrongPhase},
	{"denounce in the Final Ballot", "final ballot after 4 purged, 0 struck", denounce(3, 0), CodeWrongPhase},

	// not_your_role
	{"Loyalist writes a letter", "night", letter(3, 0), CodeNotYourRole},
	{"Investigator writes a letter", "night", letter(2, 0), CodeNotYourRole},
	{"Plotter investigates", "night", investigate(1, 3), CodeNotYourRole},
	{"Kirov investigates", "night", investigate(0, 3), CodeNotYourRole},
	{"Loyalist investigates", "night", investigate(5, 0), CodeNotYourRole},

	// not_your_turn
	{"not the Chair picks", "tie, Chair 3 picks", pick(0, 4), CodeNotYourTurn},
	{"a tied delegate picks", "tie, Chair 3 picks", pick(4, 4), CodeNotYourTurn},
	{"a living delegate confesses", "confession of 4", confess(3, 0), CodeNotYourTurn},
	{"an earlier purged confesses", "confession of 1 after 4", confess(4, 0), CodeNotYourTurn},

	// already_voted / already_acted
	{"second vote", "vote on 4, 0 voted", vote(0, false), CodeAlreadyVoted},
	{"second identical vote", "vote on 4, 0 voted", vote(0, true), CodeAlreadyVoted},
	{"second strike", "final ballot after 4 purged, 0 struck", strike(0, 1), CodeAlreadyVoted},
	{"Ready twice", "debate, 0 denounces 4 and is Ready", ready(0), CodeAlreadyActed},
	{"Unready when not Ready", "debate", unready(0), CodeAlreadyActed},
	{"second letter", "night, 0 and 2 acted", letter(0, 4), CodeAlreadyActed},
	{"second investigation", "night, 0 and 2 acted", investigate(2, 1), CodeAlreadyActed},

	// accused_cannot_vote
	{"the Accused votes", "vote on 4, 0 voted", vote(4, false), CodeAccusedNoVote},
}

func TestRefusals(t *testing.T) {
	for _, tt := range refusalTests {
		t.Run(tt.name, func(t *testing.T) {
			reach, ok := situations[tt.in]
			require.True(t, ok, "unknown situation %q", tt.in)
			tb := rig(t, DefaultConfig(), six, 3)
			reach(tb)
			tb.refuse(tt.cmd, tt.want)
		})
	}
}

func TestEveryCodeIsTested(t *testing.T) {
	// Every Code declared in errors.go is reached by the refusal table or
	// by the configuration tests, so a new code cannot go untested.
	f, err := parser.ParseFile(token.NewFileSet(), "errors.go", nil, 0)
	require.NoError(t, err)
	declared := map[Code]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if vs, ok := n.(*ast.ValueSpec); ok {
			if id, ok := vs.Type.(*ast.Ident); ok && id.Name == "Code" {
				for _, v := range vs.Values {
					lit := v.(*ast.BasicLit)
					declared[Code(strings.Trim(lit.Value, "`\""))] = true
				}
			}
		}
		return true
	})
	require.Len(t, declared, 16)
	tested := map[Code]bool{CodeConfig: true, CodeSeats: true} // config_test.go
	for _, tt := range refusalTests {
		tested[tt.want] = true
	}
	for _, tt := range roleRefusalTests {
		tested[tt.want] = true
	}
	assert.Equal(t, declared, tested)
}

func TestRefusalsAreAllowedActionsMirror(t *testing.T) {
	// View.Actions lists a kind exactly when some target makes it legal,
	// tried by Apply on a copy.
	for name, reach := range situations {
		tb := rig(t, DefaultConfig(), six, 3)
		reach(tb)
		for _, v := range viewers(tb.g) {
			var got []CommandKind
			for _, a := range tb.g.View(v).Actions {
				got = append(got, a.Kind)
			}
			var want []CommandKind
			for k := CmdDenounce; k <= lastCommand; k++ {
				if k.HostOnly() {
					continue
				}
				if v.IsSeat() && !tb.g.paused && tb.g.phase != PhaseOver && anyTarget(tb.g, Command{Kind: k, Seat: v.Seat}) {
					want = append(want, k)
				}
			}
			assert.Equal(t, want, got, "%s, viewer %d", name, v.Seat)
		}
	}
}

// anyTarget tries every target (and both votes) with Apply on a copy.
func anyTarget(g *Game, c Command) bool {
	for t := -1; t <= len(g.seats); t++ {
		for _, p := range []bool{false, true} {
			c.Target, c.Purge = t, p
			cp := snapshot(g)
			if _, err := cp.Apply(c, t0); err == nil {
				return true
			}
		}
	}
	return false
}

// TestActionsAreWhatCheckAccepts: in every state of random games, for
// every viewer, a command is accepted by Check exactly when the view
// lists it: its kind among Actions (HostActions for the host's), and its
// target among the kind's Targets, its vote among its Purge, where the
// kind takes one. Every kind, every target from one below the seats to
// one past them and both votes are tried, in views built both ways; and
// Game.MayAct is whether the view lists anything.
func TestActionsAreWhatCheckAccepts(t *testing.T) {
	games := 30
	if raceDetector || testing.Short() {
		games = 5
	}
	var buf ViewBuf
	tried := 0
	walkRandomGames(t, games, 99, func(g *Game, i int, _ bool) {
		for _, v := range viewers(g) {
			for _, view := range []View{g.View(v), g.ViewIn(v, &buf)} {
				checkActionList(t, view.Actions)
				if g.MayAct(v.Seat) != (len(view.Actions) > 0) {
					t.Fatalf("game %d, viewer %d in %s: MayAct %v, actions %+v", i, v.Seat, g.phase, g.MayAct(v.Seat), view.Actions)
				}
				checkActionList(t, view.HostActions)
				for k := CmdDenounce; k <= lastCommand; k++ {
					for target := -1; target <= len(g.seats); target++ {
						for _, p := range []bool{false, true} {
							c := Command{Kind: k, Seat: v.Seat, Target: target, Purge: p}
							err := g.Check(c)
							listed := lists(view, c)
							if listed != (err == nil) {
								t.Fatalf("game %d, viewer %d in %s: %+v listed %v, Check: %v\n%+v", i, v.Seat, g.phase, c, listed, err, view.Actions)
							}
							if view.Allows(c) != listed {
								t.Fatalf("Allows(%+v) is not %v", c, listed)
							}
							tried++
						}
					}
				}
			}
		}
	})
	t.Logf("%d commands tried", tried)
	require.Greater(t, tried, 50000)
}

// lists reports whether view lists c, read straight from its lists.
func lists(view View, c Command) bool {
	list := view.Actions
	if c.Kind.HostOnly() {
		list = view.HostActions
	}
	for _, a := range list {
		if a.Kind != c.Kind {
			continue
		}
		switch {
		case c.Kind.TakesTarget():
			return slices.Contains(a.Targets, c.Target)
		case c.Kind.TakesPurge():
			return slices.Contains(a.Purge, c.Purge)
		}
		return true
	}
	return false
}

// checkActionList: each kind once; targets in seat order, each once, only
// for a kind that takes one, never empty; votes only for the purge vote.
func checkActionList(t *testing.T, list []Action) {
	t.Helper()
	require.NotNil(t, list, "[] on the wire, never null")
	seen := map[CommandKind]bool{}
	for _, a := range list {
		require.False(t, seen[a.Kind], "%v twice", a.Kind)
		seen[a.Kind] = true
		if a.Kind.TakesTarget() {
			require.NotEmpty(t, a.Targets, "%v", a.Kind)
			require.True(t, slices.IsSorted(a.Targets) && len(slices.Compact(slices.Clone(a.Targets))) == len(a.Targets), "%v: %v", a.Kind, a.Targets)
		} else {
			require.Nil(t, a.Targets, "%v", a.Kind)
		}
		if a.Kind.TakesPurge() {
			require.Equal(t, []bool{true, false}, a.Purge)
		} else {
			require.Nil(t, a.Purge, "%v", a.Kind)
		}
	}
}
