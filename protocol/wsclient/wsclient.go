// Package wsclient is a Go client of the wire protocol (protocol/README.md):
// it opens lobbies over HTTP, dials the WebSocket, says hello, sends
// requests with IDs and reads until their answer. The server's tests, the
// end-to-end tests and the load generator all speak through it.
package wsclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"

	"congress/protocol"
)

// Unparsable is the type of a message that is not a JSON object with a
// "type".
const Unparsable protocol.Type = "unparsable"

var (
	typePrefix = []byte(`{"type":"`)
	serverType = []protocol.Type{
		protocol.TypeGame, protocol.TypeAck, protocol.TypeLobby, protocol.TypeChat,
		protocol.TypeError, protocol.TypeWelcome, protocol.TypeClosing,
	}
)

// TypeOf reads a server message's type. protocol.Encode writes "type"
// first, so the common case needs no JSON decoding and no allocation.
func TypeOf(data []byte) protocol.Type {
	if rest, ok := bytes.CutPrefix(data, typePrefix); ok {
		if j := bytes.IndexByte(rest, '"'); j >= 0 {
			for _, t := range serverType {
				if string(rest[:j]) == string(t) {
					return t
				}
			}
		}
	}
	var env struct {
		Type protocol.Type `json:"type"`
	}
	if json.Unmarshal(data, &env) != nil || env.Type == "" {
		return Unparsable
	}
	return env.Type
}

// RefusedError is a refusal by the server: an error message answering a
// hello, or an HTTP Problem (Message then starts with the HTTP status).
type RefusedError struct{ protocol.Refused }

func (e *RefusedError) Error() string { return string(e.Code) + ": " + e.Message }

// WSURL is the WebSocket endpoint of the server at base
// ("http://host:port" or "https://…").
func WSURL(base string) string {
	if rest, ok := strings.CutPrefix(base, "https"); ok {
		return "wss" + rest + "/ws"
	}
	return "ws" + strings.TrimPrefix(base, "http") + "/ws"
}

// Dial opens a WebSocket to the server at base ("http://host:port"),
// reading messages up to readLimit bytes (0: 1 MiB).
func Dial(ctx context.Context, base string, opts *websocket.DialOptions, readLimit int64) (*websocket.Conn, error) {
	ws, _, err := websocket.Dial(ctx, WSURL(base), opts)
	if err != nil {
		return nil, err
	}
	if readLimit <= 0 {
		readLimit = 1 << 20
	}
	ws.SetReadLimit(readLimit)
	return ws, nil
}

// Hello sends the first message (Join, Resume or Watch) on ws, which
// nothing else reads yet, and reads until the Welcome. A refusal is a
// *RefusedError.
func Hello(ctx context.Context, ws *websocket.Conn, hello protocol.Client) (*protocol.Welcome, error) {
	if err := ws.Write(ctx, websocket.MessageText, protocol.EncodeClient(hello)); err != nil {
		return nil, fmt.Errorf("hello: %w", err)
	}
	return welcome(func() ([]byte, error) {
		_, data, err := ws.Read(ctx)
		return data, err
	})
}

// welcome reads messages from next until a Welcome or an Error.
func welcome(next func() ([]byte, error)) (*protocol.Welcome, error) {
	for {
		data, err := next()
		if err != nil {
			return nil, fmt.Errorf("welcome: %w", err)
		}
		switch TypeOf(data) {
		case protocol.TypeWelcome:
			var w protocol.Welcome
			if err := json.Unmarshal(data, &w); err != nil {
				return nil, fmt.Errorf("welcome: %w", err)
			}
			return &w, nil
		case protocol.TypeError:
			var ref protocol.Refused
			_ = json.Unmarshal(data, &ref)
			return nil, &RefusedError{ref}
		}
	}
}

