// Package server is the game online: the Echo app (HTTP API, the browser
// client, health and metrics), WebSocket connections, and one actor per
// lobby that owns its members, chat, timers, bots and game.
//
// A lobby is event-sourced: every accepted change becomes a lobby.Record, is
// appended to a lobby.Journal, and only then applied (by lobby.State.Apply, which a
// replay calls too) and shown to the connections that may see it.
//
//	srv := server.New(server.Options{Journal: server.NewMemJournal()})
//	defer srv.Close(ctx)
//	http.ListenAndServe(":8080", srv.Handler())
package server

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"

	"congress/game"
	"congress/server/lobby"
	"congress/server/voice"
)

// Limits are the protections and timings of the server. DefaultLimits
// gives the production values; tests shorten them.
type Limits struct {
	SendQueue         int           // frames queued per connection before it is dropped as too slow
	MessagesPerSecond float64       // per connection, and per member of a lobby across their connections
	MessageBurst      int           // per connection, and per member
	AddressMessages   float64       // per second from one client address, all its connections together...
	AddressBurst      int           // ...and in a burst
	ChatLines         int           // lines one delegate may say in a game (or between games); the gallery together 4 times as many
	MembersEver       int           // members a lobby may ever have had, bots included
	HostChanges       int           // the host's changes of a lobby in a game, or between games
	RefusalsPerSecond float64       // rate-limited messages tolerated per second...
	RefusalBurst      int           // ...and in a burst, before the connection is closed
	ResumesPerSecond  float64       // a member's returns to their place, across connections...
	ResumeBurst       int           // ...and in a burst: a reconnect loop is closed before its welcome
	ConnsPerIP        int           // open WebSocket connections per client address
	LobbiesPerIP      int           // lobbies one address may create...
	LobbyWindow       time.Duration // ...in this window
	MaxLobbies        int           // open lobbies on this server
	PingInterval      time.Duration // how often the server pings each connection
	PongWait          time.Duration // how long it waits for the pong before closing
	WriteTimeout      time.Duration // every write
	HelloTimeout      time.Duration // for the first message (join, resume or watch)
	JournalTimeout    time.Duration // for one journal append
	IdleLobby         time.Duration // a lobby nobody is connected to closes after this
	ResumeGrace       time.Duration // a restored lobby waits this long for its people before its idle clock may close it

	// Shorter idle limits for lobbies that have never seen a game (0: IdleLobby).
	EmptyLobby    time.Duration // a lobby never played, with nobody connected, closes after this...
	UnjoinedLobby time.Duration // ...and one nobody ever connected to, after this

	// HTTP requests.
	RequestsPerIP     int           // HTTP requests one client address may have in progress at once
	ReadHeaderTimeout time.Duration // for an HTTP request's headers...
	ReadTimeout       time.Duration // ...and for the whole request, body included (not a WebSocket once upgraded)

	// Lookups of a lobby code that opens no lobby (see guessLimiter).
	LookupMisses          int           // one address may miss this many in a burst...
	LookupMissEvery       time.Duration // ...and one more this often
	LookupMissesPerSecond float64       // the whole server's misses, beyond which an address that missed lately waits...
	LookupMissBurst       int           // ...after a burst of this many

	// RefusedWait holds the answer to a client refused for its rate (a
	// code guesser, a flooder closed, a reconnect loop) up to this long,
	// or until its wait is over: a loop that retries at once is slowed to
	// the pace of its allowance, and costs the server an idle socket
	// instead of a request served.
	RefusedWait time.Duration
}

// DefaultLimits are the production limits.
func DefaultLimits() Limits {
	return Limits{
		SendQueue:         64,
		MessagesPerSecond: 10,
		MessageBurst:      20,
		AddressMessages:   200,
		AddressBurst:      400,
		ChatLines:         500,
		MembersEver:       1000,
		HostChanges:       500,
		RefusalsPerSecond: 2,
		RefusalBurst:      30,
		ResumesPerSecond:  1,
		ResumeBurst:       8,
		ConnsPerIP:        64,
		LobbiesPerIP:      10,
		LobbyWindow:       10 * time.Minute,
		MaxLobbies:        20000,
		PingInterval:      20 * time.Second,
		PongWait:          15 * time.Second,
		WriteTimeout:      10 * time.Second,
		HelloTimeout:      15 * time.Second,
		JournalTimeout:    5 * time.Second,
		IdleLobby:         30 * time.Minute,
		ResumeGrace:       2 * time.Minute,

		EmptyLobby:    10 * time.Minute,
		UnjoinedLobby: 3 * time.Minute,

		RequestsPerIP:     32,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,

		LookupMisses:          10,
		LookupMissEvery:       6 * time.Second,
		LookupMissesPerSecond: 2,
		LookupMissBurst:       20,

		RefusedWait: 2 * time.Second,
	}
}

