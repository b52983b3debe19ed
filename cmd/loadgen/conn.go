package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/coder/websocket"

	"congress/game"
	"congress/protocol"
	"congress/protocol/wsclient"
)

// conn is one WebSocket client: a delegate (the lobby's host among them)
// or a spectator. Fields after mu-guarded are owned by the lobby's mutex.
type conn struct {
	l         *lobby
	name      string
	you       string // member ID, from the Welcome
	host      bool
	spectator bool
	ws        *websocket.Conn

	// Guarded by l.mu.
	raw    []byte    // delegates: the latest game message, decoded on demand
	view   game.View // raw's view once decoded
	viewOK bool
	mover  mover
	seat   int
	seen   int64 // the last flight this connection has delivered
	dead   bool  // the server closed it
}

func (c *conn) class() string {
	if c.spectator {
		return "spectator"
	}
	return "delegate"
}

// mayAct says whether the latest game message's view offers this
// delegate any action, read without decoding the view: a player without
// actions has nothing to decide.
func (c *conn) mayAct() bool {
	if c.raw == nil {
		return false
	}
	if c.viewOK {
		return len(c.view.Actions) > 0
	}
	return hasActions(c.raw)
}

// hasActions reads a game message's "actions" without decoding it. The
// key cannot occur inside a JSON string (its quotes would be escaped)
// and only the view has it, so its first occurrence is the view's; the
// view is decoded in full when in doubt.
func hasActions(data []byte) bool {
	i := bytes.Index(data, actionsKey)
	if i < 0 {
		return true
	}
	rest := data[i+len(actionsKey):]
	return !bytes.HasPrefix(rest, []byte("[]")) && !bytes.HasPrefix(rest, []byte("null"))
}

// currentView decodes the latest game message's view, once.
func (c *conn) currentView() (*game.View, bool) {
	if c.raw == nil {
		return nil, false
	}
	if !c.viewOK {
		var m struct {
			View game.View `json:"view"`
		}
		if err := json.Unmarshal(c.raw, &m); err != nil {
			c.l.run.rec.protoErr("bad_game_view")
			c.raw = nil
			return nil, false
		}
		c.view, c.viewOK = m.View, true
	}
	return &c.view, true
}

// readLoop reads until the connection ends. A read error before the run
// closes its connections is a protocol error: the server dropped us.
func (c *conn) readLoop(ctx context.Context) {
	var buf bytes.Buffer
	for {
		_, r, err := c.ws.Reader(ctx)
		if err == nil {
			buf.Reset()
			_, err = buf.ReadFrom(r)
		}
		if err != nil {
			if !c.l.run.closing.Load() {
				c.l.run.rec.protoErr(closeKind(err))
			}
			c.l.died(c)
			return
		}
		c.handle(buf.Bytes(), time.Now())
	}
}

func closeKind(err error) string {
	if s := websocket.CloseStatus(err); s != -1 {
		return "closed_by_server:" + strconv.Itoa(int(s))
	}
	if errors.Is(err, net.ErrClosed) || errors.Is(err, context.Canceled) {
		return "closed"
	}
	return "read_error"
}

// handle takes one server message received at now.
func (c *conn) handle(data []byte, now time.Time) {
	rec := c.l.run.rec
	t := wsclient.TypeOf(data)
	rec.message(string(t), len(data))
	switch t {
	case protocol.TypeGame:
		rec.gameMessage(c.class(), len(data))
		c.l.onGame(c, data, now)
	case protocol.TypeLobby:
		if c.host {
			var lb protocol.Lobby
			if err := json.Unmarshal(data, &lb); err != nil {
				rec.protoErr("bad_lobby")
				return
			}
			c.l.onLobby(&lb)
		}
	case protocol.TypeAck:
		if c.host {
			var a protocol.Ack
			if err := json.Unmarshal(data, &a); err != nil {
				rec.protoErr("bad_ack")
				return
			}
			c.l.onAck(a.ID)
		}
	case protocol.TypeError:
		var ref protocol.Refused
		if err := json.Unmarshal(data, &ref); err != nil {
			rec.protoErr("bad_error")
			return
		}
		c.l.onRefused(c, &ref)
	case protocol.TypeClosing:
		var cl protocol.Closing
		_ = json.Unmarshal(data, &cl)
		rec.protoErr("closing:" + string(cl.Code))
	case protocol.TypeWelcome, protocol.TypeChat, protocol.TypeNotice, protocol.TypeReviewing:
	default:
		rec.protoErr("unknown_type")
	}
}

var (
	logKey     = []byte(`"log":`)
	actionsKey = []byte(`"actions":`)
)

