package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBrowserGavelPasses plays a game in which the host's tab closes:
// every seat shows the host away, and for how long; after the lobby's
// host_away_seconds the gavel passes to the next delegate present, who
// is told so with everyone else and holds the gavel's tools (pause, hand
// a seat to a bot, which is offered once the host has been away twice
// host_away_seconds, hand the gavel on, remove a delegate after a confirmation).
// The host, back, is told once what happened meanwhile, and the delegate
// removed is kept out under a new name.
func TestBrowserGavelPasses(t *testing.T) {
	t.Parallel()
	needChromium(t)
	srv := startBrowserServer(t)
	browser := newBrowser(t)

	// Anna's browser keeps a tab of its own open, so that her lobby's tab
	// can be closed and opened again with her storage.
	annas := openPage(t, browser, "Anna's browser", false)
	host, closeHost := tabOf(t, annas, "Anna")
	host.navigate(srv.URL + "/")
	host.wait("the front page", `document.getElementById('create')`, step)
	host.typeIn("#create-name", "Anna")
	host.click("#create")
	host.wait("the lobby room", `document.querySelectorAll('.member[data-member]').length === 1`, step)
	code := host.text(`location.pathname.split('/').pop()`)
	// Long phases, and a gavel that passes after 5 seconds away.
	host.typeIn("#set-debate_seconds", "900\t")
	host.wait("the Debate's setting", `document.getElementById('set-debate_seconds').value === '900' && document.activeElement.id !== 'set-debate_seconds'`, step)
	host.typeIn("#set-host_away_seconds", "5\t")
	host.wait("the gavel's setting", `document.getElementById('set-host_away_seconds').value === '5' && document.activeElement.id !== 'set-host_away_seconds'`, step)
	host.addBots("normal", 3)

	boris := openPage(t, browser, "Boris", false)
	boris.do(chromedp.EmulateViewport(1280, 800))
	clara := openPage(t, browser, "Clara", true)
	for _, p := range []*page{boris, clara} {
		p.navigate(srv.URL + "/l/" + code)
		p.typeIn("#door-name", p.name)
		p.click("#door-join")
	}
	// Dmitri comes, and his tab closes again: the lobby counts his absence.
	dmitris := openPage(t, browser, "Dmitri's browser", false)
	dmitri, closeDmitri := tabOf(t, dmitris, "Dmitri")
	dmitri.navigate(srv.URL + "/l/" + code)
	dmitri.typeIn("#door-name", "Dmitri")
	dmitri.click("#door-join")
	people := []*page{host, boris, clara}
	for _, p := range append(people, dmitri) {
		p.wait("seven seated", `document.querySelectorAll('.member[data-member]').length === 7`, step)
	}
	closeDmitri()
	for _, p := range people {
		p.wait("Dmitri away, counted", `[...document.querySelectorAll('.member .badge.off')].some(b => /^Away 0:0[1-9]/.test(b.textContent))`, step)
	}
	host.shot("gavel-01-lobby")
	clara.shotAt("gavel-01-lobby-phone", ".member .badge.off")
	host.click("#start")
	for _, p := range people {
		p.wait("the game", `document.querySelector('.game')`, step)
	}
	assert.NotEmpty(t, host.text(`document.getElementById('gavel-h') ? 'gavel' : ''`), "the host holds the gavel's tools")
	assert.Empty(t, boris.text(`document.getElementById('gavel-h') ? 'gavel' : ''`), "Boris does not")

	// The host's tab goes away.
	var annaSeat int
	host.eval(`(document.querySelector('.seat.me') || {dataset: {seat: -1}}).dataset.seat * 1`, &annaSeat)
	require.GreaterOrEqual(t, annaSeat, 0)
	closeHost()
	awaySeat := fmt.Sprintf(`document.querySelector('.seat[data-seat="%d"] .badge.off')`, annaSeat)
	for _, p := range []*page{boris, clara} {
		p.wait("Anna away at her seat", awaySeat, step)
	}
	boris.wait("Anna's absence counted", awaySeat+`.textContent.startsWith('Away 0:0')`, step)

	// The gavel passes, and everyone is told who holds it now.
	gavel := `document.querySelector('#room-news [data-notice="gavel"]')`
	for _, p := range []*page{boris, clara} {
		p.wait("the gavel's passing told", gavel, 20*time.Second)
	}
	said := boris.text(gavel + `.textContent`)
	require.Contains(t, said, ": Anna is away.")
	heir, other := boris, clara
	if strings.Contains(said, "passes to Clara") {
		heir, other = clara, boris
	} else {
		require.Contains(t, said, "The gavel passes to Boris")
	}
	assert.Equal(t, said, other.text(gavel+`.textContent`))
	heir.wait("the gavel's tools", `document.getElementById('gavel-h') && !document.getElementById('gavel-h').parentElement.hidden`, step)
	boris.shot("gavel-02-passed-desktop")
	clara.shot("gavel-03-passed-phone")
	if heir.phone {
		heir.shotAt("gavel-06-gavel-phone", "")
	}

	// The new host adjourns the Congress and resumes it.
	heir.hostClick(`[data-key="pause"]`)
	other.wait("the Congress adjourned", `document.querySelector('.banner .timer').textContent === 'Adjourned'`, step)
	heir.hostClick(`[data-key="resume"]`)
	other.wait("the Congress resumed", `document.querySelector('.banner .timer').textContent !== 'Adjourned'`, step)

	// Twice the gavel's wait away: the new host is offered a bot for
	// Anna's seat, and takes it; everyone is told, and the seat says so.
	heir.wait("the suggestion of a bot", `document.querySelector('[data-suggest="d1"]')`, 30*time.Second)
	assert.Equal(t, "Anna has been away over 10 seconds. A bot could play the seat, so that the Congress does not wait.",
		heir.text(`document.querySelector('[data-suggest="d1"]').textContent`))
	heir.shotAt("gavel-04-suggestion", "")
	heir.hostClick(`[data-key="bot-d1"]`)
	seatNews := `[...document.querySelectorAll('#room-news [data-notice="seat"]')].map(e => e.textContent).join(' ')`
	other.wait("the bot's arrival told", seatNews+`.includes("A bot now plays Anna's seat: Anna is away.")`, step)
	other.wait("the seat played by a bot", fmt.Sprintf(`[...document.querySelectorAll('.seat[data-seat="%d"] .badge')].some(b => b.textContent === 'Bot plays')`, annaSeat), step)

	// The bot plays the seat a while: it presses Ready, as a bot does.
	other.wait("the bot at work in Anna's seat", fmt.Sprintf(`[...document.querySelectorAll('.seat[data-seat="%d"] .badge')].some(b => b.textContent === 'Ready')`, annaSeat), 60*time.Second)

	// Anna comes back: told, once and to her alone, what happened.
	host, _ = tabOf(t, annas, "Anna")
	host.navigate(srv.URL + "/l/" + code)
	host.wait("the game again", `document.querySelector('.game')`, step)
	away := `document.querySelector('#room-news [data-notice="while_away"]')`
	host.wait("what happened while away", away, step)
	told := host.text(away + `.textContent`)
	assert.Contains(t, told, "While you were away the gavel passed to "+heir.name+", who holds it now.")
	// The deputy's moves are told as the log tells them, in the page's
	// words: the bot pressed Ready in Anna's seat.
	assert.Contains(t, told, "A deputy kept your seat and moved in your name. ")
	assert.Contains(t, told, "You have heard enough.")
	host.shot("gavel-05-back")
	other.wait("Anna's return told", seatNews+`.includes("Anna is back and plays their own seat again.")`, step)
	assert.Empty(t, other.text(away+` ? 'told' : ''`), "the others are not told Anna's deeds")
	assert.Empty(t, host.text(`document.getElementById('gavel-h') && !document.getElementById('gavel-h').parentElement.hidden ? 'gavel' : ''`), "Anna no longer holds the gavel")
	host.do(chromedp.Reload())
	host.wait("the game after a reload", `document.querySelector('.game')`, step)
	time.Sleep(time.Second)
	assert.Empty(t, host.text(away+` ? 'told' : ''`), "told once")

	// The gavel is handed on by hand, in the game: to the other delegate.
	heir.hostClick(`[data-key="host-seats"]`)
	heir.choose("#gavel-to", other.name)
	heir.hostClick(`[data-key="hand-gavel"]`)
	for _, p := range []*page{host, boris, clara} {
		p.wait("the gavel handed on, told", fmt.Sprintf(`[...document.querySelectorAll('#room-news [data-notice="gavel"]')].some(e => e.textContent.includes(%q))`, other.name+" now holds the gavel."), step)
	}
	other.wait("the gavel's tools", `document.getElementById('gavel-h') && !document.getElementById('gavel-h').parentElement.hidden`, step)
	if other.phone {
		other.shotAt("gavel-06-gavel-phone", "")
	}

	// The new host removes the one who held the gavel before, after a
	// confirmation; the seat goes to a bot, its file sealed.
	out := heir
	other.hostClick(`[data-key="host-seats"]`)
	other.choose("#kick-who", out.name)
	other.hostClick(`[data-key="kick"]`)
	other.wait("the confirmation", `document.querySelector('.host-tools .confirm')`, step)
	assert.Contains(t, other.text(`document.querySelector('.host-tools .confirm').textContent`), "cannot come back to this lobby")
	other.shotAt("gavel-07-confirm", "")
	other.hostClick(`[data-key="kick-confirm"]`)
	out.wait("the removal told", `document.querySelector('.panel.red h1') && document.querySelector('.panel.red h1').textContent === 'You are out of this lobby.'`, step)
	out.shot("gavel-08-kicked")
	host.wait("the seat to a bot, its file sealed", `[...document.querySelectorAll('#room-news [data-notice="kicked"]')].some(e => e.textContent.includes('its file stays sealed'))`, step)
	host.wait("the removed seat marked", `[...document.querySelectorAll('.seat .badge')].some(b => b.textContent === 'Removed')`, step)

	// Under a new name from the same browser: refused, in words.
	out.navigate(srv.URL + "/l/" + code)
	out.typeIn("#door-name", out.name+" Again")
	out.click("#door-join")
	out.wait("the refusal at the door", `(e => e && !e.hidden && e.textContent.includes('removed you from this lobby'))(document.querySelector('.refusal'))`, step)
	out.shot("gavel-09-door")
}

