package server

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
	"github.com/stretchr/testify/require"

	"congress/game"
	"congress/protocol"
	"congress/protocol/wsclient"
	"congress/server/store"
	"congress/server/voice"
)

// vclient is a test client with a WebRTC peer of its own: it answers
// the server's voice offers as they arrive, sends a packet every 20 ms
// once it joins with the mic, and counts the packets it receives from
// each speaker (by stream ID).
type vclient struct {
	*client
	pc     *webrtc.PeerConnection
	mic    *webrtc.TrackLocalStaticRTP
	offers chan protocol.VoiceOffer
	stop   chan struct{}
	ids    atomic.Int64

	mu    sync.Mutex
	got   map[string]int
	last  map[string]time.Time
	state protocol.Voice // the latest voice message
}

func (e *env) vdial() *vclient {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c := &client{t: e.t, seat: game.NoSeat}
	vc := &vclient{client: c, offers: make(chan protocol.VoiceOffer, 16), stop: make(chan struct{}), got: map[string]int{}, last: map[string]time.Time{}}
	vc.ids.Store(1 << 40)
	conn, err := wsclient.Open(ctx, e.http.URL, wsclient.Options{Observe: c.learn, OnRead: vc.onRead})
	require.NoError(e.t, err)
	c.conn, c.ws, c.in, c.closed = conn, conn.WS, conn.Queue(), conn.Done()
	m := &webrtc.MediaEngine{}
	require.NoError(e.t, m.RegisterDefaultCodecs())
	vc.pc, err = webrtc.NewAPI(webrtc.WithMediaEngine(m)).NewPeerConnection(webrtc.Configuration{})
	require.NoError(e.t, err)
	vc.pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		speaker := tr.StreamID()
		for {
			if _, _, err := tr.ReadRTP(); err != nil {
				return
			}
			vc.mu.Lock()
			vc.got[speaker]++
			vc.last[speaker] = time.Now()
			vc.mu.Unlock()
		}
	})
	go vc.answerOffers()
	e.t.Cleanup(func() { close(vc.stop); _ = vc.pc.Close(); conn.CloseNow() })
	return vc
}

func (vc *vclient) onRead(m msg) {
	switch m.Type {
	case protocol.TypeVoiceOffer:
		var o protocol.VoiceOffer
		if m.Decode(&o) == nil {
			vc.offers <- o
		}
	case protocol.TypeVoice:
		var v protocol.Voice
		if m.Decode(&v) == nil {
			vc.mu.Lock()
			vc.state = v
			vc.mu.Unlock()
		}
	}
}

func (vc *vclient) answerOffers() {
	for {
		var o protocol.VoiceOffer
		select {
		case o = <-vc.offers:
		case <-vc.stop:
			return
		}
		if vc.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: o.SDP}) != nil {
			continue
		}
		a, err := vc.pc.CreateAnswer(nil)
		if err != nil {
			continue
		}
		done := webrtc.GatheringCompletePromise(vc.pc)
		if vc.pc.SetLocalDescription(a) != nil {
			continue
		}
		<-done
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_ = vc.conn.Send(ctx, protocol.VoiceAnswer{ID: vc.ids.Add(1), SDP: vc.pc.LocalDescription().SDP})
		cancel()
	}
}

// join enters the voice, with the mic (which then talks) or to listen.
func (vc *vclient) join(mic bool) {
	vc.t.Helper()
	if mic {
		var err error
		vc.mic, err = webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}, "mic", "mic")
		require.NoError(vc.t, err)
		_, err = vc.pc.AddTransceiverFromTrack(vc.mic, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionSendonly})
		require.NoError(vc.t, err)
		go vc.talk()
	}
	vc.ok(protocol.VoiceJoin{Mic: mic})
}

func (vc *vclient) talk() {
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	payload := make([]byte, 80)
	for seq := uint16(0); ; seq++ {
		select {
		case <-vc.stop:
			return
		case <-tick.C:
		}
		_ = vc.mic.WriteRTP(&rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 111, SequenceNumber: seq, Timestamp: uint32(seq) * 960, SSRC: 7}, Payload: payload})
	}
}

func (vc *vclient) heard(stream string) (int, time.Time) {
	vc.mu.Lock()
	defer vc.mu.Unlock()
	return vc.got[stream], vc.last[stream]
}

func (vc *vclient) voice() protocol.Voice {
	vc.mu.Lock()
	defer vc.mu.Unlock()
	return vc.state
}

func (vc *vclient) hears(from *vclient) {
	vc.t.Helper()
	n0, _ := vc.heard(from.stream())
	require.Eventually(vc.t, func() bool { n, _ := vc.heard(from.stream()); return n > n0+5 }, 10*time.Second, 10*time.Millisecond,
		"%s hears nothing from %s", vc.stream(), from.stream())
}

