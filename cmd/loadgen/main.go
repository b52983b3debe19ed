// Command loadgen puts a Congress of Victors server under load through its
// public protocol only: N lobbies of M delegates and S spectators, each a
// real WebSocket client, playing whole games with short timers. Its
// delegates are bots (package bot) that decide from the views they
// receive; one command per lobby is in flight at a time, at intended
// times -rate per second apart, and a command's latency runs from its
// intended send time (not the time it was finally sent, which would hide
// the server's stalls) to the moment the last connection of the lobby
// that should see its effect received it.
//
// It reports connections established, commands/s, messages delivered/s,
// p50/p99/p99.9 latency, protocol errors, games finished, and the
// server's CPU seconds and memory (from /proc/PID when given -pid, or
// from a Prometheus -metrics URL).
//
// The floor: -baseline-serve ADDR runs a plain coder/websocket fan-out
// that answers each act with pre-encoded messages of the game's sizes and
// no game logic; -baseline measures it and -compare measures it and then
// the real server with the same shape and rate, and prints the server's
// CPU per delivered message as a multiple of the floor's. With -node DIR
// it first measures a bare Node `ws` relay in the same protocol
// (noderelay/relay.mjs; `npm ci` in that folder installs its ws), the
// stand-in for the servers of the peers that are built on Node.
//
// Usage:
//
//	loadgen -addr 127.0.0.1:8080 -pid $(pgrep -x congress) -lobbies 50 -duration 60s
//	loadgen -idle -lobbies 750 -procs 2 -sources 64 -addr ... -pid ...
//	loadgen -compare -lobbies 200 -procs 2 -sources 16 -addr ... -pid ...
//	(cd cmd/loadgen/noderelay && npm ci) && loadgen -compare -node cmd/loadgen/noderelay ...
//	loadgen -addr 127.0.0.1:8081,127.0.0.1:8082,127.0.0.1:8083 -pid P1,P2,P3 ...
//	loadgen -baseline-serve 127.0.0.1:9090
//
// One process holds at most the hard RLIMIT_NOFILE of connections (it
// raises its soft limit to that): -procs K re-executes the tool as K
// workers, each with every K-th lobby, and merges their results; -sources
// N spreads each worker's connections over N loopback source addresses
// (127.W.x.y), so per-address caps of the server are not what is measured.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := Main(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

