// Package voice is the server's selective forwarding unit: each client
// sends its Opus audio to the server over WebRTC and receives the others'
// from it, never from one another. Who hears whom is the engine's
// (game.VoiceRoute); the lobby hands the SFU the result as a Routing on
// every change of state, and the packets a listener may not hear are
// dropped here, whatever the speaker's client does. Nothing is recorded:
// a packet is written to its listeners and forgotten.
package voice

import (
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/webrtc/v4"
	"github.com/prometheus/client_golang/prometheus"
)

// Config bounds and places the SFU.
type Config struct {
	// MaxPeers is the most voice peers the server carries at once.
	MaxPeers int
	// MaxRoomPeers is the most voice peers of one lobby.
	MaxRoomPeers int
	// PublicIPs are the addresses clients reach the server's media at
	// when it sits behind a 1:1 NAT (empty: its own addresses).
	PublicIPs []string
	// UDPPortMin and UDPPortMax bound the media's UDP ports (0: any).
	UDPPortMin, UDPPortMax uint16
	// TCPListen, if set, is the TCP address (":3479") that also carries
	// the media, for clients whose network lets no UDP out: ICE over TCP,
	// every peer on the one port.
	TCPListen string
	// ICEServers are handed to clients (a TURN server, see TURN).
	ICEServers func(peer string) []webrtc.ICEServer
	// GatherTimeout bounds the gathering of the server's candidates.
	GatherTimeout time.Duration
}

// DefaultConfig is a server of 500 voice peers, 24 to a lobby.
func DefaultConfig() Config {
	return Config{MaxPeers: 500, MaxRoomPeers: 24, GatherTimeout: 2 * time.Second}
}

// Errors of Join and Answer; the lobby turns them into refusals.
var (
	ErrServerFull = errors.New("voice: the server carries all the voices it can")
	ErrRoomFull   = errors.New("voice: the lobby's voice is full")
	ErrJoined     = errors.New("voice: already in the voice")
	ErrNotJoined  = errors.New("voice: not in the voice")
	ErrClosed     = errors.New("voice: the room is closed")
	ErrBadAnswer  = errors.New("voice: the answer does not fit the offer")
)

// SFU is the server's voice: one per server, shared by its lobbies.
type SFU struct {
	cfg Config
	api *webrtc.API
	tcp net.Listener // ICE over TCP, if Config.TCPListen

	peers     atomic.Int64
	forwarded atomic.Int64
	dropped   atomic.Int64 // by rule: the listener may not hear the speaker
	silenced  atomic.Int64 // the speaker muted themselves
}

// New makes the SFU.
func New(cfg Config) (*SFU, error) {
	if cfg.GatherTimeout <= 0 {
		cfg.GatherTimeout = 2 * time.Second
	}
	m := &webrtc.MediaEngine{}
	if err := m.RegisterCodec(webrtc.RTPCodecParameters{
		RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2, SDPFmtpLine: "minptime=10;useinbandfec=1"},
		PayloadType:        111,
	}, webrtc.RTPCodecTypeAudio); err != nil {
		return nil, err
	}
	ir := &interceptor.Registry{}
	if err := webrtc.RegisterDefaultInterceptors(m, ir); err != nil {
		return nil, err
	}
	se := webrtc.SettingEngine{}
	if cfg.UDPPortMin != 0 || cfg.UDPPortMax != 0 {
		if err := se.SetEphemeralUDPPortRange(cfg.UDPPortMin, cfg.UDPPortMax); err != nil {
			return nil, fmt.Errorf("voice: UDP ports: %w", err)
		}
	}
	if len(cfg.PublicIPs) > 0 {
		for _, ip := range cfg.PublicIPs {
			if net.ParseIP(ip) == nil {
				return nil, fmt.Errorf("voice: public address %q is not an IP address", ip)
			}
		}
		se.SetNAT1To1IPs(cfg.PublicIPs, webrtc.ICECandidateTypeHost)
	}
	// No mDNS names and no peer-to-peer: the server is the only peer.
	se.SetICEMulticastDNSMode(0)
	sfu := &SFU{cfg: cfg}
	if cfg.TCPListen != "" {
		ln, err := net.Listen("tcp", cfg.TCPListen)
		if err != nil {
			return nil, fmt.Errorf("voice: ICE over TCP: %w", err)
		}
		sfu.tcp = ln
		se.SetICETCPMux(webrtc.NewICETCPMux(nil, ln, 64))
		se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4, webrtc.NetworkTypeUDP6, webrtc.NetworkTypeTCP4, webrtc.NetworkTypeTCP6})
	}
	sfu.api = webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithSettingEngine(se), webrtc.WithInterceptorRegistry(ir))
	return sfu, nil
}

