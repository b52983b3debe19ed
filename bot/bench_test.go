package bot

import (
	"testing"

	"congress/game"
)

// BenchmarkPlay10 is one complete 10-seat game of Normal bots, engine
// included: the simulator's unit of work. games/s is per core (one
// goroutine); cmd/simulate runs one such loop per core.
//
//	go test -run '^$' -bench Play10 ./bot
func BenchmarkPlay10(b *testing.B) {
	cfg := game.DefaultConfig()
	seats := names(10)
	seed := uint64(0)
	for b.Loop() {
		seed++
		g, _, err := game.New(cfg, seats, seed, start)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Play(g, ForCamps(g, Normal, Normal, seed), start); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "games/s")
}

// BenchmarkSolve is one update of a bot's suspicion of every seat.
func BenchmarkSolve(b *testing.B) {
	m := newModel(10, 4, true)
	m.ev.marks([]int{3, 3, 3, 0, 1, 2, 5, 5, 1, 2}, m)
	m.ev.pair(1, 2, m.purge)
	fixed := []int8{unknown, unknown, loyalKnw, unknown, unknown, unknown, unknown, unknown, unknown, unknown}
	alive := []bool{true, true, true, true, true, true, true, true, true, true}
	out := make([]float64, 10)
	var s solver
	for b.Loop() {
		s.solve(&m.ev, 4, fixed, alive, out)
	}
}