// options are the flags beyond one run's Config.
type options struct {
	cfg      Config
	pids     string
	metrics  string
	baseline bool   // measure the baseline only
	compare  bool   // measure the baseline, then the server
	node     string // with compare: the Node relay's folder, measured first
	serve    string
	sizes    Baseline
	jsonOut  string
	worker   int // ≥ 0: this process is worker number worker
	// baselineRate is the baseline's command rate if not -rate: the
	// baseline always has a move, the game not, so the same actual rate
	// takes a higher -rate for the server.
	baselineRate float64
	verbose      bool
}

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	c := &o.cfg
	fs := flag.NewFlagSet("loadgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.Addr, "addr", "127.0.0.1:8080", "`host:port` of the server under load; several, comma-separated, for the nodes of a cluster (lobbies and connections are dealt round-robin)")
	fs.StringVar(&o.pids, "pid", "", "the server's process ID, to read its CPU and memory from /proc; several, comma-separated, are summed")
	fs.StringVar(&o.metrics, "metrics", "", "the server's Prometheus `URL`, read when -pid is not given")
	fs.StringVar(&c.Target, "target", targetServer, "what -addr is: server (congress) or baseline (loadgen -baseline-serve)")
	fs.IntVar(&c.Lobbies, "lobbies", 50, "lobbies")
	fs.IntVar(&c.Delegates, "delegates", 10, "delegates per lobby (5 to 12), the host among them")
	fs.IntVar(&c.Spectators, "spectators", 10, "spectators per lobby")
	fs.Float64Var(&c.Rate, "rate", 2, "intended commands per second per lobby")
	fs.DurationVar(&c.Duration, "duration", 60*time.Second, "measurement window (with -idle: how long to hold the connections)")
	fs.DurationVar(&c.Warmup, "warmup", 20*time.Second, "before the window: lobbies start their games staggered over it, so that they do not change phase in step")
	fs.DurationVar(&c.Drain, "drain", 120*time.Second, "after the window, how long running games may take to finish")
	fs.DurationVar(&c.Timeout, "timeout", 10*time.Second, "a command not delivered to every recipient by then is lost")
	fs.BoolVar(&c.Idle, "idle", false, "connect every delegate and spectator, hold, and report the server's memory per connection")
	fs.DurationVar(&c.Settle, "settle", 5*time.Second, "with -idle: wait this long after connecting before reading the server's memory")
	fs.IntVar(&c.Sources, "sources", 1, "loopback source addresses per process (127.W.x.y)")
	fs.IntVar(&c.Procs, "procs", 1, "worker processes")
	fs.StringVar(&c.Movers, "movers", "easy", "how delegates play: easy or normal (package bot) or simple (the first move its view lists)")
	fs.Uint64Var(&c.Seed, "seed", 1, "seed of the delegates' decisions")
	fs.IntVar(&c.Debate, "debate", 5, "Debate timer in seconds (the other timers: chair 2, defence 1, vote 5, confession 2, night 3, final ballot 5)")
	fs.IntVar(&c.Dials, "dials", 64, "connections opened at once")
	fs.BoolVar(&o.baseline, "baseline", false, "measure this tool's baseline server (started as a child process) instead of -addr")
	fs.BoolVar(&o.compare, "compare", false, "measure the baseline, then the server at -addr, and compare their CPU per delivered message")
	fs.StringVar(&o.node, "node", "", "with -compare: measure first the bare Node `ws` relay in `dir` (cmd/loadgen/noderelay, after npm ci there), in the baseline's protocol")
	fs.StringVar(&o.serve, "baseline-serve", "", "serve the baseline on `addr` (host:port) until interrupted")
	fs.Float64Var(&o.baselineRate, "baseline-rate", 0, "the baseline's commands per second per lobby (default: -rate); a game has no move at some intended sends, the baseline always has")
	fs.IntVar(&o.sizes.DelegateBytes, "delegate-bytes", 2209, "baseline: size of a delegate's game message")
	fs.IntVar(&o.sizes.SpectatorBytes, "spectator-bytes", 1976, "baseline: size of a spectator's game message")
	fs.StringVar(&o.jsonOut, "json", "", "write the result(s) as JSON to `file`")
	fs.BoolVar(&o.verbose, "v", true, "print progress every 10 s")
	fs.StringVar(&c.Profile, "cpuprofile", "", "write this tool's CPU profile to `file` (workers: file.N)")
	fs.IntVar(&o.worker, "worker", -1, "internal: run as worker number N of -procs")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if o.verbose {
		c.Progress = stderr
	}
	return o, nil
}

