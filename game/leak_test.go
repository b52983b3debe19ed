package game

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// The leak checker reads what a viewer is sent the way a client would:
// JSON decoded into generic maps. It decides what RULES.md §5 lets the
// viewer see from the plain facts of the game (who holds which role, who
// is alive, the settings, the phase), written out here again on purpose
// rather than by calling the engine's own visibility code.

// facts are the ground truth a leak is judged against.
type facts struct {
	g        *Game
	viewer   Viewer
	over     bool
	plotter  []bool // seat holds a role of the bloc
	purgedIn []int  // session of the seat's purge, from the log; 0 alive
	marshal  int    // the seat the Army saved, from the log; NoSeat before
	// falsifiedIn is the session of Yagoda's falsification, from the
	// log (0: none), and namedThen whom the Investigator named that night.
	falsifiedIn int
	namedThen   int
	// named is whom the Investigator named in each session, from the log.
	named map[int]int
}

func factsOf(g *Game, v Viewer) facts {
	f := facts{g: g, viewer: v, over: g.phase == PhaseOver, plotter: make([]bool, len(g.seats)), purgedIn: make([]int, len(g.seats)),
		marshal: NoSeat, namedThen: NoSeat, named: map[int]int{}}
	for i, s := range g.seats {
		switch s.role {
		case Plotter, Kirov, Nikolaev, Zinoviev, Yagoda:
			f.plotter[i] = true
		}
	}
	for _, e := range g.log {
		switch e.Kind {
		case EvPurged:
			f.purgedIn[e.Target] = e.Session
		case EvArmy:
			f.marshal = e.Target
		case EvFalsified:
			f.falsifiedIn = e.Session
		case EvInvestigated:
			f.named[e.Session] = e.Target
		}
	}
	if t, ok := f.named[f.falsifiedIn]; ok && f.falsifiedIn != 0 {
		f.namedThen = t
	}
	return f
}

// reported is what the NKVD must have reported of seat t in session s:
// the doubles reported as the other camp, and the night Yagoda falsified
// the opposite again.
func (f facts) reported(t, s int) string {
	plotter := f.plotter[t]
	switch f.truth(t).role {
	case Bukharin:
		plotter = true
	case Zinoviev:
		plotter = false
	}
	if s == f.falsifiedIn {
		plotter = !plotter
	}
	if plotter {
		return "plotters"
	}
	return "loyalists"
}

func (f facts) yagodaInPlay() bool {
	for i := range f.g.seats {
		if f.truth(i).role == Yagoda {
			return true
		}
	}
	return false
}

func (f facts) myRole() Role {
	if !f.isSeat() {
		return NoRole
	}
	return f.truth(f.me()).role
}

func (f facts) isSeat() bool     { return f.viewer.Seat >= 0 }
func (f facts) alive(i int) bool { return f.purgedIn[i] == 0 }
func (f facts) me() int          { return f.viewer.Seat }
func (f facts) iAmPlotter() bool { return f.isSeat() && f.plotter[f.me()] }
func (f facts) iAmAlive() bool   { return f.isSeat() && f.alive(f.me()) }
func (f facts) iAmPurged() bool  { return f.isSeat() && !f.alive(f.me()) }
func (f facts) cfg() Config      { return f.g.cfg }
func (f facts) truth(i int) seat { return f.g.seats[i] }
func (f facts) phase() Phase     { return f.g.phase }
func (f facts) iAmInvestigator() bool {
	return f.isSeat() && f.truth(f.me()).role == Investigator
}

// mayKnow reports whether the viewer may know seat i's role and faction.
func (f facts) mayKnow(i int) (role, faction bool) {
	switch {
	case f.over,
		f.isSeat() && f.me() == i,
		f.iAmPlotter() && f.plotter[i],
		f.iAmPurged() && f.cfg().PurgedSeeRoles,
		!f.isSeat() && f.viewer.admitted && f.cfg().SpectatorsSeeRoles,
		!f.alive(i) && f.cfg().Reveal == RevealRole,
		i == f.marshal && f.truth(i).role == Tukhachevsky:
		return true, true
	case !f.alive(i) && f.cfg().Reveal == RevealFaction,
		// Koba knows the bloc but Kirov; the Last Shot exposes the bloc.
		f.myRole() == Koba && f.plotter[i] && f.truth(i).role != Kirov,
		f.phase() == PhaseLastShot && f.plotter[i]:
		return false, true
	}
	return false, false
}

