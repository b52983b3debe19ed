package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// ProcStats is the server's cost over the measurement window.
type ProcStats struct {
	Source    string  `json:"source"`      // "/proc/PID" or the metrics URL
	CPU       float64 `json:"cpu_seconds"` // user+system CPU spent in the window
	RSSBefore int64   `json:"rss_before"`  // bytes, at the window's start (idle: before any connection)
	RSSAfter  int64   `json:"rss_after"`   // bytes, at the window's end (idle: with every connection open)
}

// procSample is one reading of a process's CPU time and memory.
type procSample struct {
	cpu     float64 // seconds
	rss     int64   // bytes
	machine float64 // seconds: every process's CPU on this machine (machineBusy)
}

// prober reads a server process's CPU and RSS, from /proc when the
// process is on this machine, else from its Prometheus /metrics.
type prober interface {
	sample(ctx context.Context) (procSample, error)
	source() string
}

// newProber reads the processes of pids (comma-separated) if any, or
// else the metrics URL if given; nil when neither is.
func newProber(pids string, metrics string) prober {
	ps, _ := parsePIDs(pids)
	switch {
	case len(ps) == 1:
		return procProber(ps[0])
	case len(ps) > 1:
		return procsProber(ps)
	case metrics != "":
		return metricsProber(metrics)
	}
	return nil
}

// parsePIDs reads a comma-separated list of process IDs.
func parsePIDs(s string) ([]int, error) {
	var out []int
	for _, f := range splitAddrs(s) {
		pid, err := strconv.Atoi(f)
		if err != nil || pid <= 0 {
			return nil, fmt.Errorf("-pid: %q is not a process ID", f)
		}
		out = append(out, pid)
	}
	return out, nil
}

// procsProber sums the CPU and RSS of several processes: the nodes of a
// cluster on one machine.
type procsProber []int

func (p procsProber) source() string {
	var b strings.Builder
	for i, pid := range p {
		if i > 0 {
			b.WriteString(" + ")
		}
		fmt.Fprintf(&b, "/proc/%d", pid)
	}
	return b.String()
}

func (p procsProber) sample(context.Context) (procSample, error) {
	var sum procSample
	for _, pid := range p {
		s, err := readProc(pid)
		if err != nil {
			return procSample{}, err
		}
		sum.cpu += s.cpu
		sum.rss += s.rss
	}
	return sum, nil
}

type procProber int

func (p procProber) source() string { return fmt.Sprintf("/proc/%d", int(p)) }

// clockTick is USER_HZ, which Linux fixes at 100 for /proc/PID/stat.
const clockTick = 100

func (p procProber) sample(context.Context) (procSample, error) {
	return readProc(int(p))
}

func readProc(pid int) (procSample, error) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return procSample{}, err
	}
	// The command name (field 2) may hold spaces; fields count from after it.
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return procSample{}, fmt.Errorf("unexpected /proc/%d/stat", pid)
	}
	f := strings.Fields(string(stat[i+1:]))
	if len(f) < 22 {
		return procSample{}, fmt.Errorf("unexpected /proc/%d/stat", pid)
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)    // field 14
	stime, _ := strconv.ParseInt(f[12], 10, 64)    // field 15
	rssPages, _ := strconv.ParseInt(f[21], 10, 64) // field 24
	return procSample{
		cpu: float64(utime+stime) / clockTick,
		rss: rssPages * int64(os.Getpagesize()),
	}, nil
}

type metricsProber string

func (m metricsProber) source() string { return string(m) }

func (m metricsProber) sample(ctx context.Context) (procSample, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, string(m), nil)
	if err != nil {
		return procSample{}, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return procSample{}, err
	}
	defer resp.Body.Close()
	var s procSample
	var found int
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if err != nil {
			continue
		}
		switch name {
		case "process_cpu_seconds_total":
			s.cpu, found = v, found+1
		case "process_resident_memory_bytes":
			s.rss, found = int64(v), found+1
		}
	}
	if found < 2 {
		return s, fmt.Errorf("%s has no process_cpu_seconds_total and process_resident_memory_bytes", m)
	}
	return s, sc.Err()
}

// selfCPU is this process's CPU time so far, its children's excluded.
func selfCPU() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	tv := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	return tv(ru.Utime) + tv(ru.Stime)
}

// raiseFileLimit lifts the soft RLIMIT_NOFILE to the hard limit: each
// connection is a file descriptor.
func raiseFileLimit() (uint64, error) {
	var l syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		return 0, err
	}
	if l.Cur < l.Max {
		l.Cur = l.Max
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
			return 0, err
		}
	}
	return l.Cur, nil
}

// machineBusy is the CPU time every core of this machine has spent busy
// so far (not idle, not waiting for I/O), from /proc/stat: the server and
// this tool share the machine with whatever else runs, and the report
// says how much that was.
func machineBusy() float64 {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := bytes.Cut(b, []byte("\n"))
	f := strings.Fields(string(line))
	if len(f) < 6 || f[0] != "cpu" {
		return 0
	}
	var busy int64
	for i, v := range f[1:] {
		n, _ := strconv.ParseInt(v, 10, 64)
		if i != 3 && i != 4 && i < 8 { // idle, iowait; guest time is in user already
			busy += n
		}
	}
	return float64(busy) / clockTick
}