// Main runs loadgen with args, printing the report to stdout.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if _, err := raiseFileLimit(); err != nil {
		fmt.Fprintln(stderr, "loadgen: cannot raise the file limit:", err)
	}
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	if o.cfg.Profile != "" && (o.worker >= 0 || o.cfg.Procs <= 1) {
		name := o.cfg.Profile
		if o.worker >= 0 {
			name += "." + strconv.Itoa(o.worker)
		}
		f, err := os.Create(name)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if o.serve != "" {
		return serveBaseline(ctx, o.serve, &o.sizes, func(addr string) {
			fmt.Fprintln(stdout, "LISTENING", addr)
		})
	}
	if o.worker >= 0 {
		o.cfg.Worker = o.worker
		if o.worker != 0 {
			o.cfg.Progress = nil
		}
		return runWorker(ctx, o.cfg, os.Stdin, stdout)
	}
	if err := o.cfg.check(); err != nil {
		return err
	}
	if _, err := parsePIDs(o.pids); err != nil {
		return err
	}
	var out any
	switch {
	case o.compare:
		var node *Result
		if o.node != "" {
			if node, err = o.measureNode(ctx, stderr); err != nil {
				return err
			}
		}
		base, err := o.measureBaseline(ctx, stderr)
		if err != nil {
			return err
		}
		server, err := measure(ctx, o.cfg, newProber(o.pids, o.metrics), stderr)
		if err != nil {
			return err
		}
		c := comparison{Node: node, Baseline: base, Server: server}
		c.finish()
		c.Print(stdout)
		out = c
	case o.baseline:
		res, err := o.measureBaseline(ctx, stderr)
		if err != nil {
			return err
		}
		res.Print(stdout)
		out = res
	default:
		res, err := measure(ctx, o.cfg, newProber(o.pids, o.metrics), stderr)
		if err != nil {
			return err
		}
		res.Print(stdout)
		out = res
	}
	if o.jsonOut != "" {
		b, _ := json.MarshalIndent(out, "", "  ")
		return os.WriteFile(o.jsonOut, append(b, '\n'), 0o644)
	}
	return nil
}

// measureBaseline starts the baseline as a child process (so /proc shows
// its cost alone), measures it, and stops it.
func (o *options) measureBaseline(ctx context.Context, stderr io.Writer) (*Result, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	return o.measureChild(ctx, exec.CommandContext(ctx, self, "-baseline-serve", "127.0.0.1:0",
		"-delegate-bytes", strconv.Itoa(o.sizes.DelegateBytes),
		"-spectator-bytes", strconv.Itoa(o.sizes.SpectatorBytes)), stderr)
}

// measureNode is measureBaseline for the Node relay in o.node.
func (o *options) measureNode(ctx context.Context, stderr io.Writer) (*Result, error) {
	if _, err := os.Stat(filepath.Join(o.node, "node_modules", "ws")); err != nil {
		return nil, fmt.Errorf("the Node relay needs ws: run npm ci in %s (%v)", o.node, err)
	}
	return o.measureChild(ctx, exec.CommandContext(ctx, "node", filepath.Join(o.node, "relay.mjs"), "--listen", "127.0.0.1:0",
		"--delegate-bytes", strconv.Itoa(o.sizes.DelegateBytes),
		"--spectator-bytes", strconv.Itoa(o.sizes.SpectatorBytes)), stderr)
}

// measureChild starts a server in the baseline's protocol that prints
// "LISTENING addr", measures it from /proc, and stops it.
func (o *options) measureChild(ctx context.Context, cmd *exec.Cmd, stderr io.Writer) (*Result, error) {
	cmd.Stderr = stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	defer func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	}()
	line, err := bufio.NewReader(out).ReadString('\n')
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "LISTENING ")
	if err != nil || !ok {
		return nil, fmt.Errorf("%s did not start: %q %v", cmd.Path, line, err)
	}
	cfg := o.cfg
	cfg.Addr, cfg.Target = addr, targetBaseline
	if o.baselineRate > 0 {
		cfg.Rate = o.baselineRate
	}
	return measure(ctx, cfg, procProber(cmd.Process.Pid), stderr)
}

// comparison is -compare's result: the server's CPU per delivered message
// as a multiple of the floor's, and of the Node relay's if measured.
type comparison struct {
	Node      *Result `json:"node,omitempty"`
	Baseline  *Result `json:"baseline"`
	Server    *Result `json:"server"`
	CPURatio  float64 `json:"cpu_per_message_ratio"`
	NodeRatio float64 `json:"cpu_per_message_ratio_node,omitempty"`
}

