package e2e

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// endPhasesUntil has the host end phase after phase until cond holds in
// the host's page.
func (p *page) endPhasesUntil(what, cond string) {
	p.t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		var done bool
		p.eval(cond, &done)
		if done {
			return
		}
		var can bool
		p.eval(`(e => !!e && !e.disabled)(document.querySelector('[data-key="end-phase"]'))`, &can)
		if can {
			p.eval(`document.querySelector('[data-key="end-phase"]').click(), true`, nil)
		}
		time.Sleep(300 * time.Millisecond)
	}
	p.fatalf("%s: never", what)
}

// shotBoth writes the screen as it is at both sizes, 1280 by 800 and a
// phone's 360 by 740 (name-desktop and name-phone; sel is where the phone
// is scrolled to, as shotAt), and puts the page back at its own size.
func (p *page) shotBoth(name, sel string) {
	p.t.Helper()
	desktop := chromedp.EmulateViewport(1280, 800)
	phone := chromedp.EmulateViewport(360, 740, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch)
	was := p.phone
	p.do(desktop)
	p.phone = false
	time.Sleep(200 * time.Millisecond) // the layout settles
	p.shot(name + "-desktop")
	p.do(phone)
	p.phone = true
	time.Sleep(200 * time.Millisecond)
	p.shotAt(name+"-phone", sel)
	if !was {
		p.do(desktop)
	}
	p.phone = was
}