// gameLog decodes only the "log" of a game message: the view before it is
// skipped unread. The key cannot occur inside a JSON string (its quotes
// would be escaped) and the view has no field of that name, so its last
// occurrence is it.
func gameLog[E game.Event | logLine](data []byte) ([]E, error) {
	i := bytes.LastIndex(data, logKey)
	if i < 0 {
		return nil, nil
	}
	var evs []E
	err := json.NewDecoder(bytes.NewReader(data[i+len(logKey):])).Decode(&evs)
	return evs, err
}

// delegateLog decodes a game message's log in full, for a delegate's
// player: by decodeEvents when it can, else by encoding/json.
func delegateLog(data []byte) ([]game.Event, error) {
	if i := bytes.LastIndex(data, logKey); i >= 0 {
		if evs, ok := decodeEvents(data[i+len(logKey):]); ok {
			return evs, nil
		}
	}
	return gameLog[game.Event](data)
}

// logLine is as much of a log event as identifies a command's effect.
type logLine struct {
	Kind   game.EventKind `json:"kind"`
	Seat   int            `json:"seat"`
	Target int            `json:"target"`
}

// dialer opens connections from a set of local source addresses, so that
// no one address reaches the server's per-address caps.
type dialer struct {
	bases   []string // http://host:port of each server
	clients []*http.Client
}

// newDialer dials the servers of addrs, a comma-separated list of
// host:port: the i-th connection and the i-th lobby go to the (i mod
// len)-th, so with several nodes of a cluster a lobby's members are
// spread over all of them, as behind a load balancer without sticky
// sessions.
func newDialer(addrs string, sources []net.IP) *dialer {
	d := &dialer{}
	for _, a := range splitAddrs(addrs) {
		d.bases = append(d.bases, "http://"+a)
	}
	if len(sources) == 0 {
		sources = []net.IP{nil}
	}
	for _, ip := range sources {
		nd := &net.Dialer{Timeout: 10 * time.Second}
		if ip != nil {
			nd.LocalAddr = &net.TCPAddr{IP: ip}
		}
		d.clients = append(d.clients, &http.Client{
			Timeout: 30 * time.Second,
			Transport: &http.Transport{
				DialContext:         nd.DialContext,
				MaxIdleConnsPerHost: 8,
				IdleConnTimeout:     30 * time.Second,
			},
		})
	}
	return d
}

// client is the HTTP client of the i-th connection.
func (d *dialer) client(i int) *http.Client { return d.clients[i%len(d.clients)] }

// base is the server of the i-th connection or lobby.
func (d *dialer) base(i int) string { return d.bases[i%len(d.bases)] }

// splitAddrs is the non-empty entries of a comma-separated list.
func splitAddrs(s string) []string {
	var out []string
	for _, a := range strings.Split(s, ",") {
		if a = strings.TrimSpace(a); a != "" {
			out = append(out, a)
		}
	}
	return out
}

// sourceAddrs is n loopback addresses for worker w: 127.(w+1).x.y. One
// is none: the kernel picks 127.0.0.1.
func sourceAddrs(n, w int) []net.IP {
	if n <= 1 {
		return nil
	}
	out := make([]net.IP, n)
	for i := range out {
		out[i] = net.IPv4(127, byte(w+1), byte(i/250), byte(i%250+1))
	}
	return out
}

// open dials the WebSocket, says who it is and waits for the Welcome.
func (d *dialer) open(ctx context.Context, i int, hello protocol.Client) (*websocket.Conn, *protocol.Welcome, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	ws, err := wsclient.Dial(ctx, d.base(i), &websocket.DialOptions{HTTPClient: d.client(i)}, 4<<20)
	if err != nil {
		return nil, nil, fmt.Errorf("dial: %w", err)
	}
	w, err := wsclient.Hello(ctx, ws, hello)
	if err != nil {
		ws.CloseNow()
		return nil, nil, err
	}
	return ws, w, nil
}

// failureKind names a connection failure for the report.
func failureKind(err error) string {
	var ref *wsclient.RefusedError
	switch {
	case errors.As(err, &ref):
		return "refused:" + string(ref.Code)
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	}
	s := err.Error()
	if i := bytes.IndexByte([]byte(s), ':'); i > 0 {
		s = s[:i]
	}
	return s
}

// createLobby opens a lobby over the HTTP API; its host joins by Resume.
func (d *dialer) createLobby(ctx context.Context, i int, body protocol.CreateLobby) (*protocol.Created, error) {
	return wsclient.CreateLobby(ctx, d.client(i), d.base(i), body)
}
