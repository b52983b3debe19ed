package game

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"
)

// fuzzInput turns fuzz bytes into a table and a list of steps.
//
// Byte 0: seats (5-12) and five Congress roles (bits 3-7); byte 1:
// setting bits; byte 2: seed, its high bit Zinoviev. Then four bytes
// a step: the first says what (a delegate's command with raw kind, seat
// and target; time passing; a host command; or a lawful move drawn by
// legalStep from the other three bytes), the others fill it in.
type fuzzInput struct {
	cfg     Config
	players []string
	seed    uint64
	ops     [][4]byte
}

func decodeFuzz(data []byte) (fuzzInput, bool) {
	if len(data) < 3 {
		return fuzzInput{}, false
	}
	n := MinSeats + int(data[0])%(MaxSeats-MinSeats+1)
	bits := data[1]
	cfg := DefaultConfig()
	cfg.Investigator = bits&1 == 0
	cfg.OpenBallot = bits&2 == 0
	cfg.Reveal = Reveal(bits >> 2 % 3)
	cfg.PlotterChat = PlotterChat(bits >> 4 & 1)
	cfg.PurgedSeeRoles = bits&32 != 0
	cfg.SpectatorsSeeRoles = bits&64 != 0
	cfg.Threshold = 1 + int(bits>>7)
	if data[2]&1 == 1 {
		cfg.Sessions = 1 + int(data[2]>>1)%3
	}
	for i, role := range []Role{Koba, Nikolaev, Bukharin, Tukhachevsky, Yagoda} {
		if data[0]>>(3+i)&1 == 1 {
			cfg.Roles |= Roles(role)
		}
	}
	if data[2]&0x80 != 0 {
		cfg.Roles |= Roles(Zinoviev)
	}
	cfg = fitConfig(cfg, n)
	in := fuzzInput{cfg: cfg, players: names[:n], seed: uint64(data[2])}
	for rest := data[3:]; len(rest) >= 4 && len(in.ops) < 500; rest = rest[4:] {
		in.ops = append(in.ops, [4]byte(rest[:4]))
	}
	return in, true
}

func (in fuzzInput) step(g *Game, op [4]byte, now time.Time) step {
	n := len(g.seats)
	seat := func(b byte) int { return int(b)%(n+3) - 1 } // -1 .. n+1
	switch op[0] % 8 {
	case 0, 1, 2: // any command, legal or not
		return step{Cmd: Command{Kind: CommandKind(int(op[0]/8) % (int(lastCommand) + 2)), Seat: seat(op[1]), Target: seat(op[2]), Purge: op[3]&1 == 1}, At: now}
	case 3: // time passes: up to ~4 minutes, or to a deadline and a hair either side
		d := time.Duration(op[1]) * time.Second
		if dl, ok := g.NextDeadline(); ok && op[2]&3 != 0 {
			d = dl.Sub(now) + time.Duration(int(op[2]&3)-2)*time.Nanosecond
		}
		return step{Advance: true, At: now.Add(max(d, 0))}
	case 4: // the host
		return step{Cmd: Command{Kind: []CommandKind{CmdPause, CmdResume, CmdEndPhase}[op[1]%3], Seat: NoSeat}, At: now}
	}
	// A lawful move, if the phase has one; otherwise time runs out.
	if g.Over() || g.paused {
		return step{Cmd: resume(), At: now}
	}
	r := rand.New(rand.NewPCG(uint64(op[1])<<16|uint64(op[2])<<8|uint64(op[3]), 0))
	return legalStep(g, r, now)
}

func roleCounts(g *Game) map[Role]int {
	m := map[Role]int{}
	for _, s := range g.seats {
		m[s.role]++
	}
	return m
}

