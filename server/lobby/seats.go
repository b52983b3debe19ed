package lobby

import (
	"crypto/subtle"
	"fmt"
	"slices"

	"congress/game"
	"congress/protocol"
)

// Seats changing hands: a human taking over a seat a bot plays, a
// delegate carrying their seat to another device, the gallery sitting
// down for the next game. The requests (a spectator's wish to sit) are
// the connection's, as the gallery's knocks are; what the host grants,
// and what a move link opens, is a record.

// Unseat is the pass of a delegate whose seat the host gave to a new
// delegate while a bot played it: it opens no seat until the rematch,
// and says why.
type Unseat struct {
	TokenHash []byte
	Seat      int
}

// Holder is the member playing seat in the current game, or nil.
func (s *State) Holder(seat int) *Member {
	if !s.inGame() {
		return nil
	}
	for _, m := range s.Members {
		if m.Seat == seat {
			return m
		}
	}
	return nil
}

// unplayed reports whether no human plays m's seat: a bot's own, an absent
// delegate's handed to a bot, a kicked delegate's (a bot plays it), a
// departed delegate's (a bot, or nobody).
func unplayed(m *Member) bool { return m.Bot || m.BotPlays || m.Gone }

// OpenSeats are the seats of the running game no human plays now (a
// bot, or nobody, for a delegate who left): those a spectator may ask for.
func (s *State) OpenSeats() []int {
	out := []int{}
	if !s.Playing() {
		return out
	}
	for _, m := range s.Members {
		if m.Seat != game.NoSeat && unplayed(m) {
			out = append(out, m.Seat)
		}
	}
	slices.Sort(out)
	return out
}

// SitCheck refuses a spectator's request to sit under name at seat (or,
// protocol.NextGame, in the next game), before the host is asked.
func (s *State) SitCheck(seat int, name string) error {
	if s.Closed {
		return protocol.Errorf(protocol.CodeUnknownLobby, "There is no lobby %s.", s.Code)
	}
	if err := s.nameFree(name); err != nil {
		return err
	}
	if seat == protocol.NextGame {
		return nil
	}
	if !s.Playing() {
		return protocol.Errorf(protocol.CodeNoGame, "No game is running: ask for a place in the next game instead.")
	}
	h := s.Holder(seat)
	if h == nil {
		return protocol.Errorf(protocol.CodeBadMessage, "This table has no seat %d.", seat+1)
	}
	if !unplayed(h) {
		return protocol.Errorf(protocol.CodeSeatHeld, "%s holds seat %d. Only a seat a bot plays is open: ask for one of those, or for a place in the next game.", h.Name, seat+1)
	}
	return nil
}

// nameFree refuses a name a member, or a seat of the game, already goes by.
func (s *State) nameFree(name string) error {
	if other, taken := s.NameTaken(name); taken {
		return protocol.Errorf(protocol.CodeNameTaken, "%s sits at the table already. Choose another name.", other.Name)
	}
	if m := s.Match; m != nil && s.inGame() {
		for _, n := range m.Names {
			if protocol.Confusable(n, name) {
				return protocol.Errorf(protocol.CodeNameTaken, "%s is a name at this table already. Choose another name.", n)
			}
		}
	}
	return nil
}

// TakeSeat is the record of a new delegate, named name with the pass
// tokenHash, taking seat from the bot that plays it, as the host grants.
func (s *State) TakeSeat(seat int, name string, tokenHash []byte, env Env) (Record, error) {
	if seat == protocol.NextGame {
		return Record{}, protocol.Errorf(protocol.CodeBadMessage, "Say which seat.")
	}
	if err := s.SitCheck(seat, name); err != nil {
		return Record{}, err
	}
	if err := s.roomForMembers(env.MembersEver); err != nil {
		return Record{}, err
	}
	return Record{Kind: RecSeatTaken, At: env.Now, Member: s.nextMember(), Name: name, TokenHash: tokenHash, From: s.Holder(seat).ID}, nil
}

