package e2e

import (
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/protocol"
)

// TestCodeGuesserIsHeldBack: against the real binary, one address that
// guesses lobby codes over HTTP as fast as it can gets 10 misses and
// then one every 6 s; the rest are 429.
func TestCodeGuesserIsHeldBack(t *testing.T) {
	srv := startWireServer(t)
	private := srv.createLobby(t, protocol.CreateLobby{Name: "Anna"})

	const run = 3 * time.Second
	client := &http.Client{Timeout: 5 * time.Second}
	var g guesses
	g.run(srv.url, client, 8, time.Now().Add(run))
	misses, refused, found, other := &g.misses, &g.refused, &g.found, &g.other
	total := misses.Load() + refused.Load() + found.Load() + other.Load()
	t.Logf("%d lookups in %s (%.0f/s): %d misses answered, %d refused, %d found", total, run, float64(total)/run.Seconds(), misses.Load(), refused.Load(), found.Load())
	assert.LessOrEqual(t, misses.Load(), int64(10+1+int(run/(6*time.Second))), "misses beyond the address's budget")
	assert.Positive(t, refused.Load(), "the guesser was not refused")
	// Each refusal is held up to 2 s: eight loops get at most two
	// refusals each in 3 s, whatever they send.
	assert.LessOrEqual(t, refused.Load(), int64(8*(1+int(run/(2*time.Second)))), "the refusals were not held")
	assert.Zero(t, other.Load())

	// The address is held back for its own lobby too: a refusal says
	// nothing about whether a code exists.
	res, err := client.Get(srv.url + "/api/lobbies/" + private.Code)
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusTooManyRequests, res.StatusCode)
	assert.NotEmpty(t, res.Header.Get("Retry-After"))
}

// guesses counts the answers to lookups of random lobby codes.
type guesses struct {
	misses, refused, found, other atomic.Int64
	paused                        func() bool // if set, no guess while it says so
}

// run asks for random codes from loops loops until stop.
func (g *guesses) run(url string, client *http.Client, loops int, stop time.Time) {
	var wg sync.WaitGroup
	for range loops {
		wg.Go(func() {
			for time.Now().Before(stop) {
				if g.paused != nil && g.paused() {
					time.Sleep(10 * time.Millisecond)
					continue
				}
				res, err := client.Get(url + "/api/lobbies/" + randomCode())
				if err != nil {
					g.other.Add(1)
					continue
				}
				res.Body.Close()
				switch res.StatusCode {
				case http.StatusNotFound:
					g.misses.Add(1)
				case http.StatusTooManyRequests:
					g.refused.Add(1)
				case http.StatusOK:
					g.found.Add(1)
				default:
					g.other.Add(1)
				}
			}
		})
	}
	wg.Wait()
}

// randomCode is a lobby code drawn at random, as a guesser draws it.
func randomCode() string {
	var b strings.Builder
	for range protocol.CodeLength {
		b.WriteByte(protocol.CodeAlphabet[rand.IntN(len(protocol.CodeAlphabet))])
	}
	return b.String()
}