// CreateLobby opens a lobby with POST /api/lobbies on the server at base;
// its host then joins with Resume. A refusal is a *RefusedError.
func CreateLobby(ctx context.Context, hc *http.Client, base string, body protocol.CreateLobby) (*protocol.Created, error) {
	if hc == nil {
		hc = http.DefaultClient
	}
	b, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/lobbies", bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("create: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		var p protocol.Problem
		_ = json.NewDecoder(resp.Body).Decode(&p)
		return nil, &RefusedError{protocol.Refused{Code: p.Code, Message: fmt.Sprintf("HTTP %d %s", resp.StatusCode, p.Message)}}
	}
	var c protocol.Created
	if err := json.NewDecoder(resp.Body).Decode(&c); err != nil {
		return nil, fmt.Errorf("create: %w", err)
	}
	return &c, nil
}

// WithID is request m with its ID set; other messages as they are.
func WithID(m protocol.Client, id int64) protocol.Client {
	switch v := m.(type) {
	case protocol.Act:
		v.ID = id
		return v
	case protocol.Say:
		v.ID = id
		return v
	case protocol.Host:
		v.ID = id
		return v
	case protocol.Leave:
		v.ID = id
		return v
	case protocol.Knock:
		v.ID = id
		return v
	case protocol.Sit:
		v.ID = id
		return v
	case protocol.Move:
		v.ID = id
		return v
	case protocol.Review:
		v.ID = id
		return v
	case protocol.VoiceJoin:
		v.ID = id
		return v
	case protocol.VoiceAnswer:
		v.ID = id
		return v
	case protocol.VoiceMute:
		v.ID = id
		return v
	case protocol.VoiceLeave:
		v.ID = id
		return v
	}
	return m
}

// Msg is one server message as received.
type Msg struct {
	Type protocol.Type `json:"type"`
	Raw  []byte        `json:"-"`
}

// Decode decodes the message into v.
func (m Msg) Decode(v any) error {
	if err := json.Unmarshal(m.Raw, v); err != nil {
		return fmt.Errorf("%w: %s", err, m.Raw)
	}
	return nil
}

// Options are how Open connects.
type Options struct {
	Header     http.Header  // sent with the handshake (Origin, X-Forwarded-For, …)
	HTTPClient *http.Client // nil: http.DefaultClient
	ReadLimit  int64        // 0: 1 MiB
	// Wait bounds Next: a message not received by then is an error
	// (0: 10 s).
	Wait time.Duration
	// OnRead, if set, sees every message as the reader receives it, on
	// the reader's goroutine, before Next returns it.
	OnRead func(Msg)
	// Observe, if set, sees every message Next returns (so also those
	// that Until and Answer pass over), on the caller's goroutine.
	Observe func(Msg)
}

// ErrTimeout is Next's error when no message came within Options.Wait.
var ErrTimeout = errors.New("wsclient: no message in time")

// Conn is one WebSocket connection whose messages a goroutine of its own
// reads, in order, into a queue that Next takes from. Its methods are for
// one goroutine at a time.
type Conn struct {
	WS       *websocket.Conn
	opt      Options
	in       chan Msg
	done     chan struct{}
	quit     chan struct{} // closed by CloseNow: the reader stops even with a full queue
	quitOnce sync.Once
	mu       sync.Mutex
	err      error // why reading stopped
	nextID   int64
}

// Open dials the server at base and starts reading. The caller closes
// the connection (Close or CloseNow); Done is closed once reading stopped.
func Open(ctx context.Context, base string, o Options) (*Conn, error) {
	ws, err := Dial(ctx, base, &websocket.DialOptions{HTTPHeader: o.Header, HTTPClient: o.HTTPClient}, o.ReadLimit)
	if err != nil {
		return nil, err
	}
	if o.Wait <= 0 {
		o.Wait = 10 * time.Second
	}
	c := &Conn{WS: ws, opt: o, in: make(chan Msg, 4096), done: make(chan struct{}), quit: make(chan struct{})}
	go c.read()
	return c, nil
}

func (c *Conn) read() {
	defer close(c.done)
	for {
		_, data, err := c.WS.Read(context.Background())
		if err != nil {
			c.mu.Lock()
			c.err = err
			c.mu.Unlock()
			return
		}
		m := Msg{Type: TypeOf(data), Raw: data}
		if c.opt.OnRead != nil {
			c.opt.OnRead(m)
		}
		select {
		case c.in <- m:
		case <-c.quit:
			return
		}
	}
}

