package server

import (
	"math"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"congress/protocol"
)

// guessMemory is how long an address is remembered as one that tried a
// code that opens no lobby. While the server as a whole is over its
// budget of such misses, an address that missed within this time is
// refused; one that did not is still served, so that a flood from many
// addresses shuts out the guessers and not the players.
const guessMemory = 10 * time.Minute

// guessLimiter bounds how fast lobby codes can be guessed: lookups of a
// code that opens no lobby ("misses"), per client address and in all.
// A lobby is found by its code alone, so every way of asking whether a
// code exists — GET /api/lobbies/{code}, a WebSocket join, watch or
// resume — asks allow first, refusing at once when it says no, and
// tells missed when the code opened nothing. A refused address is told
// nothing about the code it asked for, found or not.
type guessLimiter struct {
	every  time.Duration // an address regains one miss this often...
	burst  int           // ...up to this many
	mu     sync.Mutex
	addrs  map[string]*guesser
	global *rate.Limiter
}

type guesser struct {
	misses *rate.Limiter
	last   time.Time // the last miss
}

func newGuessLimiter(lim Limits) *guessLimiter {
	return &guessLimiter{
		every:  lim.LookupMissEvery,
		burst:  max(lim.LookupMisses, 1),
		addrs:  map[string]*guesser{},
		global: rate.NewLimiter(rate.Limit(lim.LookupMissesPerSecond), max(lim.LookupMissBurst, 1)),
	}
}

// allow reports whether ip may look a code up now; if not, the refusal
// to send, saying when to try again, and that wait.
func (g *guessLimiter) allow(ip string, now time.Time) (*protocol.Error, time.Duration) {
	g.mu.Lock()
	defer g.mu.Unlock()
	a := g.addrs[ip]
	if a == nil {
		return nil, 0
	}
	if tokens := a.misses.TokensAt(now); tokens < 1 {
		wait := time.Duration((1 - tokens) * float64(g.every))
		return protocol.Errorf(protocol.CodeRateLimited, "Too many codes from your address opened no lobby. Check the code with whoever gave it to you, and try again in %s.", seconds(wait)), wait
	}
	if now.Sub(a.last) < guessMemory {
		if tokens := g.global.TokensAt(now); tokens < 1 {
			wait := time.Duration((1 - tokens) / float64(g.global.Limit()) * float64(time.Second))
			return protocol.Errorf(protocol.CodeRateLimited, "Too many codes that open no lobby are being tried on this server. Check your code, and try again in %s.", seconds(wait)), wait
		}
	}
	return nil, 0
}

// missed counts a lookup by ip of a code that opened no lobby.
func (g *guessLimiter) missed(ip string, now time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	a := g.addrs[ip]
	if a == nil {
		if len(g.addrs) >= 10000 {
			g.forget(now)
		}
		a = &guesser{misses: rate.NewLimiter(rate.Every(g.every), g.burst)}
		g.addrs[ip] = a
	}
	a.misses.AllowN(now, 1)
	a.last = now
	g.global.AllowN(now, 1)
}

// forget drops the addresses that are as good as new: their misses
// refilled, and none within guessMemory.
func (g *guessLimiter) forget(now time.Time) {
	for ip, a := range g.addrs {
		if now.Sub(a.last) >= guessMemory && a.misses.TokensAt(now) >= float64(g.burst) {
			delete(g.addrs, ip)
		}
	}
}

// seconds is a wait in words, rounded up to a second.
func seconds(d time.Duration) string {
	n := int(math.Ceil(d.Seconds()))
	if n <= 1 {
		return "a second"
	}
	if n < 120 {
		return strconv.Itoa(n) + " seconds"
	}
	return strconv.Itoa((n+59)/60) + " minutes"
}

// holdRefusal waits before a refusal for rate is sent: at most
// RefusedWait, at most the refused client's own wait, and not past the
// server's close or done (the request's end).
func (s *Server) holdRefusal(done <-chan struct{}, wait time.Duration) {
	d := min(wait, s.opt.Limits.RefusedWait)
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-done:
	case <-s.halt:
	}
}
