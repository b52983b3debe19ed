package natstest

import (
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

// freePorts returns n loopback ports free a moment ago.
func freePorts(t testing.TB, n int) []int {
	t.Helper()
	ports := make([]int, n)
	for i := range ports {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		ports[i] = l.Addr().(*net.TCPAddr).Port
		defer l.Close()
	}
	return ports
}

// Process starts one nats-server with JetStream on loopback, killed when
// the test ends.
func Process(t testing.TB) *Proc {
	t.Helper()
	port := freePorts(t, 1)[0]
	p := &Proc{
		URL: fmt.Sprintf("nats://127.0.0.1:%d", port), Name: "nats-0", t: t,
		args: []string{"-a", "127.0.0.1", "-p", fmt.Sprint(port), "-js", "-sd", t.TempDir(), "-n", "nats-0"},
	}
	p.start()
	return p
}

// Processes starts n nats-servers with JetStream routed as one cluster on
// loopback, killed when the test ends.
func Processes(t testing.TB, n int) []*Proc {
	t.Helper()
	ports := freePorts(t, 2*n)
	var routes []string
	for i := range n {
		routes = append(routes, fmt.Sprintf("nats-route://127.0.0.1:%d", ports[n+i]))
	}
	procs := make([]*Proc, n)
	for i := range n {
		name := fmt.Sprintf("nats-%d", i)
		procs[i] = &Proc{
			URL: fmt.Sprintf("nats://127.0.0.1:%d", ports[i]), Name: name, t: t,
			args: []string{"-a", "127.0.0.1", "-p", fmt.Sprint(ports[i]), "-js", "-sd", t.TempDir(), "-n", name,
				"--cluster_name", "congress-test", "--cluster", fmt.Sprintf("nats://127.0.0.1:%d", ports[n+i]),
				"--routes", strings.Join(routes, ",")},
		}
	}
	for _, p := range procs {
		p.start()
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

func (p *Proc) start() {
	t := p.t
	t.Helper()
	p.cmd = exec.Command(Binary(t), p.args...)
	require.NoError(t, p.cmd.Start())
	cmd := p.cmd
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGCONT)
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	addr := strings.TrimPrefix(p.URL, "nats://")
	require.Eventually(t, func() bool {
		c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond)
		if err == nil {
			c.Close()
		}
		return err == nil
	}, 20*time.Second, 50*time.Millisecond, "nats-server %s did not start", p.Name)
}

// Stop pauses the server (SIGSTOP): it holds its connections and answers
// nothing until Cont.
func (p *Proc) Stop() { require.NoError(p.t, p.cmd.Process.Signal(syscall.SIGSTOP)) }

// Cont lets a paused server go on (SIGCONT).
func (p *Proc) Cont() { require.NoError(p.t, p.cmd.Process.Signal(syscall.SIGCONT)) }

// Pause stops the server for d, then lets it go on.
func (p *Proc) Pause(d time.Duration) {
	p.Stop()
	time.Sleep(d)
	p.Cont()
}
