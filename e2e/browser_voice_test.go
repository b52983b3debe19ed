package e2e

import (
	"context"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"congress/game"
	"congress/protocol"
)

// newVoiceBrowser is newBrowser with a fake microphone (a tone) that
// needs no permission prompt, and audio that plays without a gesture.
func newVoiceBrowser(t *testing.T) context.Context {
	t.Helper()
	return newBrowser(t,
		chromedp.Flag("use-fake-device-for-media-stream", true),
		chromedp.Flag("use-fake-ui-for-media-stream", true),
		chromedp.Flag("autoplay-policy", "no-user-gesture-required"),
	)
}

// jsKeepPeers keeps every RTCPeerConnection the page makes, for getStats.
const jsKeepPeers = `(() => {
	if (window.__pcs) return true;
	window.__pcs = [];
	const Real = window.RTCPeerConnection;
	window.RTCPeerConnection = function (...args) { const pc = new Real(...args); window.__pcs.push(pc); return pc; };
	window.RTCPeerConnection.prototype = Real.prototype;
	return true;
})()`

// jsAudioIn is the audio bytes the page has received, from getStats.
const jsAudioIn = `(async () => {
	let n = 0;
	for (const pc of window.__pcs || []) {
		if (pc.connectionState === "closed") continue;
		(await pc.getStats()).forEach((r) => { if (r.type === "inbound-rtp" && r.kind === "audio") n += r.bytesReceived || 0; });
	}
	return n;
})()`

func (p *page) audioIn() int {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, step)
	defer cancel()
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](jsAudioIn, chromedp.EvalAwaitPromise))
	if err != nil {
		p.fatalf("getStats: %v", err)
	}
	return n
}