// voiceCutGrace is how soon after the command that cuts a route its last
// packet has landed.
const voiceCutGrace = 100 * time.Millisecond

func (vc *vclient) silent(from *vclient) {
	vc.t.Helper()
	// Packets forwarded before the cut may still be on their way: they
	// land within voiceCutGrace (the test of the cut bounds how late).
	time.Sleep(voiceCutGrace)
	n0, _ := vc.heard(from.stream())
	time.Sleep(300 * time.Millisecond)
	n, _ := vc.heard(from.stream())
	require.Equal(vc.t, n0, n, "%s still hears %s", vc.stream(), from.stream())
}

// stream is the client's stream ID in the voice: its member ID, or for
// a spectator its gallery ID (from the voice's peers).
func (vc *vclient) stream() string {
	if vc.you != "" {
		return vc.you
	}
	return "s1"
}

func voiceEnv(t *testing.T, mod ...func(*voice.Config)) *env {
	return newEnv(t, func(o *Options) {
		cfg := voice.DefaultConfig()
		for _, f := range mod {
			f(&cfg)
		}
		o.Voice = &cfg
	})
}

func voiceSettings() *protocol.Settings {
	s := quickSettings()
	s.Voice = true
	return s
}

// voiceTable is a lobby of n delegates, each with a WebRTC peer.
func (e *env) voiceTable(n int, settings *protocol.Settings) (*table, []*vclient) {
	e.t.Helper()
	cr := e.create(testNames[0], settings)
	host := e.vdial()
	host.send(protocol.Resume{Lobby: cr.Code, Token: cr.Token})
	host.welcome()
	tb := &table{env: e, code: cr.Code, clients: []*client{host.client}}
	vcs := []*vclient{host}
	for i := 1; i < n; i++ {
		c := e.vdial()
		c.send(protocol.Join{Lobby: cr.Code, Name: testNames[i]})
		c.welcome()
		tb.clients = append(tb.clients, c.client)
		vcs = append(vcs, c)
	}
	for _, c := range tb.clients {
		c.sync()
	}
	return tb, vcs
}

// TestVoiceRefusals: every voice request refused with its code, over a
// real WebSocket.
func TestVoiceRefusals(t *testing.T) {
	t.Run("no voice on this server", func(t *testing.T) {
		e := newEnv(t)
		tb := e.table(1, voiceSettings())
		tb.clients[0].refused(protocol.VoiceJoin{Mic: true}, protocol.CodeVoiceOff)
	})
	t.Run("lobby setting off", func(t *testing.T) {
		e := voiceEnv(t)
		tb := e.table(1, quickSettings())
		tb.clients[0].refused(protocol.VoiceJoin{Mic: true}, protocol.CodeVoiceOff)
	})
	t.Run("out of order", func(t *testing.T) {
		e := voiceEnv(t)
		tb := e.table(1, voiceSettings())
		c := tb.clients[0]
		c.refused(protocol.VoiceAnswer{SDP: "v=0\r\n"}, protocol.CodeNotInVoice)
		c.refused(protocol.VoiceMute{Muted: true}, protocol.CodeNotInVoice)
		c.refused(protocol.VoiceLeave{}, protocol.CodeNotInVoice)
		c.ok(protocol.VoiceJoin{Mic: false})
		c.refused(protocol.VoiceJoin{Mic: true}, protocol.CodeInVoice)
		c.refused(protocol.VoiceAnswer{SDP: "v=0\r\nnot an answer\r\n"}, protocol.CodeBadSDP)
		c.ok(protocol.VoiceMute{Muted: true})
		c.ok(protocol.VoiceLeave{})
		c.refused(protocol.VoiceLeave{}, protocol.CodeNotInVoice)
	})
	t.Run("malformed", func(t *testing.T) {
		e := voiceEnv(t)
		tb := e.table(1, voiceSettings())
		c := tb.clients[0]
		c.sendRaw(`{"v":1,"type":"voice_join","id":5}`)
		require.Contains(t, c.expectError(protocol.CodeBadMessage).Message, `"mic"`)
		c.sendRaw(`{"v":1,"type":"voice_answer","id":6,"sdp":"hello"}`)
		c.expectError(protocol.CodeBadSDP)
	})
	t.Run("lobby full", func(t *testing.T) {
		e := voiceEnv(t, func(c *voice.Config) { c.MaxRoomPeers = 1 })
		tb := e.table(2, voiceSettings())
		tb.clients[0].ok(protocol.VoiceJoin{Mic: false})
		tb.clients[1].refused(protocol.VoiceJoin{Mic: false}, protocol.CodeVoiceFull)
	})
	t.Run("server full", func(t *testing.T) {
		e := voiceEnv(t, func(c *voice.Config) { c.MaxPeers = 1 })
		a, b := e.table(1, voiceSettings()), e.table(1, voiceSettings())
		a.clients[0].ok(protocol.VoiceJoin{Mic: false})
		b.clients[0].refused(protocol.VoiceJoin{Mic: false}, protocol.CodeVoiceFull)
		a.clients[0].ok(protocol.VoiceLeave{})
		b.clients[0].ok(protocol.VoiceJoin{Mic: false})
	})
}