// TestBrowserSeats plays a game in which seats change hands: a friend
// carries her seat from a desktop to a phone by the one-time link and
// its QR code (the desktop is told it moved; the link used again is
// refused in words), a latecomer with the invite link takes over a bot's
// seat in session 2 with the host's grant and plays it under her own
// name, and a spectator who asked for a place is seated for the rematch.
func TestBrowserSeats(t *testing.T) {
	t.Parallel()
	needChromium(t)
	srv := startBrowserServer(t)
	browser := newBrowser(t)

	host, code := convene(t, browser, srv, "Anna")
	host.do(chromedp.EmulateViewport(1280, 800))
	host.typeIn("#set-debate_seconds", "900\t")
	host.wait("the Debate's setting", `document.getElementById('set-debate_seconds').value === '900' && document.activeElement.id !== 'set-debate_seconds'`, step)
	host.addBots("easy", 3)

	clara := openPage(t, browser, "Clara", false)
	clara.do(chromedp.EmulateViewport(1280, 800))
	clara.navigate(srv.URL + "/l/" + code)
	clara.typeIn("#door-name", "Clara")
	clara.click("#door-join")
	olga := openPage(t, browser, "Olga", true)
	olga.navigate(srv.URL + "/l/" + code + "?watch")
	olga.wait("the gallery", `document.querySelector('#gallery-name')`, step)
	olga.typeIn("#gallery-name", "Olga")
	olga.click("#gallery-name-go")
	for _, p := range []*page{host, clara} {
		p.wait("five seated", `document.querySelectorAll('.member[data-member]').length === 5`, step)
	}
	// Four denunciations to accuse: the three bots alone cannot bring
	// anyone to trial in session 1, so the game is sure to reach session 2
	// (a purge in session 1 could end it at 5 seats).
	host.typeIn("#set-threshold", "4\t")
	clara.wait("the threshold", `document.querySelector('[data-setting="threshold"]') && document.querySelector('[data-setting="threshold"]').textContent === '4'`, step)
	host.click("#start")
	for _, p := range []*page{host, clara, olga} {
		p.wait("the game", `document.querySelector('.game')`, step)
	}

	// The gallery asks for a place in the next game.
	olga.wait("the gallery's door to the table", `document.querySelector('#sit-next')`, step)
	olga.shotBoth("seats-01-gallery", "#seat-door")
	olga.hostClick("#sit-next")
	olga.wait("in the queue", `(e => e && e.textContent.includes('in the queue for the next game as Olga'))(document.querySelector('#sit-status'))`, step)
	host.wait("the queue shown to the host", `document.querySelector('[data-sit]')`, step)
	host.shotBoth("seats-02-host-queue", "#seat-door")

	// Clara moves to her phone: a link and its QR code, once.
	clara.click("#move-open")
	clara.wait("the move link", `document.querySelector('#move-link') && document.querySelector('#move-qr')`, step)
	clara.wait("the QR code drawn", `document.querySelector('#move-qr').complete && document.querySelector('#move-qr').naturalWidth > 0`, step)
	link := clara.text(`document.querySelector('#move-link').value`)
	require.Contains(t, link, "?move=")
	var token string
	clara.eval(`localStorage.getItem(Object.keys(localStorage).find(k => k.includes('token')) || '') || ''`, &token)
	if token != "" {
		assert.NotContains(t, link, token, "never the pass")
	}
	clara.shotBoth("seats-03-move", "#move-seat")
	var claraSeat int
	clara.eval(`document.querySelector('.seat.me').dataset.seat * 1`, &claraSeat)
	phone := openPage(t, browser, "Clara's phone", true)
	phone.navigate(link)
	phone.wait("the seat on the phone", fmt.Sprintf(`document.querySelector('.seat.me[data-seat="%d"]')`, claraSeat), step)
	phone.wait("the plain link again", `!location.search.includes('move')`, step)
	clara.wait("told it moved", `(e => e && e.textContent === 'Your seat has moved to another device.')(document.querySelector('.panel.red h1'))`, step)
	clara.shotBoth("seats-04-moved", "h1")
	phone.shot("seats-05-moved-phone")
	again := openPage(t, browser, "a stranger", true)
	again.navigate(link)
	again.wait("the used link refused", `(e => e && !e.hidden && e.textContent.includes('used already'))(document.querySelector('.refusal'))`, step)
	again.shotBoth("seats-06-link-used", ".refusal")
	// On the phone the papers are drawn too (a new link replaces the last).
	phone.hostClick("#move-open")
	phone.wait("the move link on the phone", `document.querySelector('#move-qr') && document.querySelector('#move-qr').complete`, step)
	phone.shotAt("seats-13-move-phone", "#move-seat")

	// Session 2: a latecomer takes over a bot's seat.
	host.endPhasesUntil("session 2", `document.querySelector('.banner .session') && /^Session 2 /.test(document.querySelector('.banner .session').textContent) && document.querySelector('.banner').className === 'banner'`)
	vera := openPage(t, browser, "Vera", false)
	vera.do(chromedp.EmulateViewport(1280, 800))
	vera.navigate(srv.URL + "/l/" + code)
	vera.wait("the door during a game", `document.querySelector('#door-next')`, step)
	vera.shotBoth("seats-07-door", "#door-next")
	vera.typeIn("#door-name", "Vera")
	vera.click("#door-next")
	vera.wait("the open seats", `document.querySelector('.open-seats [data-key^="sit-"]')`, step)
	vera.shotBoth("seats-08-open-seats", "#seat-door")
	var botSeat int
	vera.eval(`document.querySelector('.open-seats li').dataset.seat * 1`, &botSeat)
	vera.click(fmt.Sprintf(`[data-key="sit-%d"]`, botSeat))
	vera.wait("asked", `(e => e && e.textContent.includes('You have asked for seat'))(document.querySelector('#sit-status'))`, step)
	host.wait("Vera's request", `[...document.querySelectorAll('[data-sit]')].some(e => e.textContent.includes('Vera'))`, step)
	host.shotBoth("seats-09-host-grant", "#seat-door")
	host.eval(`[...document.querySelectorAll('[data-sit]')].find(e => e.textContent.includes('Vera')).querySelector('[data-key^="seat-"]').click(), true`, nil)
	vera.wait("Vera at the bot's seat", fmt.Sprintf(`document.querySelector('.seat.me[data-seat="%d"]')`, botSeat), step)
	seatName := fmt.Sprintf(`document.querySelector('.seat[data-seat="%d"] .name').textContent`, botSeat)
	for _, p := range []*page{host, phone, olga} {
		p.wait("the table names Vera", seatName+` === 'Vera'`, step)
	}
	news := `[...document.querySelectorAll('#room-news [data-notice="seat"]')].map(e => e.textContent).join(' ')`
	host.wait("told a new delegate sits there", news+fmt.Sprintf(`.includes('A new delegate takes seat %d: Vera sits there from now on.')`, botSeat+1), step)
	assert.NotContains(t, host.text(news), "Plotter")
	vera.shotBoth("seats-10-taken", ".table-panel")
	// She acts as the seat: the Debate's Ready (or, if the bot had
	// pressed it, takes it back).
	vera.wait("her move", `document.querySelector('[data-key="ready"], [data-key="unready"]')`, step)
	press, then := "ready", "unready"
	if vera.text(`document.querySelector('[data-key="ready"]') ? '' : 'pressed'`) != "" {
		press, then = then, press
	}
	vera.click(`[data-key="` + press + `"]`)
	vera.wait("her move made", `document.querySelector('[data-key="`+then+`"]')`, step)

	// The game ends; the rematch seats the gallery's queue.
	host.endPhasesUntil("the end", `!!document.querySelector('#rematch')`)
	host.click("#rematch")
	olga.wait("Olga seated for the rematch", `[...document.querySelectorAll('.member[data-member]')].some(m => m.textContent.includes('Olga') && m.textContent.includes('You'))`, step)
	olga.shotBoth("seats-11-seated", ".members")
	host.wait("Olga in the lobby", `[...document.querySelectorAll('.member[data-member]')].some(m => m.textContent.includes('Olga'))`, step)
	host.shotBoth("seats-12-rematch-lobby", ".members")
}
