package e2e

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/game"
	"congress/protocol"
)

// chattyMatch plays a game of five delegates over the wire, each saying
// a line on every channel it may write once in every phase, and making
// a move, with a spectator speaking in the gallery; it returns the
// match's ID.
func chattyMatch(t *testing.T, wire *wireServer) string {
	t.Helper()
	s := protocol.SettingsOf(game.DefaultConfig(), 5)
	s.DebateSeconds, s.ChairPickSeconds, s.DefenceSeconds, s.VoteSeconds = 1, 1, 1, 1
	s.ConfessionSeconds, s.NightSeconds, s.FinalBallotSeconds = 1, 1, 1
	s.SpectatorDelay = 0
	created := wire.createLobby(t, protocol.CreateLobby{Name: "Anna", Settings: &s})
	host := dialWire(t, wire, "Anna")
	host.send(protocol.Resume{Lobby: created.Code, Token: created.Token})
	host.until(protocol.TypeWelcome)
	speakers := []*wireClient{host}
	for _, name := range []string{"Boris", "Clara", "Dmitri", "Elena"} {
		c := dialWire(t, wire, name)
		c.send(protocol.Join{Lobby: created.Code, Name: name})
		c.until(protocol.TypeWelcome)
		speakers = append(speakers, c)
	}
	gallery := dialWire(t, wire, "gallery")
	gallery.send(protocol.Watch{Lobby: created.Code})
	gallery.until(protocol.TypeWelcome)
	speakers = append(speakers, gallery)
	host.must(protocol.Host{Action: protocol.HostStart})

	spoke := map[*wireClient]string{}
	deadline := time.Now().Add(120 * time.Second)
	for host.sync(); host.view == nil || host.view.Phase != game.PhaseOver; host.sync() {
		require.True(t, time.Now().Before(deadline), "the game did not end")
		for _, c := range speakers {
			c.sync()
			v := c.view
			if v == nil || v.Phase == game.PhaseOver {
				continue
			}
			moment := fmt.Sprintf("%s in session %d", v.Phase, v.Session)
			if spoke[c] == moment {
				continue
			}
			spoke[c] = moment
			for _, ch := range v.Write {
				// A phase may close before the line arrives: refused, not said.
				c.do(protocol.Say{Channel: ch, Text: fmt.Sprintf("%s on %s, %s", c.name, ch, moment)})
			}
			// And from the second session a move, so that the match has
			// trials and purges (the first runs to the night untouched):
			// every delegate denounces and strikes the first seat it may,
			// and votes to purge.
			for _, a := range v.Actions {
				if v.Session < 2 {
					break
				}
				switch {
				case a.Kind == game.CmdPurgeVote:
					c.do(protocol.Act{Kind: a.Kind, Purge: true})
				case len(a.Targets) > 0 && a.Kind != game.CmdChairPick:
					c.do(protocol.Act{Kind: a.Kind, Target: a.Targets[0]})
				}
			}
		}
	}
	var id string
	for _, m := range host.messages() {
		if m.Type == protocol.TypeLobby {
			var l protocol.Lobby
			host.decode(m, &l)
			id = l.Match
		}
	}
	require.NotEmpty(t, id)
	return id
}

// replayChatShown is the chat the replay page shows: channel and text of
// each line, in order.
func replayChatShown(p *page) []string {
	p.t.Helper()
	var out []string
	p.eval(`[...document.querySelectorAll('#replay-chat li')].map(e => e.dataset.channel + ': ' + e.querySelector('.text').textContent)`, &out)
	return out
}

// engineChatTo is the chat of the engine's replay up to step k, as
// replayChatShown has it.
func engineChatTo(r protocol.Replay, k int) []string {
	var out []string
	for _, s := range r.Steps[:k+1] {
		for _, l := range s.Chat {
			out = append(out, l.Channel.String()+": "+l.Text)
		}
	}
	return out
}

// openStepLink opens a link to a step on p and waits for the replay.
func openStepLink(p *page, link string) {
	p.t.Helper()
	p.navigate(link)
	p.wait("the replay at the link", `(document.getElementById('replay-step') || {textContent: ''}).textContent.startsWith('Step') && !document.getElementById('replay-viewer').disabled`, step)
}

