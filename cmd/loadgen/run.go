package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"congress/game"
	"congress/protocol"
)

// Targets: the real server, or the baseline fan-out of this tool.
const (
	targetServer   = "server"
	targetBaseline = "baseline"
)

// Config is one run's shape. Flags fill it; tests set it directly.
type Config struct {
	Addr       string // host:port of the server under load
	Target     string // targetServer or targetBaseline
	Lobbies    int
	Delegates  int           // per lobby, the host included
	Spectators int           // per lobby
	Rate       float64       // intended commands per second per lobby
	Duration   time.Duration // the measurement window (idle: how long to hold)
	Warmup     time.Duration // before the window: games start, staggered over it
	Drain      time.Duration // after the window, how long running games may take to finish
	Timeout    time.Duration // a command not delivered everywhere by then is lost
	Idle       bool          // connect and hold; no games
	Settle     time.Duration // idle: wait before reading the server's memory
	Sources    int           // loopback source addresses per process
	Procs      int           // worker processes
	Worker     int           // this worker's index (workers only)
	Movers     string        // "easy", "normal" or "simple"
	Seed       uint64
	Debate     int    // Debate timer, seconds; the other timers are fixed short
	Dials      int    // connections opened at once
	Profile    string // this tool's CPU profile, if wanted
	Progress   io.Writer
}

// settings are the lobby's game settings: short timers, so games end in a
// minute or two, and a gallery large enough for the run's spectators.
func (c *Config) settings() protocol.Settings {
	s := protocol.SettingsOf(game.DefaultConfig(), max(protocol.DefaultMaxSpectators, c.Spectators))
	s.DebateSeconds = c.Debate
	s.ChairPickSeconds = 2
	s.DefenceSeconds = 1
	s.VoteSeconds = 5
	s.ConfessionSeconds = 2
	s.NightSeconds = 3
	s.FinalBallotSeconds = 5
	return s
}

func (c *Config) check() error {
	switch {
	case c.Target != targetServer && c.Target != targetBaseline:
		return fmt.Errorf("unknown target %q", c.Target)
	case len(splitAddrs(c.Addr)) == 0:
		return fmt.Errorf("-addr names no server")
	case c.Lobbies < 1 || c.Spectators < 0:
		return fmt.Errorf("need at least one lobby and no negative spectators")
	case c.Delegates < game.MinSeats || c.Delegates > game.MaxSeats:
		return fmt.Errorf("-delegates must be %d to %d", game.MinSeats, game.MaxSeats)
	case c.Rate <= 0:
		return fmt.Errorf("-rate must be positive")
	case c.Debate < 1:
		return fmt.Errorf("-debate is at least 1 second")
	}
	return checkMover(c.Movers)
}

// runner is one process's share of a run: its lobbies and connections.
type runner struct {
	cfg     Config
	rec     *recorder
	dial    *dialer
	lobbies []*lobby
	closing atomic.Bool
	readers sync.WaitGroup
}

// newRunner takes the lobbies of worker w of procs: every procs-th one.
func newRunner(cfg Config) *runner {
	r := &runner{cfg: cfg, rec: newRecorder()}
	r.dial = newDialer(cfg.Addr, sourceAddrs(cfg.Sources, cfg.Worker))
	procs := max(cfg.Procs, 1)
	for i := cfg.Worker; i < cfg.Lobbies; i += procs {
		l := &lobby{run: r, index: i, idle: make(chan struct{}, 1)}
		r.lobbies = append(r.lobbies, l)
	}
	res := &r.rec.r
	res.Target, res.Lobbies, res.Delegates, res.Spectators = cfg.Target, len(r.lobbies), cfg.Delegates, cfg.Spectators
	res.Rate, res.Procs, res.Sources = cfg.Rate, procs, cfg.Sources
	res.Mode = "play"
	if cfg.Idle {
		res.Mode = "idle"
	}
	res.ConnsWanted = len(r.lobbies) * (cfg.Delegates + cfg.Spectators)
	return r
}

// setup opens every lobby and connects every member: the host first (it
// opened the lobby over HTTP), then the delegates, then the spectators.
func (r *runner) setup(ctx context.Context) {
	began := time.Now()
	sem := make(chan struct{}, max(r.cfg.Dials, 1))
	var wg sync.WaitGroup
	for k, l := range r.lobbies {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			r.setupLobby(ctx, k, l, sem)
		}()
	}
	wg.Wait()
	r.rec.update(true, func(res *Result) { res.ConnectSeconds = time.Since(began).Seconds() })
}

// setupLobby sets up this process's k-th lobby. It holds one slot of sem
// on entry and gives it back on return.
//
// Source addresses are dealt round-robin, so each holds as few
// connections, and opens as few lobbies, as their number allows: the
// server caps both per address.
func (r *runner) setupLobby(ctx context.Context, k int, l *lobby, sem chan struct{}) {
	release := func() { <-sem }
	members := r.cfg.Delegates + r.cfg.Spectators
	connIndex := func(j int) int { return k*members + j }
	created, err := r.dial.createLobby(ctx, k, protocol.CreateLobby{Name: "host", Settings: ptr(r.cfg.settings())})
	if err != nil {
		release()
		r.rec.connFailure(failureKind(err))
		return
	}
	l.code = created.Code
	host := &conn{l: l, name: "host", host: true, seat: game.NoSeat}
	if !r.connect(ctx, host, connIndex(0), protocol.Resume{Lobby: created.Code, Token: created.Token}) {
		release()
		return
	}
	release()

	var mu sync.Mutex
	var wg sync.WaitGroup
	add := func(c *conn, j int, hello protocol.Client) {
		defer wg.Done()
		sem <- struct{}{}
		defer func() { <-sem }()
		if r.connect(ctx, c, connIndex(j), hello) {
			mu.Lock()
			if c.spectator {
				l.all = append(l.all, c)
			} else {
				l.delegates = append(l.delegates, c)
			}
			mu.Unlock()
		}
	}
	l.delegates = []*conn{host}
	for d := 1; d < r.cfg.Delegates; d++ {
		c := &conn{l: l, name: fmt.Sprintf("delegate %d", d), seat: game.NoSeat}
		wg.Add(1)
		go add(c, d, protocol.Join{Lobby: l.code, Name: c.name})
	}
	wg.Wait()
	for s := range r.cfg.Spectators {
		c := &conn{l: l, name: fmt.Sprintf("spectator %d", s), spectator: true, seat: game.NoSeat}
		wg.Add(1)
		go add(c, r.cfg.Delegates+s, protocol.Watch{Lobby: l.code, Name: c.name})
	}
	wg.Wait()
	l.all = append(append([]*conn{}, l.delegates...), l.all...)
}