func roleName(r Role) string { return roleNames[r] }
func factionName(r Role) string {
	switch r {
	case Kirov, Plotter, Nikolaev, Zinoviev, Yagoda:
		return "plotters"
	}
	return "loyalists"
}

func nums(v any) []int {
	var out []int
	for _, x := range v.([]any) {
		out = append(out, num(x))
	}
	return out
}

func num(v any) int {
	f, ok := v.(float64)
	if !ok {
		return -999
	}
	return int(f)
}

// secretKeys are the JSON keys that carry hidden facts anywhere in a view
// or an event; each occurrence must be at a place the checker allows.
var secretKeys = map[string]bool{
	"role": true, "faction": true, "roles": true, "votes": true, "vote": true, "strikes": true,
	"final_count": true, "proposals": true, "investigations": true, "bloc": true, "kirov": true, "choice": true,
	"seed": true, "knows": true, "of_bloc": true, "reported_as": true, "falsified": true,
}

// seedShown reports whether data holds the match seed, which no viewer
// may learn before the end: it would tell the deal and every lot.
func seedShown(g *Game, data []byte) bool {
	return bytes.Contains(data, []byte(g.seed.String()))
}

// checkView returns the first leak in a view's JSON, or nil.
func checkView(g *Game, v Viewer, data []byte) error {
	f := factsOf(g, v)
	var view map[string]any
	if err := json.Unmarshal(data, &view); err != nil {
		return err
	}
	if f.over {
		return nil // after the game everything may be seen
	}
	if seedShown(g, data) {
		return fmt.Errorf("the match seed shown before the end")
	}
	allowed := map[string]bool{}

	// Seats: a role or faction only where the viewer is entitled to it,
	// and then the true one.
	for i, sv := range view["seats"].([]any) {
		m := sv.(map[string]any)
		role, faction := f.mayKnow(i)
		if r, ok := m["role"]; ok {
			if !role {
				return fmt.Errorf("seat %d's role %v shown", i, r)
			}
			if r != roleName(f.truth(i).role) {
				return fmt.Errorf("seat %d's role shown as %v", i, r)
			}
			allowed["seats."+strconv.Itoa(i)+".role"] = true
		}
		if fa, ok := m["faction"]; ok {
			if !faction {
				return fmt.Errorf("seat %d's faction %v shown", i, fa)
			}
			if fa != factionName(f.truth(i).role) {
				return fmt.Errorf("seat %d's faction shown as %v", i, fa)
			}
			allowed["seats."+strconv.Itoa(i)+".faction"] = true
		}
	}

	// You: present for a delegate only, about that delegate only.
	youAny, hasYou := view["you"]
	if hasYou != f.isSeat() {
		return fmt.Errorf("you present=%v for viewer %d", hasYou, f.me())
	}
	if hasYou {
		you := youAny.(map[string]any)
		me := f.truth(f.me())
		if num(you["seat"]) != f.me() || you["role"] != roleName(me.role) || you["faction"] != factionName(me.role) {
			return fmt.Errorf("you is not the viewer: %v", you)
		}
		allowed["you.role"], allowed["you.faction"] = true, true
		if vote, ok := you["vote"]; ok {
			if !me.voted || vote != me.vote {
				return fmt.Errorf("you.vote %v but the viewer's vote is %v/%v", vote, me.voted, me.vote)
			}
			allowed["you.vote"] = true
		}
		if c := num(you["choice"]); c != NoSeat && (!me.acted || c != me.choice) {
			return fmt.Errorf("you.choice %d is not the viewer's", c)
		}
		allowed["you.choice"] = true
		if inv, ok := you["investigations"]; ok {
			if !f.iAmInvestigator() {
				return fmt.Errorf("investigations shown to a %s", roleName(me.role))
			}
			for _, x := range inv.([]any) {
				m := x.(map[string]any)
				if f.yagodaInPlay() && f.phase() == PhaseNight && num(m["session"]) == f.g.session {
					return fmt.Errorf("tonight's report before dawn, Yagoda in play: %v", m)
				}
				if m["faction"] != f.reported(num(m["target"]), num(m["session"])) {
					return fmt.Errorf("an investigation result not as reported %v", m)
				}
			}
			allowed["you.investigations"] = true
			for i := range inv.([]any) {
				allowed["you.investigations."+strconv.Itoa(i)+".faction"] = true
			}
		}
		for _, k := range []string{"bloc", "kirov"} {
			if _, ok := you[k]; ok {
				if !f.iAmPlotter() {
					return fmt.Errorf("you.%s shown to a %s", k, roleName(me.role))
				}
				allowed["you."+k] = true
			}
		}
		knows, _ := you["knows"].(map[string]any)
		if _, ok := you["knows"]; ok {
			switch me.role {
			case Koba, Bukharin, Zinoviev, Yagoda:
			default:
				return fmt.Errorf("knows shown to a %s", roleName(me.role))
			}
			allowed["you.knows"] = true // each part checked below
		}
		if x, ok := knows["of_bloc"]; ok {
			if me.role != Koba {
				return fmt.Errorf("of_bloc shown to a %s", roleName(me.role))
			}
			var want []int
			for i := range f.g.seats {
				if f.plotter[i] && f.truth(i).role != Kirov {
					want = append(want, i)
				}
			}
			if fmt.Sprint(want) != fmt.Sprint(nums(x)) {
				return fmt.Errorf("Koba shown %v of the bloc, not %v", nums(x), want)
			}
		}
		if x, ok := knows["reported_as"]; ok {
			if (me.role != Bukharin || x != "plotters") && (me.role != Zinoviev || x != "loyalists") {
				return fmt.Errorf("reported_as %v shown to a %s", x, roleName(me.role))
			}
		}
		if x, ok := knows["falsified"]; ok {
			m := x.(map[string]any)
			if me.role != Yagoda || num(m["session"]) != f.falsifiedIn {
				return fmt.Errorf("falsified %v shown to a %s", m, roleName(me.role))
			}
			named := num(m["named"])
			tonight := f.phase() == PhaseNight && f.g.session == f.falsifiedIn
			if tonight && named != NoSeat || !tonight && named != f.namedThen {
				return fmt.Errorf("Yagoda shown %d named, tonight %v, named %d", named, tonight, f.namedThen)
			}
		}
		for k := range knows {
			switch k {
			case "of_bloc", "reported_as", "falsified":
			default:
				return fmt.Errorf("you.knows.%s shown", k)
			}
		}
		if _, ok := you["proposals"]; ok {
			if !f.iAmPlotter() || !f.iAmAlive() || f.phase() != PhaseNight {
				return fmt.Errorf("letter proposals shown to %s (alive %v) in %s", roleName(me.role), f.iAmAlive(), f.phase())
			}
			allowed["you.proposals"] = true
		}
	}

	// The roles in play are public as counts, and true ones: each role
	// once, as many as were dealt.
	if r, ok := view["rules"].(map[string]any); ok {
		dealt := map[string]int{}
		for i := range len(f.g.seats) {
			dealt[roleName(f.truth(i).role)]++
		}
		for _, x := range r["roles"].([]any) {
			m := x.(map[string]any)
			name := m["role"].(string)
			if n := num(m["count"]); n != dealt[name] {
				return fmt.Errorf("rules.roles: %d %s shown, %d dealt", n, name, dealt[name])
			}
			delete(dealt, name)
		}
		if len(dealt) > 0 {
			return fmt.Errorf("rules.roles: %v dealt and not shown", dealt)
		}
		allowed["rules.roles"] = true
	}

	// The Final Ballot's count is announced: seen in the Last Shot.
	if _, ok := view["final_count"]; ok && f.phase() == PhaseLastShot {
		allowed["final_count"] = true
	}

	// The purge vote: nothing before the count, names only under an open
	// ballot.
	if b, ok := view["ballot"]; ok {
		switch f.phase() {
		case PhaseDebate, PhaseAccusation, PhaseDefence, PhaseVote:
			return fmt.Errorf("a ballot shown in the %s", f.phase())
		}
		if _, ok := b.(map[string]any)["votes"]; ok {
			if !f.cfg().OpenBallot {
				return fmt.Errorf("individual votes of a secret ballot shown")
			}
			allowed["ballot.votes"] = true
		}
	}
	return walkSecrets(view, "", allowed)
}

