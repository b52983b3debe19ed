package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"sync"
	"time"
)

// histGrowth is the ratio between a latency bucket's bounds: 1% precision,
// so a p99.9 read from merged workers' histograms is within 1% of exact.
const histGrowth = 1.01

// Histogram counts latencies in logarithmic buckets of histGrowth, from
// 1 µs up. It merges exactly, which is why workers ship it whole rather
// than their own percentiles.
type Histogram struct {
	Buckets map[int]uint64 `json:"buckets"` // bucket index → count
	Count   uint64         `json:"count"`
	Sum     time.Duration  `json:"sum_ns"`
	Min     time.Duration  `json:"min_ns"`
	Max     time.Duration  `json:"max_ns"`
}

var logGrowth = math.Log(histGrowth)

func bucketOf(d time.Duration) int {
	us := float64(d) / float64(time.Microsecond)
	if us < 1 {
		return 0
	}
	return 1 + int(math.Log(us)/logGrowth)
}

// bucketMid is a bucket's geometric middle: [g^(i-1), g^i) µs.
func bucketMid(i int) time.Duration {
	if i == 0 {
		return 0
	}
	us := math.Pow(histGrowth, float64(i)-0.5)
	return time.Duration(us * float64(time.Microsecond))
}

// Record adds one latency.
func (h *Histogram) Record(d time.Duration) {
	if d < 0 {
		d = 0
	}
	if h.Buckets == nil {
		h.Buckets = map[int]uint64{}
	}
	h.Buckets[bucketOf(d)]++
	if h.Count == 0 || d < h.Min {
		h.Min = d
	}
	if d > h.Max {
		h.Max = d
	}
	h.Count++
	h.Sum += d
}

// Merge adds o's counts to h.
func (h *Histogram) Merge(o Histogram) {
	if o.Count == 0 {
		return
	}
	if h.Buckets == nil {
		h.Buckets = map[int]uint64{}
	}
	for i, n := range o.Buckets {
		h.Buckets[i] += n
	}
	if h.Count == 0 || o.Min < h.Min {
		h.Min = o.Min
	}
	h.Max = max(h.Max, o.Max)
	h.Count += o.Count
	h.Sum += o.Sum
}

// Quantile is the latency below which q of the samples fall, to the
// bucket's precision, clamped to the exact min and max.
func (h *Histogram) Quantile(q float64) time.Duration {
	if h.Count == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q * float64(h.Count)))
	rank = max(rank, 1)
	var seen uint64
	for _, i := range slices.Sorted(maps.Keys(h.Buckets)) {
		seen += h.Buckets[i]
		if seen >= rank {
			return min(max(bucketMid(i), h.Min), h.Max)
		}
	}
	return h.Max
}

// Mean is the average latency.
func (h *Histogram) Mean() time.Duration {
	if h.Count == 0 {
		return 0
	}
	return h.Sum / time.Duration(h.Count)
}

// Counts is a set of named counters (error codes, message types).
type Counts map[string]int64

// Total is the sum of every counter.
func (c Counts) Total() int64 {
	var n int64
	for _, v := range c {
		n += v
	}
	return n
}

func (c Counts) String() string {
	if len(c) == 0 {
		return "0"
	}
	keys := slices.Sorted(maps.Keys(c))
	s := strconv.FormatInt(c.Total(), 10) + " ("
	for i, k := range keys {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%s %d", k, c[k])
	}
	return s + ")"
}

func (c Counts) merge(o Counts) {
	for k, v := range o {
		c[k] += v
	}
}

