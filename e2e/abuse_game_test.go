package e2e

import (
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"congress/game"
	"congress/protocol"
)

// from is an HTTP client whose connections leave from a loopback address
// of its own: each abuser spends its own address's allowances.
func from(ip net.IP) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: ip}}
	return &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DialContext: d.DialContext}}
}

// TestAbuseWhileAGamePlays: against the real binary, while five delegates
// play (their requests timed), a delegate floods the chat and comes back
// each time it is closed, an address guesses lobby codes, and another
// holds connections open with headers sent a byte at a time. Each is held
// to its allowance, and the game answers as it did before they came. The
// two p99s are logged for the record; the speed itself is BENCHMARKS.md's.
func TestAbuseWhileAGamePlays(t *testing.T) {
	srv := startWireServer(t)
	created := srv.createLobby(t, protocol.CreateLobby{Name: "Anna"})
	host := dialWire(t, srv, "Anna")
	host.send(protocol.Resume{Lobby: created.Code, Token: created.Token})
	host.until(protocol.TypeWelcome)
	players := []*wireClient{host}
	for _, name := range []string{"Clara", "Dmitri", "Elena", "Fyodor"} {
		c := dialWire(t, srv, name)
		c.send(protocol.Join{Lobby: created.Code, Name: name})
		c.until(protocol.TypeWelcome)
		players = append(players, c)
	}
	flooder := dialWire(t, srv, "Boris")
	flooder.send(protocol.Join{Lobby: created.Code, Name: "Boris"})
	flooder.until(protocol.TypeWelcome)
	token := flooder.token
	flooder.ws.CloseNow()
	<-flooder.done
	host.must(protocol.Host{Action: protocol.HostStart})

	// play times the delegates' chat, a request at a time, round the
	// table: 40 a second, 8 for each, inside a delegate's allowance; the
	// pause between is not timed.
	for _, c := range players {
		c.pace = rate.NewLimiter(rate.Inf, 1)
	}
	play := func(d time.Duration) []time.Duration {
		var lat []time.Duration
		stop := time.Now().Add(d)
		for i := 0; time.Now().Before(stop); i++ {
			c := players[i%len(players)]
			time.Sleep(25 * time.Millisecond)
			t0 := time.Now()
			r := c.do(protocol.Say{Channel: game.ChannelPublic, Text: fmt.Sprintf("%s speaks, %d", c.name, i)})
			require.Nil(t, r, "a delegate refused: %+v", r)
			lat = append(lat, time.Since(t0))
		}
		slices.Sort(lat)
		return lat
	}
	p99 := func(lat []time.Duration) time.Duration { return lat[len(lat)*99/100] }
	quiet := play(4 * time.Second)

	const run = 4 * time.Second
	stop := time.Now().Add(run)
	var wg sync.WaitGroup
	var floods, misses, guessRefused, guessOther, slowClosed, slowOpen atomic.Int64
	wg.Go(func() {
		for time.Now().Before(stop) {
			floodOnce(t, srv, created.Code, token, stop)
			floods.Add(1)
		}
	})
	guesser := from(net.IPv4(127, 0, 0, 3))
	for range 4 {
		wg.Go(func() {
			for time.Now().Before(stop) {
				res, err := guesser.Get(srv.url + "/api/lobbies/" + randomCode())
				if err != nil {
					guessOther.Add(1)
					continue
				}
				res.Body.Close()
				switch res.StatusCode {
				case http.StatusNotFound:
					misses.Add(1)
				case http.StatusTooManyRequests:
					guessRefused.Add(1)
				default:
					guessOther.Add(1)
				}
			}
		})
	}
	slowFrom := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 4)}}
	for range 20 {
		wg.Go(func() {
			conn, err := slowFrom.Dial("tcp", strings.TrimPrefix(srv.url, "http://"))
			if err != nil {
				return
			}
			defer conn.Close()
			req := "POST /api/lobbies HTTP/1.1\r\nHost: congress\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
			// Headers a byte every half second: the server cuts the line
			// at its header timeout (5 s), long before they end.
			for i := 0; i < len(req); i++ {
				if _, err := conn.Write([]byte{req[i]}); err != nil {
					slowClosed.Add(1)
					return
				}
				time.Sleep(500 * time.Millisecond)
				if i > 20 { // past 10 s: held open
					slowOpen.Add(1)
					return
				}
			}
		})
	}
	loud := play(run)
	wg.Wait()

	t.Logf("game p99 %v quiet (%d requests), %v under abuse (%d requests)", p99(quiet), len(quiet), p99(loud), len(loud))
	t.Logf("flooder: %d connections; guesser: %d misses answered, %d refused; slow clients: %d cut off, %d held open",
		floods.Load(), misses.Load(), guessRefused.Load(), slowClosed.Load(), slowOpen.Load())
	assert.Greater(t, floods.Load(), int64(1), "the flooder was never closed")
	assert.LessOrEqual(t, misses.Load(), int64(11), "the guesser's misses beyond its address's budget")
	assert.Greater(t, guessRefused.Load(), int64(50), "the guesser was not refused")
	assert.Zero(t, guessOther.Load())
	assert.Zero(t, slowOpen.Load(), "a slow client's headers were waited for past the timeout")
	assert.Less(t, p99(loud), 250*time.Millisecond, "the game slowed to a crawl under abuse")

	// What the flooder got into the game: one delegate's allowance.
	host.sync()
	heard := 0
	for _, m := range host.messages() {
		var line protocol.ChatLine
		if m.Type == protocol.TypeChat {
			host.decode(m, &line)
			if line.Name == "Boris" {
				heard++
			}
		}
	}
	assert.LessOrEqual(t, float64(heard), 20+10*run.Seconds()+2, "the flooder's allowance was refilled by reconnecting")
}