// hostClick presses one of the host's tools: on a phone, scrolled up
// to just under the phase banner, clear of the move bar at the foot, as
// a person scrolls to them.
func (p *page) hostClick(sel string) {
	p.t.Helper()
	if !p.phone {
		p.click(sel)
		return
	}
	p.wait("clickable "+sel, fmt.Sprintf(`(e => e && !e.disabled)(document.querySelector(%q))`, sel), step)
	p.underBanner(sel)
	p.retry(chromedp.Tap(chromedp.CSS(sel)))
}

// underBanner scrolls the element sel to just under the sticky phase
// banner (to the top of the screen where there is none).
func (p *page) underBanner(sel string) {
	p.t.Helper()
	p.eval(fmt.Sprintf(`(e => { const b = document.querySelector('.banner'); const top = (b ? b.getBoundingClientRect().bottom : 0) + 8; scrollBy(0, e.getBoundingClientRect().top - top); return true; })(document.querySelector(%q))`, sel), nil)
}

// choose picks the option of a select by its text, as a person would.
func (p *page) choose(sel, text string) {
	p.t.Helper()
	var ok bool
	p.eval(fmt.Sprintf(`(s => { const o = s && [...s.options].find(o => o.textContent === %q); if (!o) return false; s.value = o.value; s.dispatchEvent(new Event('change')); return true; })(document.querySelector(%q))`, text, sel), &ok)
	if !ok {
		p.fatalf("no option %q in %s", text, sel)
	}
}