// TestBrowserReplayChat: the replay shows each point of view the chat it
// could read, step by step, as the engine's replay has it (a Loyalist
// never the bloc's channel, a Plotter the bloc's lines said at night),
// a link to a step opens at that step with that point of view, and the
// tape plays itself, pauses, steps by the keys and jumps to a session.
func TestBrowserReplayChat(t *testing.T) {
	t.Parallel()
	needChromium(t)
	srv := startBrowserServer(t)
	id := chattyMatch(t, &wireServer{url: srv.URL})

	all := engineReplay(t, srv.URL, id, "all")
	roles := all.Steps[len(all.Steps)-1].View.Seats
	plotterLines := 0
	for _, s := range all.Steps {
		for _, l := range s.Chat {
			if l.Channel == game.ChannelPlotters {
				plotterLines++
			}
		}
	}
	require.Positive(t, plotterLines, "the bloc spoke at night")

	browser := newBrowser(t)
	p := openPage(t, browser, "Galina", false)
	p.do(chromedp.EmulateViewport(1280, 800))

	for seat, sv := range roles {
		r := engineReplay(t, srv.URL, id, strconv.Itoa(seat))
		// A step the chat of this point of view says something at, the
		// last one that does.
		at := 0
		for i, s := range r.Steps {
			if len(s.Chat) > 0 && (sv.Role.Faction() != game.Plotters || slicesHasChannel(s.Chat, game.ChannelPlotters)) {
				at = i
			}
		}
		require.Positive(t, at, "seat %d heard something", seat)
		link := srv.URL + "/?" + url.Values{"match": {id}, "viewer": {strconv.Itoa(seat)}, "step": {strconv.Itoa(r.Steps[at].Index)}}.Encode()
		openStepLink(p, link)
		assert.Equal(t, strconv.Itoa(seat), p.text(`document.getElementById('replay-viewer').value`), "the link's point of view")
		k, n := replayStepShown(p)
		require.Equal(t, len(r.Steps), n)
		assert.Equal(t, at, k, "seat %d: the link's step", seat)
		checkReplayIsEngine(t, p, srv.URL, id, strconv.Itoa(seat))
		assert.Equal(t, engineChatTo(r, k), replayChatShown(p), "seat %d (%s): the chat to the step", seat, sv.Role)

		p.click(`[data-key="last"]`)
		k, _ = replayStepShown(p)
		shown := replayChatShown(p)
		assert.Equal(t, engineChatTo(r, k), shown, "seat %d: the whole chat", seat)
		sawBloc := false
		for _, l := range shown {
			sawBloc = sawBloc || strings.HasPrefix(l, "plotters: ")
		}
		if sv.Role.Faction() == game.Plotters {
			assert.True(t, sawBloc, "a Plotter reads the bloc's channel")
			atNight := false
			for _, s := range r.Steps {
				atNight = atNight || (s.View.Phase == game.PhaseNight && slicesHasChannel(s.Chat, game.ChannelPlotters))
			}
			assert.True(t, atNight, "a Plotter reads the bloc's lines at night")
			if seat == firstOf(roles, game.Plotters) {
				p.click(`[data-key="first"]`)
				openStepLink(p, link)
				p.shot("12-replay-plotter-chat-1280")
			}
		} else {
			assert.False(t, sawBloc, "a Loyalist never reads the bloc's channel")
			body := p.text(`document.body.innerText`)
			for _, s := range all.Steps {
				for _, l := range s.Chat {
					if l.Channel == game.ChannelPlotters {
						assert.NotContains(t, body, l.Text, "seat %d (%s) is shown a line of the bloc", seat, sv.Role)
					}
				}
			}
		}
		// The address bar is the link to the step shown.
		assert.Equal(t, p.text(`document.getElementById('replay-link').value`), p.text(`location.href`))
	}

	// The gallery reads its own channel and the floor's.
	gallery := engineReplay(t, srv.URL, id, "gallery")
	openStepLink(p, srv.URL+"/?match="+id+"&viewer=gallery")
	p.click(`[data-key="last"]`)
	k, _ := replayStepShown(p)
	assert.Equal(t, engineChatTo(gallery, k), replayChatShown(p), "the gallery's chat")

	// From above: the tape plays, pauses, steps and jumps.
	openStepLink(p, srv.URL+"/?match="+id)
	k, _ = replayStepShown(p)
	require.Equal(t, 0, k)
	p.eval(`(s => { s.value = '4'; s.dispatchEvent(new Event('change')); return true; })(document.getElementById('replay-speed'))`, nil)
	p.do(chromedp.KeyEvent(" "))
	p.wait("autoplay at 4×", `+document.getElementById('replay-step').textContent.split(' ')[1] >= 4`, 10*time.Second)
	assert.Equal(t, "true", p.text(`document.getElementById('replay-play').getAttribute('aria-pressed')`))
	p.do(chromedp.KeyEvent(" "))
	paused, _ := replayStepShown(p)
	time.Sleep(1500 * time.Millisecond)
	k, _ = replayStepShown(p)
	assert.Equal(t, paused, k, "space pauses the tape")
	assert.Equal(t, "false", p.text(`document.getElementById('replay-play').getAttribute('aria-pressed')`))
	p.do(chromedp.KeyEvent(kb.ArrowRight))
	k, _ = replayStepShown(p)
	assert.Equal(t, paused+1, k, "the right arrow steps on")
	p.do(chromedp.KeyEvent(kb.ArrowLeft), chromedp.KeyEvent(kb.ArrowLeft))
	k, _ = replayStepShown(p)
	assert.Equal(t, paused-1, k, "the left arrow steps back")

	var jumps []struct{ Value, Text string }
	p.eval(`[...document.querySelectorAll('#replay-jump option')].filter(o => o.value !== '').map(o => ({value: o.value, text: o.textContent}))`, &jumps)
	sessions, trials := 0, 0
	for _, j := range jumps {
		i, err := strconv.Atoi(j.Value)
		require.NoError(t, err)
		kinds := map[game.EventKind]game.Event{}
		for _, e := range all.Steps[i].Events {
			kinds[e.Kind] = e
		}
		switch {
		case strings.HasPrefix(j.Text, "Session "):
			sessions++
			e, ok := kinds[game.EvSessionOpened]
			require.True(t, ok, "%q jumps to step %d, where a session opens", j.Text, i)
			assert.Equal(t, fmt.Sprintf("Session %d", e.Session), j.Text)
		case strings.Contains(j.Text, "trial"):
			trials++
			_, ok := kinds[game.EvAccused]
			assert.True(t, ok, "%q jumps to step %d, where a delegate is accused", j.Text, i)
		}
	}
	assert.Equal(t, all.Steps[len(all.Steps)-1].View.Session, sessions, "a jump to each session")
	if len(jumps) > 1 {
		j := jumps[1]
		p.eval(fmt.Sprintf(`(s => { s.value = %q; s.dispatchEvent(new Event('change')); return true; })(document.getElementById('replay-jump'))`, j.Value), nil)
		k, _ = replayStepShown(p)
		assert.Equal(t, j.Value, strconv.Itoa(k), "the jump to %s", j.Text)
	}
	t.Logf("%d steps; jumps to %d sessions and %d trials; %d lines of the bloc", len(all.Steps), sessions, trials, plotterLines)
	p.do(chromedp.EmulateViewport(1920, 1080))
	p.shot("13-replay-all-1920")

	phone := openPage(t, browser, "Ivan", true)
	openStepLink(phone, p.text(`document.getElementById('replay-link').value`))
	k2, _ := replayStepShown(phone)
	assert.Equal(t, k, k2, "the link opens on a phone at the same step")
	phone.shot("14-replay-phone")
}

// firstOf is the first seat of faction f in a view from above.
func firstOf(seats []game.SeatView, f game.Faction) int {
	for i, s := range seats {
		if s.Role.Faction() == f {
			return i
		}
	}
	return -1
}

func slicesHasChannel(lines []protocol.ChatLine, ch game.Channel) bool {
	for _, l := range lines {
		if l.Channel == ch {
			return true
		}
	}
	return false
}
