package server

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"github.com/google/uuid"

	"congress/game"
	"congress/protocol"
	"congress/server/lobby"
)

// actor is the goroutine that owns one lobby: its state, its connections and
// its timers, all touched only by its own goroutine (run). Connections
// and the server talk to it through inbox.
type actor struct {
	srv  *Server
	code string
	log  *slog.Logger
	st   *lobby.State
	// viewBuf is the memory the delegates' views are built in by the
	// fan-out, each encoded before the next is built (game.ViewIn).
	viewBuf game.ViewBuf
	// frameBuf is the memory each delegate's message is encoded in, lent
	// to its connection (enqueueLent).
	frameBuf []byte

	inbox chan message
	quit  chan struct{}  // closed by the server: close every connection and stop
	stopc chan endReason // the cluster: hand the lobby over, or drop it
	done  chan struct{}  // closed when run has returned
	// appends is the context of the lobby's journal appends: cancelled
	// when the lobby is deposed, so that an append waiting on a stalled
	// store does not hold up the stop.
	appends    context.Context
	endAppends context.CancelFunc

	// deposed says an append was refused because another node has taken
	// the lobby's log over: the lobby stops without another write.
	deposed bool
	end     endReason // why run returned

	// req is the keyed request being handled, whose records carry its key;
	// refusedKeys the latest refused keys of each member.
	req         requestKey
	refusedKeys map[string]*lobby.KeyRing
	slow        *time.Timer // fires while an append is slow
	appended    chan error  // the outcome of the append under way
	holding     *conn       // the connection whose request is handled, if its frames wait for the answer

	members map[string]*conn       // connected members, by member ID
	rates   map[string]*memberRate // by member ID, across connections
	specs   map[*conn]struct{}

	// The spectators' streams, both at one log position (specAt): the
	// gallery's, live (what it has been shown is specView and specLog),
	// and, in a game that shows admitted spectators every role, theirs
	// (admView and admLog as released; specQueue holds its frames held
	// back by the spectator delay).
	specAt     int
	specView   *game.View
	specLog    []game.Event
	admView    *game.View
	admLog     []game.Event
	specQueue  []specFrame
	spectators int // spectators ever watched, for gallery IDs
	knocks     int // knocks ever made, for their order

	botDue      map[int]time.Time // bot seats waiting to decide, and when
	botIdle     map[int]bool      // ...because they chose to wait
	emptySince  time.Time         // since when nobody has been connected
	idleFrom    time.Time         // a restored lobby's last activity, from its log
	joined      bool              // a member has been connected since the lobby started here
	lobbyDirty  bool              // members or settings changed: send Lobby
	galleryMove bool              // only the spectator count changed
	lobbySentAt time.Time
	counted     bool // this lobby's game is counted in the games gauge

	// away is since when each absent human member has been away;
	// gavelAt when the gavel last changed hands; greeting the connection
	// being welcomed back, which hears of its own return in its welcome
	// (gavel.go).
	away     map[string]time.Time
	gavelAt  time.Time
	greeting *conn

	summary atomic.Pointer[protocol.LobbySummary]

	voice *voiceLobby // nil until someone joins the voice

	reviewing *reviewState // the review together under way (review.go), nil for none
}

// endReason is why a lobby's goroutine stopped.
type endReason int

const (
	endQuit     endReason = iota // the server is closing
	endClosed                    // the lobby closed for good
	endHandover                  // this node is draining: another takes the lobby
	endDeposed                   // another node owns the lobby now
)

// verdict is a lobby's answer to a connection's first message.
type verdict int

const (
	refused verdict = iota // the lobby said no, and the connection was told why
	entered
	moved // the lobby stopped before it could answer: closed, or gone to another node
)

// Closing messages of a lobby that stops while people are in it.
const (
	restartMessage = "The server is restarting. Reconnect in a moment."
	movingMessage  = "This lobby is moving to another server. Reconnect in a moment."
)

// errDeposed is what a command gets when the lobby turns out to belong to
// another node: its connection is closed with reconnect at once anyway.
var errDeposed = protocol.Errorf(protocol.CodeServerBusy, "This lobby has moved to another server. Reconnect.")

