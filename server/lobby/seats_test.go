package lobby

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/game"
	"congress/protocol"
)

// apply applies each record, failing the test on a refusal.
func apply(t *testing.T, s *State, recs ...Record) {
	t.Helper()
	for _, rec := range recs {
		require.NoError(t, s.Apply(rec))
	}
}

func TestSitCheck(t *testing.T) {
	s := playing(t)
	away := bySeat(s, 1)
	kicked := bySeat(s, 2)
	apply(t, s, Record{Kind: RecBotSeat, At: at, Member: away.ID, Bot: true, Strength: protocol.StrengthNormal, Seed: 1})
	recs, err := s.HostAction(s.Member("d1"), protocol.Host{Action: protocol.HostKick, Member: kicked.ID}, testEnv())
	require.NoError(t, err)
	apply(t, s, recs...)
	held := bySeat(s, 3)
	if held.ID == "d1" {
		held = bySeat(s, 4)
	}
	tests := []struct {
		name string
		seat int
		as   string
		want protocol.Code
	}{
		{"an absent delegate's seat a bot plays", away.Seat, "Vera", ""},
		{"a kicked delegate's seat", kicked.Seat, "Vera", ""},
		{"the next game", protocol.NextGame, "Vera", ""},
		{"a seat a human holds", held.Seat, "Vera", protocol.CodeSeatHeld},
		{"no such seat", 9, "Vera", protocol.CodeBadMessage},
		{"a member's name", away.Seat, "Boris", protocol.CodeNameTaken},
		{"the name of a seat at the table", away.Seat, kicked.Name, protocol.CodeNameTaken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, code(s.SitCheck(tt.seat, tt.as)))
		})
	}
	assert.ElementsMatch(t, []int{away.Seat, kicked.Seat}, s.OpenSeats())
}

// TestTakeSeat: the new delegate holds the seat, the displaced pass is
// refused with the reason, the bot's player is gone from the seat, and a
// replay of the records makes the same lobby.
func TestTakeSeat(t *testing.T) {
	s := playing(t)
	away := bySeat(s, 1)
	away.TokenHash = []byte{9} // a pass of its own, to be displaced
	first := []Record{{Kind: RecBotSeat, At: at, Member: away.ID, Bot: true, Strength: protocol.StrengthNormal, Seed: 1}}
	apply(t, s, first...)
	require.NotNil(t, s.Match.Bots[1])
	rec, err := s.TakeSeat(1, "Vera", []byte{8}, testEnv())
	require.NoError(t, err)
	assert.Equal(t, away.ID, rec.From)
	apply(t, s, rec)
	h := s.Holder(1)
	require.NotNil(t, h)
	assert.Equal(t, "Vera", h.Name)
	assert.Nil(t, s.Member(away.ID))
	assert.Nil(t, s.Match.Bots[1], "no bot plays the seat now")
	assert.Equal(t, protocol.CodeSeatTaken, code(s.Unseated([]byte{9})))
	assert.Equal(t, protocol.CodeSeatHeld, code(s.SitCheck(1, "Yakov")))
	n, ok := s.Announcement(rec, here())
	require.True(t, ok)
	assert.Equal(t, "A new delegate takes seat 2: Vera sits there from now on.", n.Message)
	assert.NotContains(t, n.Message, s.Match.Game.View(game.SeatViewer(1)).You.Role.String())

	apply(t, s, Record{Kind: RecRematch, At: at})
	assert.Nil(t, s.Unseated([]byte{9}), "the rematch forgets the displaced")
	assert.Equal(t, game.NoSeat, s.Member(h.ID).Seat)
}

func TestMoveLink(t *testing.T) {
	s := playing(t)
	boris := s.Member("d2")
	env := testEnv()
	rec, err := s.OfferMove(boris, []byte{5}, env)
	require.NoError(t, err)
	apply(t, s, rec)
	_, _, err = s.Move([]byte{6}, []byte{7}, env)
	assert.Equal(t, protocol.CodeBadMove, code(err), "no such link")

	late := env
	late.Now = at.Add(protocol.MoveLinkTTL)
	_, _, err = s.Move([]byte{5}, []byte{7}, late)
	assert.Equal(t, protocol.CodeBadMove, code(err), "expired")

	env.Now = at.Add(protocol.MoveLinkTTL - time.Second)
	moved, m, err := s.Move([]byte{5}, []byte{7}, env)
	require.NoError(t, err)
	assert.Equal(t, boris, m)
	apply(t, s, moved)
	assert.Equal(t, []byte{7}, boris.TokenHash)
	_, _, err = s.Move([]byte{5}, []byte{8}, env)
	assert.Equal(t, protocol.CodeBadMove, code(err), "used once")

	_, err = s.OfferMove(nil, []byte{5}, env)
	assert.Equal(t, protocol.CodeNotSeated, code(err))

	// The journal stays bounded: so many links in a game, no more.
	for range MaxMoveLinks - 1 {
		rec, err := s.OfferMove(boris, []byte{5}, env)
		require.NoError(t, err)
		apply(t, s, rec)
	}
	_, err = s.OfferMove(boris, []byte{5}, env)
	assert.Equal(t, protocol.CodeTooManyChanges, code(err))
}
