package voice

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
	"github.com/stretchr/testify/require"
)

// client is a WebRTC client of the SFU in the same process, over
// loopback: it answers the server's offers, sends a packet every 20 ms
// when it has a mic, and counts what it receives from each speaker.
type client struct {
	t    testing.TB
	id   string
	pc   *webrtc.PeerConnection
	peer *Peer
	mic  *webrtc.TrackLocalStaticRTP

	mu   sync.Mutex
	got  map[string]int       // packets, by speaker
	last map[string]time.Time // the latest packet's arrival, by speaker
	stop chan struct{}
	sent atomic.Int64
}

func newClient(t testing.TB, r *Room, id string, mic bool) *client {
	return newClientOn(t, r, id, mic, webrtc.SettingEngine{})
}

// newClientOn is newClient with its own WebRTC settings (its networks).
func newClientOn(t testing.TB, r *Room, id string, mic bool, se webrtc.SettingEngine) *client {
	t.Helper()
	m := &webrtc.MediaEngine{}
	require.NoError(t, m.RegisterDefaultCodecs())
	pc, err := webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithSettingEngine(se)).NewPeerConnection(webrtc.Configuration{})
	require.NoError(t, err)
	c := &client{t: t, id: id, pc: pc, got: map[string]int{}, last: map[string]time.Time{}, stop: make(chan struct{})}
	t.Cleanup(func() { close(c.stop); _ = pc.Close() })
	if mic {
		c.mic, err = webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}, "mic", id)
		require.NoError(t, err)
		_, err = pc.AddTransceiverFromTrack(c.mic, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionSendonly})
		require.NoError(t, err)
	}
	pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		speaker := tr.StreamID()
		for {
			if _, _, err := tr.ReadRTP(); err != nil {
				return
			}
			c.mu.Lock()
			c.got[speaker]++
			c.last[speaker] = time.Now()
			c.mu.Unlock()
		}
	})
	signals := make(chan Signal, 8)
	c.peer, err = r.Join(id, mic, func(s Signal) { signals <- s })
	require.NoError(t, err)
	go func() {
		for {
			select {
			case s := <-signals:
				c.answer(s)
			case <-c.stop:
				return
			}
		}
	}()
	if mic {
		go c.talk()
	}
	return c
}

// answer answers one offer of the server.
func (c *client) answer(s Signal) {
	if err := c.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: s.SDP}); err != nil {
		return
	}
	a, err := c.pc.CreateAnswer(nil)
	if err != nil {
		return
	}
	done := webrtc.GatheringCompletePromise(c.pc)
	if c.pc.SetLocalDescription(a) != nil {
		return
	}
	<-done
	_ = c.peer.Answer(c.pc.LocalDescription().SDP)
}

// talk sends one Opus-sized packet every 20 ms, as a browser does.
func (c *client) talk() {
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	payload := make([]byte, 80)
	for seq := uint16(0); ; seq++ {
		select {
		case <-c.stop:
			return
		case <-tick.C:
		}
		if c.mic.WriteRTP(&rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 111, SequenceNumber: seq, Timestamp: uint32(seq) * 960, SSRC: 1}, Payload: payload}) == nil {
			c.sent.Add(1)
		}
	}
}

func (c *client) heard(speaker string) (int, time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.got[speaker], c.last[speaker]
}

// hears waits until c receives packets from speaker.
func (c *client) hears(speaker string) {
	c.t.Helper()
	n0, _ := c.heard(speaker)
	require.Eventually(c.t, func() bool { n, _ := c.heard(speaker); return n > n0+5 }, 10*time.Second, 10*time.Millisecond, "%s hears nothing from %s", c.id, speaker)
}

// silent requires that c receives nothing from speaker for a while.
func (c *client) silent(speaker string) {
	c.t.Helper()
	n0, _ := c.heard(speaker)
	time.Sleep(300 * time.Millisecond)
	n, _ := c.heard(speaker)
	require.Equal(c.t, n0, n, "%s still hears %s", c.id, speaker)
}