// TCPAddr is the address of the media's TCP port, nil without one.
func (s *SFU) TCPAddr() net.Addr {
	if s.tcp == nil {
		return nil
	}
	return s.tcp.Addr()
}

// Close lets go of the media's TCP port; rooms close with their lobbies.
func (s *SFU) Close() error {
	if s.tcp == nil {
		return nil
	}
	return s.tcp.Close()
}

// Collectors are the SFU's metrics, for the server's registry.
func (s *SFU) Collectors() []prometheus.Collector {
	gauge := func(name, help string, v *atomic.Int64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, func() float64 { return float64(v.Load()) })
	}
	counter := func(name, help string, v *atomic.Int64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, func() float64 { return float64(v.Load()) })
	}
	return []prometheus.Collector{
		gauge("congress_voice_peers", "Clients connected to the voice.", &s.peers),
		counter("congress_voice_forwarded_packets_total", "Audio packets forwarded to a listener.", &s.forwarded),
		counter("congress_voice_dropped_packets_total", "Audio packets not forwarded to a listener the rules do not let hear the speaker.", &s.dropped),
		counter("congress_voice_silenced_packets_total", "Audio packets of speakers who muted themselves, not forwarded.", &s.silenced),
	}
}

// Stats are the SFU's counters.
type Stats struct{ Peers, Forwarded, Dropped, Silenced int64 }

// Stats reads the counters.
func (s *SFU) Stats() Stats {
	return Stats{s.peers.Load(), s.forwarded.Load(), s.dropped.Load(), s.silenced.Load()}
}

// Routing says which listener hears which speaker: Hears[listener] is
// the set of speakers that listener hears. Peers are named by the IDs
// they joined under. A peer absent from it hears nobody.
type Routing struct {
	Hears map[string]map[string]bool
}

// allows reports whether listener hears speaker.
func (r *Routing) allows(speaker, listener string) bool {
	return r != nil && r.Hears[listener][speaker]
}

// Signal is what a peer's client must be told: an offer to answer.
type Signal struct {
	SDP string
}

// Room is one lobby's voice.
type Room struct {
	sfu *SFU

	mu     sync.Mutex
	peers  map[string]*Peer
	closed bool

	routing atomic.Pointer[Routing]
	// table is the forwarding table: for each listener, its track of each
	// speaker. Rebuilt under mu, read by the forwarders without a lock.
	table atomic.Pointer[[]outlet]
	// changedAt is when the routing last changed, for the measures.
	changedAt atomic.Int64
}

// outlet is a listener's tracks, by speaker.
type outlet struct {
	id     string
	tracks map[string]*webrtc.TrackLocalStaticRTP
}

// NewRoom opens a lobby's voice.
func (s *SFU) NewRoom() *Room {
	r := &Room{sfu: s, peers: map[string]*Peer{}}
	r.table.Store(&[]outlet{})
	return r
}

// SetRouting replaces who hears whom. It takes effect for the next
// packet of every speaker.
func (r *Room) SetRouting(rt Routing) {
	r.routing.Store(&rt)
	r.changedAt.Store(time.Now().UnixNano())
}

// Peer is one client in the voice.
type Peer struct {
	id     string
	room   *Room
	pc     *webrtc.PeerConnection
	mic    bool
	signal func(Signal)
	muted  atomic.Bool
	// out are this listener's tracks, one per other speaker (under the
	// room's mu); senders their RTP senders.
	out     map[string]*webrtc.TrackLocalStaticRTP
	senders map[string]*webrtc.RTPSender

	negMu       sync.Mutex
	offering    bool // an offer waits for its answer
	offerAgain  bool // the tracks changed meanwhile
	closed      bool
	gotTrack    atomic.Bool
	lastForward atomic.Int64 // when a packet of this speaker was last forwarded
}