// receiving waits until the page's received audio grows.
func (p *page) receiving(what string) {
	p.t.Helper()
	n0 := p.audioIn()
	deadline := time.Now().Add(20 * time.Second)
	for p.audioIn() < n0+2000 {
		if time.Now().After(deadline) {
			p.fatalf("no audio arrives: %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// deaf requires that the page receives no audio for a while.
func (p *page) deaf(what string) {
	p.t.Helper()
	n0 := p.audioIn()
	time.Sleep(700 * time.Millisecond)
	n := p.audioIn()
	require.Equal(p.t, n0, n, "%s: %s", p.name, what)
}

// voiceTable is one attempt: a lobby with voice on, a host and one more
// delegate on the wire protocol, three browser delegates and a browser
// spectator, the game started.
func voiceTable(t *testing.T, srv *browserServer, delegates []*page, gallery *page) (*wireClient, []*wireClient, string) {
	t.Helper()
	ws := &wireServer{url: srv.URL}
	settings := protocol.SettingsOf(game.DefaultConfig(), 10)
	settings.DebateSeconds, settings.NightSeconds = 600, 600
	settings.Voice = true
	cr := ws.createLobby(t, protocol.CreateLobby{Name: "Anna", Settings: &settings})
	host := dialWire(t, ws, "Anna")
	host.send(protocol.Resume{Lobby: cr.Code, Token: cr.Token})
	host.until(protocol.TypeWelcome)
	var wire []*wireClient
	for _, name := range []string{"Boris"} {
		c := dialWire(t, ws, name)
		c.send(protocol.Join{Lobby: cr.Code, Name: name})
		c.until(protocol.TypeWelcome)
		wire = append(wire, c)
	}
	for i, p := range delegates {
		p.navigate(srv.URL + "/l/" + cr.Code)
		p.typeIn("#door-name", []string{"Clara", "Dmitri", "Elena"}[i])
		p.click("#door-join")
	}
	gallery.navigate(srv.URL + "/l/" + cr.Code + "?watch=1")
	for _, p := range append([]*page{gallery}, delegates...) {
		p.wait("five seated", `document.querySelectorAll('.member[data-member]').length === 5`, step)
	}
	host.sync()
	host.must(protocol.Host{Action: protocol.HostStart})
	for _, c := range append([]*wireClient{host}, wire...) {
		c.sync()
	}
	return host, wire, cr.Code
}

// TestVoiceBrowser: three delegates and a spectator in Chromium with
// fake microphones, in a lobby with voice on. In the Debate audio
// reaches them all from the floor; once Night falls no audio reaches the
// Loyalist or the spectator, while audio flows between the two Plotters.
// Both Plotters sit in the browsers in three deals in ten: lobbies are
// convened again until they do.
func TestVoiceBrowser(t *testing.T) {
	needChromium(t)
	srv := startBrowserServer(t, "--voice", "--max-lobbies-per-ip", "200")
	browser := newVoiceBrowser(t)
	delegates := []*page{openPage(t, browser, "Clara", false), openPage(t, browser, "Dmitri", false), openPage(t, browser, "Elena", true)}
	gallery := openPage(t, browser, "Gallery", false)

	var host *wireClient
	var wire []*wireClient
	bloc, attempts := false, 0
	for ; attempts < 40 && !bloc; attempts++ {
		host, wire, _ = voiceTable(t, srv, delegates, gallery)
		bloc = true
		for _, c := range append([]*wireClient{host}, wire...) {
			if c.view.You.Role.Faction() == game.Plotters {
				bloc = false // a Plotter on the wire: not both browsers
			}
		}
		if !bloc {
			host.conn.WS.CloseNow()
			for _, c := range wire {
				c.conn.WS.CloseNow()
			}
		}
	}
	require.True(t, bloc, "no deal in 40 put both Plotters in the browsers")
	t.Logf("lobbies convened until both Plotters sat in the browsers: %d", attempts)
	// Which browser holds the Loyalist: its own sealed file says.
	var plotters []*page
	var loyalist *page
	for _, p := range delegates {
		p.click(`[data-key="role-toggle"]`)
		p.wait("the file open", jsFile+` !== ''`, step)
		role := p.text(jsFile)
		if role == "kirov" || role == "plotter" {
			plotters = append(plotters, p)
		} else {
			loyalist = p
		}
	}
	require.Len(t, plotters, 2)
	require.NotNil(t, loyalist)

	// Everyone in the browsers joins: the spectator to listen, the
	// delegates with the microphone, on push-to-talk first (nobody holds
	// it: nothing is heard), then on open mic.
	for _, p := range append([]*page{gallery}, delegates...) {
		p.eval(jsKeepPeers, nil)
		p.wait("the voice dock", `document.querySelector('#voice:not([hidden]) button')`, step)
	}
	gallery.click(`#voice .act-row button:nth-child(2)`)
	gallery.wait("listening", `document.querySelector('#voice .voice-peers')`, step)
	for _, p := range delegates {
		p.click(`#voice button.primary`)
		p.wait("in the voice", `[...document.querySelectorAll('#voice button')].some(b => b.textContent === 'Use open mic')`, step)
		p.wait("push-to-talk", `document.querySelector('#voice [data-self="muted"]')`, step)
	}
	gallery.wait("the delegates' tracks", `window.__pcs.length && window.__pcs[0].getReceivers().length >= 3`, step)
	gallery.deaf("a delegate on push-to-talk, not holding it, is heard")
	for _, p := range delegates {
		p.click(`#voice .act-row button.small`)
		p.wait("open mic", `document.querySelector('#voice [data-self="open"]')`, step)
	}

	for _, p := range delegates {
		p.receiving("the floor in the Debate")
	}
	gallery.receiving("the floor in the Debate, from the gallery")

	// Night: the host ends the Debate with nobody denounced.
	host.must(protocol.Act{Kind: game.CmdEndPhase, Target: game.NoSeat})
	host.sync()
	require.Equal(t, game.PhaseNight, host.view.Phase)
	for _, p := range append([]*page{gallery}, delegates...) {
		p.wait("the Night", `document.querySelector('#voice .voice-reason')`, step)
	}
	require.Equal(t, game.MutedNight, loyalist.text(`document.querySelector('#voice .voice-reason').textContent`))
	loyalist.wait("the open microphone said unheard", `document.querySelector('#voice [data-self]').textContent === 'Your microphone is open, but nobody hears you now.'`, step)
	for _, p := range plotters {
		p.wait("the bloc's microphone said heard", `document.querySelector('#voice [data-self]').textContent !== 'Your microphone is open, but nobody hears you now.'`, step)
	}
	loyalist.deaf("the Loyalist still hears a Plotter at Night")
	gallery.deaf("the spectator still hears a Plotter at Night")
	for _, p := range plotters {
		p.receiving("the Plotters' channel at Night")
	}
	loyalist.shot("voice-night-loyalist")
}

// TestVoiceBrowserOverTCP: Chromium that may not send UDP except
// through a proxy (and has none), as on a network that lets no UDP out,
// still speaks and hears at the table: over the server's one TCP port
// for the media (--voice-tcp-listen), ICE over TCP.
func TestVoiceBrowserOverTCP(t *testing.T) {
	needChromium(t)
	srv := startBrowserServer(t, "--voice", "--voice-tcp-listen", ":0")
	browser := newBrowser(t,
		chromedp.Flag("use-fake-device-for-media-stream", true),
		chromedp.Flag("use-fake-ui-for-media-stream", true),
		chromedp.Flag("autoplay-policy", "no-user-gesture-required"),
		chromedp.Flag("force-webrtc-ip-handling-policy", "disable_non_proxied_udp"),
		chromedp.Flag("webrtc-ip-handling-policy", "disable_non_proxied_udp"),
	)
	delegates := []*page{openPage(t, browser, "Clara", false), openPage(t, browser, "Dmitri", false), openPage(t, browser, "Elena", true)}
	gallery := openPage(t, browser, "Gallery", false)
	voiceTable(t, srv, delegates, gallery)
	joinOpenMic(delegates, gallery)
	for _, p := range delegates {
		p.receiving("the floor over TCP")
	}
	gallery.receiving("the floor over TCP, from the gallery")
	got := gallery.chosenCandidates(`l.protocol`)
	require.Equal(t, "tcp", got, "the gallery's media went over something else than TCP")
}

// jsRelayOnly makes every RTCPeerConnection of the page use relayed
// candidates only (iceTransportPolicy "relay"), as a browser behind a
// router that lets nothing through but its TURN server would.
const jsRelayOnly = `(() => {
	const Real = window.RTCPeerConnection;
	const set = Real.prototype.setConfiguration;
	Real.prototype.setConfiguration = function (cfg) { return set.call(this, { ...(cfg || {}), iceTransportPolicy: "relay" }); };
	window.RTCPeerConnection = function (cfg, ...rest) { return new Real({ ...(cfg || {}), iceTransportPolicy: "relay" }, ...rest); };
	window.RTCPeerConnection.prototype = Real.prototype;
	return true;
})()`

// TestVoiceBrowserThroughTURN: Chromium that may use relayed candidates
// only speaks and hears through the server's embedded TURN server, with
// the short-lived credentials the server hands it with each offer.
func TestVoiceBrowserThroughTURN(t *testing.T) {
	needChromium(t)
	srv := startBrowserServer(t, "--voice", "--turn-listen", "127.0.0.1:0", "--turn-public-ip", "127.0.0.1")
	browser := newVoiceBrowser(t)
	delegates := []*page{openPage(t, browser, "Clara", false), openPage(t, browser, "Dmitri", false), openPage(t, browser, "Elena", true)}
	gallery := openPage(t, browser, "Gallery", false)
	voiceTable(t, srv, delegates, gallery)
	for _, p := range append([]*page{gallery}, delegates...) {
		p.eval(jsRelayOnly, nil)
	}
	joinOpenMic(delegates, gallery)
	for _, p := range delegates {
		p.receiving("the floor through TURN")
	}
	gallery.receiving("the floor through TURN, from the gallery")
	got := gallery.chosenCandidates(`l.relayProtocol && (l.url || "").startsWith("turn:") ? "relayed" : "direct"`)
	// The relayed candidate may be named peer-reflexive by the time it is
	// chosen (the server sees it from the relay's own address): what
	// matters is that it came from the TURN server.
	require.Equal(t, "relayed", got, "the gallery's media did not go through the TURN server")
}

// TestVoiceBrowserPushToTalk: on push-to-talk, a delegate is heard only
// while holding the key (V) or the button, the gallery sees who speaks
// on the table while they do, and the dock fits a phone.
func TestVoiceBrowserPushToTalk(t *testing.T) {
	needChromium(t)
	srv := startBrowserServer(t, "--voice")
	// A steady tone, as loud as speech, where Chromium's own fake
	// microphone only beeps now and then.
	browser := newBrowser(t,
		chromedp.Flag("use-fake-device-for-media-stream", true),
		chromedp.Flag("use-fake-ui-for-media-stream", true),
		chromedp.Flag("use-file-for-fake-audio-capture", toneFile(t)),
		chromedp.Flag("autoplay-policy", "no-user-gesture-required"),
	)
	clara, dmitri, elena := openPage(t, browser, "Clara", false), openPage(t, browser, "Dmitri", false), openPage(t, browser, "Elena", true)
	gallery := openPage(t, browser, "Gallery", false)
	delegates := []*page{clara, dmitri, elena}
	voiceTable(t, srv, delegates, gallery)
	for _, p := range append([]*page{gallery}, delegates...) {
		p.eval(jsKeepPeers, nil)
		p.wait("the voice dock", `document.querySelector('#voice:not([hidden]) button')`, step)
	}
	gallery.click(`#voice .act-row button:nth-child(2)`)
	for _, p := range delegates {
		p.click(`#voice button.primary`)
		p.wait("push-to-talk", `document.querySelector('#voice [data-self="muted"]')`, step)
	}
	gallery.wait("the delegates' tracks", `window.__pcs.length && window.__pcs[0].getReceivers().length >= 3`, step)
	gallery.deaf("nobody holds the key, yet a delegate is heard")
	nobodySpeaks := `![...document.querySelectorAll('#voice [data-speaking="yes"]')].length`
	gallery.wait("nobody shown speaking", nobodySpeaks, step)

	// Clara holds V: she is heard, and shown speaking; she lets go: silence.
	clara.eval(`dispatchEvent(new KeyboardEvent("keydown", { key: "v" })), true`, nil)
	clara.wait("the key held", `document.querySelector('#voice .hold.held')`, step)
	gallery.receiving("Clara holding V")
	gallery.wait("Clara shown speaking", `[...document.querySelectorAll('#voice [data-speaking="yes"]')].some(e => e.textContent.includes("Clara"))`, 10*time.Second)
	gallery.wait("Clara's seat marked speaking", `[...document.querySelectorAll('.seat.speaking')].map(e => e.getAttribute('aria-label')).join().includes("Clara")`, 10*time.Second)
	gallery.shot("voice-ptt-speaking")
	clara.eval(`dispatchEvent(new KeyboardEvent("keyup", { key: "v" })), true`, nil)
	clara.wait("the key let go", `!document.querySelector('#voice .hold.held')`, step)
	gallery.wait("nobody shown speaking", nobodySpeaks+` && !document.querySelector('.seat.speaking')`, 10*time.Second)
	gallery.deaf("Clara let go of V, yet she is heard")

	// Elena, on a phone, holds the button instead.
	elena.eval(`document.querySelector('#voice .hold').dispatchEvent(new PointerEvent("pointerdown", { bubbles: true })), true`, nil)
	elena.wait("the button held", `document.querySelector('#voice .hold.held')`, step)
	gallery.receiving("Elena holding the button")
	elena.shot("voice-phone-holding")
	elena.eval(`document.querySelector('#voice .hold').dispatchEvent(new PointerEvent("pointerup", { bubbles: true })), true`, nil)
	elena.wait("the button let go", `!document.querySelector('#voice .hold.held')`, step)
	gallery.deaf("Elena let go of the button, yet she is heard")
	// On the phone the dock starts folded, one row that leaves the table
	// in view; unfolded it lists who is in the voice, and it stays so.
	elena.wait("the dock within the screen", `document.querySelector('#voice').getBoundingClientRect().right <= innerWidth + 1`, step)
	elena.wait("the dock folded", `document.querySelector('#voice.folded') && !document.querySelector('#voice .voice-peers')`, step)
	elena.wait("the dock short", `document.querySelector('#voice').getBoundingClientRect().height < innerHeight / 3`, step)
	elena.click(`#voice .voice-fold`)
	elena.wait("the dock unfolded", `!document.querySelector('#voice.folded') && document.querySelector('#voice .voice-peers')`, step)
	elena.shot("voice-phone-unfolded")
	elena.do(chromedp.Reload())
	elena.wait("the voice dock again", `document.querySelector('#voice:not([hidden]) button.primary')`, step)
	elena.click(`#voice button.primary`)
	elena.wait("unfolded after a reload", `document.querySelector('#voice:not([hidden]) .voice-fold') && document.querySelector('#voice .voice-fold').getAttribute('aria-expanded') === 'true'`, step)
	clara.wait("the desktop dock unfolded", `!document.querySelector('#voice.folded')`, step)
}

// toneFile writes 10 s of a 440 Hz tone at half of full scale, 48 kHz
// mono 16-bit WAV, and returns its path.
func toneFile(t *testing.T) string {
	t.Helper()
	const rate, secs = 48000, 10
	n := rate * secs
	b := make([]byte, 44+2*n)
	copy(b, "RIFF")
	binary.LittleEndian.PutUint32(b[4:], uint32(36+2*n))
	copy(b[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(b[16:], 16)
	binary.LittleEndian.PutUint16(b[20:], 1) // PCM
	binary.LittleEndian.PutUint16(b[22:], 1) // mono
	binary.LittleEndian.PutUint32(b[24:], rate)
	binary.LittleEndian.PutUint32(b[28:], rate*2)
	binary.LittleEndian.PutUint16(b[32:], 2)
	binary.LittleEndian.PutUint16(b[34:], 16)
	copy(b[36:], "data")
	binary.LittleEndian.PutUint32(b[40:], uint32(2*n))
	for i := range n {
		v := int16(16000 * math.Sin(2*math.Pi*440*float64(i)/rate))
		binary.LittleEndian.PutUint16(b[44+2*i:], uint16(v))
	}
	path := filepath.Join(t.TempDir(), "tone.wav")
	require.NoError(t, os.WriteFile(path, b, 0o644))
	return path
}

// joinOpenMic has the gallery listen and every delegate join the voice
// with the microphone, on open mic.
func joinOpenMic(delegates []*page, gallery *page) {
	for _, p := range append([]*page{gallery}, delegates...) {
		p.eval(jsKeepPeers, nil)
		p.wait("the voice dock", `document.querySelector('#voice:not([hidden]) button')`, step)
	}
	gallery.click(`#voice .act-row button:nth-child(2)`)
	for _, p := range delegates {
		p.click(`#voice button.primary`)
		p.wait("in the voice", `[...document.querySelectorAll('#voice button')].some(b => b.textContent === 'Use open mic')`, step)
		p.click(`#voice .act-row button.small`)
		p.wait("open mic", `document.querySelector('#voice [data-self="open"]')`, step)
	}
}

// chosenCandidates is what of reads (a JS expression of l, the local
// candidate) of each of the page's chosen candidate pairs, comma-joined.
func (p *page) chosenCandidates(of string) string {
	p.t.Helper()
	js := `(async () => {
		const out = [];
		for (const pc of window.__pcs || []) {
			const st = await pc.getStats();
			st.forEach((r) => { if (r.type === "candidate-pair" && r.nominated && r.state === "succeeded") { const l = st.get(r.localCandidateId); out.push(l ? ` + of + ` : ""); } });
		}
		return out.join(",");
	})()`
	ctx, cancel := context.WithTimeout(p.ctx, step)
	defer cancel()
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
	if err != nil {
		p.fatalf("getStats: %v", err)
	}
	return got
}
