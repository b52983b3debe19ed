package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"syscall"
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
	o := *opts
	// A pong the library reads, rather than awaitData, answers a ping too.
	o.OnPongReceived = func(context.Context, []byte) { tap.conn.ponged() }
	ws, err := websocket.Accept(tap, r, &o)
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
	h.conn = newCorkConn(nc, h.timeout)
	// Whatever the client sent after its request is already in
	// net/http's buffer: it moves to the new one.
	n := brw.Reader.Buffered()
	var src io.Reader = h.conn
	if n > 0 {
		early, _ := brw.Reader.Peek(n)
		src = io.MultiReader(bytes.NewReader(bytes.Clone(early)), h.conn)
	}
	br := bufio.NewReaderSize(src, max(wsReadBuffer, n))
	h.conn.br = br
	if n > 0 {
		if _, err := br.Peek(n); err != nil {
			nc.Close()
			return nil, nil, err
		}
	}
	return h.conn, bufio.NewReadWriter(br, bufio.NewWriterSize(h.conn, wsWriteBuffer)), nil
}

// corkConn is a WebSocket's network connection, through which the
// server writes its own data frames (text, unmasked, never compressed:
// nothing of coder/websocket's writer but the control frames). A batch of
// frames goes out in one write; coder/websocket's control frames (a ping,
// a pong, the close) pass through Write, whole, between batches. Every
// write that may block has the write timeout as its deadline; tryFrames
// never blocks.
type corkConn struct {
	net.Conn
	raw     syscall.RawConn // the socket, for writes that must not block; nil if none
	timeout time.Duration

	mu sync.Mutex
	// armed is true while the deadline of the last blocking write stands:
	// a non-blocking write clears it first, or a write long after it
	// would fail for a timeout that no longer applies.
	armed bool
	// unsent is the tail of a frame a non-blocking write could not finish:
	// it goes out before anything else.
	unsent []byte
	// What the non-blocking writes did: wholly written, cut short, not taken.
	direct, cut, refused int

	// linger, once set, holds the socket open for goodbyeLinger after
	// Close, without a goroutine waiting.
	linger atomic.Bool

	// The reading side, between two messages (awaitData). br is
	// coder/websocket's buffer of what the socket gave; brMu is held
	// while the library may read br from another goroutine than the
	// connection's reader (the close handshake), and by awaitData.
	br   *bufio.Reader
	brMu sync.Mutex
	// What the socket holds, as the last peek saw it.
	peek  [maxPongFrame]byte
	peekN int
	ready func(fd uintptr) bool // peekReady, made once
	take  func(fd uintptr) bool // takeFrame, made once
	// Read's try without waiting: into rp, giving rn bytes or rerr.
	rp      []byte
	rn      int
	rerr    error
	readNow func(fd uintptr) bool // made once
	// tryFrames's one write without waiting, under mu: wp, giving wn
	// bytes or werr.
	wp       []byte
	wn       int
	werr     error
	writeNow func(fd uintptr) bool // made once
	pong     chan struct{}         // a pong came (one is enough)
	gone     chan struct{}         // closed by Close
	shut     atomic.Bool
}

// Pings are the server's own, empty; a client's pong to one is a masked
// frame of 6 bytes. A pong of at most maxPongFrame bytes is read by
// awaitData; a longer one, by the library.
const maxPongFrame = 6 + 16

var pingFrame = []byte{0x80 | 0x9, 0}

// goodbyeLinger is how long the socket of a client closed for what it
// sent stays open after its goodbye, for the client to read it.
const goodbyeLinger = time.Second

// Close closes the socket, or in a moment when it lingers.
func (c *corkConn) Close() error {
	if c.shut.CompareAndSwap(false, true) {
		close(c.gone)
	}
	if c.linger.Load() {
		time.AfterFunc(goodbyeLinger, func() { _ = c.Conn.Close() })
		return nil
	}
	return c.Conn.Close()
}

