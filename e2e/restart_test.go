package e2e

import (
	"net/http"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/protocol"
)

// TestRestartWithManyLobbies: the real binary, stopped with more open
// lobbies than JetStream lets one account hold consumers (1,000), starts
// again and serves every one of them.
func TestRestartWithManyLobbies(t *testing.T) {
	bin := buildCongress(t)
	data := filepath.Join(t.TempDir(), "data")
	addr := freeLoopback(t)
	args := []string{"--data", data, "--max-lobbies-per-ip", "5000"}
	srv := runNode(t, bin, addr, args...)
	const lobbies = 1001
	codes := make([]string, 0, lobbies)
	for range lobbies {
		codes = append(codes, srv.createLobby(t, protocol.CreateLobby{Name: "Anna"}).Code)
	}
	stopNode(t, srv, syscall.SIGTERM)

	start := time.Now()
	srv = runNode(t, bin, addr, args...)
	t.Logf("restarted with %d lobbies in %s", lobbies, time.Since(start).Round(time.Millisecond))
	missing := 0
	for _, code := range codes {
		res, err := http.Get(srv.url + "/api/lobbies/" + code)
		require.NoError(t, err)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			missing++
		}
	}
	assert.Zero(t, missing, "lobbies not served after the restart")
	stopNode(t, srv, syscall.SIGTERM)
}