// FuzzGame plays fuzz-chosen commands and time steps, legal and illegal,
// and checks the engine's invariants after every step.
func FuzzGame(f *testing.F) {
	f.Add([]byte{5, 0, 1})
	f.Add([]byte{0, 0, 2, 5, 1, 2, 3, 5, 9, 9, 9, 5, 4, 4, 4, 3, 200, 0, 0, 5, 7, 7, 7})
	f.Add([]byte{7, 0xff, 3, 0, 0, 1, 0, 8, 1, 2, 0, 4, 2, 0, 0, 3, 0, 2, 0, 4, 0, 0, 0, 3, 255, 0, 0, 4, 1, 0, 0, 3, 10, 1, 0})
	legal := []byte{5, 0x12, 7}
	for i := range 120 {
		legal = append(legal, 5, byte(i), byte(i*7), byte(i*13))
	}
	f.Add(legal)
	// Every Congress role at ten seats, lawful play to the end.
	roles := []byte{0xfd, 0x12, 0x85}
	for i := range 150 {
		roles = append(roles, 5, byte(i*3), byte(i*11), byte(i*17))
	}
	f.Add(roles)
	f.Add([]byte{3, 0x40, 9, 40, 1, 2, 1, 48, 2, 3, 0, 88, 0, 1, 1, 96, 5, 6, 0, 3, 0, 1, 0, 5, 1, 1, 1, 5, 2, 2, 2, 5, 3, 3, 3, 4, 2, 0, 0})

	f.Fuzz(func(t *testing.T, data []byte) {
		in, ok := decodeFuzz(data)
		if !ok {
			return
		}
		g, _, err := New(in.cfg, in.players, in.seed, t0)
		if err != nil {
			t.Fatalf("a valid table refused: %v", err)
		}
		roles := roleCounts(g)
		seen := slices.Clone(g.log) // every event so far, as first logged
		now := t0
		run := func(st step) {
			before := snapshotHead(g)
			evs, err := st.run(g)
			checkInvariants(t, &before, g, st, evs, err, roles)
			seen = append(seen, evs...)
		}
		for _, op := range in.ops {
			st := in.step(g, op, now)
			now = st.At
			run(st)
		}
		// Whatever happened, the game ends within its sessions: each
		// deadline ends a phase, a session has at most six, and the Final
		// Ballot one.
		bound := g.sessions*6 + 3
		for k := 0; !g.Over(); k++ {
			if k > bound {
				t.Fatalf("the game does not end in %d deadlines: session %d of %d, %s", bound, g.session, g.sessions, g.phase)
			}
			st := finishStep(g, now)
			now = st.At
			run(st)
		}
		if w, r := g.Winner(); w == NoFaction || r == NotOver {
			t.Fatalf("a game over without a winner: %v %v", w, r)
		}
		if !reflect.DeepEqual(seen, g.log) {
			t.Fatalf("the log is not the events returned, in order: an event was rewritten or hidden")
		}
	})
}

// snapshotHead is a deep copy of the game whose log keeps only its length:
// events are compared as they come (see seen), so that checking after
// every step stays linear in the length of the game.
func snapshotHead(g *Game) Game {
	c := snapshot2(g)
	c.log = g.log[:len(g.log):len(g.log)]
	return c
}

// unchanged: the game is DeepEqual to before, the log compared by length
// and every other field in full.
func unchanged(before, g *Game) bool {
	return len(before.log) == len(g.log) && sameGame(before, g, len(g.log))
}

func checkInvariants(t testing.TB, before *Game, g *Game, st step, evs []Event, err error, roles map[Role]int) {
	t.Helper()
	c := st.Cmd
	if err != nil {
		if _, ok := err.(*Error); !ok {
			t.Fatalf("%+v: a refusal that is not an *Error: %v", st, err)
		}
		if evs != nil {
			t.Fatalf("%+v: a refusal with events", st)
		}
		if !unchanged(before, g) {
			t.Fatalf("%+v: refused (%v) but the game changed", st, err)
		}
	}
	if st.Advance && evs == nil && !unchanged(before, g) {
		t.Fatalf("Advance(%v) changed the game without an event", st.At)
	}
	if !reflect.DeepEqual(nilIfEmpty(evs), nilIfEmpty(g.log[len(before.log):])) {
		t.Fatalf("%+v: the events returned are not those logged", st)
	}
	if !st.Advance && err == nil {
		if before.phase == PhaseOver {
			t.Fatalf("%+v accepted after the game", c)
		}
		if !c.Kind.HostOnly() && !before.seats[c.Seat].alive &&
			(c.Kind != CmdConfess || before.phase != PhaseConfession || before.purgedAt != c.Seat) {
			t.Fatalf("%+v accepted from a purged delegate in %s", c, before.phase)
		}
		if before.paused && c.Kind != CmdResume {
			t.Fatalf("%+v accepted while paused", c)
		}
	}
	if !reflect.DeepEqual(roles, roleCounts(g)) {
		t.Fatalf("role counts changed: %v -> %v", roles, roleCounts(g))
	}
	if g.session > g.sessions {
		t.Fatalf("session %d of %d", g.session, g.sessions)
	}
	if !g.Over() && g.phase != PhaseLastShot {
		var plotters, loyalists int
		kirov := false
		for _, s := range g.seats {
			switch {
			case !s.alive:
			case s.role == Kirov:
				kirov = true
				plotters++
			case s.role.Faction() == Plotters:
				plotters++
			default:
				loyalists++
			}
		}
		if !kirov || plotters >= loyalists {
			t.Fatalf("the game runs on with Kirov alive %v, %d Plotters to %d Loyalists", kirov, plotters, loyalists)
		}
	}
}
