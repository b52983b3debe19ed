package main

import (
	"bytes"
	"strconv"
	"unicode/utf8"

	"congress/game"
)

// decodeEvents reads a JSON array of log events, the common case of a
// delegate's every game message, without encoding/json's reflection. It
// takes only the form protocol.Encode writes (no whitespace, no escaped
// strings, the fields of game.Event and nothing else) and reports false
// on anything else, which the caller then hands to encoding/json: what the
// tool accepts is what encoding/json accepts.
func decodeEvents(data []byte) ([]game.Event, bool) {
	s := scanner{b: data}
	if s.lit("null") {
		return nil, true
	}
	if !s.byte('[') {
		return nil, false
	}
	evs := []game.Event{}
	if s.byte(']') {
		return evs, true
	}
	for {
		var e game.Event
		if !s.event(&e) {
			return nil, false
		}
		evs = append(evs, e)
		if s.byte(']') {
			return evs, true
		}
		if !s.byte(',') {
			return nil, false
		}
	}
}

type scanner struct {
	b []byte
	i int
}

func (s *scanner) byte(c byte) bool {
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

func (s *scanner) lit(l string) bool {
	if bytes.HasPrefix(s.b[s.i:], []byte(l)) {
		s.i += len(l)
		return true
	}
	return false
}

// str reads a string without escapes or control characters, valid UTF-8.
func (s *scanner) str() ([]byte, bool) {
	if !s.byte('"') {
		return nil, false
	}
	start := s.i
	for s.i < len(s.b) {
		switch c := s.b[s.i]; {
		case c == '"':
			v := s.b[start:s.i]
			s.i++
			return v, utf8.Valid(v)
		case c == '\\' || c < 0x20:
			return nil, false
		}
		s.i++
	}
	return nil, false
}

func (s *scanner) int() (int, bool) {
	start := s.i
	if s.i < len(s.b) && s.b[s.i] == '-' {
		s.i++
	}
	for s.i < len(s.b) && '0' <= s.b[s.i] && s.b[s.i] <= '9' {
		s.i++
	}
	n, err := strconv.Atoi(string(s.b[start:s.i]))
	if err != nil || (s.i-start > 1 && s.b[start] == '0') || (s.i-start > 2 && s.b[start] == '-' && s.b[start+1] == '0') {
		return 0, false
	}
	return n, true
}

func (s *scanner) bool() (bool, bool) {
	switch {
	case s.lit("true"):
		return true, true
	case s.lit("false"):
		return false, true
	}
	return false, false
}

func (s *scanner) ints() ([]int, bool) {
	if s.lit("null") {
		return nil, true
	}
	if !s.byte('[') {
		return nil, false
	}
	out := []int{}
	if s.byte(']') {
		return out, true
	}
	for {
		n, ok := s.int()
		if !ok {
			return nil, false
		}
		out = append(out, n)
		if s.byte(']') {
			return out, true
		}
		if !s.byte(',') {
			return nil, false
		}
	}
}

// text reads a string into an enum as encoding/json does, by UnmarshalText.
func (s *scanner) text(dst interface{ UnmarshalText([]byte) error }) bool {
	v, ok := s.str()
	return ok && dst.UnmarshalText(v) == nil
}

func (s *scanner) event(e *game.Event) bool {
	if !s.byte('{') {
		return false
	}
	if s.byte('}') {
		return true
	}
	for {
		key, ok := s.str()
		if !ok || !s.byte(':') || !s.field(e, key) {
			return false
		}
		if s.byte('}') {
			return true
		}
		if !s.byte(',') {
			return false
		}
	}
}

func (s *scanner) field(e *game.Event, key []byte) bool {
	var ok bool
	switch string(key) {
	case "kind":
		ok = s.text(&e.Kind)
	case "at":
		start := s.i
		if _, ok = s.str(); ok {
			ok = e.At.UnmarshalJSON(s.b[start:s.i]) == nil
		}
	case "session":
		e.Session, ok = s.int()
	case "phase":
		ok = s.text(&e.Phase)
	case "seat":
		e.Seat, ok = s.int()
	case "target":
		e.Target, ok = s.int()
	case "seats":
		e.Seats, ok = s.ints()
	case "names":
		ok = s.names(e)
	case "count":
		e.Count, ok = s.int()
	case "drawn":
		e.Drawn, ok = s.bool()
	case "purge":
		e.Purge, ok = s.bool()
	case "source":
		ok = s.text(&e.Source)
	case "purge_count":
		e.PurgeCount, ok = s.int()
	case "spare_count":
		e.SpareCount, ok = s.int()
	case "votes":
		ok = s.votes(e)
	case "strikes":
		e.Strikes, ok = s.ints()
	case "faction":
		ok = s.text(&e.Faction)
	case "role":
		ok = s.text(&e.Role)
	case "winner":
		ok = s.text(&e.Winner)
	case "reason":
		ok = s.text(&e.Reason)
	case "roles":
		ok = s.roles(e)
	case "commitment":
		var v []byte
		v, ok = s.str()
		e.Commitment = string(v)
	case "seed":
		var v []byte
		v, ok = s.str()
		e.Seed = string(v)
	}
	return ok
}

func (s *scanner) names(e *game.Event) bool {
	if s.lit("null") {
		e.Names = nil
		return true
	}
	if !s.byte('[') {
		return false
	}
	e.Names = []string{}
	if s.byte(']') {
		return true
	}
	for {
		v, ok := s.str()
		if !ok {
			return false
		}
		e.Names = append(e.Names, string(v))
		if s.byte(']') {
			return true
		}
		if !s.byte(',') {
			return false
		}
	}
}

func (s *scanner) roles(e *game.Event) bool {
	if s.lit("null") {
		e.Roles = nil
		return true
	}
	if !s.byte('[') {
		return false
	}
	e.Roles = []game.Role{}
	if s.byte(']') {
		return true
	}
	for {
		var r game.Role
		if !s.text(&r) {
			return false
		}
		e.Roles = append(e.Roles, r)
		if s.byte(']') {
			return true
		}
		if !s.byte(',') {
			return false
		}
	}
}

func (s *scanner) votes(e *game.Event) bool {
	if s.lit("null") {
		e.Votes = nil
		return true
	}
	if !s.byte('[') {
		return false
	}
	e.Votes = []game.SeatVote{}
	if s.byte(']') {
		return true
	}
	for {
		var v game.SeatVote
		if !s.lit(`{"seat":`) {
			return false
		}
		var ok bool
		if v.Seat, ok = s.int(); !ok || !s.lit(`,"purge":`) {
			return false
		}
		if v.Purge, ok = s.bool(); !ok || !s.byte('}') {
			return false
		}
		e.Votes = append(e.Votes, v)
		if s.byte(']') {
			return true
		}
		if !s.byte(',') {
			return false
		}
	}
}
