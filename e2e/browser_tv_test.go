package e2e

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/game"
	"congress/protocol"
)

// jsTVWatch keeps every state the TV page shows: the phase on screen,
// its text and every attribute of every element, once each.
const jsTVWatch = `(() => {
	const seen = new Map();
	const take = () => {
		const attrs = [...document.querySelectorAll('*')].flatMap(e => [...e.attributes].map(a => a.name + '=' + a.value));
		const phase = (document.getElementById('tv-phase') || {dataset: {}}).dataset.phase || '';
		const text = document.body.innerText + '\n' + attrs.join('\n');
		seen.set(phase + '\u0000' + text, {phase, text});
	};
	new MutationObserver(take).observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true});
	take();
	window.tvSeen = () => [...seen.values()];
	return true;
})()`

// tvShown is one state the TV page showed.
type tvShown struct {
	Phase string `json:"phase"`
	Text  string `json:"text"`
}

// roleWords are the words that would tell a role: its names on the wire
// and in the client's words.
var roleWords = regexp.MustCompile(`(?i)loyalist|plotter|investigator|kirov|nkvd`)

// TestBrowserTV: /l/CODE/tv shows the lobby's code, who is seated and a
// QR code of the link to take a seat while the lobby is open; then the
// public floor as the gallery sees it: the phase and clock, the
// denunciations, the votes and ballots, and no role of anyone, in any
// text or attribute of the page, until the end opens every file, even
// in a game whose settings show the admitted spectators every role.
func TestBrowserTV(t *testing.T) {
	t.Parallel()
	needChromium(t)
	srv := startBrowserServer(t)
	wire := &wireServer{url: srv.URL}

	s := protocol.SettingsOf(game.DefaultConfig(), 5)
	s.DebateSeconds, s.ChairPickSeconds, s.DefenceSeconds, s.VoteSeconds = 3, 1, 1, 2
	s.ConfessionSeconds, s.NightSeconds, s.FinalBallotSeconds = 1, 2, 2
	s.SpectatorsSeeRoles, s.SpectatorDelay = true, 2
	created := wire.createLobby(t, protocol.CreateLobby{Name: "Anna", Settings: &s})
	host := dialWire(t, wire, "Anna")
	host.send(protocol.Resume{Lobby: created.Code, Token: created.Token})
	host.until(protocol.TypeWelcome)

	browser := newBrowser(t)
	tv := openPage(t, browser, "TV", false)
	tv.do(chromedp.EmulateViewport(1920, 1080))
	tv.navigate(srv.URL + "/l/" + strings.ToLower(created.Code) + "/tv")
	tv.wait("the lobby on the TV", `(e => e && e.textContent === `+jsString(created.Code)+`)(document.getElementById('tv-code'))`, step)
	tv.wait("the link to take a seat", `document.getElementById('tv-link').textContent`, step)

	// The link on the screen opens the lobby's door, and the QR code is
	// the server's drawing of it (GET /api/qr).
	shown := tv.text(`document.getElementById('tv-link').textContent`)
	join, err := url.Parse("http://" + shown)
	require.NoError(t, err)
	assert.Equal(t, "/l/"+created.Code, join.Path, "the link opens the lobby's door")
	src := "/api/qr?" + url.Values{"url": {join.String()}, "size": {"320"}}.Encode()
	res, err := http.Get(srv.URL + src)
	require.NoError(t, err)
	res.Body.Close()
	if res.StatusCode == http.StatusOK {
		tv.wait("the QR code drawn", `(i => i && i.complete && i.naturalWidth > 0)(document.getElementById('tv-qr'))`, step)
		qr, err := url.Parse(tv.text(`document.getElementById('tv-qr').getAttribute('src')`))
		require.NoError(t, err)
		assert.Equal(t, "/api/qr", qr.Path)
		assert.Equal(t, join.String(), qr.Query().Get("url"), "the QR code is of the link shown")
	} else {
		// A server that draws no QR code: the link is shown alone.
		t.Logf("GET /api/qr answers %d: the TV shows the link without a QR code", res.StatusCode)
		time.Sleep(500 * time.Millisecond)
		assert.Empty(t, tv.text(`document.getElementById('tv-qr') ? 'img' : ''`), "no broken image")
	}

	for range 4 {
		host.must(protocol.Host{Action: protocol.HostAddBot, Strength: protocol.StrengthNormal})
	}
	tv.wait("five delegates on the TV", `document.querySelectorAll('#tv-names li').length === 5`, step)
	tv.shot("20-tv-lobby-1920")

	tv.eval(jsTVWatch, nil)
	host.must(protocol.Host{Action: protocol.HostStart})
	started := time.Now()
	tv.wait("the Debate on the TV", `document.getElementById('tv-phase').dataset.phase === 'debate'`, step)
	// The public stream is live: the delay holds back only the admitted
	// spectators' stream, which shows the roles.
	t.Logf("the TV showed the Debate %v after the start", time.Since(started).Round(10*time.Millisecond))
	assert.Empty(t, tv.text(`document.getElementById('tv-join') ? 'join' : ''`), "no QR code once the game runs")
	tv.wait("the clock", `/\d:\d\d/.test(document.getElementById('tv-clock').textContent)`, step)

	// Anna denounces the first she may; the bots play; the host ends the
	// phases that wait on nobody.
	shots := map[string]bool{}
	denounced := false
	deadline := time.Now().Add(120 * time.Second)
	for host.sync(); host.view == nil || host.view.Phase != game.PhaseOver; host.sync() {
		require.True(t, time.Now().Before(deadline), "the game did not end")
		v := host.view
		if v != nil && !denounced {
			for _, a := range v.Actions {
				if a.Kind == game.CmdDenounce && len(a.Targets) > 0 {
					denounced = host.do(protocol.Act{Kind: game.CmdDenounce, Target: a.Targets[0]}) == nil
				}
			}
		}
		if shown := tv.text(`document.getElementById('tv-phase').dataset.phase || ''`); shown != "" && !shots[shown] && len(shots) < 2 {
			// The floor at two moments, at a laptop's size and a phone's.
			shots[shown] = true
			if len(shots) == 1 {
				tv.do(chromedp.EmulateViewport(1280, 800))
				tv.shot("21-tv-" + shown + "-1280")
			} else {
				tv.do(chromedp.EmulateViewport(360, 740, chromedp.EmulateScale(2), chromedp.EmulateMobile))
				tv.shot("22-tv-" + shown + "-phone")
			}
			tv.do(chromedp.EmulateViewport(1920, 1080))
		}
		time.Sleep(150 * time.Millisecond)
	}
	tv.wait("the end on the TV", `document.getElementById('tv-phase').dataset.phase === 'over' && document.getElementById('tv-ending')`, step)
	tv.shot("23-tv-over-1920")

	var seen []tvShown
	tv.eval(`window.tvSeen()`, &seen)
	phases := map[string]bool{}
	dens, ballots, voted := false, false, false
	for _, s := range seen {
		phases[s.Phase] = true
		if s.Phase != "over" {
			if m := roleWords.FindString(s.Text); m != "" {
				t.Errorf("the TV showed %q in the %s before the end:\n%s", m, orNone(s.Phase), s.Text)
			}
		}
		dens = dens || strings.Contains(s.Text, "denunciation")
		ballots = ballots || strings.Contains(s.Text, "The ballot on")
		// innerText is as the page shows it: the tags in capitals.
		voted = voted || strings.Contains(s.Text, "VOTED")
	}
	t.Logf("the TV showed %d states in the phases %v", len(seen), keys(phases))
	assert.GreaterOrEqual(t, len(phases), 4, "the TV follows the phases")
	assert.True(t, dens, "the TV shows the denunciations")

	// The ballots the match had are on the TV as they are revealed.
	var id string
	for _, m := range host.messages() {
		if m.Type == protocol.TypeLobby {
			var l protocol.Lobby
			host.decode(m, &l)
			id = l.Match
		}
	}
	require.NotEmpty(t, id)
	res, err = http.Get(srv.URL + "/api/matches/" + id)
	require.NoError(t, err)
	defer res.Body.Close()
	var f protocol.MatchFile
	require.NoError(t, json.NewDecoder(res.Body).Decode(&f))
	for _, e := range f.Log {
		if e.Kind == game.EvBallot {
			assert.True(t, ballots, "the TV shows the ballot")
			assert.True(t, voted, "the TV shows who has voted")
			break
		}
	}
	// At the end every file is open, on the TV too.
	end := tv.text(`document.body.innerText`)
	for _, name := range f.Names {
		assert.Contains(t, end, name)
	}
	assert.Regexp(t, roleWords, end, "the end shows the roles")
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func orNone(phase string) string {
	if phase == "" {
		return "lobby"
	}
	return phase
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, orNone(k))
	}
	return out
}