// Options configure a Server. Zero fields take defaults.
type Options struct {
	// BaseURL is the public address of the server (e.g.
	// https://congress.example.org) for invite links; empty takes the
	// scheme and host of the request that creates the lobby.
	BaseURL string
	// Listen is the address the server listens on (host:port), for the
	// network links GET /api/addresses offers: a host that is one address
	// offers that one, an empty or unspecified host every address of the
	// machine's networks. Empty: none are offered.
	Listen string
	// Origins are the extra origins allowed to open a WebSocket (host
	// patterns, see coder/websocket AcceptOptions.OriginPatterns); the
	// server's own origin is always allowed.
	Origins []string
	// MetricsFrom are the client networks that may read /metrics (the
	// loopback networks if empty): its counters move with every message,
	// so a player who could poll them during the Night would learn that
	// somebody acted.
	MetricsFrom []netip.Prefix
	// TrustedProxies are the load balancers in front of the server: from
	// them, the client's address is taken from X-Forwarded-For (for the
	// per-address limits, /metrics and the logs), and the scheme of
	// invite links from X-Forwarded-Proto. Empty trusts nobody.
	TrustedProxies []netip.Prefix
	Journal        lobby.Journal
	// Matches keeps finished matches for the history; nil keeps none.
	Matches lobby.Matches
	NewBot  lobby.BotFactory
	// Clock is the lobbies' time (nil: the wall clock).
	Clock  Clock
	Logger *slog.Logger
	Limits Limits
	// Cluster makes the server one node of several sharing one NATS
	// JetStream (see ClusterOptions and Join); nil serves alone.
	Cluster *ClusterOptions
	// Voice carries the lobbies' voice (server/voice); nil carries none.
	// TURN adds the embedded TURN server for it.
	Voice *voice.Config
	TURN  *voice.TURNConfig
}

// Server is the game server. Handler serves it; Close shuts it down.
type Server struct {
	opt     Options
	log     *slog.Logger
	echo    *echo.Echo
	lobbies *registry
	metrics *metrics
	ips     *ipLimits
	guesses *guessLimiter // lookups of lobby codes that open nothing, over HTTP and WebSocket
	rates   *messageRates // per client address

	dir   directory   // where lobbies are found: local, or the cluster
	filer *filer      // nil without a match history
	voice *voice.SFU  // nil without voice
	turn  *voice.TURN // nil without a TURN server

	ready    atomic.Bool
	draining atomic.Bool // handing lobbies over: no new lobbies or connections
	mu       sync.Mutex
	conns    map[*conn]struct{}
	closing  bool
	halt     chan struct{}  // closed when the server closes
	sessions sync.WaitGroup // connection handlers
	actors   sync.WaitGroup // lobby goroutines
	// appenders run the lobbies' journal appends.
	appenders *appenders
}