// Result is what one run measured. Workers of a -procs run each send
// theirs as JSON and the parent merges them; counters cover the
// measurement window only unless their name says otherwise.
type Result struct {
	Target     string  `json:"target"` // "baseline" or "server"
	Mode       string  `json:"mode"`   // "play" or "idle"
	Lobbies    int     `json:"lobbies"`
	Delegates  int     `json:"delegates"`
	Spectators int     `json:"spectators"`
	Rate       float64 `json:"rate"` // intended commands per second per lobby
	Procs      int     `json:"procs"`
	Sources    int     `json:"sources"`
	Window     float64 `json:"window_seconds"`

	ConnsWanted      int     `json:"conns_wanted"`
	ConnsEstablished int     `json:"conns_established"`
	ConnFailures     Counts  `json:"conn_failures"`
	ConnectSeconds   float64 `json:"connect_seconds"`

	Commands   int64     `json:"commands"`   // acts sent
	Completed  int64     `json:"completed"`  // acts whose every recipient got the effect
	Lost       int64     `json:"lost"`       // acts without every delivery within the timeout
	Refused    Counts    `json:"refused"`    // acts the server refused, by code (timing races)
	Skipped    int64     `json:"skipped"`    // intended sends when no delegate had a move
	Unsent     int64     `json:"unsent"`     // intended sends still owed a timeout after the window
	Latency    Histogram `json:"latency"`    // intended send → last recipient's delivery
	Messages   int64     `json:"messages"`   // every message every client received
	Bytes      int64     `json:"bytes"`      // their payload bytes
	ByType     Counts    `json:"by_type"`    // messages by type
	GameCount  Counts    `json:"game_count"` // game messages by recipient: "delegate" or "spectator"
	GameBytes  Counts    `json:"game_bytes"` // their bytes, to size the baseline's messages
	ProtoErrs  Counts    `json:"protocol_errors"`
	Started    int64     `json:"games_started"`       // in the window
	Finished   int64     `json:"games_finished"`      // in the window and the drain after it
	Unfinished int64     `json:"games_unfinished"`    // still running when the drain gave up
	Stuck      int64     `json:"lobbies_not_playing"` // lobbies that never started a game

	Server  *ProcStats `json:"server,omitempty"`
	SelfCPU float64    `json:"loadgen_cpu_seconds"` // this tool's CPU in the window (all workers)
	// MachineCPU is every process's CPU in the window, the server's and
	// this tool's included, and CPUs the machine's core count.
	MachineCPU float64 `json:"machine_cpu_seconds"`
	CPUs       int     `json:"cpus"`
}

// merge adds a worker's result to r.
func (r *Result) merge(o *Result) {
	r.Lobbies += o.Lobbies
	r.ConnsWanted += o.ConnsWanted
	r.ConnsEstablished += o.ConnsEstablished
	r.ConnectSeconds = max(r.ConnectSeconds, o.ConnectSeconds)
	r.Window = max(r.Window, o.Window)
	for _, p := range []struct{ dst, src *Counts }{
		{&r.ConnFailures, &o.ConnFailures}, {&r.Refused, &o.Refused},
		{&r.ByType, &o.ByType}, {&r.GameCount, &o.GameCount}, {&r.GameBytes, &o.GameBytes}, {&r.ProtoErrs, &o.ProtoErrs},
	} {
		if *p.dst == nil {
			*p.dst = Counts{}
		}
		p.dst.merge(*p.src)
	}
	r.Commands += o.Commands
	r.Completed += o.Completed
	r.Lost += o.Lost
	r.Skipped += o.Skipped
	r.Unsent += o.Unsent
	r.Latency.Merge(o.Latency)
	r.Messages += o.Messages
	r.Bytes += o.Bytes
	r.Started += o.Started
	r.Finished += o.Finished
	r.Unfinished += o.Unfinished
	r.Stuck += o.Stuck
	r.SelfCPU += o.SelfCPU
}

// CPUPerMessage is the server's CPU time per delivered message.
func (r *Result) CPUPerMessage() time.Duration {
	if r.Server == nil || r.Messages == 0 {
		return 0
	}
	return time.Duration(r.Server.CPU / float64(r.Messages) * float64(time.Second))
}

func (r *Result) rate(n int64) float64 {
	if r.Window <= 0 {
		return 0
	}
	return float64(n) / r.Window
}

