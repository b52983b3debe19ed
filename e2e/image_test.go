package e2e

import (
	"bufio"
	"bytes"
	"debug/elf"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// imageUser is the Dockerfile's USER: distroless's nonroot.
const imageUser = 65532

// TestImageRecipe checks what the Dockerfile promises without a container
// engine: its own build line makes a static binary (the final image has no
// C library), which serves as the image's unprivileged user from the
// environment the image sets, writes its data to the volume, answers its
// HEALTHCHECK command, and stops cleanly on the STOPSIGNAL.
func TestImageRecipe(t *testing.T) {
	t.Parallel()
	docker, err := os.ReadFile("../Dockerfile")
	require.NoError(t, err)
	recipe := string(docker)
	for _, want := range []string{
		fmt.Sprintf("USER %d:%d", imageUser, imageUser),
		`VOLUME ["/data"]`, "CONGRESS_DATA=/data", "CONGRESS_LISTEN=:8080",
		`CMD ["/congress", "healthcheck"]`, "STOPSIGNAL SIGTERM", `ENTRYPOINT ["/congress"]`,
	} {
		assert.Contains(t, recipe, want)
	}

	// The build stage's go build, run as written but into a test directory.
	dir := t.TempDir()
	require.NoError(t, os.Chmod(filepath.Dir(dir), 0o755))
	require.NoError(t, os.Chmod(dir, 0o755))
	build := regexp.MustCompile(`(?m)^RUN (CGO_ENABLED=0 .*go build .*-o )/out/congress (\./cmd/congress)`).FindStringSubmatch(recipe)
	require.NotNil(t, build, "the Dockerfile's go build line")
	bin := filepath.Join(dir, "congress")
	cmd := exec.Command("sh", "-c", build[1]+bin+" "+build[2])
	cmd.Dir = ".."
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)

	f, err := elf.Open(bin)
	require.NoError(t, err)
	for _, p := range f.Progs {
		assert.NotEqual(t, elf.PT_INTERP, p.Type, "the binary asks for a dynamic loader")
	}
	libs, err := f.ImportedLibraries()
	require.NoError(t, err)
	assert.Empty(t, libs)
	require.NoError(t, f.Close())

	data := filepath.Join(dir, "data")
	require.NoError(t, os.Mkdir(data, 0o755))
	listen := freeLoopback(t)
	_, port, _ := strings.Cut(listen, ":")
	env := []string{"CONGRESS_LISTEN=:" + port, "CONGRESS_DATA=" + data, "CONGRESS_LOG_LEVEL=warn"}
	as := func(c *exec.Cmd) *exec.Cmd {
		c.Env = env
		if os.Getuid() == 0 {
			c.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: imageUser, Gid: imageUser}}
		}
		return c
	}
	if os.Getuid() == 0 {
		require.NoError(t, os.Chown(data, imageUser, imageUser))
	}
	healthy := func() bool { return as(exec.Command(bin, "healthcheck")).Run() == nil }
	assert.False(t, healthy(), "healthy with no server")

	var log bytes.Buffer
	server := as(exec.Command(bin))
	server.Stdout, server.Stderr = &log, &log
	require.NoError(t, server.Start())
	t.Cleanup(func() {
		if server.ProcessState == nil {
			_ = server.Process.Kill()
			_ = server.Wait()
		}
	})
	require.Eventually(t, healthy, 20*time.Second, 100*time.Millisecond, "HEALTHCHECK never passed: %s", &log)
	res, err := http.Get("http://" + listen + "/")
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode, "the client is served")

	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", server.Process.Pid))
	require.NoError(t, err)
	uid := ""
	for sc := bufio.NewScanner(bytes.NewReader(status)); sc.Scan(); {
		if v, ok := strings.CutPrefix(sc.Text(), "Uid:"); ok {
			uid = strings.Fields(v)[0]
		}
	}
	assert.NotEqual(t, "0", uid, "the server runs as root")
	entries, err := os.ReadDir(data)
	require.NoError(t, err)
	assert.NotEmpty(t, entries, "nothing written to the data volume")

	require.NoError(t, server.Process.Signal(syscall.SIGTERM))
	require.NoError(t, server.Wait(), "SIGTERM: %s", &log)
	assert.False(t, healthy(), "healthy after the stop")
}
