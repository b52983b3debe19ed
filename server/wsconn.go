package server

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// The buffers of a WebSocket after the upgrade. Clients send small
// messages, and coder/websocket writes a control frame (at most 139
// bytes) through the writer in one piece; the frames of the game go
// through corkConn's batch instead, so neither buffer need be large.
// net/http's own 4 KiB buffers are let go after the upgrade.
const (
	wsReadBuffer  = 512
	wsWriteBuffer = 256
)

// acceptWS upgrades the request to a WebSocket whose writes go through a
// corkConn with the given write timeout.
func acceptWS(w http.ResponseWriter, r *http.Request, opts *websocket.AcceptOptions, timeout time.Duration) (*websocket.Conn, *corkConn, error) {
	tap := &hijackTap{ResponseWriter: w, timeout: timeout}
	ws, err := websocket.Accept(tap, r, opts)
	if err != nil {
		if tap.conn != nil {
			tap.conn.Close()
		}
		return nil, nil, err
	}
	return ws, tap.conn, nil
}

// hijackTap hands coder/websocket the hijacked connection wrapped in a
// corkConn, with small buffers of its own.
type hijackTap struct {
	http.ResponseWriter
	timeout time.Duration
	conn    *corkConn
}

func (h *hijackTap) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	nc, brw, err := http.NewResponseController(h.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, err
	}
	h.conn = &corkConn{Conn: nc, timeout: h.timeout}
	// Whatever the client sent after its request is already in
	// net/http's buffer: it moves to the new one.
	n := brw.Reader.Buffered()
	var src io.Reader = h.conn
	if n > 0 {
		early, _ := brw.Reader.Peek(n)
		src = io.MultiReader(bytes.NewReader(bytes.Clone(early)), h.conn)
	}
	br := bufio.NewReaderSize(src, max(wsReadBuffer, n))
	if n > 0 {
		if _, err := br.Peek(n); err != nil {
			nc.Close()
			return nil, nil, err
		}
	}
	return h.conn, bufio.NewReadWriter(br, bufio.NewWriterSize(h.conn, wsWriteBuffer)), nil
}

// corkConn is a WebSocket's network connection whose writes can be
// gathered: between cork and flush, whatever is written (the writer's
// frames, and a ping or pong of another goroutine meanwhile) is kept, and
// flush sends it in one write. Every write to the network has the write
// timeout as its deadline.
type corkConn struct {
	net.Conn
	timeout time.Duration

	mu     sync.Mutex
	corked bool
	batch  *[]byte
}

func (c *corkConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.corked {
		*c.batch = append(*c.batch, p...)
		return len(p), nil
	}
	return c.send(p)
}

func (c *corkConn) send(p []byte) (int, error) {
	if err := c.Conn.SetWriteDeadline(time.Now().Add(c.timeout)); err != nil {
		return 0, err
	}
	return c.Conn.Write(p)
}

// cork starts gathering writes.
func (c *corkConn) cork() {
	c.mu.Lock()
	c.corked = true
	c.batch = batchPool.Get().(*[]byte)
	c.mu.Unlock()
}

// flush sends what was gathered since cork, and stops gathering.
func (c *corkConn) flush() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.corked = false
	b := c.batch
	c.batch = nil
	var err error
	if len(*b) > 0 {
		_, err = c.send(*b)
	}
	if cap(*b) <= maxPooledBatch {
		*b = (*b)[:0]
		batchPool.Put(b)
	}
	return err
}

// Batches of frames are reused: an idle connection holds none.
var batchPool = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

const maxPooledBatch = 64 << 10

// wsTransport is a client's own WebSocket.
type wsTransport struct {
	ws *websocket.Conn
	nc *corkConn
}

// write sends the frames in one write to the network. coder/websocket
// frames each message; the context has no deadline, as nothing blocks
// until flush, which has the write timeout.
func (t wsTransport) write(frames []frame) error {
	t.nc.cork()
	var err error
	for _, f := range frames {
		if err = t.ws.Write(context.Background(), websocket.MessageText, f.data); err != nil {
			break
		}
	}
	return errors.Join(err, t.nc.flush())
}

func (t wsTransport) ping(ctx context.Context) error { return t.ws.Ping(ctx) }
func (t wsTransport) close(status websocket.StatusCode, reason string) {
	if status == websocket.StatusPolicyViolation {
		// Closed for what it sent, or failed to read: what it sends now
		// is not read. The goodbye still goes out, but the close
		// handshake does not wait for the answer behind a flood.
		if cr, ok := t.nc.Conn.(interface{ CloseRead() error }); ok {
			_ = cr.CloseRead()
		}
	}
	_ = t.ws.Close(status, reason)
}
func (t wsTransport) abort() { t.ws.CloseNow() }