// TestVoiceFollowsThePhase: in the Debate the floor hears every living
// delegate; the moment Night falls a Loyalist and a spectator hear no
// Plotter, while the Plotters hear each other. Measured: from sending
// the Ready that ends the Debate to the last packet of a Plotter a
// Loyalist receives.
func TestVoiceFollowsThePhase(t *testing.T) {
	e := voiceEnv(t)
	tb, vcs := e.voiceTable(5, voiceSettings())
	tb.start()
	var plotters, loyal []*vclient
	roles := tb.roles()
	for _, vc := range vcs {
		if roles[vc.seat].Faction() == game.Plotters {
			plotters = append(plotters, vc)
		} else {
			loyal = append(loyal, vc)
		}
	}
	require.Len(t, plotters, 2)
	spec := e.vdial()
	spec.send(protocol.Watch{Lobby: tb.code})
	spec.welcome()

	p1, p2, l := plotters[0], plotters[1], loyal[0]
	p1.join(true)
	p2.join(true)
	l.join(true)
	spec.join(false)

	l.hears(p1)
	spec.hears(p1)
	p2.hears(l)
	p1.hears(p2)
	require.Empty(t, l.voice().Route.Muted)

	// Night: every living delegate presses Ready with nobody denounced.
	var sent time.Time
	for i, vc := range vcs {
		if i == len(vcs)-1 {
			sent = time.Now()
		}
		vc.ok(protocol.Act{Kind: game.CmdReady})
	}
	require.Equal(t, game.PhaseNight, e.replayed(tb.code).Match.Game.Phase())
	l.silent(p1)
	spec.silent(p1)
	p1.silent(l)
	p2.hears(p1)
	p1.hears(p2)
	_, last := l.heard(p1.stream())
	t.Logf("Ready that ends the Debate sent to the last packet of a Plotter a Loyalist received: %v", last.Sub(sent))
	require.Less(t, last.Sub(sent), voiceCutGrace)
	require.Eventually(t, func() bool { return l.voice().Route.Muted == game.MutedNight }, 2*time.Second, 10*time.Millisecond)
	for _, p := range l.voice().Peers {
		require.False(t, p.Heard, "a Loyalist is told at Night that they hear %s", p.Name)
	}
	st := e.srv.voice.Stats()
	require.Positive(t, st.Dropped)
	require.EqualValues(t, 4, st.Peers)
}

// TestClusterVoice: delegates connected to a node that does not own their
// lobby have voice all the same: their signalling is relayed to the
// owner over NATS, the owner's SFU offers them its media and routes it by
// the rules, and the node they are connected to carries no voice peer.
func TestClusterVoice(t *testing.T) {
	st := openStore(t)
	node := func(name string) *env {
		e := newEnv(t, func(o *Options) {
			o.Journal = store.NewJournal(st)
			o.Cluster = &ClusterOptions{Store: st, Node: name, LeaseTTL: 2 * time.Second}
			cfg := voice.DefaultConfig()
			o.Voice = &cfg
		})
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		require.NoError(t, e.srv.Join(ctx))
		return e
	}
	a, b := node("a"), node("b")
	cr := a.create(testNames[0], voiceSettings())
	host := b.vdial() // every client is on b; the lobby runs on a
	host.send(protocol.Resume{Lobby: cr.Code, Token: cr.Token})
	host.welcome()
	tb := &table{env: b, code: cr.Code, clients: []*client{host.client}}
	vcs := []*vclient{host}
	for _, name := range testNames[1:5] {
		c := b.vdial()
		c.send(protocol.Join{Lobby: cr.Code, Name: name})
		c.welcome()
		tb.clients = append(tb.clients, c.client)
		vcs = append(vcs, c)
	}
	require.NotNil(t, a.srv.lobbies.get(cr.Code))
	require.Nil(t, b.srv.lobbies.get(cr.Code))
	tb.start()

	vcs[0].join(true)
	vcs[1].join(true)
	vcs[2].join(false)
	vcs[0].hears(vcs[1])
	vcs[1].hears(vcs[0])
	vcs[2].hears(vcs[0])
	require.EqualValues(t, 3, a.srv.voice.Stats().Peers, "the owner's SFU carries the voice")
	require.Zero(t, b.srv.voice.Stats().Peers, "the node the players are connected to carries none")
	require.Positive(t, a.srv.voice.Stats().Forwarded)
}
