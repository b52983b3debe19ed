package server

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/protocol"
)

// slowPost opens a connection and sends a POST /api/lobbies whose body
// is announced and never finished.
func (e *env) slowPost() net.Conn {
	e.t.Helper()
	nc, err := net.Dial("tcp", strings.TrimPrefix(e.http.URL, "http://"))
	require.NoError(e.t, err)
	e.t.Cleanup(func() { nc.Close() })
	_, err = fmt.Fprintf(nc, "POST /api/lobbies HTTP/1.1\r\nHost: congress\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
	require.NoError(e.t, err)
	return nc
}

// TestSlowBodyIsCutOff: a body sent a byte at a time does not hold its
// connection past the read timeout.
func TestSlowBodyIsCutOff(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.Limits.ReadTimeout = 300 * time.Millisecond })
	nc := e.slowPost()
	start := time.Now()
	require.NoError(t, nc.SetReadDeadline(time.Now().Add(5*time.Second)))
	// The server answers, or not, and closes: the read ends in EOF, not
	// in the test's own deadline.
	_, err := io.ReadAll(nc)
	require.NoError(t, err, "the connection was still open after 5 s")
	assert.Less(t, time.Since(start), 3*time.Second)
}

// TestWebSocketOutlivesReadTimeout: the read timeout is the request's
// only; an upgraded WebSocket plays on past it.
func TestWebSocketOutlivesReadTimeout(t *testing.T) {
	e := newEnv(t, func(o *Options) {
		o.Limits.ReadTimeout = 200 * time.Millisecond
		o.Limits.ReadHeaderTimeout = 200 * time.Millisecond
	})
	cr := e.create("Anna", nil)
	c := e.dial(nil)
	time.Sleep(600 * time.Millisecond)
	c.send(protocol.Resume{Lobby: cr.Code, Token: cr.Token})
	c.welcome()
	time.Sleep(600 * time.Millisecond)
	c.ok(protocol.Host{Action: protocol.HostPublic, Public: true})
}

// TestRequestsPerIP: an address with as many requests in progress as it
// may have is refused more, with 429 and when to come back, until one
// ends.
func TestRequestsPerIP(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.Limits.RequestsPerIP = 2 })
	a, b := e.slowPost(), e.slowPost()
	require.Eventually(t, func() bool {
		e.srv.ips.mu.Lock()
		defer e.srv.ips.mu.Unlock()
		return e.srv.ips.requests["127.0.0.1"] == 2
	}, 5*time.Second, 10*time.Millisecond)

	res, err := http.Get(e.http.URL + "/api/lobbies")
	require.NoError(t, err)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	assert.Equal(t, http.StatusTooManyRequests, res.StatusCode)
	assert.Equal(t, "1", res.Header.Get("Retry-After"))
	assert.Contains(t, string(body), string(protocol.CodeRateLimited))
	// A WebSocket is refused too while the address is at its cap.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, wres, err := websocket.Dial(ctx, e.wsURL(), nil)
	require.Error(t, err)
	require.NotNil(t, wres)
	assert.Equal(t, http.StatusTooManyRequests, wres.StatusCode)

	// One body ends: the next request is served.
	_, err = io.WriteString(a, `"name":"Anna"}`+strings.Repeat(" ", 100-len(`{"name":"Anna"}`)))
	require.NoError(t, err)
	res2, err := http.ReadResponse(bufio.NewReader(a), nil)
	require.NoError(t, err)
	res2.Body.Close()
	assert.Equal(t, http.StatusCreated, res2.StatusCode)
	require.Eventually(t, func() bool {
		res, err := http.Get(e.http.URL + "/api/lobbies")
		require.NoError(t, err)
		res.Body.Close()
		return res.StatusCode == http.StatusOK
	}, 5*time.Second, 10*time.Millisecond)
	_ = b
}
