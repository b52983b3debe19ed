package protocol

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/game"
)

// TestLobbyLimitsTable: the lobby's table says, for every number of
// delegates the seats allow, what the engine deals with Plotters and
// Sessions at 0, and an Investigator is dealt from InvestigatorFrom
// delegates on.
func TestLobbyLimitsTable(t *testing.T) {
	l := LobbyLimits()
	require.Len(t, l.Table, l.Seats.Max-l.Seats.Min+1)
	cfg := game.DefaultConfig()
	cfg.Plotters, cfg.Sessions = 0, 0
	for i, row := range l.Table {
		n := l.Seats.Min + i
		require.Equal(t, n, row.Seats, "the rows in order")
		names := make([]string, n)
		for j := range names {
			names[j] = fmt.Sprintf("Delegate %d", j+1)
		}
		g, _, err := game.New(cfg, names, 1, time.Date(1934, time.January, 26, 10, 0, 0, 0, time.UTC))
		require.NoError(t, err)
		v := g.View(game.Spectator)
		assert.Equal(t, v.Plotters, row.Plotters, "%d delegates: the bloc by table", n)
		assert.Equal(t, v.Sessions, row.Sessions, "%d delegates: the sessions by table", n)
		assert.Equal(t, n >= l.InvestigatorFrom, v.Investigator, "%d delegates: an Investigator dealt", n)
	}
}