// Print writes the human summary.
func (r *Result) Print(w io.Writer) {
	fmt.Fprintf(w, "target %s, %s: %d lobbies × (%d delegates + %d spectators), %d procs, %d source addresses\n",
		r.Target, r.Mode, r.Lobbies, r.Delegates, r.Spectators, r.Procs, max(r.Sources, 1))
	fmt.Fprintf(w, "  connections   %d of %d established in %.1fs, failures %s\n",
		r.ConnsEstablished, r.ConnsWanted, r.ConnectSeconds, r.ConnFailures)
	if r.Mode == "play" {
		fmt.Fprintf(w, "  window        %.1fs at %.2f commands/s per lobby intended\n", r.Window, r.Rate)
		fmt.Fprintf(w, "  commands      %d sent (%.0f/s), %d completed, %d lost, %d skipped (no move), %d never sent (behind), refused %s\n",
			r.Commands, r.rate(r.Commands), r.Completed, r.Lost, r.Skipped, r.Unsent, r.Refused)
		fmt.Fprintf(w, "  messages      %d delivered (%.0f/s, %.1f MB/s), by type %s\n",
			r.Messages, r.rate(r.Messages), r.rate(r.Bytes)/1e6, r.ByType)
		for _, k := range []string{"delegate", "spectator"} {
			if n := r.GameCount[k]; n > 0 {
				fmt.Fprintf(w, "  game message  %s: %d bytes on average\n", k, r.GameBytes[k]/n)
			}
		}
		h := &r.Latency
		fmt.Fprintf(w, "  latency       p50 %s  p99 %s  p99.9 %s  max %s  mean %s  (%d samples)\n",
			ms(h.Quantile(0.5)), ms(h.Quantile(0.99)), ms(h.Quantile(0.999)), ms(h.Max), ms(h.Mean()), h.Count)
		fmt.Fprintf(w, "  games         %d started, %d finished, %d unfinished, %d lobbies never played\n",
			r.Started, r.Finished, r.Unfinished, r.Stuck)
	}
	fmt.Fprintf(w, "  protocol errs %s\n", r.ProtoErrs)
	if s := r.Server; s != nil {
		fmt.Fprintf(w, "  server        CPU %.2fs (%.0f%% of one core), RSS %.1f → %.1f MiB", s.CPU, 100*s.CPU/max(r.Window, 1e-9), mib(s.RSSBefore), mib(s.RSSAfter))
		if r.ConnsEstablished > 0 {
			fmt.Fprintf(w, " (%.1f KiB per connection)", float64(s.RSSAfter-s.RSSBefore)/1024/float64(r.ConnsEstablished))
		}
		fmt.Fprintln(w)
		if c := r.CPUPerMessage(); c > 0 {
			fmt.Fprintf(w, "  server CPU    %.2f µs per delivered message\n", float64(c)/float64(time.Microsecond))
		}
	}
	fmt.Fprintf(w, "  loadgen CPU   %.2fs", r.SelfCPU)
	if r.MachineCPU > 0 {
		other := r.MachineCPU - r.SelfCPU
		if r.Server != nil {
			other -= r.Server.CPU
		}
		fmt.Fprintf(w, "; machine %.2fs of %d CPUs × %.0fs, other processes %.2fs", r.MachineCPU, r.CPUs, r.Window, max(other, 0))
	}
	fmt.Fprintln(w)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond)) }
func mib(b int64) float64       { return float64(b) / (1 << 20) }

// recorder collects a run's counters from every connection goroutine.
type recorder struct {
	mu        sync.Mutex
	r         Result
	recording bool // inside the measurement window
}

func newRecorder() *recorder {
	return &recorder{r: Result{
		ConnFailures: Counts{}, Refused: Counts{}, ByType: Counts{},
		GameCount: Counts{}, GameBytes: Counts{}, ProtoErrs: Counts{},
	}}
}

func (rc *recorder) setRecording(on bool) {
	rc.mu.Lock()
	rc.recording = on
	rc.mu.Unlock()
}

// message counts one delivered message (in the window).
func (rc *recorder) message(typ string, n int) {
	rc.mu.Lock()
	if rc.recording {
		rc.r.Messages++
		rc.r.Bytes += int64(n)
		rc.r.ByType[typ]++
	}
	rc.mu.Unlock()
}

// gameMessage counts a game message's size by the recipient's class.
func (rc *recorder) gameMessage(class string, n int) {
	rc.mu.Lock()
	if rc.recording {
		rc.r.GameCount[class]++
		rc.r.GameBytes[class] += int64(n)
	}
	rc.mu.Unlock()
}

// protoErr counts a protocol error whenever it happens: errors outside
// the window matter as much.
func (rc *recorder) protoErr(kind string) {
	rc.mu.Lock()
	rc.r.ProtoErrs[kind]++
	rc.mu.Unlock()
}

func (rc *recorder) connFailure(kind string) {
	rc.mu.Lock()
	rc.r.ConnFailures[kind]++
	rc.mu.Unlock()
}

func (rc *recorder) connected() {
	rc.mu.Lock()
	rc.r.ConnsEstablished++
	rc.mu.Unlock()
}

// update runs f on the result under the lock if the window is open (or
// always, when always is set).
func (rc *recorder) update(always bool, f func(r *Result)) {
	rc.mu.Lock()
	if always || rc.recording {
		f(&rc.r)
	}
	rc.mu.Unlock()
}

func (rc *recorder) result() *Result {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	// A copy that shares no map with the recorder, which goes on adding
	// to its own while the caller reads this one (progress, every 10 s).
	r := rc.r
	r.Latency.Buckets = maps.Clone(r.Latency.Buckets)
	for _, c := range []*Counts{&r.ConnFailures, &r.Refused, &r.ByType, &r.GameCount, &r.GameBytes, &r.ProtoErrs} {
		*c = maps.Clone(*c)
	}
	if r.Server != nil {
		srv := *r.Server
		r.Server = &srv
	}
	return &r
}

// writeJSON writes r as one line of JSON.
func writeJSON(w io.Writer, r *Result) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}