// shotAt is shot of a part of the page: on a phone, which shows only a
// part, scrolled to the element sel (the host's tools for "").
func (p *page) shotAt(name, sel string) {
	p.t.Helper()
	if !p.phone {
		p.shot(name)
		return
	}
	if sel == "" {
		sel = ".host-tools"
	}
	p.underBanner(sel)
	ctx, cancel := context.WithTimeout(p.ctx, step)
	defer cancel()
	buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		p.t.Logf("%s: screenshot %s: %v", p.name, name, err)
		return
	}
	if err := os.WriteFile(filepath.Join(artifacts, name+".png"), buf, 0o644); err != nil {
		p.t.Logf("writing %s: %v", name, err)
	}
}

// tabOf opens a new tab, at 1280 by 800, in the browser context of p
// (the same storage: the same person's browser). The function returned
// closes it, as a person closes a tab.
func tabOf(t *testing.T, p *page, name string) (*page, context.CancelFunc) {
	t.Helper()
	ctx, cancel := chromedp.NewContext(p.ctx)
	t.Cleanup(cancel)
	tab := &page{t: t, name: name, ctx: ctx}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 800)); err != nil {
		t.Fatalf("%s: opening a tab: %v", name, err)
	}
	tab.watchConsole()
	return tab, cancel
}