// specFrame is one message of the admitted spectators' stream, held
// until at.
type specFrame struct {
	at     time.Time
	frame  []byte
	view   *game.View // nil for a chat line
	events []game.Event
	whole  bool      // events are the whole log, not the lines after the last frame
	said   time.Time // a chat line's time
}

// message is what the actor's inbox takes: one of attach, request and
// detach, and nothing else.
type message interface{ toActor() }

type (
	// attach asks the lobby to take a connection that said who it is.
	attach struct {
		c     *conn
		hello protocol.Client
		ok    chan verdict
	}
	// request is a message of an attached connection.
	request struct {
		c   *conn
		msg protocol.Client
		at  time.Time // when it was read, for the latency histogram
	}
	// detach says the connection has gone.
	detach struct{ c *conn }
)

func (attach) toActor()  {}
func (request) toActor() {}
func (detach) toActor()  {}

func newActor(srv *Server, code string) *actor {
	l := &actor{
		srv:     srv,
		code:    code,
		log:     srv.log.With("lobby", code),
		st:      lobby.NewState(code, srv.opt.NewBot),
		inbox:   make(chan message, 256),
		quit:    make(chan struct{}),
		stopc:   make(chan endReason, 1),
		done:    make(chan struct{}),
		members: map[string]*conn{},
		rates:   map[string]*memberRate{},
		specs:   map[*conn]struct{}{},

		refusedKeys: map[string]*lobby.KeyRing{},
		botDue:      map[int]time.Time{},
		botIdle:     map[int]bool{},
		away:        map[string]time.Time{},
	}
	l.appends, l.endAppends = context.WithCancel(context.Background())
	return l
}

func (l *actor) now() time.Time { return l.srv.now() }

// stop asks the lobby goroutine to close its connections with reconnect
// and return, journaling nothing more.
func (l *actor) stop(why endReason) {
	if why == endDeposed {
		l.endAppends()
	}
	select {
	case l.stopc <- why:
	default: // already stopping
	}
}

// post hands m to the lobby goroutine; false if it has stopped.
func (l *actor) post(m message) bool {
	select {
	case l.inbox <- m:
		return true
	case <-l.done:
		return false
	}
}

// run is the lobby's goroutine.
func (l *actor) run() {
	defer close(l.done)
	defer l.endAppends()
	defer l.srv.lobbyEnded(l)
	timer := l.srv.opt.Clock.NewTimer(time.Hour)
	defer timer.Stop()
	l.startIdleClock()
	l.startAway()
	l.countGame()
	l.updateSummary()
	var waiting turns
	ticked := false // the last turn was the clock's: the next is a message's, if any
	for {
		if !ticked && !l.now().Before(l.nextWake()) {
			l.tick()
			ticked = true
		} else if m, ok := l.nextTurn(&waiting); ok {
			ticked = false
			// Something waits its turn: a stop is looked at first,
			// without waiting for it.
			select {
			case <-l.quit:
				l.sendHome(endQuit)
				return
			case why := <-l.stopc:
				l.sendHome(why)
				return
			default:
				l.handle(m)
			}
		} else {
			timer.Reset(max(l.nextWake().Sub(l.now()), 0))
			select {
			case m := <-l.inbox:
				l.handle(m)
				ticked = false
			case <-timer.C():
				l.tick()
				ticked = true
			case <-l.quit:
				l.sendHome(endQuit)
				return
			case why := <-l.stopc:
				l.sendHome(why)
				return
			}
		}
		if l.deposed {
			l.sendHome(endDeposed)
			return
		}
		l.syncReview()
		l.flushLobby(false)
		l.syncVoice()
		if l.st.Closed {
			l.end = endClosed
			l.closeAll(protocol.CodeLobbyClosed, "This lobby has closed.", websocket.StatusNormalClosure)
			return
		}
	}
}

// nextTurn is the next message to handle: what the inbox holds waits its
// sender's turn in waiting (see turns), up to the inbox's size (beyond
// that, senders wait at the inbox).
func (l *actor) nextTurn(waiting *turns) (message, bool) {
	for waiting.n < cap(l.inbox) {
		select {
		case m := <-l.inbox:
			if waiting.n == 0 && len(l.inbox) == 0 {
				return m, true // alone: no line to wait in
			}
			waiting.push(m)
			continue
		default:
		}
		break
	}
	return waiting.next()
}

