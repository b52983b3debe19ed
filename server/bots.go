package server

import (
	"congress/bot"
	"congress/server/lobby"
)

// DefaultBot seats a bot of the bot package: strength "easy" or "normal"
// (anything else plays normal).
func DefaultBot(seat int, strength string, seed uint64) lobby.Player {
	s := bot.Normal
	if err := s.UnmarshalText([]byte(strength)); err != nil {
		s = bot.Normal
	}
	return bot.New(seat, s, seed)
}