// walkSecrets fails on any secret key at a path not allowed.
func walkSecrets(v any, path string, allowed map[string]bool) error {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			p := k
			if path != "" {
				p = path + "." + k
			}
			if secretKeys[k] && !allowed[p] && !allowedUnder(p, allowed) {
				return fmt.Errorf("secret %q shown at %s", k, p)
			}
			if err := walkSecrets(val, p, allowed); err != nil {
				return err
			}
		}
	case []any:
		for i, val := range x {
			if err := walkSecrets(val, path+"."+strconv.Itoa(i), allowed); err != nil {
				return err
			}
		}
	}
	return nil
}

// allowedUnder: inside an allowed secret (you.proposals.0.target) nothing
// more needs allowing.
func allowedUnder(p string, allowed map[string]bool) bool {
	for i := strings.LastIndexByte(p, '.'); i > 0; i = strings.LastIndexByte(p[:i], '.') {
		if allowed[p[:i]] {
			return true
		}
	}
	return false
}

// checkLog returns the first leak in a viewer's log JSON, or nil.
func checkLog(g *Game, v Viewer, data []byte) error {
	f := factsOf(g, v)
	var events []map[string]any
	if err := json.Unmarshal(data, &events); err != nil {
		return err
	}
	if f.over {
		return nil
	}
	if seedShown(g, data) {
		return fmt.Errorf("the match seed shown before the end")
	}
	for i, e := range events {
		kind, _ := e["kind"].(string)
		seat := num(e["seat"])
		allowed := map[string]bool{}
		switch kind {
		case "letter_proposed", "letter_sent":
			// The bloc, while alive: a purged Plotter keeps what they knew.
			if !f.iAmPlotter() || (!f.iAmAlive() && num(e["session"]) >= f.purgedIn[f.me()]) {
				return fmt.Errorf("event %d: %s shown to viewer %d", i, kind, f.me())
			}
		case "investigated", "reported":
			if !f.iAmInvestigator() || seat != f.me() {
				return fmt.Errorf("event %d: an investigation shown to viewer %d", i, f.me())
			}
			fa, ok := e["faction"]
			if ok && fa != f.reported(num(e["target"]), num(e["session"])) {
				return fmt.Errorf("event %d: a report %v not as reported", i, fa)
			}
			yagoda := f.yagodaInPlay()
			if ok != (kind == "reported" || !yagoda) {
				return fmt.Errorf("event %d: %s with a faction %v, Yagoda in play %v", i, kind, ok, yagoda)
			}
			allowed["faction"] = true
		case "falsified", "named":
			if f.myRole() != Yagoda || seat != f.me() {
				return fmt.Errorf("event %d: Yagoda's %s shown to viewer %d", i, kind, f.me())
			}
			if kind == "named" && num(e["target"]) != f.namedThen {
				return fmt.Errorf("event %d: Yagoda told %d was named, not %d", i, num(e["target"]), f.namedThen)
			}
		case "shot":
			return fmt.Errorf("event %d: Nikolaev's shot before the end", i)
		case "army":
			if t := num(e["target"]); f.truth(t).role != Tukhachevsky {
				return fmt.Errorf("event %d: the Army saved %d, a %s", i, t, roleName(f.truth(t).role))
			}
		case "vote_cast", "strike_cast":
			if seat != f.me() {
				return fmt.Errorf("event %d: seat %d's %s shown to viewer %d", i, seat, kind, f.me())
			}
		case "game_over":
			return fmt.Errorf("event %d: game over before the end", i)
		case "ballot":
			if _, ok := e["votes"]; ok && !f.cfg().OpenBallot {
				return fmt.Errorf("event %d: votes of a secret ballot", i)
			}
			allowed["votes"] = true
		case "purged":
			t := num(e["target"])
			if r, ok := e["role"]; ok && (f.cfg().Reveal != RevealRole || r != roleName(f.truth(t).role)) {
				return fmt.Errorf("event %d: purged role %v under reveal %s", i, r, f.cfg().Reveal)
			}
			if fa, ok := e["faction"]; ok && (f.cfg().Reveal == RevealNothing || fa != factionName(f.truth(t).role)) {
				return fmt.Errorf("event %d: purged faction %v under reveal %s", i, fa, f.cfg().Reveal)
			}
			allowed["role"], allowed["faction"] = true, true
		case "struck":
			if num(e["target"]) != NoSeat {
				return fmt.Errorf("event %d: the struck name shown", i)
			}
		case "voted":
			if _, ok := e["purge"]; ok {
				return fmt.Errorf("event %d: a vote's value shown before the count", i)
			}
		case "carried":
			if e["source"] == "letter" && seat != NoSeat {
				return fmt.Errorf("event %d: a letter signed by seat %d", i, seat)
			}
		case "final_count":
			allowed["strikes"] = true
		}
		for k := range e {
			if secretKeys[k] && !allowed[k] {
				return fmt.Errorf("event %d (%s): secret %q shown", i, kind, k)
			}
		}
	}
	return nil
}