// CloseNow closes the connection at once and waits for the reader.
func (c *Conn) CloseNow() {
	c.quitOnce.Do(func() { close(c.quit) })
	c.WS.CloseNow()
	<-c.done
}

// Queue is the messages received and not yet read, for a caller that
// reads them itself (Observe does not see those).
func (c *Conn) Queue() <-chan Msg { return c.in }

// Done is closed when the reader stopped: the connection ended.
func (c *Conn) Done() <-chan struct{} { return c.done }

// Err is why reading stopped (nil while it goes on).
func (c *Conn) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// CloseStatus is the close code of the ended connection (-1 if none).
func (c *Conn) CloseStatus() websocket.StatusCode { return websocket.CloseStatus(c.Err()) }

// SendRaw sends one text frame as it is.
func (c *Conn) SendRaw(ctx context.Context, data []byte) error {
	return c.WS.Write(ctx, websocket.MessageText, data)
}

// Send sends a client message as it is (its ID, if any, included).
func (c *Conn) Send(ctx context.Context, m protocol.Client) error {
	return c.SendRaw(ctx, protocol.EncodeClient(m))
}

// Hello sends the first message (Join, Resume or Watch) and reads until
// the Welcome. A refusal is a *RefusedError.
func (c *Conn) Hello(ctx context.Context, hello protocol.Client) (*protocol.Welcome, error) {
	if err := c.Send(ctx, hello); err != nil {
		return nil, fmt.Errorf("hello: %w", err)
	}
	return welcome(func() ([]byte, error) {
		m, err := c.Next()
		return m.Raw, err
	})
}

// Request sends request m with the connection's next ID and returns it.
func (c *Conn) Request(ctx context.Context, m protocol.Client) (int64, error) {
	c.nextID++
	return c.nextID, c.Send(ctx, WithID(m, c.nextID))
}

// Next is the next message received: queued ones first, even after the
// connection ended; then an error saying why it ended, or ErrTimeout.
func (c *Conn) Next() (Msg, error) {
	var m Msg
	select {
	case m = <-c.in:
	case <-c.done:
		select {
		case m = <-c.in:
		default:
			return Msg{}, fmt.Errorf("connection closed: %w", c.Err())
		}
	case <-time.After(c.opt.Wait):
		return Msg{}, ErrTimeout
	}
	if c.opt.Observe != nil {
		c.opt.Observe(m)
	}
	return m, nil
}

// Pending takes the messages received and not yet read, without waiting.
func (c *Conn) Pending() []Msg {
	var out []Msg
	for {
		select {
		case m := <-c.in:
			if c.opt.Observe != nil {
				c.opt.Observe(m)
			}
			out = append(out, m)
		default:
			return out
		}
	}
}

// Until reads messages until one of type tp, returning it and those before.
func (c *Conn) Until(tp protocol.Type) (Msg, []Msg, error) {
	var before []Msg
	for {
		m, err := c.Next()
		if err != nil {
			return Msg{}, before, err
		}
		if m.Type == tp {
			return m, before, nil
		}
		before = append(before, m)
	}
}

// Answer reads until the answer to request id: the messages before it,
// and the refusal if it was refused (nil if acknowledged).
func (c *Conn) Answer(id int64) ([]Msg, *protocol.Refused, error) {
	var got []Msg
	for {
		m, err := c.Next()
		if err != nil {
			return got, nil, err
		}
		switch m.Type {
		case protocol.TypeAck:
			var a protocol.Ack
			if err := m.Decode(&a); err != nil {
				return got, nil, err
			}
			if a.ID == id {
				return got, nil, nil
			}
		case protocol.TypeError:
			var r protocol.Refused
			if err := m.Decode(&r); err != nil {
				return got, nil, err
			}
			if r.ID == id {
				return got, &r, nil
			}
		}
		got = append(got, m)
	}
}

// Do sends request m with a fresh ID and reads up to its answer.
func (c *Conn) Do(ctx context.Context, m protocol.Client) ([]Msg, *protocol.Refused, error) {
	id, err := c.Request(ctx, m)
	if err != nil {
		return nil, nil, err
	}
	return c.Answer(id)
}
