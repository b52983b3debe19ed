package server

import "time"

// Clock is the lobbies' time: what time it is, and timers that fire by
// it. The rules' deadlines, bots' think times, the gallery's delay, an
// absent host's grace and an empty lobby's idle limit all run on it, so
// a test that moves its clock moves them all. Network and storage waits
// (pings, write timeouts, a slow append, the cluster's leases) run on the
// wall clock whatever the Clock says: they are the world's time.
type Clock interface {
	Now() time.Time
	// NewTimer is a timer that fires once d has passed on this clock.
	NewTimer(d time.Duration) Timer
}

// Timer is a Clock's timer, as time.Timer is the wall clock's.
type Timer interface {
	C() <-chan time.Time
	// Reset makes the timer fire once d has passed from now, and no
	// sooner: a time it was due at before is forgotten.
	Reset(d time.Duration)
	Stop()
}

// wallClock is the real time.
type wallClock struct{}

func (wallClock) Now() time.Time { return time.Now() }

func (wallClock) NewTimer(d time.Duration) Timer { return wallTimer{time.NewTimer(d)} }

type wallTimer struct{ t *time.Timer }

func (w wallTimer) C() <-chan time.Time { return w.t.C }

// Reset relies on Go 1.23's timers: a value due before the Reset is not
// received after it.
func (w wallTimer) Reset(d time.Duration) { w.t.Reset(d) }

func (w wallTimer) Stop() { w.t.Stop() }
