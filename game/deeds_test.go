package game

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDeeds: a seat's deeds are its own choices with their values, as
// that seat reads them, between two points of the log; nobody else's.
func TestDeeds(t *testing.T) {
	tb := rig(t, DefaultConfig(), "KPILLLL", 0)
	from := tb.g.LogLen()
	tb.do(denounce(2, 4), withdraw(2), denounce(2, 3), denounce(3, 4))
	tb.denounceAll(3, 0, 1, 4, 5, 6)
	tb.readyAll()
	require.Equal(t, PhaseDefence, tb.g.phase)
	require.Equal(t, 3, tb.g.accused)
	tb.do(endPhase(), vote(2, false))
	tb.voteAll(true)
	require.Equal(t, PhaseConfession, tb.g.phase)
	until := tb.g.LogLen()
	tb.do(confess(3, NoSeat))
	require.Equal(t, PhaseNight, tb.g.phase)
	tb.do(investigate(2, 0), letter(1, 2), letter(0, 2))

	tests := []struct {
		name        string
		seat        int
		from, until int
		want        []EventKind
	}{
		{"the Investigator's whole stay", 2, from, -1, []EventKind{EvDenounced, EvWithdrew, EvDenounced, EvReady, EvVoteCast, EvInvestigated}},
		{"up to the Confession", 2, from, until, []EventKind{EvDenounced, EvWithdrew, EvDenounced, EvReady, EvVoteCast}},
		{"from the Confession on", 2, until, -1, []EventKind{EvInvestigated}},
		{"a Plotter's letter is the Plotter's", 1, from, -1, []EventKind{EvDenounced, EvReady, EvVoteCast, EvLetterProposed}},
		{"the Accused: a denunciation and a silent confession", 3, from, -1, []EventKind{EvDenounced, EvReady, EvConfessed}},
		{"no such seat", 12, from, -1, []EventKind{}},
		{"an empty stretch", 2, until, until, []EventKind{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tb.g.Deeds(tt.seat, tt.from, tt.until)
			assert.Equal(t, tt.want, kinds(got))
			for _, e := range got {
				assert.Equal(t, tt.seat, e.Seat, "another seat's line: %+v", e)
			}
		})
	}

	d := tb.g.Deeds(2, from, -1)
	assert.Equal(t, 4, d[1].Target, "a withdrawal names the denunciation withdrawn")
	assert.Equal(t, 3, d[4].Target, "the vote names the Accused")
	assert.False(t, d[4].Purge, "and carries the vote: Spare")
	assert.Equal(t, 0, d[5].Target)
	assert.Equal(t, Plotters, d[5].Faction, "the investigation carries its report")
	assert.Equal(t, NoSeat, tb.g.Deeds(3, from, -1)[2].Target)
}
