package game

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRecommendedRolesAreDealtWhole checks that the set recommended for
// each count is one the defaults accept at that count and deal whole:
// no role of it waits for a count or a partner the table lacks.
func TestRecommendedRolesAreDealtWhole(t *testing.T) {
	for n := MinSeats; n <= MaxSeats; n++ {
		set := RecommendedRoles(n)
		cfg := DefaultConfig()
		cfg.Roles = set
		require.NoError(t, cfg.ValidateSeats(n), "%d seats: %v", n, set)
		assert.Equal(t, set, cfg.RolesFor(n), "%d seats: every recommended role is dealt", n)
		assert.Equal(t, set, cfg.FitRoles(n), "%d seats", n)
		if set.Has(Nikolaev) {
			assert.True(t, set.Has(Koba), "%d seats: Nikolaev comes with Koba", n)
		}
	}
	assert.Zero(t, RecommendedRoles(MinSeats-1))
	assert.Zero(t, RecommendedRoles(MaxSeats+1))
}

// TestRoleRefusalsNameTheirSetting: every refusal of the roles turned on
// is typed, about the setting "roles", and says what to do.
func TestRoleRefusalsNameTheirSetting(t *testing.T) {
	noInvestigator := withRoles(Yagoda)
	noInvestigator.Investigator = false
	tests := []struct {
		name  string
		cfg   Config
		seats int
		want  string
	}{
		{"Nikolaev alone", withRoles(Nikolaev), 8, "Nikolaev plays only with Koba: turn Koba on, or Nikolaev off."},
		{"Yagoda without the Investigator", noInvestigator, 8, "Yagoda needs the NKVD Investigator: turn the Investigator on, or Yagoda off."},
		{"too many of the bloc", withRoles(Koba, Nikolaev, Zinoviev, Yagoda), 8, "With 8 delegates Kirov's bloc has 2 other seats: too few for 3 of its roles. Turn one off."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.ValidateSeats(tt.seats)
			var e *Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, CodeConfig, e.Code)
			assert.Equal(t, "roles", e.Field)
			assert.Equal(t, tt.want, e.Message)
		})
	}
}

// TestRoleSetRefusesUnknownNames: a list naming no Congress role is a
// typed refusal at "roles", in words for the host.
func TestRoleSetRefusesUnknownNames(t *testing.T) {
	for _, in := range []string{`["beria"]`, `["kirov"]`, `["koba","loyalist"]`} {
		var s RoleSet
		err := s.UnmarshalJSON([]byte(in))
		var e *Error
		require.ErrorAs(t, err, &e, in)
		assert.Equal(t, CodeConfig, e.Code)
		assert.Equal(t, "roles", e.Field)
		assert.Contains(t, e.Message, "the roles are koba, nikolaev, bukharin, zinoviev, tukhachevsky, yagoda.")
		assert.Zero(t, s, "a refused list changes nothing")
	}
	var s RoleSet
	require.NoError(t, s.UnmarshalJSON([]byte(`["yagoda","koba"]`)))
	assert.Equal(t, Roles(Koba, Yagoda), s)
	assert.Error(t, s.UnmarshalJSON([]byte(`"koba"`)), "not a list")
}

// TestRulesStateTheRecommendedSets checks that docs/RULES.md states the
// recommended sets as RecommendedRoles gives them, so that a new
// measurement cannot leave the rules page telling another story.
func TestRulesStateTheRecommendedSets(t *testing.T) {
	rules, err := os.ReadFile("../docs/RULES.md")
	require.NoError(t, err)
	var parts []string
	for lo := MinSeats; lo <= MaxSeats; {
		hi := lo
		for hi < MaxSeats && RecommendedRoles(hi+1) == RecommendedRoles(lo) {
			hi++
		}
		if set := RecommendedRoles(lo); set != 0 {
			var names []string
			for _, r := range set.List() {
				names = append(names, title(r))
			}
			and := strings.Join(names, ", ")
			if i := strings.LastIndex(and, ", "); i >= 0 {
				and = and[:i] + " and " + and[i+2:]
			}
			switch {
			case lo == hi:
				parts = append(parts, fmt.Sprintf("%s at %d", and, lo))
			case hi == MaxSeats:
				parts = append(parts, fmt.Sprintf("%s from %d", and, lo))
			default:
				parts = append(parts, fmt.Sprintf("%s at %d to %d", and, lo, hi))
			}
		}
		lo = hi + 1
	}
	want := strings.Join(parts, "; ")
	text := strings.Join(strings.Fields(string(rules)), " ")
	assert.Contains(t, text, "recommends: "+want+" (measured in docs/BALANCE.md).")
}
