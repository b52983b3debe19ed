package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/protocol"
)

func TestGuessLimiter(t *testing.T) {
	lim := DefaultLimits()
	t0 := time.Date(1934, 1, 26, 12, 0, 0, 0, time.UTC)
	t.Run("one address", func(t *testing.T) {
		g := newGuessLimiter(lim)
		for i := range lim.LookupMisses {
			refusal, _ := g.allow("198.51.100.1", t0)
			require.Nil(t, refusal, "miss %d", i)
			g.missed("198.51.100.1", t0)
		}
		refusal, wait := g.allow("198.51.100.1", t0)
		require.NotNil(t, refusal)
		assert.Equal(t, protocol.CodeRateLimited, refusal.Code)
		assert.Equal(t, lim.LookupMissEvery, wait)
		assert.Contains(t, refusal.Message, "6 seconds")
		// Another address is not held up by this one.
		refusal, _ = g.allow("198.51.100.2", t0)
		assert.Nil(t, refusal)
		// One more miss a while later.
		refusal, _ = g.allow("198.51.100.1", t0.Add(lim.LookupMissEvery))
		assert.Nil(t, refusal)
	})
	t.Run("many addresses", func(t *testing.T) {
		g := newGuessLimiter(lim)
		// The server's budget goes on addresses that each miss once.
		for i := range lim.LookupMissBurst {
			g.missed(fmt.Sprintf("203.0.113.%d", i), t0)
		}
		// An address that missed lately waits for the server's budget...
		refusal, wait := g.allow("203.0.113.0", t0)
		require.NotNil(t, refusal)
		assert.Contains(t, refusal.Message, "this server")
		assert.Equal(t, 500*time.Millisecond, wait)
		refusal, _ = g.allow("203.0.113.0", t0.Add(wait))
		assert.Nil(t, refusal)
		// ...one that did not miss lately, or never, does not.
		refusal, _ = g.allow("192.0.2.1", t0)
		assert.Nil(t, refusal)
		refusal, _ = g.allow("203.0.113.1", t0.Add(guessMemory))
		assert.Nil(t, refusal)
	})
	t.Run("forgets", func(t *testing.T) {
		g := newGuessLimiter(lim)
		g.missed("198.51.100.1", t0)
		g.forget(t0.Add(guessMemory - time.Second))
		assert.Len(t, g.addrs, 1)
		g.forget(t0.Add(guessMemory))
		assert.Empty(t, g.addrs)
	})
}

// TestLobbyCodesCannotBeGuessedFast: GET /api/lobbies/{code} for codes
// that open nothing is refused with 429 after the address's misses, for
// a lobby that exists too, until the wait it was given has passed.
func TestLobbyCodesCannotBeGuessedFast(t *testing.T) {
	e := newEnv(t, func(o *Options) {
		o.Limits.LookupMisses, o.Limits.LookupMissEvery = 3, 300*time.Millisecond
	})
	real := e.create("Anna", nil)
	for range 3 {
		status, body := e.get("/api/lobbies/ZZZZZZ")
		require.Equal(t, http.StatusNotFound, status, "%s", body)
	}
	for _, code := range []string{"ZZZZZZ", real.Code} {
		res, err := http.Get(e.http.URL + "/api/lobbies/" + code)
		require.NoError(t, err)
		var p protocol.Problem
		require.NoError(t, json.NewDecoder(res.Body).Decode(&p))
		res.Body.Close()
		assert.Equal(t, http.StatusTooManyRequests, res.StatusCode, code)
		assert.Equal(t, protocol.CodeRateLimited, p.Code)
		assert.Equal(t, "1", res.Header.Get("Retry-After"))
	}
	time.Sleep(300 * time.Millisecond)
	status, _ := e.get("/api/lobbies/" + real.Code)
	assert.Equal(t, http.StatusOK, status)
}

// Guessing over the WebSocket draws on the same budget as over HTTP: an
// address that has missed its share is refused before any lookup, even
// for a code that opens a lobby, and a miss over HTTP counts there too.
func TestWebSocketGuessesHeldBack(t *testing.T) {
	e := newEnv(t, func(o *Options) {
		o.Limits.LookupMisses, o.Limits.LookupMissEvery = 3, 300*time.Millisecond
	})
	real := e.create("Anna", nil)
	status, _ := e.get("/api/lobbies/ZZZZZZ")
	require.Equal(t, http.StatusNotFound, status)
	for range 2 {
		c := e.dial(nil)
		c.send(protocol.Watch{Lobby: "ZZZZZZ"})
		c.expectError(protocol.CodeUnknownLobby)
	}
	for _, code := range []string{"ZZZZZZ", real.Code} {
		c := e.dial(nil)
		c.send(protocol.Watch{Lobby: code})
		r := c.expectError(protocol.CodeRateLimited)
		assert.NotContains(t, r.Message, code)
	}
	time.Sleep(300 * time.Millisecond)
	c := e.dial(nil)
	c.send(protocol.Watch{Lobby: real.Code})
	c.welcome()
}
