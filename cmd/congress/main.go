// Command congress serves Congress of Victors: the browser client, the
// HTTP API and the WebSocket game server, in one binary.
//
//	congress [--listen :8080] [--data ./data] [--origins host,...] [--log-level info] [--base-url URL] [--metrics-from CIDR,...]
//	         [--nats URL,... [--node-id NAME] [--lease-ttl 10s]] [--retention 720h] [--trusted-proxies CIDR,...]
//	         [--pprof ADDR]
//	congress healthcheck
//	congress verify MATCH.json
//
// Every flag has an environment variable (CONGRESS_LISTEN, CONGRESS_DATA,
// CONGRESS_ORIGINS, CONGRESS_LOG_LEVEL, CONGRESS_BASE_URL,
// CONGRESS_METRICS_FROM, CONGRESS_NATS, CONGRESS_NODE_ID,
// CONGRESS_LEASE_TTL, CONGRESS_RETENTION, CONGRESS_TRUSTED_PROXIES,
// CONGRESS_PPROF); a flag given on the command line wins over its
// variable. SIGINT or SIGTERM shuts the server down
// gracefully: clients are told to reconnect.
//
// congress verify checks a finished match's file (GET
// /api/matches/{id}/file): its seed against the commitment published at
// the deal, and its deal, log and ending against the engine playing its
// steps again (see protocol/README.md).
//
// With --nats the server is a node of a cluster: every node given the
// same NATS cluster serves every lobby, each lobby run by one of them
// (see docs/DEPLOY.md). SIGUSR1 (or POST /admin/drain) drains a node: it
// hands its lobbies to the others and sends its clients to them.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"net/netip"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"congress/server"
	"congress/server/store"
	"congress/server/voice"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if len(os.Args) > 1 && os.Args[1] == "healthcheck" {
		os.Exit(healthcheck(os.Getenv("CONGRESS_LISTEN")))
	}
	if len(os.Args) > 1 && os.Args[1] == "verify" {
		os.Exit(verify(os.Args[2:], os.Stdout, os.Stderr))
	}
	m, err := ParseFlags(os.Args[1:], os.Getenv, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "congress:", err)
		os.Exit(2)
	}
	if err := m.Run(ctx); err != nil {
		m.Log.Error("congress stopped", "err", err)
		os.Exit(1)
	}
}

// Main is the program: its configuration, then Run.
type Main struct {
	// Voice and TURN carry the lobbies' voice (nil: none).
	Voice    *voice.Config
	TURN     *voice.TURNConfig
	Listen   string
	DataDir  string
	Origins  []string
	LogLevel slog.Level
	BaseURL  string
	// MetricsFrom are the networks that may read /metrics (and POST
	// /admin/drain).
	MetricsFrom []netip.Prefix
	// TrustedProxies are the load balancers whose X-Forwarded-For names
	// the client.
	TrustedProxies []netip.Prefix
	// ConnsPerIP and LobbiesPerIP are the per-address caps on open
	// WebSockets and on lobbies opened per window.
	ConnsPerIP   int
	LobbiesPerIP int
	// NATS is an external NATS server or cluster (comma-separated URLs);
	// empty runs an embedded one storing under DataDir.
	NATS string
	// NodeID names this node in a cluster; empty: the host name and the
	// listening port.
	NodeID string
	// LeaseTTL is how long a lobby outlives its node before another node
	// takes it over (cluster mode).
	LeaseTTL time.Duration
	// Retention is how long finished matches are kept.
	Retention time.Duration
	// Pprof is an address serving the Go profiler (net/http/pprof) on a
	// listener of its own, for measuring; empty (the default) serves none.
	// It is not for the public: bind it to loopback.
	Pprof string
	Log   *slog.Logger
}

