package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/coder/websocket"

	"congress/protocol"
)

// Baseline is the floor a game server is measured against: plain
// coder/websocket that speaks just enough of the protocol for this tool's
// clients (create a lobby, join, resume or watch it, act) and answers
// every act by fanning out pre-encoded messages of the real game
// messages' sizes to the act's lobby, then acking it. No game logic, no
// per-viewer encoding, no persistence: what is left is the cost of the
// WebSocket fan-out itself.
type Baseline struct {
	// DelegateBytes and SpectatorBytes are the sizes of the game message
	// a delegate and a spectator receive for each act.
	DelegateBytes  int
	SpectatorBytes int
	// SendQueue is each connection's outgoing buffer; a client that lets
	// it fill is dropped, as the real server drops slow readers.
	SendQueue    int
	WriteTimeout time.Duration

	once      sync.Once
	delegate  []byte
	spectator []byte
	welcome   []byte

	mu     sync.Mutex
	groups map[string]*group
	nextID int
}

type group struct {
	mu      sync.Mutex
	members map[*member]struct{}
}

type member struct {
	ws        *websocket.Conn
	spectator bool
	send      chan []byte
	cancel    context.CancelFunc
}

func (b *Baseline) init() {
	b.once.Do(func() {
		if b.SendQueue <= 0 {
			b.SendQueue = 64
		}
		if b.WriteTimeout <= 0 {
			b.WriteTimeout = 5 * time.Second
		}
		b.delegate = padded(protocol.TypeGame, b.DelegateBytes)
		b.spectator = padded(protocol.TypeGame, b.SpectatorBytes)
		b.welcome = padded(protocol.TypeWelcome, 0)
		b.groups = map[string]*group{}
	})
}

// padded is a server message of type t, n bytes long (or as short as it
// can be).
func padded(t protocol.Type, n int) []byte {
	head := protocol.Encode(t, struct {
		Pad string `json:"pad"`
	}{})
	pad := max(n-len(head), 0)
	return protocol.Encode(t, struct {
		Pad string `json:"pad"`
	}{string(bytes.Repeat([]byte{'x'}, pad))})
}

// ServeHTTP serves POST /api/lobbies, GET /ws and GET /healthz.
func (b *Baseline) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b.init()
	switch {
	case r.URL.Path == "/ws":
		b.serveWS(w, r)
	case r.URL.Path == "/api/lobbies" && r.Method == http.MethodPost:
		b.createLobby(w)
	case r.URL.Path == "/healthz":
		w.WriteHeader(http.StatusNoContent)
	default:
		http.NotFound(w, r)
	}
}

func (b *Baseline) createLobby(w http.ResponseWriter) {
	b.mu.Lock()
	b.nextID++
	code := lobbyCode(b.nextID)
	b.groups[code] = &group{members: map[*member]struct{}{}}
	b.mu.Unlock()
	var tok [32]byte
	_, _ = rand.Read(tok[:])
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(protocol.Created{
		Code: code, You: "host", Token: base64.RawURLEncoding.EncodeToString(tok[:]),
	})
}

// lobbyCode spells n in the protocol's code alphabet.
func lobbyCode(n int) string {
	a := protocol.CodeAlphabet
	code := make([]byte, protocol.CodeLength)
	for i := range code {
		code[len(code)-1-i] = a[n%len(a)]
		n /= len(a)
	}
	return string(code)
}

// hello is the part of a first message the baseline reads.
type hello struct {
	Type  protocol.Type `json:"type"`
	Lobby string        `json:"lobby"`
}

// request is the part of a later message the baseline reads.
type request struct {
	Type protocol.Type `json:"type"`
	ID   int64         `json:"id"`
}

func (b *Baseline) serveWS(w http.ResponseWriter, r *http.Request) {
	ws, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	defer ws.CloseNow()
	ws.SetReadLimit(protocol.MaxMessageBytes)
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()

	_, data, err := ws.Read(ctx)
	if err != nil {
		return
	}
	var h hello
	if json.Unmarshal(data, &h) != nil {
		ws.Close(websocket.StatusPolicyViolation, "bad hello")
		return
	}
	b.mu.Lock()
	g := b.groups[h.Lobby]
	b.mu.Unlock()
	if g == nil {
		_ = ws.Write(ctx, websocket.MessageText, protocol.Encode(protocol.TypeError, protocol.Refused{Code: protocol.CodeUnknownLobby, Message: "No such lobby."}))
		ws.Close(websocket.StatusPolicyViolation, "unknown lobby")
		return
	}
	m := &member{ws: ws, spectator: h.Type == protocol.TypeWatch, send: make(chan []byte, b.SendQueue), cancel: cancel}
	m.send <- b.welcome
	g.mu.Lock()
	g.members[m] = struct{}{}
	g.mu.Unlock()
	defer func() {
		g.mu.Lock()
		delete(g.members, m)
		g.mu.Unlock()
	}()
	go b.writeLoop(ctx, m)

	for {
		_, data, err := ws.Read(ctx)
		if err != nil {
			return
		}
		var req request
		if json.Unmarshal(data, &req) != nil {
			continue
		}
		if req.Type == protocol.TypeAct || req.Type == protocol.TypeHost {
			b.fanOut(g)
		}
		b.offer(m, protocol.Encode(protocol.TypeAck, protocol.Ack{ID: req.ID}))
	}
}

// fanOut hands every member of g its pre-encoded game message.
func (b *Baseline) fanOut(g *group) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for m := range g.members {
		if m.spectator {
			b.offer(m, b.spectator)
		} else {
			b.offer(m, b.delegate)
		}
	}
}

// offer queues msg for m without waiting; a full queue drops m.
func (b *Baseline) offer(m *member, msg []byte) {
	select {
	case m.send <- msg:
	default:
		m.cancel()
	}
}

func (b *Baseline) writeLoop(ctx context.Context, m *member) {
	for {
		select {
		case <-ctx.Done():
			return
		case msg := <-m.send:
			wctx, cancel := context.WithTimeout(ctx, b.WriteTimeout)
			err := m.ws.Write(wctx, websocket.MessageText, msg)
			cancel()
			if err != nil {
				m.cancel()
				return
			}
		}
	}
}

// serveBaseline runs a Baseline on addr until ctx ends, calling ready
// with the address it listens on.
func serveBaseline(ctx context.Context, addr string, b *Baseline, ready func(addr string)) error {
	ln, err := listen(addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: b, ReadHeaderTimeout: 10 * time.Second}
	ready(ln.Addr().String())
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func listen(addr string) (net.Listener, error) { return net.Listen("tcp", addr) }
