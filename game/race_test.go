//go:build race

package game

// raceDetector: the race detector slows reflection and JSON (all these
// tests do besides playing) about fifteen times, and finds nothing in a
// package without goroutines; the random-game tests play fewer games
// under it.
const raceDetector = true