// Unseated refuses the pass (a token's SHA-256) of a delegate whose seat
// a new delegate holds now, with what they may do instead.
func (s *State) Unseated(tokenHash []byte) error {
	for _, u := range s.Displaced {
		if subtle.ConstantTimeCompare(u.TokenHash, tokenHash) == 1 {
			name := "a new delegate"
			if h := s.Holder(u.Seat); h != nil {
				name = h.Name
			}
			return protocol.Errorf(protocol.CodeSeatTaken, "While a bot played your seat, the host gave seat %d to %s, who holds it now. Watch from the gallery, or ask there for a seat a bot plays.", u.Seat+1, name)
		}
	}
	return nil
}

// MaxMoveLinks bounds the move links a delegate may ask for in a game,
// or between games: each is a record, and the journal stays bounded.
const MaxMoveLinks = 20

// OfferMove is the record of a one-time move link for me's seat, whose
// code hashes to codeHash; it replaces any earlier link.
func (s *State) OfferMove(me *Member, codeHash []byte, env Env) (Record, error) {
	if me == nil || me.Bot || me.TokenHash == nil {
		return Record{}, protocol.Errorf(protocol.CodeNotSeated, "Only a delegate can move their seat to another device.")
	}
	if me.Moves >= MaxMoveLinks {
		return Record{}, protocol.Errorf(protocol.CodeTooManyChanges, "You have asked for %d move links in this game, as many as the Presidium issues. Open the last one, or wait for the next game.", MaxMoveLinks)
	}
	return Record{Kind: RecMoveOffered, At: env.Now, Member: me.ID, TokenHash: codeHash}, nil
}

// Move is the record of a move link's use: the member whose link codeHash
// opens takes the new pass tokenHash, and the old one opens nothing. A
// link used once, or older than protocol.MoveLinkTTL, is refused.
func (s *State) Move(codeHash, tokenHash []byte, env Env) (Record, *Member, error) {
	var found *Member
	for _, m := range s.Members {
		if m.MoveHash != nil && subtle.ConstantTimeCompare(m.MoveHash, codeHash) == 1 {
			found = m
		}
	}
	switch {
	case found == nil || found.TokenHash == nil:
		return Record{}, nil, protocol.Errorf(protocol.CodeBadMove, "This move link has been used already, or was replaced by a newer one. On the first device, choose Move to another device again.")
	case !env.Now.Before(found.MoveUntil):
		return Record{}, nil, protocol.Errorf(protocol.CodeBadMove, "This move link has expired: it opens the seat for %d minutes only. On the first device, choose Move to another device again.", int(protocol.MoveLinkTTL.Minutes()))
	}
	return Record{Kind: RecMoved, At: env.Now, Member: found.ID, TokenHash: tokenHash}, found, nil
}

// applySeats applies the records of this file.
func (s *State) applySeats(rec Record) error {
	switch rec.Kind {
	case RecSeatTaken:
		old := s.Member(rec.From)
		if old == nil || !s.Playing() || old.Seat == game.NoSeat || !unplayed(old) {
			return fmt.Errorf("seat_taken: no seat a bot plays held by %q", rec.From)
		}
		seat := old.Seat
		if old.Human() && old.TokenHash != nil {
			s.Displaced = append(s.Displaced, Unseat{TokenHash: old.TokenHash, Seat: seat})
		}
		if s.Host == old.ID {
			s.Host = s.nextHost(old.ID)
		}
		s.Members = slices.DeleteFunc(s.Members, func(m *Member) bool { return m == old })
		s.addMember(&Member{ID: rec.Member, Name: rec.Name, TokenHash: rec.TokenHash, Seat: seat})
		if s.Host == "" {
			s.Host = rec.Member
		}
		delete(s.Match.Bots, seat)
		delete(s.Match.botAt, seat)
	case RecMoveOffered:
		m := s.Member(rec.Member)
		if m == nil || m.TokenHash == nil {
			return fmt.Errorf("move_offered: no human member %q", rec.Member)
		}
		m.MoveHash, m.MoveUntil = rec.TokenHash, rec.At.Add(protocol.MoveLinkTTL)
		m.Moves++
	case RecMoved:
		m := s.Member(rec.Member)
		if m == nil || m.TokenHash == nil || len(rec.TokenHash) == 0 {
			return fmt.Errorf("moved: no human member %q", rec.Member)
		}
		m.TokenHash, m.MoveHash = rec.TokenHash, nil
	}
	return nil
}
