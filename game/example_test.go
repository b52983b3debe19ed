package game_test

import (
	"errors"
	"fmt"
	"time"

	"congress/game"
)

func Example() {
	now := time.Date(1934, time.February, 10, 10, 0, 0, 0, time.UTC)
	g, _, err := game.New(game.DefaultConfig(), []string{"Anna", "Boris", "Clara", "Dmitri", "Elena"}, 1934, now)
	if err != nil {
		panic(err)
	}
	fmt.Println("session", g.Session(), g.Phase(), "chaired by", g.Name(g.View(game.Spectator).Chair))

	// Seat 0 denounces seat 3; everyone sees it.
	if _, err := g.Apply(game.Command{Kind: game.CmdDenounce, Seat: 0, Target: 3}, now); err != nil {
		panic(err)
	}
	d := g.View(game.SeatViewer(4)).Denunciations[0]
	fmt.Println(g.Name(d.By), "denounces", g.Name(d.Target))

	// A refusal has a stable code and changes nothing.
	_, err = g.Apply(game.Command{Kind: game.CmdDenounce, Seat: 1, Target: 1}, now)
	var refusal *game.Error
	if errors.As(err, &refusal) {
		fmt.Println(refusal.Code+":", refusal.Message)
	}

	// Two minutes later the Debate has run out: one mark is not enough
	// for a trial, night falls.
	next, _ := g.NextDeadline()
	for _, e := range g.Advance(next) {
		fmt.Println(e.Kind)
	}
	// Output:
	// session 1 debate chaired by Clara
	// Elena denounces Anna
	// invalid_target: You cannot denounce yourself.
	// no_trial
	// night_fell
}