// sendHome ends the lobby goroutine for why: its connections are told to
// come back (a restart, or the lobby moving to another node).
func (l *actor) sendHome(why endReason) {
	l.end = why
	msg := movingMessage
	if why == endQuit {
		msg = restartMessage
	}
	l.closeAll(protocol.CodeReconnect, msg, websocket.StatusGoingAway)
}

func (l *actor) handle(m message) {
	switch m := m.(type) {
	case attach:
		v := l.attach(m.c, m.hello)
		if !l.deposed {
			l.flushLobby(false)
		}
		m.ok <- v
	case request:
		if l.limitRate(m.c, m.msg) {
			return
		}
		// What the request does to its sender goes out with the answer.
		m.c.hold()
		l.holding = m.c
		defer func() { l.holding = nil; m.c.release() }()
		id, err := l.request(m.c, m.msg)
		if l.deposed {
			return // no answer: the connection is told to reconnect
		}
		l.seatQueue()
		l.syncReview()
		l.flushLobby(false) // effects before the answer
		if err != nil {
			m.c.refuse(id, err)
		} else {
			m.c.enqueue(protocol.Encode(protocol.TypeAck, protocol.Ack{ID: id}))
		}
		switch m.msg.(type) {
		case protocol.Act:
			l.srv.metrics.latency.observe(time.Since(m.at))
		case protocol.Leave:
			if err == nil {
				m.c.close("", "", websocket.StatusNormalClosure, true)
			}
		}
	case detach:
		l.detach(m.c)
	}
}

// tick handles whatever is due: deadlines, bots, the spectators' delayed
// stream, an absent host, an empty lobby.
func (l *actor) tick() {
	now := l.now()
	if err := l.advance(now); err != nil {
		l.log.Warn("advancing the game", "err", err)
	}
	l.runBots(now)
	l.releaseSpectators(now)
	l.checkHost(now)
	l.flushReview(now)
	l.checkIdle(now)
}

// nextWake is the earliest time something is due.
func (l *actor) nextWake() time.Time {
	now := l.now()
	wake := now.Add(time.Hour)
	soon := func(t time.Time) {
		if !t.IsZero() && t.Before(wake) {
			wake = t
		}
	}
	if m := l.st.Match; m != nil && l.st.Playing() {
		if d, ok := m.Game.NextDeadline(); ok {
			soon(d)
		}
	}
	for _, t := range l.botDue {
		soon(t)
	}
	if len(l.specQueue) > 0 {
		soon(l.specQueue[0].at)
	}
	if l.galleryMove {
		soon(l.lobbySentAt.Add(time.Second))
	}
	if t, ok := l.gavelWake(); ok {
		soon(t)
	}
	if t, ok := l.reviewWake(); ok {
		soon(t)
	}
	if !l.emptySince.IsZero() {
		soon(l.emptySince.Add(l.idleLimit()))
	}
	return wake
}

// commit is the one way a lobby changes: the record is journaled, then
// applied, then shown to whoever may see its effects. An append is
// settled before commit returns, so what the lobby applies, what its
// players are told and what the log holds agree: a record is applied
// only once stored, a refusal means it is not stored, and an append whose
// outcome could not be learnt (the store did not answer before the lobby
// had to stop, or before its lease ran out) stops the lobby without
// another word or write: whoever reads the log next finds out.
func (l *actor) commit(rec lobby.Record) error {
	if l.req.key != "" && rec.Kind != lobby.RecAdvance {
		rec.By, rec.Key = l.req.member, l.req.key
	}
	ctx, cancel := l.appendContext()
	err := l.append(ctx, rec)
	cancel()
	switch {
	case err == nil:
	case errors.Is(err, lobby.ErrFenced):
		// Another node has claimed the lobby and written to its log since
		// this one last did: this node's lease is gone, whether it has
		// noticed or not. Nothing more is written; the lobby stops.
		if !l.deposed {
			l.log.Warn("another node has taken this lobby over: dropping it", "kind", rec.Kind)
		}
		l.deposed = true
		return errDeposed
	case errors.Is(err, lobby.ErrUnresolved):
		if !l.deposed {
			l.log.Warn("the log did not answer before the lobby had to stop: dropping it", "kind", rec.Kind, "err", err)
		}
		l.deposed = true
		return errDeposed
	default:
		l.log.Warn("journal append refused", "kind", rec.Kind, "err", err)
		return protocol.Errorf(protocol.CodeServerBusy, "The Congress's records could not take that just now. Try again in a moment.")
	}
	if err := l.st.Apply(rec); err != nil {
		l.log.Error("a journaled record does not apply", "kind", rec.Kind, "err", err)
	}
	l.publish(rec)
	return nil
}

