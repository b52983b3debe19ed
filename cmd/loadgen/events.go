package main

import (
	"bytes"
	"strconv"
	"time"
	"unicode/utf8"

	"congress/game"
)

//go:generate go run -tags wiregen ../../protocol/internal/wiregen scanner events_gen.go

// decodeEvents reads a JSON array of log events, the common case of a
// delegate's every game message, without encoding/json's reflection. It
// takes only the form protocol.Encode writes (no whitespace, no escaped
// strings, the fields of game.Event and nothing else) and reports false
// on anything else, which the caller then hands to encoding/json: what the
// tool accepts is what encoding/json accepts. The code that knows the
// fields is generated from the types (events_gen.go); this file reads the
// JSON values.
func decodeEvents(data []byte) ([]game.Event, bool) {
	s := scanner{b: data}
	var evs []game.Event
	if !s.sliceOfGameEvent(&evs) {
		return nil, false
	}
	return evs, true
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

// text reads a string into an enum as encoding/json does, by UnmarshalText.
func (s *scanner) text(dst interface{ UnmarshalText([]byte) error }) bool {
	v, ok := s.str()
	return ok && dst.UnmarshalText(v) == nil
}

// time reads a time as encoding/json does, by UnmarshalJSON.
func (s *scanner) time(t *time.Time) bool {
	start := s.i
	if _, ok := s.str(); !ok {
		return false
	}
	return t.UnmarshalJSON(s.b[start:s.i]) == nil
}

func scanInt[T ~int | ~int64](s *scanner, p *T) bool {
	n, ok := s.int()
	*p = T(n)
	return ok
}

func scanBool[T ~bool](s *scanner, p *T) bool {
	b, ok := s.bool()
	*p = T(b)
	return ok
}

func scanString[T ~string](s *scanner, p *T) bool {
	v, ok := s.str()
	*p = T(v)
	return ok
}
