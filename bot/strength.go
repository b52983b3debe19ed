package bot

import "fmt"

// Strength is how well a bot plays.
type Strength int

// Strengths.
const (
	Easy   Strength = iota // random legal play that always takes part
	Normal                 // plays its camp with a suspicion model
	// Hard is Normal that keeps what it has better: an Investigator
	// marks, names and picks a Plotter it has found only once the
	// Congress suspects him too, and the bloc spares a fellow member
	// the Congress has not convicted in its mind, where Normal's bloc
	// spares him only by half its votes.
	Hard
)

// noStrength is no strength at all, for "not yet known".
const noStrength Strength = -1

var strengthNames = []string{"easy", "normal", "hard"}

func (s Strength) String() string {
	if s < 0 || int(s) >= len(strengthNames) {
		return fmt.Sprintf("Strength(%d)", int(s))
	}
	return strengthNames[s]
}

// MarshalText encodes the strength as "easy", "normal" or "hard".
func (s Strength) MarshalText() ([]byte, error) {
	if s < 0 || int(s) >= len(strengthNames) {
		return nil, fmt.Errorf("bot: invalid strength %d", int(s))
	}
	return []byte(strengthNames[s]), nil
}

// UnmarshalText decodes "easy", "normal" or "hard".
func (s *Strength) UnmarshalText(b []byte) error {
	for i, n := range strengthNames {
		if n == string(b) {
			*s = Strength(i)
			return nil
		}
	}
	return fmt.Errorf("bot: unknown strength %q (want easy, normal or hard)", b)
}
