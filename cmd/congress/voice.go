package main

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"congress/server/voice"
)

// voiceFlags are the flags of the lobbies' voice and its TURN server.
// The returned function reads them once parsed.
func voiceFlags(fs *flag.FlagSet, getenv func(string) string) func() (*voice.Config, *voice.TURNConfig, error) {
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	def := voice.DefaultConfig()
	on := fs.Bool("voice", env("CONGRESS_VOICE", "") == "true", "carry the lobbies' voice (WebRTC audio through this server); each lobby still turns it on in its settings (env CONGRESS_VOICE=true)")
	peers := fs.Int("voice-max-peers", envInt(getenv, "CONGRESS_VOICE_MAX_PEERS", def.MaxPeers), "voice peers this server carries at once (env CONGRESS_VOICE_MAX_PEERS)")
	roomPeers := fs.Int("voice-max-lobby-peers", envInt(getenv, "CONGRESS_VOICE_MAX_LOBBY_PEERS", def.MaxRoomPeers), "voice peers of one lobby (env CONGRESS_VOICE_MAX_LOBBY_PEERS)")
	public := fs.String("voice-public-ip", env("CONGRESS_VOICE_PUBLIC_IP", ""), "the public IP address clients reach the media at, when the server is behind a 1:1 NAT; empty: its own addresses (env CONGRESS_VOICE_PUBLIC_IP)")
	ports := fs.String("voice-udp-ports", env("CONGRESS_VOICE_UDP_PORTS", ""), "the UDP port range of the media, like 50000-50199, to open in a firewall; empty: any ephemeral port (env CONGRESS_VOICE_UDP_PORTS)")
	tcp := fs.String("voice-tcp-listen", env("CONGRESS_VOICE_TCP_LISTEN", ""), "TCP address that also carries the media (ICE over TCP), like :3479, for players whose network lets no UDP out; empty: UDP only (env CONGRESS_VOICE_TCP_LISTEN)")
	turnListen := fs.String("turn-listen", env("CONGRESS_TURN_LISTEN", ""), "UDP address of the embedded TURN server, like :3478; empty: no TURN server (env CONGRESS_TURN_LISTEN)")
	turnIP := fs.String("turn-public-ip", env("CONGRESS_TURN_PUBLIC_IP", ""), "with --turn-listen: the public IP address of the TURN server and its relays (env CONGRESS_TURN_PUBLIC_IP)")
	turnTTL := fs.String("turn-ttl", env("CONGRESS_TURN_TTL", "10m"), "with --turn-listen: how long a TURN credential lasts (env CONGRESS_TURN_TTL)")
	return func() (*voice.Config, *voice.TURNConfig, error) {
		if !*on {
			return nil, nil, nil
		}
		cfg := def
		if *peers < 1 || *roomPeers < 1 {
			return nil, nil, fmt.Errorf("--voice-max-peers and --voice-max-lobby-peers must be at least 1")
		}
		cfg.MaxPeers, cfg.MaxRoomPeers = *peers, *roomPeers
		if ip := strings.TrimSpace(*public); ip != "" {
			cfg.PublicIPs = []string{ip}
		}
		if r := strings.TrimSpace(*ports); r != "" {
			lo, hi, ok := strings.Cut(r, "-")
			a, errA := strconv.ParseUint(lo, 10, 16)
			b, errB := strconv.ParseUint(hi, 10, 16)
			if !ok || errA != nil || errB != nil || a == 0 || a > b {
				return nil, nil, fmt.Errorf("--voice-udp-ports: %q is not a range like 50000-50199", r)
			}
			cfg.UDPPortMin, cfg.UDPPortMax = uint16(a), uint16(b)
		}
		cfg.TCPListen = strings.TrimSpace(*tcp)
		if strings.TrimSpace(*turnListen) == "" {
			return &cfg, nil, nil
		}
		ttl, err := time.ParseDuration(*turnTTL)
		if err != nil || ttl < time.Minute || ttl > 24*time.Hour {
			return nil, nil, fmt.Errorf("--turn-ttl: %q is not a duration from 1m to 24h, like 10m", *turnTTL)
		}
		if strings.TrimSpace(*turnIP) == "" {
			return nil, nil, fmt.Errorf("--turn-listen needs --turn-public-ip")
		}
		return &cfg, &voice.TURNConfig{Listen: strings.TrimSpace(*turnListen), PublicIP: strings.TrimSpace(*turnIP), TTL: ttl}, nil
	}
}
