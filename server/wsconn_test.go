package server

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/protocol"
)

// TestWriterBatchesInOrder: frames queued while the writer is busy go out
// together in the next write, in the order they were queued.
func TestWriterBatchesInOrder(t *testing.T) {
	srv := New(Options{Limits: testLimits()})
	defer srv.Close(context.Background())
	release := make(chan struct{})
	out := &sinkTransport{release: release, wrote: make(chan [][]byte, 100)}
	c := newConnOn(srv, out, "127.0.0.1")
	c.enqueue([]byte("0"))
	first := <-out.wrote // the writer is now held in its first write
	for i := 1; i <= 10; i++ {
		c.enqueue(fmt.Appendf(nil, "%d", i))
	}
	close(release)
	got := first
	batches := 1
	for len(got) < 11 {
		select {
		case b := <-out.wrote:
			got = append(got, b...)
			batches++
		case <-time.After(5 * time.Second):
			t.Fatalf("only %d frames written", len(got))
		}
	}
	var want [][]byte
	for i := range 11 {
		want = append(want, fmt.Appendf(nil, "%d", i))
	}
	assert.Equal(t, want, got)
	assert.Equal(t, 2, batches, "the ten frames queued meanwhile went out in one write")
	c.close(protocol.CodeLobbyClosed, "bye", websocket.StatusNormalClosure, true)
	select {
	case <-c.written:
	case <-time.After(5 * time.Second):
		t.Fatal("the writer did not finish")
	}
}

// TestWebSocketWrites: over a real WebSocket, many frames queued at once
// arrive whole and in order, pings are answered meanwhile, and a draining
// close sends what is queued, then the Closing message, then the close.
func TestWebSocketWrites(t *testing.T) {
	lim := testLimits()
	lim.PingInterval = 20 * time.Millisecond
	srv := New(Options{Limits: lim})
	defer srv.Close(context.Background())
	conns := make(chan *conn, 1)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, nc, err := acceptWS(w, r, &websocket.AcceptOptions{CompressionMode: websocket.CompressionDisabled}, lim.WriteTimeout)
		if !assert.NoError(t, err) {
			return
		}
		c := newConn(srv, ws, wsTransport{ws: ws, nc: nc}, "127.0.0.1")
		conns <- c
		// The reader: it answers pings until the client goes.
		for {
			if _, _, err := ws.Read(context.Background()); err != nil {
				c.close("", "", websocket.StatusNormalClosure, false)
				<-c.written
				return
			}
		}
	}))
	defer hs.Close()
	client, _, err := websocket.Dial(t.Context(), "ws"+strings.TrimPrefix(hs.URL, "http"), nil)
	require.NoError(t, err)
	defer client.CloseNow()
	c := <-conns
	const n = 500
	big := strings.Repeat("x", 3000)
	for i := range n {
		c.enqueue(fmt.Appendf(nil, `{"n":%d,"pad":"%s"}`, i, big[:i*7%3000]))
		if i%50 == 0 {
			time.Sleep(10 * time.Millisecond) // a ping or two among the frames
		}
	}
	c.close(protocol.CodeLobbyClosed, "The lobby has closed.", websocket.StatusNormalClosure, true)
	for i := range n {
		typ, data, err := client.Read(t.Context())
		require.NoError(t, err, "frame %d", i)
		require.Equal(t, websocket.MessageText, typ)
		require.Equal(t, fmt.Sprintf(`{"n":%d,"pad":"%s"}`, i, big[:i*7%3000]), string(data))
	}
	_, data, err := client.Read(t.Context())
	require.NoError(t, err)
	assert.Contains(t, string(data), `"type":"closing"`)
	_, _, err = client.Read(t.Context())
	assert.Equal(t, websocket.StatusNormalClosure, websocket.CloseStatus(err))
}
