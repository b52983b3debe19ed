// Command simulate plays many games of Congress of Victors between bots,
// straight on the rules engine with simulated time, and prints each camp's
// win rate per number of delegates: the evidence RULES.md §6 asks for
// before a default moves.
//
//	go run ./cmd/simulate -games 20000 -seats 5-12 -loyalists normal -plotters normal
//	go run ./cmd/simulate -games 20000 -seats 10 -config '{"plotters":3}'
//	go run ./cmd/simulate -games 20000 -roles base,koba+nikolaev,all
//
// -roles plays each set of Congress roles in turn, one table each; at a
// count that cannot take the whole set, the roles it cannot take are left
// out (game.Config.FitRoles) and the row says which were dealt.
//
// Games are independent and seeded from -seed, the seat count and the
// game's number, so a run is reproducible whatever the number of workers.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"congress/bot"
	"congress/game"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "simulate:", err)
		}
		os.Exit(2)
	}
}

// options are the command line.
type options struct {
	games      int
	seats      []int
	loyalists  bot.Strength
	plotters   bot.Strength
	seed       uint64
	cfg        game.Config
	roleSets   []roleSet // nil: the config's own roles
	workers    int
	cpuprofile string
}

func parseFlags(args []string, out io.Writer) (options, error) {
	o := options{loyalists: bot.Normal, plotters: bot.Normal, cfg: game.DefaultConfig()}
	fs := flag.NewFlagSet("simulate", flag.ContinueOnError)
	fs.SetOutput(out)
	seats := fs.String("seats", "5-12", "seat counts: a range (5-12), a list (5,7,10) or both")
	roles := fs.String("roles", "", "sets of Congress roles to play in turn, e.g. base,koba+nikolaev,all,recommended (roles joined by +; recommended: each count's)")
	config := fs.String("config", "", `settings over the defaults, as JSON (e.g. '{"plotters":3,"sessions":6}') or @file`)
	fs.IntVar(&o.games, "games", 1000, "games per seat count")
	fs.TextVar(&o.loyalists, "loyalists", bot.Normal, "Loyalist bots: easy, normal or hard")
	fs.TextVar(&o.plotters, "plotters", bot.Normal, "Plotter bots: easy, normal or hard")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the whole run")
	fs.IntVar(&o.workers, "workers", runtime.GOMAXPROCS(0), "games played in parallel")
	fs.StringVar(&o.cpuprofile, "cpuprofile", "", "write a CPU profile to this file")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if o.games < 1 || o.workers < 1 {
		return o, errors.New("-games and -workers must be at least 1")
	}
	var err error
	if o.seats, err = parseSeats(*seats); err != nil {
		return o, err
	}
	if *config != "" {
		text := []byte(*config)
		if name, ok := strings.CutPrefix(*config, "@"); ok {
			if text, err = os.ReadFile(name); err != nil {
				return o, err
			}
		}
		if err := json.Unmarshal(text, &o.cfg); err != nil {
			return o, fmt.Errorf("-config: %w", err)
		}
	}
	if *roles != "" {
		if o.roleSets, err = parseRoleSets(*roles); err != nil {
			return o, err
		}
	}
	for _, set := range o.sets() {
		cfg := o.cfg
		cfg.Roles = set.roles
		if err := cfg.Validate(); err != nil {
			return o, fmt.Errorf("roles %v: %w", set, err)
		}
		for _, n := range o.seats {
			cfg.Roles = set.at(cfg, n)
			if err := cfg.ValidateSeats(n); err != nil {
				return o, fmt.Errorf("%d seats: %w", n, err)
			}
		}
	}
	return o, nil
}

// roleSet is one -roles set: roles, or the recommended set of each count.
type roleSet struct {
	roles       game.RoleSet
	recommended bool
}

func (s roleSet) String() string {
	if s.recommended {
		return "recommended"
	}
	return s.roles.String()
}

// at is the roles cfg (with the set's roles) plays with n seats: those of
// the set the count can take, or the count's recommended set.
func (s roleSet) at(cfg game.Config, n int) game.RoleSet {
	if s.recommended {
		return game.RecommendedRoles(n)
	}
	return cfg.FitRoles(n)
}

