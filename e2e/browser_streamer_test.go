package e2e

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/game"
	"congress/protocol"
)

// jsStreamerLeak is a spy, run in every document before the page's own
// scripts, that notes (window.__leaks) every moment from the first paint
// on at which the page showed the lobby code (window.__code, kept in
// sessionStorage across a reload), an invite link or its QR code.
const jsStreamerLeak = `(() => {
  window.__leaks = [];
  const check = () => {
    const code = sessionStorage.getItem("spy.code");
    if (!code || !document.body) return;
    const text = document.body.textContent + " " + document.title;
    if (text.includes(code)) window.__leaks.push("the code in the text");
    if (document.querySelector("#invite-link, #watch-link, #invite-qr")) window.__leaks.push("a link or the QR code");
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true });
  document.addEventListener("DOMContentLoaded", check);
})()`

// shown is what a page shows of a selector: whether any element is
// visible (laid out, not hidden), and the rendered text of the page.
const jsVisible = `(sel => [...document.querySelectorAll(sel)].some(e => e.checkVisibility({visibilityProperty: true, opacityProperty: true}) && e.getClientRects().length > 0))`

// TestBrowserStreamer: a host turns streamer mode on in the lobby. The
// lobby code, the invite links, the QR code and the knocking spectator's
// name are gone from what the page renders, a badge says the mode is on,
// and the setting and the hiding survive a reload with nothing shown on
// the way. In the game the file opens only while held (the mouse, or the
// F key), and a spectator in streamer mode reads the gallery's chat
// without its names.
func TestBrowserStreamer(t *testing.T) {
	t.Parallel()
	needChromium(t)
	srv := startBrowserServer(t)
	browser := newBrowser(t)
	host, code := convene(t, browser, srv, "Anna")
	host.changeOrders([2]string{"spectators_see_roles", "true"}, [2]string{"debate_seconds", "600"}, [2]string{"night_seconds", "600"})
	host.wait("the orders", `document.getElementById('set-spectators_see_roles').checked`, step)
	host.eval(fmt.Sprintf(`(sessionStorage.setItem("spy.code", %q), true)`, code), nil)
	host.everyDocument(jsStreamerLeak)

	wire := &wireServer{url: srv.URL}
	galina := dialWire(t, wire, "Galina")
	galina.send(protocol.Watch{Lobby: code, Name: "Galina"})
	galina.until(protocol.TypeWelcome)
	galina.must(protocol.Knock{Name: "Galina"})
	host.wait("the knock", `document.querySelector('[data-knock]')`, step)
	require.Contains(t, host.text(`document.body.innerText`), "Galina", "the knock is named with streamer mode off")
	require.Contains(t, host.text(`document.body.innerText`), code)

	host.click("#streamer-toggle")
	host.wait("streamer mode", `document.body.classList.contains('streamer')`, step)
	hidden := func(p *page, when string) {
		t.Helper()
		text := p.text(`document.body.innerText`)
		assert.NotContains(t, text, code, "%s: the code in the rendered text", when)
		assert.NotContains(t, p.text(`document.title`), code, "%s: the code in the title", when)
		assert.NotContains(t, text, "Galina", "%s: a spectator's name", when)
		var shown bool
		p.eval(jsVisible+`('#invite-link, #watch-link, #invite-qr, .qr')`, &shown)
		assert.False(t, shown, "%s: a link or the QR code shown", when)
		p.eval(jsVisible+`('#streamer-toggle.on')`, &shown)
		assert.True(t, shown, "%s: the badge", when)
		want := "STREAMER MODE ON"
		if p.phone {
			want = "STREAMER ON" // a phone leaves out the "mode"
		}
		assert.Contains(t, p.text(`document.getElementById('streamer-toggle').innerText.replace(/\s+/g, ' ')`), want, when)
		assert.Equal(t, "true", p.text(`document.getElementById('streamer-toggle').getAttribute('aria-pressed')`), when)
	}
	hidden(host, "in the lobby")
	assert.Contains(t, host.text(`document.body.innerText`), "Spectator 1", "the knock is numbered")
	host.accessible("the lobby in streamer mode")
	host.screens("streamer-lobby")

	host.navigate(srv.URL + "/l/" + code)
	host.wait("the lobby again", `document.querySelectorAll('.member[data-member]').length === 1 && document.querySelector('[data-knock]')`, step)
	hidden(host, "after a reload")
	var leaks []string
	host.eval(`window.__leaks`, &leaks)
	assert.Empty(t, leaks, "nothing shown on the way in after a reload")

	// The game: the file is sealed, and opens only while held.
	host.addBots("easy", 4)
	host.click("#start")
	host.wait("the game", `document.querySelector('.game') && document.querySelector('.dossier.sealed')`, step)
	hidden(host, "in the game")
	assert.Equal(t, "0", host.text(`String(document.querySelectorAll('[data-key="role-toggle"]').length)`), "no button opens the file for good")
	const jsOpen = `!!document.querySelector('.dossier[data-role]')`
	const jsRoleShown = `(e => e ? e.innerText : '')(document.querySelector('.dossier[data-role] .role-name'))`
	host.do(chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-key="role-peek"]').scrollIntoView({block: 'center'})`))
	var box []float64
	host.eval(`(r => [r.x + r.width / 2, r.y + r.height / 2])(document.querySelector('[data-key="role-peek"]').getBoundingClientRect())`, &box)
	require.Len(t, box, 2)
	host.do(chromedp.MouseEvent(input.DispatchMouseEventTypeMousePressed, box[0], box[1], chromedp.ButtonLeft, chromedp.ClickCount(1)))
	host.wait("the file open while held", jsOpen, step)
	assert.NotEmpty(t, host.text(jsRoleShown), "the role shows while held")
	host.shot("streamer-file-held")
	host.do(chromedp.MouseEvent(input.DispatchMouseEventTypeMouseReleased, box[0], box[1], chromedp.ButtonLeft, chromedp.ClickCount(1)))
	host.wait("the file sealed on release", `!(`+jsOpen+`) && document.querySelector('.dossier.sealed')`, step)
	assert.Empty(t, host.text(`(e => e ? e.innerText : '')(document.querySelector('.role-name'))`), "no role once let go")

	host.eval(`(document.querySelector('.actions button, #phase-h').focus(), 1)`, nil)
	host.do(chromedp.KeyEvent("f"))
	host.wait("F pressed and let go: sealed", `document.querySelector('.dossier.sealed')`, step)
	host.do(chromedp.Evaluate[chromedp.Void](`document.dispatchEvent(new KeyboardEvent('keydown', {key: 'f', bubbles: true}))`))
	host.wait("F held: open", jsOpen, step)
	host.do(chromedp.Evaluate[chromedp.Void](`dispatchEvent(new KeyboardEvent('keyup', {key: 'f', bubbles: true}))`))
	host.wait("F let go: sealed", `!(`+jsOpen+`)`, step)
	// A screen reader clicks without holding: the file opens until sealed
	// by hand.
	time.Sleep(500 * time.Millisecond) // not the click that ends a hold
	host.eval(`(document.querySelector('[data-key="role-peek"]').click(), true)`, nil)
	host.wait("opened by a click alone", jsOpen+` && document.querySelector('[data-key="role-toggle"]')`, step)
	host.eval(`(document.querySelector('[data-key="role-toggle"]').click(), true)`, nil)
	host.wait("sealed by hand", `!(`+jsOpen+`)`, step)
	host.accessible("the game in streamer mode")
	host.screens("streamer-game")

	// Streamer mode survives a reload into the game, the file sealed.
	host.navigate(srv.URL + "/l/" + code)
	host.wait("the game again", `document.querySelector('.game') && document.querySelector('.dossier.sealed')`, step)
	hidden(host, "in the game after a reload")
	host.eval(`window.__leaks`, &leaks)
	assert.Empty(t, leaks, "nothing shown on the way back into the game")

	// A spectator in streamer mode: the gallery's chat without its names.
	spec := openPage(t, browser, "Spectator", true)
	spec.navigate(srv.URL + "/")
	spec.click("#streamer-toggle")
	spec.navigate(srv.URL + "/l/" + code + "?watch")
	spec.wait("the gallery", `document.querySelector('.game')`, step)
	galina.must(protocol.Say{Channel: game.ChannelSpectators, Text: "Who is Kirov?"})
	if spec.phone {
		spec.click(`[data-pane="chat"]`)
	}
	spec.wait("the gallery's line", `document.getElementById('chat-lines').innerText.includes('Who is Kirov?')`, step)
	assert.NotContains(t, spec.text(`document.body.innerText`), "Galina", "a spectator's name in the gallery's chat")
	assert.Contains(t, spec.text(`document.getElementById('chat-lines').innerText`), "A spectator:")
	hidden(spec, "in the gallery on a phone")
	spec.shot("streamer-gallery-phone")

	// Off again: everything is back.
	host.click("#streamer-toggle")
	host.wait("streamer mode off", `!document.body.classList.contains('streamer') && document.querySelector('[data-key="role-toggle"]')`, step)
	assert.Equal(t, "false", host.text(`document.getElementById('streamer-toggle').getAttribute('aria-pressed')`))

	// A file left open seals the moment streamer mode comes on.
	host.click(`[data-key="role-toggle"]`)
	host.wait("the file open", jsOpen, step)
	host.click("#streamer-toggle")
	host.wait("sealed by streamer mode", `document.body.classList.contains('streamer') && document.querySelector('.dossier.sealed')`, step)
}
