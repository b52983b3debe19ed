package store

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/server/lobby"
)

// A second writer on the same lobby log is refused, and what the first
// wrote stays whole: this is what keeps a deposed owner from writing.
func TestJournalSecondWriterRefused(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, Options{DataDir: t.TempDir()})
	require.NoError(t, err)
	defer st.Close()
	at := time.Date(1934, 2, 10, 12, 0, 0, 0, time.UTC)

	first := NewJournal(st)
	require.NoError(t, first.Append(ctx, "ABCDEF", lobby.Record{Kind: lobby.RecCreated, At: at, Member: "m1", Name: "Anna"}))

	// A second writer takes the lobby over by reading it...
	second := NewJournal(st)
	recs, err := second.Records(ctx, "ABCDEF")
	require.NoError(t, err)
	require.Len(t, recs, 1)
	require.NoError(t, second.Append(ctx, "ABCDEF", lobby.Record{Kind: lobby.RecJoined, At: at, Member: "m2", Name: "Boris"}))

	// ...and the first, which has not seen that record, is fenced off.
	err = first.Append(ctx, "ABCDEF", lobby.Record{Kind: lobby.RecJoined, At: at, Member: "m3", Name: "Clara"})
	require.Error(t, err)
	assert.ErrorIs(t, err, lobby.ErrFenced)

	recs, err = NewJournal(st).Records(ctx, "ABCDEF")
	require.NoError(t, err)
	require.Len(t, recs, 2)
	assert.Equal(t, "Boris", recs[1].Name)

	codes, err := first.Lobbies(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"ABCDEF"}, codes)

	// Nor can the first close the lobby: the log stays.
	err = first.Append(ctx, "ABCDEF", lobby.Record{Kind: lobby.RecClosed, At: at})
	assert.ErrorIs(t, err, lobby.ErrFenced)
	codes, err = first.Lobbies(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"ABCDEF"}, codes)

	// Closing the lobby drops its log.
	require.NoError(t, second.Append(ctx, "ABCDEF", lobby.Record{Kind: lobby.RecClosed, At: at}))
	codes, err = first.Lobbies(ctx)
	require.NoError(t, err)
	assert.Empty(t, codes)
}