func (c *comparison) finish() {
	if b := c.Baseline.CPUPerMessage(); b > 0 {
		c.CPURatio = float64(c.Server.CPUPerMessage()) / float64(b)
	}
	if c.Node != nil {
		if n := c.Node.CPUPerMessage(); n > 0 {
			c.NodeRatio = float64(c.Server.CPUPerMessage()) / float64(n)
		}
	}
}

func (c *comparison) Print(w io.Writer) {
	if c.Node != nil {
		fmt.Fprintln(w, "Node ws relay:")
		c.Node.Print(w)
	}
	c.Baseline.Print(w)
	c.Server.Print(w)
	fmt.Fprintf(w, "server CPU per delivered message: %.2f µs, floor %.2f µs: %.2f× the floor\n",
		float64(c.Server.CPUPerMessage())/1e3, float64(c.Baseline.CPUPerMessage())/1e3, c.CPURatio)
	if c.Node != nil {
		fmt.Fprintf(w, "Node ws relay %.2f µs per delivered message: the server %.2f× it\n",
			float64(c.Node.CPUPerMessage())/1e3, c.NodeRatio)
	}
}

// measure runs one load: in this process, or in cfg.Procs workers.
func measure(ctx context.Context, cfg Config, p prober, stderr io.Writer) (*Result, error) {
	if cfg.Procs > 1 {
		return measureProcs(ctx, cfg, p, stderr)
	}
	r := newRunner(cfg)
	sample := sampler(ctx, p, stderr)
	var before procSample
	if cfg.Idle {
		before = sample()
	}
	r.setup(ctx)
	var s0, s1 procSample
	if cfg.Idle {
		sleepUntil(ctx, time.Now().Add(cfg.Settle))
		s0 = sample()
		r.hold(ctx, cfg.Duration)
		s1 = sample()
		s1.rss = s0.rss // idle: the memory that every connection open holds
	} else {
		r.play(ctx, time.Now(), func() { s0 = sample() }, func() { s1 = sample() })
	}
	r.close()
	if !cfg.Idle {
		before = s0
	}
	res := r.result()
	res.addCosts(p, before, s0, s1)
	return res, ctx.Err()
}

// sampler reads the server and the machine.
func sampler(ctx context.Context, p prober, stderr io.Writer) func() procSample {
	return func() procSample {
		var s procSample
		if p != nil {
			var err error
			if s, err = p.sample(ctx); err != nil {
				fmt.Fprintln(stderr, "loadgen: reading the server:", err)
			}
		}
		s.machine = machineBusy()
		return s
	}
}

// addCosts records the server's and the machine's CPU between s0 and s1,
// and the server's memory before (idle: before any connection) and at s1.
func (r *Result) addCosts(p prober, before, s0, s1 procSample) {
	r.MachineCPU = s1.machine - s0.machine
	r.CPUs = runtime.NumCPU()
	if p != nil {
		r.Server = &ProcStats{Source: p.source(), CPU: s1.cpu - s0.cpu, RSSBefore: before.rss, RSSAfter: s1.rss}
	}
}

// runWorker is one worker of a -procs run: connect, say READY, wait for
// "GO <unix nanoseconds>", run, and print the result as one JSON line.
func runWorker(ctx context.Context, cfg Config, in io.Reader, out io.Writer) error {
	r := newRunner(cfg)
	r.setup(ctx)
	fmt.Fprintln(out, "READY")
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil {
		r.close()
		return fmt.Errorf("waiting for GO: %w", err)
	}
	ns, err := strconv.ParseInt(strings.TrimSpace(strings.TrimPrefix(line, "GO ")), 10, 64)
	if err != nil {
		r.close()
		return fmt.Errorf("bad GO line %q", line)
	}
	start := time.Unix(0, ns)
	if cfg.Idle {
		sleepUntil(ctx, start)
		r.hold(ctx, cfg.Duration)
	} else {
		r.play(ctx, start, nil, nil)
	}
	r.close()
	return writeJSON(out, r.result())
}

