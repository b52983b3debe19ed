package bot

import "fmt"

// Strength is how well a bot plays.
type Strength int

// Strengths.
const (
	Easy   Strength = iota // random legal play that always takes part
	Normal                 // plays its camp with a suspicion model
	// Hard is Normal with habits of its own, chosen by count and camp
	// where each wins more than Normal (see hardHabits).
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