func routing(pairs ...[2]string) Routing {
	rt := Routing{Hears: map[string]map[string]bool{}}
	for _, p := range pairs {
		if rt.Hears[p[0]] == nil {
			rt.Hears[p[0]] = map[string]bool{}
		}
		rt.Hears[p[0]][p[1]] = true
	}
	return rt
}

func newSFU(t testing.TB, cfg Config) *SFU {
	t.Helper()
	s, err := New(cfg)
	require.NoError(t, err)
	return s
}

// TestVoiceRoutingDropsAtServer: a listener hears a speaker while the
// routing says so, and the moment it no longer does the server stops
// forwarding (measured: routing change to the last packet received).
func TestVoiceRoutingDropsAtServer(t *testing.T) {
	s := newSFU(t, DefaultConfig())
	r := s.NewRoom()
	defer r.Close()
	r.SetRouting(routing([2]string{"b", "a"}, [2]string{"c", "a"}, [2]string{"a", "b"}))
	a := newClient(t, r, "a", true)
	b := newClient(t, r, "b", true)
	c := newClient(t, r, "c", false)
	b.hears("a")
	c.hears("a")
	a.hears("b")
	c.silent("b") // never routed

	r.SetRouting(routing([2]string{"c", "a"})) // b no longer hears a
	changed := r.ChangedAt()
	b.silent("a")
	c.hears("a")
	a.silent("b")
	_, last := b.heard("a")
	lag := last.Sub(changed)
	t.Logf("routing change to the last packet of a now-muted speaker: %v", lag)
	require.Less(t, lag, 100*time.Millisecond)
	require.Positive(t, s.Stats().Dropped)
	require.Positive(t, s.Stats().Forwarded)

	r.SetRouting(routing([2]string{"b", "a"}, [2]string{"c", "a"}))
	b.hears("a")
}

// TestVoiceListenerFirst: a listener who joins an empty voice hears the
// speakers who come after.
func TestVoiceListenerFirst(t *testing.T) {
	s := newSFU(t, DefaultConfig())
	r := s.NewRoom()
	defer r.Close()
	r.SetRouting(routing([2]string{"b", "a"}, [2]string{"b", "c"}))
	b := newClient(t, r, "b", false)
	a := newClient(t, r, "a", true)
	b.hears("a")
	c := newClient(t, r, "c", true)
	b.hears("c")
	_, _ = a, c
}

func TestVoiceSelfMute(t *testing.T) {
	s := newSFU(t, DefaultConfig())
	r := s.NewRoom()
	defer r.Close()
	r.SetRouting(routing([2]string{"b", "a"}))
	a := newClient(t, r, "a", true)
	b := newClient(t, r, "b", false)
	b.hears("a")
	a.peer.SetMuted(true)
	b.silent("a")
	require.Positive(t, s.Stats().Silenced)
	a.peer.SetMuted(false)
	b.hears("a")
}

func TestVoiceLeaveAndLimits(t *testing.T) {
	cfg := DefaultConfig()
	cfg.MaxRoomPeers, cfg.MaxPeers = 2, 3
	s := newSFU(t, cfg)
	r := s.NewRoom()
	defer r.Close()
	r.SetRouting(routing([2]string{"b", "a"}))
	a := newClient(t, r, "a", true)
	b := newClient(t, r, "b", false)
	b.hears("a")

	_, err := r.Join("a", true, func(Signal) {})
	require.ErrorIs(t, err, ErrJoined)
	_, err = r.Join("c", false, func(Signal) {})
	require.ErrorIs(t, err, ErrRoomFull)

	r2 := s.NewRoom()
	defer r2.Close()
	_, err = r2.Join("x", false, func(Signal) {})
	require.NoError(t, err)
	_, err = r2.Join("y", false, func(Signal) {})
	require.ErrorIs(t, err, ErrServerFull)
	require.EqualValues(t, 3, s.Stats().Peers)

	r.Leave("a")
	require.EqualValues(t, 2, s.Stats().Peers)
	require.Nil(t, r.Peer("a"))
	b.silent("a")
	_ = a
	r.Close()
	_, err = r.Join("z", false, func(Signal) {})
	require.ErrorIs(t, err, ErrClosed)
	require.EqualValues(t, 1, s.Stats().Peers)
}