// connect opens c and starts its reader.
func (r *runner) connect(ctx context.Context, c *conn, i int, hello protocol.Client) bool {
	ws, w, err := r.dial.open(ctx, i, hello)
	if err != nil {
		r.rec.connFailure(failureKind(err))
		return false
	}
	c.ws, c.you = ws, w.You
	if c.host {
		c.l.onLobby(&w.Lobby)
	}
	r.rec.connected()
	r.readers.Add(1)
	go func() {
		defer r.readers.Done()
		// Closing the connection ends its reads; a context that can never
		// be cancelled spares coder/websocket a watcher per read.
		c.readLoop(context.Background())
	}()
	return true
}

func ptr[T any](v T) *T { return &v }

// play drives every lobby from start. Games start staggered over the
// warm-up, so that lobbies do not change phase in step; the window then
// runs for cfg.Duration, and running games play out for up to cfg.Drain.
// atStart and atEnd run when the window opens and closes (to read the
// server's counters then).
func (r *runner) play(ctx context.Context, start time.Time, atStart, atEnd func()) {
	w := window{start: start.Add(r.cfg.Warmup)}
	w.end = w.start.Add(r.cfg.Duration)
	w.drainEnd = w.end.Add(r.cfg.Drain)
	interval := time.Duration(float64(time.Second) / r.cfg.Rate)
	spread := max(r.cfg.Warmup, interval)
	var wg sync.WaitGroup
	for _, l := range r.lobbies {
		if len(l.delegates) < r.cfg.Delegates && r.cfg.Target == targetServer {
			continue // a lobby that could not seat everyone never starts
		}
		// The golden ratio deals lobby i a start that is far from those of
		// lobbies i±1, and evenly spread over the warm-up for any count.
		_, frac := math.Modf(float64(l.index) * 0.6180339887498949)
		first := start.Add(time.Duration(frac * float64(spread)))
		wg.Add(1)
		go func() {
			defer wg.Done()
			l.drive(ctx, first, w)
		}()
	}
	if !sleepUntil(ctx, w.start) {
		wg.Wait()
		return
	}
	cpu0 := selfCPU()
	r.rec.setRecording(true)
	if atStart != nil {
		atStart()
	}
	stop := r.progress(ctx, w.start, w.end)
	sleepUntil(ctx, w.end)
	r.rec.setRecording(false)
	stop()
	cpu := selfCPU() - cpu0
	r.rec.update(true, func(res *Result) {
		res.Window = r.cfg.Duration.Seconds()
		res.SelfCPU = cpu
	})
	if atEnd != nil {
		atEnd()
	}
	wg.Wait()
	for _, l := range r.lobbies {
		l.mu.Lock()
		if !l.played && r.cfg.Target == targetServer {
			r.rec.update(true, func(res *Result) { res.Stuck++ })
		}
		l.mu.Unlock()
	}
}

// window is a run's timeline after its warm-up.
type window struct {
	start, end time.Time // commands intended in [start, end) are measured
	drainEnd   time.Time // running games may finish until then
}

// hold keeps idle connections open until ctx ends or d passes.
func (r *runner) hold(ctx context.Context, d time.Duration) {
	cpu0 := selfCPU()
	r.rec.setRecording(true)
	sleepUntil(ctx, time.Now().Add(d))
	r.rec.setRecording(false)
	cpu := selfCPU() - cpu0
	r.rec.update(true, func(res *Result) {
		res.Window = d.Seconds()
		res.SelfCPU = cpu
	})
}

// progress prints a line every 10 s of the window, if asked to.
func (r *runner) progress(ctx context.Context, start, end time.Time) (stop func()) {
	if r.cfg.Progress == nil {
		return func() {}
	}
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(10 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case now := <-t.C:
				res := r.rec.result()
				fmt.Fprintf(r.cfg.Progress, "loadgen: %3.0fs  commands %d  completed %d  lost %d  messages %d  p99 %s  protocol errors %d\n",
					now.Sub(start).Seconds(), res.Commands, res.Completed, res.Lost, res.Messages,
					ms(res.Latency.Quantile(0.99)), res.ProtoErrs.Total())
			}
		}
	}()
	return func() { close(done) }
}

// close ends every connection with a normal close.
func (r *runner) close() {
	r.closing.Store(true)
	sem := make(chan struct{}, 256)
	var wg sync.WaitGroup
	for _, l := range r.lobbies {
		for _, c := range l.all {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				c.ws.Close(websocket.StatusNormalClosure, "load test over")
				c.ws.CloseNow()
			}()
		}
	}
	wg.Wait()
	r.readers.Wait()
}

func (r *runner) result() *Result { return r.rec.result() }