// slowAppend is how long an append may take before the lobby tells its
// people why the Congress waits.
const slowAppend = time.Second

// storeWaiting is what they are told.
var storeWaiting = protocol.Encode(protocol.TypeError, protocol.Refused{Code: protocol.CodeStoreWaiting,
	Message: "The Congress's records are not answering. The last move waits until they do and is not lost; stay at your seat."})

// append journals rec. An append that takes longer than slowAppend (a
// store that stalls, a full disk) is waited for, since its outcome must
// be known before the lobby goes on, and everyone in the lobby is told
// so once.
func (l *actor) append(ctx context.Context, rec lobby.Record) error {
	if l.appended == nil {
		l.appended = make(chan error, 1)
	}
	done := l.appended
	l.srv.appenders.do(appendJob{ctx: ctx, code: l.code, rec: rec, done: done})
	if l.slow == nil {
		l.slow = time.NewTimer(slowAppend)
	} else {
		l.slow.Reset(slowAppend)
	}
	select {
	case err := <-done:
		l.slow.Stop()
		return err
	case <-l.slow.C:
	}
	for _, c := range l.members {
		c.enqueue(storeWaiting)
	}
	for c := range l.specs {
		c.enqueue(storeWaiting)
	}
	if l.holding != nil {
		l.holding.release() // its sender is told at once too
	}
	return <-done
}

// appendContext bounds an append: by the lobby's life, and in a cluster
// by this node's lease on the lobby, so that an append never outlives the
// ownership that allows it.
func (l *actor) appendContext() (context.Context, context.CancelFunc) {
	if d, ok := l.srv.dir.appendDeadline(l.code); ok {
		return context.WithDeadline(l.appends, d)
	}
	return context.WithCancel(l.appends)
}

// advance journals the passing of any deadline that is due at now.
func (l *actor) advance(now time.Time) error {
	if rec, due := l.st.Due(now); due {
		return l.commit(rec)
	}
	return nil
}

// play is the one way a game command enters, from a delegate, the host
// or a bot: deadlines first, then the engine's verdict, then commit.
func (l *actor) play(c game.Command) error {
	env := l.env()
	if err := l.advance(env.Now); err != nil {
		return err
	}
	rec, err := l.st.Act(c, env)
	if err != nil {
		return err
	}
	return l.commit(rec)
}

// request handles a message of an attached connection and returns its
// request ID.
func (l *actor) request(c *conn, msg protocol.Client) (int64, error) {
	key := protocol.RequestKey(msg)
	if answer, ok := l.answered(c.member, key); ok {
		return requestOf(msg), answer
	}
	l.req = requestKey{member: c.member, key: key}
	id, err := l.handleRequest(c, msg)
	l.req = requestKey{}
	l.remember(c.member, key, err)
	return id, err
}

func (l *actor) handleRequest(c *conn, msg protocol.Client) (int64, error) {
	switch m := msg.(type) {
	case protocol.Act:
		return m.ID, l.act(c, m)
	case protocol.Say:
		return m.ID, l.say(c, m)
	case protocol.Host:
		return m.ID, l.host(c, m)
	case protocol.Leave:
		return m.ID, l.leave(c)
	case protocol.Knock:
		return m.ID, l.knock(c, m)
	case protocol.Sit:
		return m.ID, l.sit(c, m)
	case protocol.Move:
		return m.ID, l.offerMove(c)
	case protocol.Review:
		return m.ID, l.review(c, m)
	case protocol.VoiceJoin, protocol.VoiceAnswer, protocol.VoiceMute, protocol.VoiceLeave:
		return l.voiceRequest(c, m)
	case protocol.Join, protocol.Resume, protocol.Watch:
		return 0, protocol.Errorf(protocol.CodeAlreadyIn, "This connection is already in a lobby. Open a new connection for another.")
	}
	return 0, protocol.Errorf(protocol.CodeUnknownType, "Unknown message type.")
}