// ParseFlags reads the flags, each defaulting to its environment variable.
func ParseFlags(args []string, getenv func(string) string, stderr io.Writer) (*Main, error) {
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	fs := flag.NewFlagSet("congress", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", env("CONGRESS_LISTEN", ":8080"), "address to listen on (env CONGRESS_LISTEN)")
	data := fs.String("data", env("CONGRESS_DATA", "./data"), "data directory (env CONGRESS_DATA)")
	origins := fs.String("origins", env("CONGRESS_ORIGINS", ""), "comma-separated extra origins allowed to open a WebSocket, as host patterns like game.example.org or *.example.org; the server's own origin is always allowed (env CONGRESS_ORIGINS)")
	level := fs.String("log-level", env("CONGRESS_LOG_LEVEL", "info"), "log level: debug, info, warn or error (env CONGRESS_LOG_LEVEL)")
	base := fs.String("base-url", env("CONGRESS_BASE_URL", ""), "public base URL for invite links, like https://congress.example.org; empty: the address the browser used (env CONGRESS_BASE_URL)")
	metrics := fs.String("metrics-from", env("CONGRESS_METRICS_FROM", "127.0.0.0/8,::1/128"), "comma-separated client networks (CIDR) allowed to read /metrics and to POST /admin/drain (env CONGRESS_METRICS_FROM)")
	conns := fs.Int("max-conns-per-ip", envInt(getenv, "CONGRESS_MAX_CONNS_PER_IP", server.DefaultLimits().ConnsPerIP), "open WebSocket connections allowed per client address (env CONGRESS_MAX_CONNS_PER_IP)")
	lobbies := fs.Int("max-lobbies-per-ip", envInt(getenv, "CONGRESS_MAX_LOBBIES_PER_IP", server.DefaultLimits().LobbiesPerIP), "lobbies one client address may open per 10 minutes (env CONGRESS_MAX_LOBBIES_PER_IP)")
	proxies := fs.String("trusted-proxies", env("CONGRESS_TRUSTED_PROXIES", ""), "comma-separated networks (CIDR) of the load balancers in front: from them the client's address is read from X-Forwarded-For, for the per-address limits, and the scheme of invite links from X-Forwarded-Proto; empty trusts no header (env CONGRESS_TRUSTED_PROXIES)")
	natsURL := fs.String("nats", env("CONGRESS_NATS", ""), "comma-separated URLs of an external NATS server or cluster with JetStream; empty: an embedded NATS server storing in --data (env CONGRESS_NATS)")
	retention := fs.String("retention", env("CONGRESS_RETENTION", "720h"), "how long finished matches are kept for the history and replays (env CONGRESS_RETENTION)")
	nodeID := fs.String("node-id", env("CONGRESS_NODE_ID", ""), "with --nats: this node's name in the cluster, unique, letters, digits, - and _; empty: the host name and the listening port (env CONGRESS_NODE_ID)")
	leaseTTL := fs.String("lease-ttl", env("CONGRESS_LEASE_TTL", "10s"), "with --nats: how long a lobby outlives a node that died before another node takes it over; the first node of a cluster sets it for all (env CONGRESS_LEASE_TTL)")
	pprofAddr := fs.String("pprof", env("CONGRESS_PPROF", ""), "address like 127.0.0.1:6060 serving the Go profiler (/debug/pprof/) on a listener of its own; empty: none. Never expose it publicly (env CONGRESS_PPROF)")
	voiceConfig := voiceFlags(fs, getenv)
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	m := &Main{Listen: *listen, DataDir: *data, BaseURL: strings.TrimSuffix(*base, "/"), NATS: strings.TrimSpace(*natsURL), Pprof: strings.TrimSpace(*pprofAddr)}
	keep, err := time.ParseDuration(*retention)
	if err != nil || keep < time.Hour {
		return nil, fmt.Errorf("--retention: %q is not a duration of an hour or more, like 720h", *retention)
	}
	m.Retention = keep
	if m.Voice, m.TURN, err = voiceConfig(); err != nil {
		return nil, err
	}
	ttl, err := time.ParseDuration(*leaseTTL)
	if err != nil || ttl < time.Second || ttl > 5*time.Minute {
		return nil, fmt.Errorf("--lease-ttl: %q is not a duration from 1s to 5m, like 10s", *leaseTTL)
	}
	m.LeaseTTL = ttl
	if m.NodeID = strings.TrimSpace(*nodeID); m.NodeID != "" && !server.ValidNodeID(m.NodeID) {
		return nil, fmt.Errorf("--node-id: %q is not 1 to 64 letters, digits, - or _", m.NodeID)
	}
	if err := m.LogLevel.UnmarshalText([]byte(*level)); err != nil {
		return nil, fmt.Errorf("--log-level: %q is not debug, info, warn or error", *level)
	}
	for _, o := range strings.Split(*origins, ",") {
		if o = strings.TrimSpace(o); o != "" {
			m.Origins = append(m.Origins, o)
		}
	}
	if m.MetricsFrom, err = parseNetworks("--metrics-from", *metrics); err != nil {
		return nil, err
	}
	if *conns < 1 || *lobbies < 1 {
		return nil, fmt.Errorf("--max-conns-per-ip and --max-lobbies-per-ip must be at least 1")
	}
	m.ConnsPerIP, m.LobbiesPerIP = *conns, *lobbies
	if m.TrustedProxies, err = parseNetworks("--trusted-proxies", *proxies); err != nil {
		return nil, err
	}
	if m.BaseURL != "" && !strings.HasPrefix(m.BaseURL, "http://") && !strings.HasPrefix(m.BaseURL, "https://") {
		return nil, fmt.Errorf("--base-url must start with http:// or https://")
	}
	m.Log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: m.LogLevel}))
	return m, nil
}

// parseNetworks reads a comma-separated list of CIDR networks.
func parseNetworks(flag, list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, p := range strings.Split(list, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		prefix, err := netip.ParsePrefix(p)
		if err != nil {
			return nil, fmt.Errorf("%s: %q is not a network like 10.0.0.0/8", flag, p)
		}
		out = append(out, prefix)
	}
	return out, nil
}

