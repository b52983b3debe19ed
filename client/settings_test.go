package client

import (
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"congress/game"
)

// tableText is how the host's form words a default that depends on the
// number of delegates: "2 for 5–7 delegates, 3 for 8–9, 5 for 12".
func tableText(of func(seats int) int) string {
	var parts []string
	for lo := game.MinSeats; lo <= game.MaxSeats; {
		hi := lo
		for hi < game.MaxSeats && of(hi+1) == of(lo) {
			hi++
		}
		span := fmt.Sprint(lo)
		if hi > lo {
			span = fmt.Sprintf("%d–%d", lo, hi)
		}
		if len(parts) == 0 {
			span += " delegates"
		}
		parts = append(parts, fmt.Sprintf("%d for %s", of(lo), span))
		lo = hi + 1
	}
	return strings.Join(parts, ", ")
}

// TestSettingsShowTheDefaultTable checks that the host's form states the
// table the engine plays when Plotters or Sessions is left at 0, so that
// a change of defaults cannot leave the form telling another story.
func TestSettingsShowTheDefaultTable(t *testing.T) {
	cfg := game.DefaultConfig()
	require.Zero(t, cfg.Plotters, "the default follows the table")
	require.Zero(t, cfg.Sessions, "the default follows the table")
	js, err := fs.ReadFile(FS, "settings.js")
	require.NoError(t, err)
	for _, want := range []string{
		"0 follows the table: " + tableText(cfg.PlottersFor) + ".",
		"0 follows the table: " + tableText(cfg.SessionsFor) + ".",
	} {
		require.True(t, strings.Contains(string(js), want), "settings.js should say %q", want)
	}
	require.Equal(t, "2 for 5–7 delegates, 3 for 8–9, 4 for 10–11, 5 for 12", tableText(cfg.PlottersFor))
}