// memberOf is the member behind a connection, nil for a spectator.
func (l *actor) memberOf(c *conn) *lobby.Member {
	if c.member == "" {
		return nil
	}
	return l.st.Member(c.member)
}

func (l *actor) act(c *conn, a protocol.Act) error {
	cmd, err := l.st.Command(l.memberOf(c), a)
	if err != nil {
		return err
	}
	return l.play(cmd)
}

func (l *actor) say(c *conn, s protocol.Say) error {
	rec, err := l.st.Say(l.memberOf(c), c.name, s.Channel, s.Text, l.env())
	if err != nil {
		return err
	}
	return l.commit(rec)
}

func (l *actor) leave(c *conn) error {
	me := l.memberOf(c)
	if me == nil {
		delete(l.specs, c)
		l.galleryMove = true
		l.lobbyDirty = l.lobbyDirty || c.knocked || c.admitted || c.sitting
		return nil
	}
	if err := l.commit(l.st.Leave(me, l.env())); err != nil {
		return err
	}
	delete(l.members, me.ID)
	delete(l.away, me.ID)
	l.noteEmpty()
	return nil
}

// attach takes a connection that said who it is: a new delegate, a
// returning one, or a spectator.
func (l *actor) attach(c *conn, hello protocol.Client) verdict {
	var err error
	switch h := hello.(type) {
	case protocol.Join:
		err = l.join(c, h)
	case protocol.Resume:
		err = l.resume(c, h)
	case protocol.Watch:
		err = l.watch(c, h)
	default:
		err = protocol.Errorf(protocol.CodeNotIdentified, "Say who you are first: join, resume or watch.")
	}
	if err != nil {
		if l.deposed {
			return moved
		}
		if err != errAnswered {
			c.refuse(0, err)
		}
		return refused
	}
	l.noteEmpty()
	return entered
}

func (l *actor) join(c *conn, j protocol.Join) error {
	if err := l.barred(j.Former); err != nil {
		return err
	}
	token, hash := newToken()
	rec, err := l.st.Join(j.Name, hash, l.env())
	if err != nil {
		return err
	}
	if err := l.commit(rec); err != nil {
		return err
	}
	c.member = rec.Member
	l.members[rec.Member] = c
	l.welcome(c, token)
	return nil
}

func (l *actor) resume(c *conn, r protocol.Resume) error {
	if r.Move != "" {
		return l.moveIn(c, r)
	}
	me := l.byToken(r.Token)
	if me == nil {
		if err := l.barred(r.Token); err != nil {
			return err
		}
		h := sha256.Sum256([]byte(r.Token))
		if err := l.st.Unseated(h[:]); err != nil {
			return err
		}
		return protocol.Errorf(protocol.CodeBadToken, "That pass does not open any place in lobby %s. Join it again with its code.", l.code)
	}
	if err := l.limitResume(c, me.ID); err != nil {
		return err
	}
	if old := l.members[me.ID]; old != nil && old != c {
		old.close(protocol.CodeReplaced, "You opened this place on another connection.", websocket.StatusNormalClosure, false)
	}
	return l.seatBack(c, me, "")
}

// seatBack welcomes a delegate back at their place on c (with a new pass,
// token, when their seat moved there), the bot that stood in for them
// handing the seat back.
func (l *actor) seatBack(c *conn, me *lobby.Member, token string) error {
	c.member = me.ID
	l.members[me.ID] = c
	delete(l.away, me.ID)
	l.greeting = c
	if rec, ok := l.st.HandBack(me, l.env()); ok {
		// The delegate is back: the bot hands the seat over.
		if err := l.commit(rec); err != nil {
			l.log.Warn("handing a seat back", "err", err)
		}
	}
	l.greeting = nil
	l.lobbyDirty = true
	l.welcome(c, token)
	l.tellWhileAway(c, me)
	return nil
}