// New makes a server. It serves nothing until Handler is mounted.
func New(o Options) *Server {
	if o.Journal == nil {
		o.Journal = NewMemJournal()
	}
	if o.NewBot == nil {
		o.NewBot = DefaultBot
	}
	if o.Clock == nil {
		o.Clock = wallClock{}
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if len(o.MetricsFrom) == 0 {
		o.MetricsFrom = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	}
	if o.Limits == (Limits{}) {
		o.Limits = DefaultLimits()
	}
	s := &Server{
		opt:     o,
		log:     o.Logger,
		lobbies: newRegistry(),
		metrics: newMetrics(),
		ips:     newIPLimits(o.Limits),
		guesses: newGuessLimiter(o.Limits),
		rates:   newMessageRates(o.Limits.AddressMessages, o.Limits.AddressBurst),
		conns:   map[*conn]struct{}{},
		halt:    make(chan struct{}),
	}
	s.dir = local{s}
	s.appenders = newAppenders(o.Journal)
	if o.Cluster != nil {
		s.dir = newClusterDir(s, *o.Cluster)
	}
	if o.Matches != nil {
		s.filer = newFiler(o.Matches, s.log, o.Limits.JournalTimeout)
	}
	if err := s.startVoice(); err != nil {
		s.log.Error("voice", "err", err)
	}
	s.echo = s.routes()
	s.ConfigureHTTP(s.echo.Server)
	s.ready.Store(true)
	return s
}

// Handler is the whole HTTP surface.
func (s *Server) Handler() http.Handler { return s.echo }

// ConfigureHTTP sets the timeouts of an http.Server that serves
// Handler (the Echo instance's own is set already): a client that sends
// its request a byte at a time is cut off, instead of holding a
// connection and a goroutine for ever. A WebSocket is not: net/http
// clears the connection's deadline when it is hijacked, and the
// WebSocket has its pings and timeouts of its own.
func (s *Server) ConfigureHTTP(hs *http.Server) {
	hs.ReadHeaderTimeout = s.opt.Limits.ReadHeaderTimeout
	hs.ReadTimeout = s.opt.Limits.ReadTimeout
	hs.IdleTimeout = 2 * time.Minute
}

// Echo is the server's Echo instance, to Start and Shutdown.
func (s *Server) Echo() *echo.Echo { return s.echo }

// Close stops the server: every connection is told to reconnect and
// closed, every lobby goroutine ends. In a cluster the node then lets
// its lobbies go, so that the other nodes claim them at once. The
// journal is not closed: its owner closes it. Close waits for all of it,
// or for ctx.
func (s *Server) Close(ctx context.Context) error {
	s.mu.Lock()
	s.ready.Store(false) // under mu, so that an Undrain cannot make it ready again
	if !s.closing {
		s.closing = true
		close(s.halt)
		for _, l := range s.lobbies.all() {
			close(l.quit)
		}
	}
	for c := range s.conns {
		c.sendBack(restartMessage, true)
	}
	s.mu.Unlock()
	done := make(chan struct{})
	go func() {
		s.actors.Wait()
		s.appenders.stop()
		if s.filer != nil {
			s.filer.stop()
		}
		s.dir.stop()
		s.sessions.Wait()
		if s.turn != nil {
			_ = s.turn.Close()
		}
		if s.voice != nil {
			_ = s.voice.Close()
		}
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		// Appends still waiting on a store that does not answer are given
		// up: their lobbies stop unsettled, and the next start reads the log.
		for _, l := range s.lobbies.all() {
			l.endAppends()
		}
		return ctx.Err()
	}
}

// now is the server clock in UTC without its monotonic reading: the form
// a time has after a journal's JSON round trip, so that a replay sees
// exactly the times the live lobby saw.
func (s *Server) now() time.Time { return s.opt.Clock.Now().UTC().Round(0) }

// addConn registers a connection; false once the server is closing or
// draining.
func (s *Server) addConn(c *conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing || s.draining.Load() {
		return false
	}
	s.conns[c] = struct{}{}
	s.sessions.Add(1)
	s.metrics.connGauge(c).Add(1)
	return true
}

func (s *Server) removeConn(c *conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
	s.metrics.connGauge(c).Add(-1)
	s.sessions.Done()
}

// startLobby runs a lobby's goroutine; false once the server is closing.
func (s *Server) startLobby(l *actor) bool {
	// The goroutine has not started: the summary is drawn up here, so
	// that a lookup right after the lobby is made finds it.
	l.updateSummary()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	s.actors.Add(1)
	s.metrics.lobbies.Add(1)
	go func() {
		defer s.actors.Done()
		l.run()
	}()
	return true
}

// lobbyEnded is called by a lobby's goroutine as it returns.
func (s *Server) lobbyEnded(l *actor) {
	switch l.end {
	case endClosed:
		l.log.Info("lobby closed")
	case endHandover:
		l.log.Info("lobby handed over")
	case endDeposed:
		l.log.Info("lobby dropped: another node owns it now")
	}
	s.lobbies.remove(l)
	s.metrics.lobbies.Add(-1)
	if l.counted {
		s.metrics.games.Add(-1)
	}
	s.dir.ended(l)
}

// Join makes the server a node of its cluster (Options.Cluster): it opens
// the cluster's buckets and subjects, takes back the lobbies this node
// owned before a restart, and starts claiming lobbies nobody owns. Call it
// once, before serving. A server alone refuses.
func (s *Server) Join(ctx context.Context) error { return s.dir.join(ctx) }

// Drain takes this node out of its cluster without stopping it: it stops
// taking lobbies and connections and fails /readyz, hands every lobby it
// owns to the other nodes, and closes every connection with reconnect,
// so that each client comes back through another node and resumes where
// it was. It returns when the node owns no lobby, or when ctx is done.
// A server alone has nobody to hand its lobbies to: Drain refuses.
func (s *Server) Drain(ctx context.Context) error {
	if err := s.dir.handOver(); err != nil {
		return err
	}
	if !s.draining.Swap(true) {
		s.log.Info("draining: handing every lobby over to the other nodes")
	}
	s.ready.Store(false)
	for {
		if !s.draining.Load() {
			return errors.New("draining: undone")
		}
		// A claim that was under way as the drain began may still start
		// a lobby: every pass stops whatever is running.
		ls := s.lobbies.all()
		for _, l := range ls {
			l.stop(endHandover)
		}
		s.mu.Lock()
		for c := range s.conns {
			c.sendBack(movingMessage, true)
		}
		s.mu.Unlock()
		if len(ls) == 0 {
			s.log.Info("drained: this node owns no lobby")
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("draining: %d lobbies still here: %w", len(ls), ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// Undrain undoes Drain: the node takes lobbies and connections again,
// claims lobbies that have no owner at its next scan, and is ready. A
// Drain still under way stops. False once the server is closing.
func (s *Server) Undrain() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	if s.draining.Swap(false) {
		s.log.Info("drain undone: taking lobbies and connections again")
	}
	s.ready.Store(true)
	return true
}

// stopping reports whether the server is closing or draining: it takes
// no lobby then.
func (s *Server) stopping() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closing || s.draining.Load()
}

// randomToken is 32 bytes from crypto/rand, base64url.
func randomToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// randomMatchSeed is a match seed: 32 bytes from crypto/rand.
func randomMatchSeed() game.Seed {
	var s game.Seed
	_, _ = rand.Read(s[:]) // crypto/rand.Read never fails
	return s
}

// randomSeed is a bot seed from crypto/rand.
func randomSeed() uint64 {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return binary.LittleEndian.Uint64(b[:])
}
