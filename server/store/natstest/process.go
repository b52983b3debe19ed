package natstest

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Proc is a nats-server running as a child process, so that a test can
// do to it what happens to a real one: pause it (SIGSTOP) past a timeout
// and let it go on (SIGCONT), or kill it.
type Proc struct {
	URL  string
	Name string
	cmd  *exec.Cmd
	args []string
	t    testing.TB
}

var (
	buildOnce sync.Once
	binary    string
	buildErr  error
)

// Binary builds the nats-server of this module's go.mod (once per test
// process) and returns its path.
func Binary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "congress-nats-server-")
		if err != nil {
			buildErr = err
			return
		}
		binary = filepath.Join(dir, "nats-server")
		out, err := exec.Command("go", "build", "-o", binary, "github.com/nats-io/nats-server/v2").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("building nats-server: %v\n%s", err, out)
		}
	})
	require.NoError(t, buildErr)
	return binary
}

// Process starts one nats-server with JetStream on loopback, killed when
// the test ends.
func Process(t testing.TB) *Proc {
	t.Helper()
	p := &Proc{Name: "nats-0", t: t, args: []string{"-js", "-sd", t.TempDir(), "-n", "nats-0"}}
	p.start()
	return p
}

// Processes starts n nats-servers with JetStream routed as one cluster on
// loopback, killed when the test ends. Their client ports are their own
// choice, read back from each; their route ports are picked here, as a
// JetStream cluster must know its routes when it starts.
func Processes(t testing.TB, n int) []*Proc {
	t.Helper()
	ports := make([]int, n)
	var routes []string
	for i := range ports {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		ports[i] = l.Addr().(*net.TCPAddr).Port
		require.NoError(t, l.Close())
		routes = append(routes, fmt.Sprintf("nats-route://127.0.0.1:%d", ports[i]))
	}
	procs := make([]*Proc, n)
	for i := range n {
		name := fmt.Sprintf("nats-%d", i)
		procs[i] = &Proc{Name: name, t: t, args: []string{"-js", "-sd", t.TempDir(), "-n", name,
			"--cluster_name", "congress-test", "--cluster", fmt.Sprintf("nats://127.0.0.1:%d", ports[i]),
			"--routes", strings.Join(routes, ",")}}
		procs[i].start()
	}
	return procs
}

// URLs joins the processes' client URLs.
func URLs(procs []*Proc) string {
	urls := make([]string, len(procs))
	for i, p := range procs {
		urls[i] = p.URL
	}
	return strings.Join(urls, ",")
}

// start runs the server on ports of its own choosing (no port is picked
// here and then raced for) and reads them from its ports file.
func (p *Proc) start() {
	t := p.t
	t.Helper()
	dir := t.TempDir()
	args := append([]string{"-a", "127.0.0.1", "-p", "-1", "--ports_file_dir", dir}, p.args...)
	p.cmd = exec.Command(Binary(t), args...)
	require.NoError(t, p.cmd.Start())
	cmd := p.cmd
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGCONT)
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	file := filepath.Join(dir, fmt.Sprintf("nats-server_%d.ports", cmd.Process.Pid))
	var ports struct {
		Nats []string `json:"nats"`
	}
	require.Eventually(t, func() bool {
		b, err := os.ReadFile(file)
		return err == nil && json.Unmarshal(b, &ports) == nil && len(ports.Nats) > 0
	}, 20*time.Second, 20*time.Millisecond, "nats-server %s did not start", p.Name)
	p.URL = ports.Nats[0]
}

// Pid is the server's process ID.
func (p *Proc) Pid() int { return p.cmd.Process.Pid }

// Stop pauses the server (SIGSTOP): it holds its connections and answers
// nothing until Cont. Stop returns once the process is stopped, not when
// the signal is merely sent.
func (p *Proc) Stop() {
	require.NoError(p.t, p.cmd.Process.Signal(syscall.SIGSTOP))
	stat := fmt.Sprintf("/proc/%d/stat", p.cmd.Process.Pid)
	require.Eventually(p.t, func() bool {
		b, err := os.ReadFile(stat)
		if err != nil {
			return false
		}
		// The state follows the command's closing parenthesis.
		i := strings.LastIndexByte(string(b), ')')
		return i > 0 && i+2 < len(b) && b[i+2] == 'T'
	}, 5*time.Second, time.Millisecond, "nats-server %s did not stop", p.Name)
}

// Cont lets a paused server go on (SIGCONT).
func (p *Proc) Cont() { require.NoError(p.t, p.cmd.Process.Signal(syscall.SIGCONT)) }

// Pause stops the server for d, then lets it go on.
func (p *Proc) Pause(d time.Duration) {
	p.Stop()
	time.Sleep(d)
	p.Cont()
}