// byToken finds the member a token opens, comparing hashes in constant time.
func (l *actor) byToken(token string) *lobby.Member {
	h := sha256.Sum256([]byte(token))
	var found *lobby.Member
	for _, m := range l.st.Members {
		if m.TokenHash != nil && subtle.ConstantTimeCompare(m.TokenHash, h[:]) == 1 {
			found = m
		}
	}
	return found
}

func (l *actor) watch(c *conn, w protocol.Watch) error {
	if len(l.specs) >= l.st.Settings.MaxSpectators {
		return protocol.Errorf(protocol.CodeGalleryFull, "The gallery of lobby %s is full.", l.code)
	}
	c.spectator, c.name, c.gallery = true, w.Name, l.galleryID()
	l.specs[c] = struct{}{}
	l.galleryMove = true
	l.welcome(c, "")
	return nil
}

func (l *actor) detach(c *conn) {
	l.voiceDetach(c)
	if c.spectator {
		if _, ok := l.specs[c]; ok {
			delete(l.specs, c)
			l.galleryMove = true
			l.lobbyDirty = l.lobbyDirty || c.knocked || c.admitted || c.sitting
		}
	} else if c.member != "" && l.members[c.member] == c {
		delete(l.members, c.member)
		l.away[c.member] = l.now()
		l.lobbyDirty = true
	}
	l.noteEmpty()
}

// noteEmpty starts or stops the idle clock.
func (l *actor) noteEmpty() {
	if len(l.members) > 0 {
		l.joined = true
	}
	if len(l.members)+len(l.specs) == 0 {
		if l.emptySince.IsZero() {
			l.emptySince = l.now()
		}
	} else {
		l.emptySince = time.Time{}
	}
}

// startIdleClock starts the idle clock of a lobby nobody is connected
// to yet: a new lobby's from now, a restored one's from its last activity
// (so that in a crash loop an abandoned lobby still closes), though never
// sooner than ResumeGrace from now, for its people to come back.
func (l *actor) startIdleClock() {
	now := l.now()
	l.emptySince = now
	if l.idleFrom.IsZero() {
		return
	}
	limit := l.idleLimit()
	earliest := now.Add(min(l.srv.opt.Limits.ResumeGrace, limit) - limit)
	l.emptySince = l.idleFrom
	if l.emptySince.Before(earliest) {
		l.emptySince = earliest
	}
}

// idleLimit is how long the lobby stays open with nobody connected: a
// lobby nobody came to, not long, so that lobbies opened and left by
// the thousand do not hold the server's cap for half an hour; one never
// played, longer; one that has seen a game, IdleLobby.
func (l *actor) idleLimit() time.Duration {
	lim := l.srv.opt.Limits
	limit := lim.IdleLobby
	if l.st.Matches > 0 {
		return limit
	}
	if lim.EmptyLobby > 0 {
		limit = min(limit, lim.EmptyLobby)
	}
	if lim.UnjoinedLobby > 0 && !l.joined && !l.st.JoinedBy() {
		limit = min(limit, lim.UnjoinedLobby)
	}
	return limit
}

// checkIdle closes a lobby nobody has been connected to for its idleLimit.
func (l *actor) checkIdle(now time.Time) {
	if l.emptySince.IsZero() || now.Before(l.emptySince.Add(l.idleLimit())) {
		return
	}
	if err := l.commit(l.st.Closing(lobby.Env{Now: now})); err != nil {
		l.emptySince = now // try again later
	}
}

// closeAll closes every connection with a Closing message.
func (l *actor) closeAll(code protocol.Code, msg string, status websocket.StatusCode) {
	for _, c := range l.members {
		c.close(code, msg, status, true)
	}
	for c := range l.specs {
		c.close(code, msg, status, true)
	}
	clear(l.members)
	clear(l.specs)
	l.closeVoice()
}

// newToken makes a 256-bit token and its SHA-256 hash.
func newToken() (string, []byte) {
	token := randomToken()
	h := sha256.Sum256([]byte(token))
	return token, h[:]
}

func newMatchID() string { return uuid.NewString() }

// errorOf is the *Error behind err.
func errorOf(err error) (*protocol.Error, bool) {
	var e *protocol.Error
	ok := errors.As(err, &e)
	return e, ok
}
