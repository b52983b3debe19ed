package voice

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/pion/turn/v4"
)

// TURNConfig places the embedded TURN server, for clients behind routers
// that let no UDP in: they relay their media through it.
type TURNConfig struct {
	// Listen is the UDP address the TURN server listens on (":3478").
	Listen string
	// PublicIP is the address clients reach it and its relays at.
	PublicIP string
	// Realm names the server in the TURN exchange.
	Realm string
	// TTL is how long a credential lasts (10 minutes if 0).
	TTL time.Duration
}

// TURN is the embedded TURN server. Its credentials are the TURN REST
// kind: the username carries its expiry and the peer, the password is an
// HMAC of the username under a secret drawn at start, so they are valid
// for one run of the server and TTL at most.
type TURN struct {
	cfg    TURNConfig
	secret string
	srv    *turn.Server
	conn   net.PacketConn
}

// StartTURN starts the TURN server.
func StartTURN(cfg TURNConfig) (*TURN, error) {
	if cfg.TTL <= 0 {
		cfg.TTL = 10 * time.Minute
	}
	if cfg.Realm == "" {
		cfg.Realm = "congress"
	}
	ip := net.ParseIP(cfg.PublicIP)
	if ip == nil {
		return nil, fmt.Errorf("voice: the TURN server's public address %q is not an IP address", cfg.PublicIP)
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	secret := base64.RawStdEncoding.EncodeToString(key)
	conn, err := net.ListenPacket("udp4", cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("voice: TURN: %w", err)
	}
	srv, err := turn.NewServer(turn.ServerConfig{
		Realm:       cfg.Realm,
		AuthHandler: turn.LongTermTURNRESTAuthHandler(secret, nil),
		PacketConnConfigs: []turn.PacketConnConfig{{
			PacketConn:            conn,
			RelayAddressGenerator: &turn.RelayAddressGeneratorStatic{RelayAddress: ip, Address: "0.0.0.0"},
		}},
	})
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("voice: TURN: %w", err)
	}
	return &TURN{cfg: cfg, secret: secret, srv: srv, conn: conn}, nil
}

// Addr is the address the TURN server listens on.
func (t *TURN) Addr() net.Addr { return t.conn.LocalAddr() }

// Credentials are a peer's short-lived TURN credentials and the URL.
func (t *TURN) Credentials(peer string) (urls []string, username, password string, err error) {
	username, password, err = turn.GenerateLongTermTURNRESTCredentials(t.secret, peer, t.cfg.TTL)
	port := strconv.Itoa(t.conn.LocalAddr().(*net.UDPAddr).Port)
	return []string{"turn:" + net.JoinHostPort(t.cfg.PublicIP, port) + "?transport=udp"}, username, password, err
}

// Close stops the TURN server.
func (t *TURN) Close() error { return t.srv.Close() }