// sets are the role sets to play: -roles, or the config's own.
func (o options) sets() []roleSet {
	if o.roleSets == nil {
		return []roleSet{{roles: o.cfg.Roles}}
	}
	return o.roleSets
}

// parseRoleSets reads "base,koba+nikolaev,all,recommended".
func parseRoleSets(s string) ([]roleSet, error) {
	var out []roleSet
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		switch part {
		case "base":
			out = append(out, roleSet{})
			continue
		case "all":
			out = append(out, roleSet{roles: game.AllRoles})
			continue
		case "recommended":
			out = append(out, roleSet{recommended: true})
			continue
		}
		var set game.RoleSet
		for name := range strings.SplitSeq(part, "+") {
			var r game.Role
			if err := r.UnmarshalText([]byte(strings.TrimSpace(name))); err != nil || !r.Optional() {
				return nil, fmt.Errorf("-roles: %q is not a Congress role", name)
			}
			set |= game.Roles(r)
		}
		out = append(out, roleSet{roles: set})
	}
	return out, nil
}

// parseSeats reads "5-12", "5,7,10" or "5-7,10".
func parseSeats(s string) ([]int, error) {
	var out []int
	for part := range strings.SplitSeq(s, ",") {
		lo, hi, isRange := strings.Cut(strings.TrimSpace(part), "-")
		a, err := strconv.Atoi(lo)
		if err != nil {
			return nil, fmt.Errorf("-seats: %q is not a number", lo)
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(hi); err != nil {
				return nil, fmt.Errorf("-seats: %q is not a number", hi)
			}
		}
		if a < game.MinSeats || b > game.MaxSeats || a > b {
			return nil, fmt.Errorf("-seats: %q is not within %d-%d", part, game.MinSeats, game.MaxSeats)
		}
		for n := a; n <= b; n++ {
			out = append(out, n)
		}
	}
	return out, nil
}