func newCorkConn(nc net.Conn, timeout time.Duration) *corkConn {
	c := &corkConn{Conn: nc, timeout: timeout, pong: make(chan struct{}, 1), gone: make(chan struct{})}
	if sc, ok := nc.(syscall.Conn); ok {
		c.raw, _ = sc.SyscallConn()
	}
	c.ready, c.take = c.peekReady, c.takeFrame
	c.readNow = func(fd uintptr) bool {
		c.rn, c.rerr = rawRecv(fd, c.rp, 0)
		return true
	}
	c.writeNow = func(fd uintptr) bool {
		c.wn, c.werr = rawWrite(fd, c.wp)
		return true // one try: never wait for the socket
	}
	return c
}

// Read is coder/websocket's, through its buffer, one reader at a time:
// what the socket holds now, without waiting; or, if it holds nothing or
// fails, the connection's own read, which waits with its deadline and
// reports the failure as the net package does.
func (c *corkConn) Read(p []byte) (int, error) {
	if c.raw != nil && len(p) > 0 {
		c.rp = p
		err := c.raw.Read(c.readNow)
		c.rp = nil
		if err == nil && c.rerr == nil && c.rn > 0 {
			return c.rn, nil
		}
	}
	return c.Conn.Read(p)
}

// ping sends a ping and waits for a pong, until ctx ends or the socket
// closes.
func (c *corkConn) ping(ctx context.Context) error {
	select {
	case <-c.pong: // an old one
	default:
	}
	if _, err := c.Write(pingFrame); err != nil {
		return err
	}
	select {
	case <-c.pong:
		return nil
	case <-c.gone:
		return net.ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ponged records a pong.
func (c *corkConn) ponged() {
	select {
	case c.pong <- struct{}{}:
	default:
	}
}

// awaitData returns when the client has sent something for the library
// to read, or the socket fails. The reader of an idle connection waits
// here, a few frames deep, rather than deep inside coder/websocket, so
// that its goroutine's stack shrinks to the least there is. A pong at
// the head of what came is read here, whole, and the wait goes on.
func (c *corkConn) awaitData() error {
	if c.raw == nil || c.br == nil {
		return nil
	}
	for {
		c.brMu.Lock()
		n := c.br.Buffered()
		c.brMu.Unlock()
		if n > 0 {
			return nil
		}
		if err := c.raw.Read(c.ready); err != nil {
			return err
		}
		if !c.takePong() {
			return nil
		}
	}
}

// peekReady is the wait of awaitData: it looks at what the socket holds
// without taking it, and waits on while it holds nothing.
func (c *corkConn) peekReady(fd uintptr) bool {
	n, err := rawRecv(fd, c.peek[:], syscall.MSG_PEEK)
	if err == syscall.EAGAIN || err == syscall.EINTR {
		return false
	}
	c.peekN = max(n, 0)
	return true
}

// takePong reads the pong the socket holds at its head, if it holds one
// whole and no one else is reading.
func (c *corkConn) takePong() bool {
	p := c.peek[:c.peekN]
	if len(p) < 6 || p[0] != 0x80|0xA || p[1]&0x80 == 0 || 6+int(p[1]&0x7f) > len(p) {
		return false
	}
	if !c.brMu.TryLock() {
		return false // closing: the library reads
	}
	defer c.brMu.Unlock()
	c.peekN = 6 + int(p[1]&0x7f)
	if err := c.raw.Read(c.take); err != nil || c.peekN < 0 {
		return false
	}
	c.ponged()
	return true
}

// takeFrame reads the peekN bytes of the frame peekReady saw; peekN is
// -1 if it could not.
func (c *corkConn) takeFrame(fd uintptr) bool {
	n, err := rawRecv(fd, c.peek[:c.peekN], 0)
	if err != nil || n != c.peekN {
		c.peekN = -1
	}
	return true
}

// Write is coder/websocket's: the handshake's answer and control frames.
func (c *corkConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.send(p)
}

// send writes p after whatever is unsent, within the write timeout.
func (c *corkConn) send(p []byte) (int, error) {
	if err := c.Conn.SetWriteDeadline(time.Now().Add(c.timeout)); err != nil {
		return 0, err
	}
	c.armed = true
	if len(c.unsent) > 0 {
		if _, err := c.Conn.Write(c.unsent); err != nil {
			return 0, err
		}
		c.unsent = nil
	}
	if len(p) == 0 {
		return 0, nil
	}
	return c.Conn.Write(p)
}

// writeFrames frames each message and sends them in one write, after
// whatever is unsent.
func (c *corkConn) writeFrames(frames []frame) error {
	b := batchPool.Get().(*[]byte)
	for _, f := range frames {
		*b = appendFrame(*b, f.data)
	}
	c.mu.Lock()
	_, err := c.send(*b)
	c.mu.Unlock()
	putBatch(b)
	return err
}

// tryFrames sends messages now, in one write, if the socket takes them
// without waiting, from the caller's goroutine. It reports whether they
// were taken: wholly, or in part with the rest kept as unsent (more is
// true: the rest must be flushed, see send); not at all if the socket is
// full or another write is under way, and the caller queues them.
func (c *corkConn) tryFrames(frames []frame) (taken, more bool, err error) {
	if c.raw == nil || !c.mu.TryLock() {
		return false, false, nil
	}
	defer c.mu.Unlock()
	if len(c.unsent) > 0 {
		return false, false, nil
	}
	if c.armed {
		if err := c.Conn.SetWriteDeadline(time.Time{}); err != nil {
			return false, false, err
		}
		c.armed = false
	}
	b := batchPool.Get().(*[]byte)
	defer putBatch(b)
	for _, f := range frames {
		*b = appendFrame(*b, f.data)
	}
	c.wp = *b
	err = c.raw.Write(c.writeNow)
	n, werr := c.wn, c.werr
	c.wp, c.werr = nil, nil
	if err != nil {
		return false, false, err
	}
	switch {
	case werr == syscall.EAGAIN || werr == syscall.EINTR || (werr == nil && n <= 0):
		c.refused++
		return false, false, nil
	case werr != nil:
		return false, false, werr
	case n < len(*b):
		c.cut++
		c.unsent = bytes.Clone((*b)[n:])
		return true, true, nil
	}
	c.direct++
	return true, false, nil
}

// appendFrame appends data as one final text frame from the server.
func appendFrame(b, data []byte) []byte {
	const fin, text = 0x80, 0x1
	switch n := len(data); {
	case n < 126:
		b = append(b, fin|text, byte(n))
	case n <= 0xffff:
		b = append(b, fin|text, 126, byte(n>>8), byte(n))
	default:
		b = append(b, fin|text, 127)
		b = binary.BigEndian.AppendUint64(b, uint64(n))
	}
	return append(b, data...)
}

// Batches of frames are reused: an idle connection holds none.
var batchPool = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

const maxPooledBatch = 64 << 10

func putBatch(b *[]byte) {
	if cap(*b) <= maxPooledBatch {
		*b = (*b)[:0]
		batchPool.Put(b)
	}
}

// wsTransport is a client's own WebSocket.
type wsTransport struct {
	ws *websocket.Conn
	nc *corkConn
}

// write sends the frames in one write to the network.
func (t wsTransport) write(frames []frame) error { return t.nc.writeFrames(frames) }

// tryWrite is corkConn.tryFrames: see directWriter.
func (t wsTransport) tryWrite(frames []frame) (taken, more bool, err error) {
	return t.nc.tryFrames(frames)
}

func (t wsTransport) ping(ctx context.Context) error { return t.nc.ping(ctx) }

// awaitData: see corkConn.awaitData.
func (t wsTransport) awaitData() error { return t.nc.awaitData() }
func (t wsTransport) close(status websocket.StatusCode, reason string) {
	if status == websocket.StatusPolicyViolation {
		// Closed for what it sent, or failed to read: what it sends now
		// is not read. The goodbye still goes out, but the close
		// handshake does not wait for the answer behind a flood.
		// What it sent and was never read would have the socket's close
		// reset the line at once, and the client's system drop the
		// goodbye unread: the socket stays open a moment after it.
		if cr, ok := t.nc.Conn.(interface{ CloseRead() error }); ok {
			_ = cr.CloseRead()
		}
		t.nc.linger.Store(true)
	}
	// The close handshake reads the socket from this goroutine.
	t.nc.brMu.Lock()
	defer t.nc.brMu.Unlock()
	_ = t.ws.Close(status, reason)
}
func (t wsTransport) abort() { t.ws.CloseNow() }