// Run serves until ctx is done, then shuts down gracefully.
func (m *Main) Run(ctx context.Context) error {
	st, err := store.Open(ctx, store.Options{URLs: m.NATS, DataDir: m.DataDir, Retention: m.Retention, Logger: m.Log})
	if err != nil {
		return err
	}
	defer st.Close()
	journal := store.NewJournal(st)
	var cluster *server.ClusterOptions
	if m.NATS != "" {
		node := m.NodeID
		if node == "" {
			node = defaultNodeID(m.Listen)
		}
		cluster = &server.ClusterOptions{Store: st, Node: node, LeaseTTL: m.LeaseTTL}
	}
	srv := server.New(server.Options{
		BaseURL:        m.BaseURL,
		Listen:         m.Listen,
		Origins:        m.Origins,
		MetricsFrom:    m.MetricsFrom,
		TrustedProxies: m.TrustedProxies,
		Limits:         m.limits(),
		Journal:        journal,
		Matches:        st,
		Logger:         m.Log,
		Cluster:        cluster,
		Voice:          m.Voice,
		TURN:           m.TURN,
	})
	restored := 0
	if cluster != nil {
		// A node of a cluster runs the lobbies it owned before a restart
		// and those nobody owns; the others stay with their nodes.
		if err := srv.Join(ctx); err != nil {
			_ = srv.Close(ctx)
			return err
		}
	} else if restored, err = srv.RestoreAll(ctx); err != nil {
		_ = srv.Close(ctx)
		return fmt.Errorf("%w; the data is untouched: fix the cause and start again, or move the data directory aside to start with no games", err)
	}
	ln, err := net.Listen("tcp", m.Listen)
	if err != nil {
		return err
	}
	if m.Pprof != "" {
		stopProfiler, err := m.serveProfiler()
		if err != nil {
			ln.Close()
			return err
		}
		defer stopProfiler()
	}
	e := srv.Echo()
	e.Listener = ln
	e.Server.ErrorLog = slog.NewLogLogger(m.Log.Handler(), slog.LevelWarn)
	m.Log.Info("congress listening", "addr", ln.Addr().String(), "data", m.DataDir, "nats", m.NATS, "restored_lobbies", restored, "origins", m.Origins, "base_url", m.BaseURL)

	mem, stopMem := context.WithCancel(ctx)
	defer stopMem()
	go returnMemory(mem, m.Log)

	served := make(chan error, 1)
	go func() { served <- e.Start("") }()
	drain := make(chan os.Signal, 1)
	signal.Notify(drain, syscall.SIGUSR1)
	defer signal.Stop(drain)
wait:
	for {
		select {
		case err := <-served:
			if !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			break wait
		case <-drain:
			go func() {
				dctx, cancel := context.WithTimeout(ctx, time.Minute)
				defer cancel()
				if err := srv.Drain(dctx); err != nil {
					m.Log.Error("drain", "err", err)
				}
			}()
		case <-ctx.Done():
			break wait
		}
	}
	m.Log.Info("shutting down")
	shut, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	// Stop taking requests, then tell every WebSocket client to reconnect
	// and stop every lobby, then flush and close the log.
	errHTTP := e.Shutdown(shut)
	errSrv := srv.Close(shut)
	errJournal := journal.Close()
	errStore := st.Close()
	m.Log.Info("stopped")
	return errors.Join(errHTTP, errSrv, errJournal, errStore)
}

// serveProfiler serves net/http/pprof on m.Pprof, apart from the game's
// listener, until the returned function is called.
func (m *Main) serveProfiler() (func(), error) {
	ln, err := net.Listen("tcp", m.Pprof)
	if err != nil {
		return nil, fmt.Errorf("--pprof: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	m.Log.Warn("profiler listening: keep it off public networks", "addr", ln.Addr().String())
	return func() { _ = hs.Close() }, nil
}

// defaultNodeID names a node after its host and port: unique on a machine,
// and the same when the node restarts, so that it takes its lobbies back
// at once.
func defaultNodeID(listen string) string {
	host, _ := os.Hostname()
	_, port, _ := net.SplitHostPort(listen)
	id := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '-'
	}, host+"-"+port)
	if len(id) > 64 {
		id = id[len(id)-64:]
	}
	if !server.ValidNodeID(id) {
		id = "node-" + port
	}
	return id
}

// healthcheck asks the server on this machine for /healthz, for a
// container's HEALTHCHECK (the image has no shell or curl): 0 if healthy.
func healthcheck(listen string) int {
	_, port, err := net.SplitHostPort(listen)
	if listen == "" || err != nil {
		port = "8080"
	}
	client := http.Client{Timeout: 3 * time.Second}
	res, err := client.Get("http://127.0.0.1:" + port + "/healthz")
	if err != nil {
		fmt.Fprintln(os.Stderr, "congress healthcheck:", err)
		return 1
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		fmt.Fprintln(os.Stderr, "congress healthcheck:", res.Status)
		return 1
	}
	return 0
}

// limits are the server's default limits with the per-address caps set.
func (m *Main) limits() server.Limits {
	l := server.DefaultLimits()
	l.ConnsPerIP, l.LobbiesPerIP = m.ConnsPerIP, m.LobbiesPerIP
	return l
}

// envInt is an integer environment variable, or def when it is unset or
// not a number (the flag's own parsing then reports nothing: the default
// stands).
func envInt(getenv func(string) string, name string, def int) int {
	if n, err := strconv.Atoi(getenv(name)); err == nil {
		return n
	}
	return def
}