func run(args []string, out io.Writer) error {
	o, err := parseFlags(args, out)
	if err != nil {
		return err
	}
	// Games make short-lived garbage only (views, log slices) and keep
	// almost nothing: collect only when the heap reaches a fixed size,
	// not each time it doubles from a small live set.
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(heapLimit))
	if o.cpuprofile != "" {
		f, err := os.Create(o.cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	fmt.Fprintf(out, "%d games per seat count, Loyalists %v, Plotters %v, seed %d, %d workers\n\n",
		o.games, o.loyalists, o.plotters, o.seed, o.workers)
	// Fixed widths rather than a tabwriter, so that each row shows as soon
	// as its seat count is done.
	const row = "%5v %7v %11v %11v %10v %8v %12v %7v %12v %13v %9v %8v %11v  %v\n"
	var rate10 float64
	var cpu10 time.Duration
	for k, set := range o.sets() {
		if k > 0 {
			fmt.Fprintln(out)
		}
		if o.roleSets != nil {
			fmt.Fprintf(out, "roles %v\n", set)
		}
		fmt.Fprintf(out, row, "seats", "games", "Loyalists %", "95% CI", "Plotters %", "sessions",
			"kirov_purged", "parity", "kirov_struck", "kirov_elected", "koba_shot", "games/s", "CPU ms/game", "dealt")
		so := o
		so.cfg.Roles = set.roles
		if err := so.table(out, row, set, &rate10, &cpu10); err != nil {
			return err
		}
	}
	if rate10 > 0 {
		fmt.Fprintf(out, "\nthroughput: %.0f complete 10-seat games per second on %d workers", rate10, o.workers)
		if cpu10 > 0 {
			fmt.Fprintf(out, " (%.0f per CPU-second)", float64(o.games)/cpu10.Seconds())
		}
		fmt.Fprintln(out)
	}
	return nil
}

// table plays and prints one table: every seat count of o, with o's roles
// as each count takes them. rate10 and cpu10 keep the first ten-seat row's
// throughput.
func (o options) table(out io.Writer, row string, set roleSet, rate10 *float64, cpu10 *time.Duration) error {
	for _, n := range o.seats {
		so := o
		so.cfg.Roles = set.at(o.cfg, n)
		t := simulate(so, n)
		if t.err != nil {
			return t.err
		}
		lo, hi := wilson(t.loyal, t.games)
		pct := func(k int) string { return fmt.Sprintf("%.1f", 100*float64(k)/float64(t.games)) }
		fmt.Fprintf(out, row, n, t.games, pct(t.loyal), fmt.Sprintf("%.1f–%.1f", 100*lo, 100*hi),
			pct(t.games-t.loyal), fmt.Sprintf("%.2f", float64(t.sessions)/float64(t.games)),
			pct(t.reasons[game.KirovPurged]), pct(t.reasons[game.Parity]),
			pct(t.reasons[game.KirovStruck]), pct(t.reasons[game.KirovElected]), pct(t.reasons[game.KobaShot]),
			fmt.Sprintf("%.0f", t.rate), fmt.Sprintf("%.2f", t.cpu.Seconds()*1000/float64(t.games)),
			so.cfg.RolesFor(n))
		if n == 10 && *rate10 == 0 {
			*rate10, *cpu10 = t.rate, t.cpu
		}
	}
	return nil
}

// heapLimit is the heap size at which the simulator collects garbage.
const heapLimit = 256 << 20

// tally is what the games of one seat count came to.
type tally struct {
	games, loyal, sessions int
	reasons                [game.KobaShot + 1]int
	rate                   float64       // games per second of wall time
	cpu                    time.Duration // CPU time the process spent meanwhile
	err                    error
}

func (t *tally) add(r bot.Result) {
	t.games++
	t.sessions += r.Sessions
	t.reasons[r.Reason]++
	if r.Winner == game.Loyalists {
		t.loyal++
	}
}

// simulate plays o.games games with n seats on o.workers goroutines.
func simulate(o options, n int) tally {
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("Delegate %d", i+1)
	}
	start := time.Date(1934, time.February, 10, 10, 0, 0, 0, time.UTC)
	// One goroutine per worker, each taking the next game's number from
	// a shared counter: no lock, no channel, and each game's seed depends
	// only on its number.
	var taken atomic.Int64
	parts := make([]tally, o.workers)
	var wg sync.WaitGroup
	began, cpuBegan := time.Now(), cpuTime()
	for w := range parts {
		wg.Go(func() {
			t := &parts[w]
			for t.err == nil {
				i := int(taken.Add(1)) - 1
				if i >= o.games {
					return
				}
				seed := mix(mix(o.seed, uint64(n)), uint64(i))
				g, _, err := game.New(o.cfg, names, seed, start)
				if err != nil {
					t.err = err
					return
				}
				r, err := bot.Play(g, bot.ForCamps(g, o.loyalists, o.plotters, mix(seed, 1)), start)
				if err != nil {
					t.err = fmt.Errorf("%d seats, game %d (seed %d): %w", n, i, seed, err)
					return
				}
				t.add(r)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(began)

	var sum tally
	for _, t := range parts {
		if t.err != nil && sum.err == nil {
			sum.err = t.err
		}
		sum.games += t.games
		sum.loyal += t.loyal
		sum.sessions += t.sessions
		for k, c := range t.reasons {
			sum.reasons[k] += c
		}
	}
	sum.rate = float64(sum.games) / elapsed.Seconds()
	sum.cpu = cpuTime() - cpuBegan
	return sum
}

// wilson is the 95% Wilson score interval of k successes in n trials.
func wilson(k, n int) (lo, hi float64) {
	if n == 0 {
		return 0, 1
	}
	const z = 1.959963984540054
	p, nf := float64(k)/float64(n), float64(n)
	d := 1 + z*z/nf
	c := (p + z*z/(2*nf)) / d
	h := z / d * math.Sqrt(p*(1-p)/nf+z*z/(4*nf*nf))
	return max(0, c-h), min(1, c+h)
}

// mix is splitmix64 of a and b: independent seeds from one.
func mix(a, b uint64) uint64 {
	x := a*0x9e3779b97f4a7c15 + b + 0x632be59bd9b4e019
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