func TestVoiceAnswerWithoutOffer(t *testing.T) {
	s := newSFU(t, DefaultConfig())
	r := s.NewRoom()
	defer r.Close()
	var early atomic.Int64
	p, err := r.Join("a", false, func(Signal) { early.Add(1) })
	require.NoError(t, err)
	require.ErrorIs(t, p.Answer("v=0 not an answer"), ErrBadAnswer, "no offer was made")
	time.Sleep(100 * time.Millisecond)
	require.Zero(t, early.Load(), "an offer to a listener alone, with nothing to hear")
	offers := make(chan Signal, 1)
	q, err := r.Join("b", true, func(sg Signal) { offers <- sg })
	require.NoError(t, err)
	<-offers
	require.ErrorIs(t, q.Answer("v=0 not an answer"), ErrBadAnswer)
}

// BenchmarkVoiceLobby10 is a lobby of 10 speaking delegates who all hear
// one another (the Debate): 50 packets a second each, 4,500 forwarded a
// second. It reports the CPU time of the whole process (the SFU and its
// ten in-process clients, which encrypt and decrypt too) per forwarded
// packet: an upper bound on the SFU's own. Run with -benchtime=1x.
func BenchmarkVoiceLobby10(b *testing.B) {
	s := newSFU(b, DefaultConfig())
	r := s.NewRoom()
	defer r.Close()
	ids := []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}
	var pairs [][2]string
	for _, l := range ids {
		for _, sp := range ids {
			if l != sp {
				pairs = append(pairs, [2]string{l, sp})
			}
		}
	}
	r.SetRouting(routing(pairs...))
	clients := make([]*client, len(ids))
	for i, id := range ids {
		clients[i] = newClient(b, r, id, true)
	}
	for _, c := range clients {
		for _, sp := range ids {
			if sp != c.id {
				c.hears(sp)
			}
		}
	}
	for b.Loop() {
		f0, cpu0 := s.Stats().Forwarded, cpuTime()
		start := time.Now()
		time.Sleep(5 * time.Second)
		f, cpu, wall := s.Stats().Forwarded-f0, cpuTime()-cpu0, time.Since(start)
		b.ReportMetric(float64(f)/wall.Seconds(), "forwarded/s")
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(f), "cpu-ns/forwarded")
		b.ReportMetric(cpu.Seconds()/wall.Seconds(), "cores")
	}
}

// TestVoiceOverTCP: a client whose network lets no UDP through (it
// gathers and accepts TCP candidates only) still speaks and hears, over
// the SFU's one TCP port; without that port it hears nothing.
func TestVoiceOverTCP(t *testing.T) {
	tcpOnly := webrtc.SettingEngine{}
	tcpOnly.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeTCP4})
	both := routing([2]string{"anna", "boris"}, [2]string{"boris", "anna"})

	cfg := DefaultConfig()
	cfg.TCPListen = ":0"
	s := newSFU(t, cfg)
	t.Cleanup(func() { _ = s.Close() })
	require.NotNil(t, s.TCPAddr())
	r := s.NewRoom()
	defer r.Close()
	anna := newClientOn(t, r, "anna", true, tcpOnly)
	boris := newClientOn(t, r, "boris", true, tcpOnly)
	r.SetRouting(both)
	anna.hears("boris")
	boris.hears("anna")

	udpOnly := newSFU(t, DefaultConfig())
	require.Nil(t, udpOnly.TCPAddr())
	r2 := udpOnly.NewRoom()
	defer r2.Close()
	clara := newClientOn(t, r2, "anna", true, tcpOnly)
	dmitri := newClientOn(t, r2, "boris", true, tcpOnly)
	r2.SetRouting(both)
	time.Sleep(2 * time.Second)
	n, _ := clara.heard("boris")
	m, _ := dmitri.heard("anna")
	require.Zero(t, n+m, "audio over UDP reached clients that may only use TCP")
}
