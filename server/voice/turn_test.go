package voice

import (
	"net"
	"strings"
	"testing"
	"time"

	"github.com/pion/turn/v4"
	"github.com/stretchr/testify/require"
)

// allocate asks the TURN server for a relay with the given credentials.
func allocate(t *testing.T, server net.Addr, user, pass string) error {
	t.Helper()
	conn, err := net.ListenPacket("udp4", "127.0.0.1:0")
	require.NoError(t, err)
	defer conn.Close()
	c, err := turn.NewClient(&turn.ClientConfig{TURNServerAddr: server.String(), Username: user, Password: pass, Realm: "congress", Conn: conn, RTO: 200 * time.Millisecond})
	require.NoError(t, err)
	defer c.Close()
	require.NoError(t, c.Listen())
	relay, err := c.Allocate()
	if err == nil {
		relay.Close()
	}
	return err
}

// TestTURNCredentials: the credentials handed with an offer open a relay;
// a password made up, or one of another peer's name, does not.
func TestTURNCredentials(t *testing.T) {
	tr, err := StartTURN(TURNConfig{Listen: "127.0.0.1:0", PublicIP: "127.0.0.1", TTL: time.Minute})
	require.NoError(t, err)
	defer tr.Close()
	urls, user, pass, err := tr.Credentials("d3")
	require.NoError(t, err)
	require.Len(t, urls, 1)
	require.True(t, strings.HasPrefix(urls[0], "turn:127.0.0.1:"), urls[0])
	require.True(t, strings.HasSuffix(user, ":d3"), user)

	require.NoError(t, allocate(t, tr.Addr(), user, pass))
	require.Error(t, allocate(t, tr.Addr(), user, "bm90IHRoZSBwYXNzd29yZA=="))
	other := strings.TrimSuffix(user, "d3") + "d4"
	require.Error(t, allocate(t, tr.Addr(), other, pass))
}

func TestTURNNeedsAnAddress(t *testing.T) {
	_, err := StartTURN(TURNConfig{Listen: "127.0.0.1:0", PublicIP: "turn.example.org"})
	require.ErrorContains(t, err, "not an IP address")
}