// args renders cfg as the flags of a worker.
func (c *Config) args(worker int) []string {
	return []string{
		"-worker", strconv.Itoa(worker),
		"-addr", c.Addr,
		"-target", c.Target,
		"-lobbies", strconv.Itoa(c.Lobbies),
		"-delegates", strconv.Itoa(c.Delegates),
		"-spectators", strconv.Itoa(c.Spectators),
		"-rate", strconv.FormatFloat(c.Rate, 'g', -1, 64),
		"-duration", c.Duration.String(),
		"-warmup", c.Warmup.String(),
		"-drain", c.Drain.String(),
		"-timeout", c.Timeout.String(),
		"-idle=" + strconv.FormatBool(c.Idle),
		"-settle", c.Settle.String(),
		"-sources", strconv.Itoa(c.Sources),
		"-procs", strconv.Itoa(c.Procs),
		"-movers", c.Movers,
		"-seed", strconv.FormatUint(c.Seed, 10),
		"-debate", strconv.Itoa(c.Debate),
		"-dials", strconv.Itoa(c.Dials),
		"-v=" + strconv.FormatBool(c.Progress != nil),
		"-cpuprofile=" + c.Profile,
	}
}

// measureProcs runs cfg over cfg.Procs worker processes and merges their
// results; it alone reads the server, at the window's edges.
func measureProcs(ctx context.Context, cfg Config, p prober, stderr io.Writer) (*Result, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	sample := sampler(ctx, p, stderr)
	var before procSample
	if cfg.Idle {
		before = sample()
	}
	type worker struct {
		cmd *exec.Cmd
		in  io.WriteCloser
		out *bufio.Reader
	}
	var workers []worker
	defer func() {
		for _, w := range workers {
			_ = w.cmd.Process.Kill()
			_ = w.cmd.Wait()
		}
	}()
	for i := range cfg.Procs {
		cmd := exec.CommandContext(ctx, self, cfg.args(i)...)
		cmd.Stderr = stderr
		in, err := cmd.StdinPipe()
		if err != nil {
			return nil, err
		}
		out, err := cmd.StdoutPipe()
		if err != nil {
			return nil, err
		}
		if err := cmd.Start(); err != nil {
			return nil, err
		}
		workers = append(workers, worker{cmd, in, bufio.NewReaderSize(out, 1<<20)})
	}
	for i, w := range workers {
		line, err := w.out.ReadString('\n')
		if strings.TrimSpace(line) != "READY" {
			return nil, fmt.Errorf("worker %d: %q %v", i, line, err)
		}
	}
	var s0, s1 procSample
	if cfg.Idle {
		sleepUntil(ctx, time.Now().Add(cfg.Settle))
		s0 = sample()
	}
	start := time.Now().Add(100 * time.Millisecond)
	for _, w := range workers {
		fmt.Fprintf(w.in, "GO %d\n", start.UnixNano())
	}
	if !cfg.Idle {
		start = start.Add(cfg.Warmup)
		sleepUntil(ctx, start)
		s0 = sample()
	}
	sleepUntil(ctx, start.Add(cfg.Duration))
	s1 = sample()
	if cfg.Idle {
		s1.rss = s0.rss
	}
	total := &Result{}
	for i, w := range workers {
		line, err := w.out.ReadString('\n')
		if err != nil {
			return nil, fmt.Errorf("worker %d: %w", i, err)
		}
		var res Result
		if err := json.Unmarshal([]byte(line), &res); err != nil {
			return nil, fmt.Errorf("worker %d: %w", i, err)
		}
		if i == 0 {
			total = &res
		} else {
			total.merge(&res)
		}
	}
	if !cfg.Idle {
		before = s0
	}
	total.addCosts(p, before, s0, s1)
	for _, w := range workers {
		if err := w.cmd.Wait(); err != nil && !errors.Is(err, os.ErrProcessDone) {
			return total, fmt.Errorf("worker: %w", err)
		}
	}
	workers = nil
	return total, nil
}
