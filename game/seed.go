package game

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"time"
)

// Seed is a match's seed: every random choice of the match (the seating,
// the deal, the first Chair, every lot) is drawn from it. The server draws
// it from a cryptographic source before the deal and publishes only its
// Commitment until the game is over; then it shows the seed itself, so that
// anyone can check the deal was the seed's and the seed the one committed
// to (see Replay).
type Seed [32]byte

// SeedOf is a seed made from a number, for simulations and tests: New
// uses it, and deals from SeedOf(n) exactly what it always dealt from n.
func SeedOf(n uint64) Seed {
	var s Seed
	binary.LittleEndian.PutUint64(s[0:8], n)
	binary.LittleEndian.PutUint64(s[8:16], n^0x9e3779b97f4a7c15)
	return s
}

// source is the generator the match draws from. Its 128 bits of state are
// the seed's two halves folded together.
func (s Seed) source() rand.PCG {
	le := binary.LittleEndian
	hi := le.Uint64(s[0:8]) ^ le.Uint64(s[16:24])
	lo := le.Uint64(s[8:16]) ^ le.Uint64(s[24:32])
	return *rand.NewPCG(hi, lo)
}

// String is the seed in lower-case hexadecimal, as the wire shows it.
func (s Seed) String() string { return hex.EncodeToString(s[:]) }

// Commitment is the hexadecimal SHA-256 of the seed's 32 bytes: published
// at the deal, it binds the server to a seed it may not show yet.
func (s Seed) Commitment() string {
	sum := sha256.Sum256(s[:])
	return hex.EncodeToString(sum[:])
}

// MarshalText encodes the seed as String does.
func (s Seed) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads 64 hexadecimal digits.
func (s *Seed) UnmarshalText(b []byte) error {
	if len(b) != 2*len(s) {
		return fmt.Errorf("a seed is %d hexadecimal digits, not %d", 2*len(s), len(b))
	}
	var out Seed
	if _, err := hex.Decode(out[:], b); err != nil {
		return fmt.Errorf("a seed is hexadecimal: %w", err)
	}
	*s = out
	return nil
}

// Step is one thing that moved the match on: a command applied at At, or,
// with no Command, the deadlines that had passed by At (Advance). A match
// is its config, its players, its seed, its start and its steps: Replay
// rebuilds it from them exactly.
type Step struct {
	At      time.Time `json:"at"`
	Command *Command  `json:"command,omitempty"`
}

// kept is a Step as the game keeps it, without a pointer, so that
// keeping one costs no allocation.
type kept struct {
	at      time.Time
	cmd     Command
	advance bool
}

// Steps is every step of the match so far, in order: the accepted
// commands, and the advances that changed anything. The list is the
// caller's.
func (g *Game) Steps() []Step {
	out := make([]Step, len(g.steps))
	cmds := make([]Command, len(g.steps))
	for i, s := range g.steps {
		out[i].At = s.at
		if !s.advance {
			cmds[i] = s.cmd
			out[i].Command = &cmds[i]
		}
	}
	return out
}

// NumSteps is len(g.Steps()), without the copy.
func (g *Game) NumSteps() int { return len(g.steps) }

// Replay rebuilds a match from what New was given and its steps, calling
// each (when not nil) after the deal with index -1 and the deal's events,
// then after every step with its index and the events it made. It stops
// at the first step the rules refuse, or an advance that changes nothing,
// which no match of the engine's has.
func Replay(cfg Config, players []string, seed Seed, start time.Time, steps []Step, each func(g *Game, i int, events []Event)) (*Game, error) {
	g, events, err := NewSeeded(cfg, players, seed, start)
	if err != nil {
		return nil, err
	}
	if each != nil {
		each(g, -1, events)
	}
	for i, st := range steps {
		if g.Over() {
			return g, fmt.Errorf("step %d comes after the end of the game", i)
		}
		if st.Command == nil {
			events = g.Advance(st.At)
			if len(events) == 0 {
				return g, fmt.Errorf("step %d: no deadline had passed at %s", i, st.At.Format(time.RFC3339Nano))
			}
		} else if events, err = g.Apply(*st.Command, st.At); err != nil {
			return g, fmt.Errorf("step %d (%s): %w", i, st.Command.Kind, err)
		}
		if each != nil {
			each(g, i, events)
		}
	}
	return g, nil
}
