package e2e

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/game"
	"congress/protocol"
	"congress/protocol/wsclient"
)

// TestReconnectingFlooder: against the real binary, a delegate who floods
// the public chat and comes straight back each time the server closes
// them is held to one delegate's rate (10 a second, burst 20) all along,
// while the host, at another address, goes on being heard.
func TestReconnectingFlooder(t *testing.T) {
	srv := startWireServer(t)
	created := srv.createLobby(t, protocol.CreateLobby{Name: "Anna"})
	host := dialWire(t, srv, "Anna")
	host.send(protocol.Resume{Lobby: created.Code, Token: created.Token})
	host.until(protocol.TypeWelcome)
	flooder := dialWire(t, srv, "Boris")
	flooder.send(protocol.Join{Lobby: created.Code, Name: "Boris"})
	flooder.until(protocol.TypeWelcome)
	token := flooder.token
	flooder.ws.CloseNow()
	<-flooder.done

	start := time.Now()
	stop := start.Add(4 * time.Second)
	connections := 0
	for time.Now().Before(stop) {
		floodOnce(srv, created.Code, token, stop)
		connections++
	}
	elapsed := time.Since(start).Seconds()
	host.must(protocol.Say{Channel: game.ChannelPublic, Text: "Order, comrades."})
	host.sync()

	heard := 0
	for _, m := range host.messages() {
		if m.Type != protocol.TypeChat {
			continue
		}
		var line protocol.ChatLine
		host.decode(m, &line)
		if line.Name == "Boris" {
			heard++
		}
	}
	t.Logf("%d lines of the flooder's accepted in %.1fs over %d connections", heard, elapsed, connections)
	require.Greater(t, connections, 1, "the flooder was never closed")
	assert.Positive(t, heard)
	assert.LessOrEqual(t, float64(heard), 20+10*elapsed+2, "the allowance was refilled by reconnecting")
}

// smallSendBuffer sets a socket's send buffer to 16 KiB (the kernel
// doubles it for its own bookkeeping).
func smallSendBuffer(_, _ string, rc syscall.RawConn) error {
	var serr error
	err := rc.Control(func(fd uintptr) {
		serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_SNDBUF, 16<<10)
	})
	return errors.Join(err, serr)
}

// floodOnce resumes the delegate on a new connection and sends chat lines
// as fast as it can until the server closes it, or until stop.
func floodOnce(srv *wireServer, code, token string, stop time.Time) {
	ctx, cancel := context.WithDeadline(context.Background(), stop)
	defer cancel()
	// From another loopback address than the other clients': the
	// flooder spends its own address's allowance, not theirs. Its socket
	// sends from a small buffer: what it writes once the server has
	// stopped reading it (see conn.serve) waits in the flooder's own
	// send buffer, its own machine's work, which here would share the
	// server's cores (4 MB of it took most of a core for the first
	// 200 ms of each of BenchmarkGameUnderAbuse's windows). The server
	// takes in the same bytes either way: its side's buffer is its own.
	from := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}, Control: smallSendBuffer}
	ws, err := wsclient.Dial(ctx, srv.url, &websocket.DialOptions{
		HTTPHeader: http.Header{"Origin": {srv.url}},
		HTTPClient: &http.Client{Transport: &http.Transport{DialContext: from.DialContext}},
	}, 0)
	if err != nil {
		return
	}
	defer ws.CloseNow()
	go func() {
		for {
			if _, _, err := ws.Read(context.Background()); err != nil {
				cancel()
				return
			}
		}
	}()
	if ws.Write(ctx, websocket.MessageText, protocol.EncodeClient(protocol.Resume{Lobby: code, Token: token})) != nil {
		return
	}
	for i := int64(1); ctx.Err() == nil; i++ {
		line := protocol.EncodeClient(protocol.Say{ID: i, Channel: game.ChannelPublic, Text: fmt.Sprint("line ", i)})
		if ws.Write(ctx, websocket.MessageText, line) != nil {
			return
		}
	}
}