// Join adds a client to the voice under id. With mic the server takes
// its audio; without, it only listens. signal carries offers to the
// client, from any goroutine; the first comes at once.
func (r *Room) Join(id string, mic bool, signal func(Signal)) (*Peer, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case r.closed:
		return nil, ErrClosed
	case r.peers[id] != nil:
		return nil, ErrJoined
	case len(r.peers) >= r.sfu.cfg.MaxRoomPeers:
		return nil, ErrRoomFull
	}
	if r.sfu.peers.Add(1) > int64(r.sfu.cfg.MaxPeers) {
		r.sfu.peers.Add(-1)
		return nil, ErrServerFull
	}
	var ice []webrtc.ICEServer
	if r.sfu.cfg.ICEServers != nil {
		ice = r.sfu.cfg.ICEServers(id)
	}
	pc, err := r.sfu.api.NewPeerConnection(webrtc.Configuration{ICEServers: ice})
	if err != nil {
		r.sfu.peers.Add(-1)
		return nil, err
	}
	p := &Peer{id: id, room: r, pc: pc, mic: mic, signal: signal, out: map[string]*webrtc.TrackLocalStaticRTP{}, senders: map[string]*webrtc.RTPSender{}}
	if mic {
		if _, err := pc.AddTransceiverFromKind(webrtc.RTPCodecTypeAudio, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly}); err != nil {
			pc.Close()
			r.sfu.peers.Add(-1)
			return nil, err
		}
		pc.OnTrack(p.forward)
	}
	pc.OnConnectionStateChange(func(s webrtc.PeerConnectionState) {
		if s == webrtc.PeerConnectionStateFailed {
			r.Leave(id)
		}
	})
	// The newcomer hears every speaker there is; a newcomer with a mic
	// is a speaker for every other.
	for sid, sp := range r.peers {
		if sp.mic {
			p.addTrack(sid)
		}
		if mic {
			sp.addTrack(id)
		}
	}
	r.peers[id] = p
	r.rebuild()
	for _, other := range r.peers {
		if other == p || mic {
			go other.offer()
		}
	}
	return p, nil
}

// addTrack gives listener p a track for speaker sid (under the room's mu).
func (p *Peer) addTrack(sid string) {
	tr, err := webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}, "audio", sid)
	if err != nil {
		return
	}
	// A transceiver of its own, never the one that receives the mic.
	t, err := p.pc.AddTransceiverFromTrack(tr, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionSendonly})
	if err != nil {
		return
	}
	snd := t.Sender()
	go drainRTCP(snd)
	p.out[sid], p.senders[sid] = tr, snd
}

func drainRTCP(s *webrtc.RTPSender) {
	buf := make([]byte, 1500)
	for {
		if _, _, err := s.Read(buf); err != nil {
			return
		}
	}
}

// rebuild makes the forwarding table again (under mu).
func (r *Room) rebuild() {
	t := make([]outlet, 0, len(r.peers))
	for id, p := range r.peers {
		tracks := make(map[string]*webrtc.TrackLocalStaticRTP, len(p.out))
		for sid, tr := range p.out {
			tracks[sid] = tr
		}
		t = append(t, outlet{id: id, tracks: tracks})
	}
	r.table.Store(&t)
}

// Leave takes id out of the voice; its tracks leave every other peer.
func (r *Room) Leave(id string) {
	r.mu.Lock()
	p := r.peers[id]
	if p == nil {
		r.mu.Unlock()
		return
	}
	delete(r.peers, id)
	var renegotiate []*Peer
	for _, other := range r.peers {
		if snd, ok := other.senders[id]; ok {
			_ = other.pc.RemoveTrack(snd)
			delete(other.senders, id)
			delete(other.out, id)
			renegotiate = append(renegotiate, other)
		}
	}
	r.rebuild()
	r.mu.Unlock()
	p.close()
	for _, other := range renegotiate {
		go other.offer()
	}
}

// Close ends the room's voice: every peer leaves.
func (r *Room) Close() {
	r.mu.Lock()
	r.closed = true
	peers := r.peers
	r.peers = map[string]*Peer{}
	r.rebuild()
	r.mu.Unlock()
	for _, p := range peers {
		p.close()
	}
}

// Peers is how many are in the room's voice.
func (r *Room) Peers() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.peers)
}

// Peer is the peer joined under id, or nil.
func (r *Room) Peer(id string) *Peer {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.peers[id]
}

func (p *Peer) close() {
	p.negMu.Lock()
	if p.closed {
		p.negMu.Unlock()
		return
	}
	p.closed = true
	p.negMu.Unlock()
	_ = p.pc.Close()
	p.room.sfu.peers.Add(-1)
}

// SetMuted records the speaker's own mute (push-to-talk released): its
// packets are not forwarded while set.
func (p *Peer) SetMuted(m bool) { p.muted.Store(m) }

// Muted reports the speaker's own mute.
func (p *Peer) Muted() bool { return p.muted.Load() }

// Mic reports whether the peer joined with a microphone.
func (p *Peer) Mic() bool { return p.mic }

// offer sends the client a new offer for the peer's tracks, or marks
// that one is due once the outstanding offer is answered.
func (p *Peer) offer() {
	p.negMu.Lock()
	defer p.negMu.Unlock()
	if p.closed {
		return
	}
	if p.offering {
		p.offerAgain = true
		return
	}
	if len(p.pc.GetTransceivers()) == 0 {
		return // nothing to send or receive yet: the first speaker brings an offer
	}
	sdp, err := p.makeOffer()
	if err != nil {
		return
	}
	p.offering = true
	p.signal(Signal{SDP: sdp})
}

// makeOffer (under negMu) sets and returns a complete local offer, its
// candidates gathered.
func (p *Peer) makeOffer() (string, error) {
	o, err := p.pc.CreateOffer(nil)
	if err != nil {
		return "", err
	}
	gathered := webrtc.GatheringCompletePromise(p.pc)
	if err := p.pc.SetLocalDescription(o); err != nil {
		return "", err
	}
	select {
	case <-gathered:
	case <-time.After(p.room.sfu.cfg.GatherTimeout):
	}
	return p.pc.LocalDescription().SDP, nil
}

// Answer applies the client's answer to the last offer; an offer due
// meanwhile goes out at once.
func (p *Peer) Answer(sdp string) error {
	p.negMu.Lock()
	defer p.negMu.Unlock()
	if p.closed {
		return ErrNotJoined
	}
	if !p.offering {
		return ErrBadAnswer
	}
	err := p.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: sdp})
	if err != nil && p.pc.SignalingState() == webrtc.SignalingStateHaveLocalOffer {
		return ErrBadAnswer // the offer still waits for an answer that fits
	}
	p.offering = false
	if err != nil {
		return ErrBadAnswer
	}
	if p.offerAgain {
		p.offerAgain = false
		if sdp, err := p.makeOffer(); err == nil {
			p.offering = true
			p.signal(Signal{SDP: sdp})
		}
	}
	return nil
}

// forward reads a speaker's audio and writes each packet to the tracks
// of the listeners the routing lets hear them. One track per speaker: a
// second is ignored.
func (p *Peer) forward(remote *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
	if remote.Kind() != webrtc.RTPCodecTypeAudio || p.gotTrack.Swap(true) {
		return
	}
	r, sfu := p.room, p.room.sfu
	for {
		pkt, _, err := remote.ReadRTP()
		if err != nil {
			return
		}
		table, rt := *r.table.Load(), r.routing.Load()
		muted := p.muted.Load()
		for i := range table {
			o := &table[i]
			tr := o.tracks[p.id]
			if tr == nil {
				continue
			}
			switch {
			case muted:
				sfu.silenced.Add(1)
			case !rt.allows(p.id, o.id):
				sfu.dropped.Add(1)
			default:
				if tr.WriteRTP(pkt) == nil {
					sfu.forwarded.Add(1)
					p.lastForward.Store(time.Now().UnixNano())
				}
			}
		}
	}
}

// LastForward is when a packet of this speaker was last forwarded.
func (p *Peer) LastForward() time.Time {
	n := p.lastForward.Load()
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n)
}

// ChangedAt is when the routing last changed.
func (r *Room) ChangedAt() time.Time { return time.Unix(0, r.changedAt.Load()) }
