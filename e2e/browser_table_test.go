package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// screen sizes every screen is looked at in: a laptop, a desktop, a phone.
var sizes = []struct {
	name   string
	w, h   int64
	mobile bool
}{
	{"1280x800", 1280, 800, false},
	{"1920x1080", 1920, 1080, false},
	{"360x740", 360, 740, true},
}

// resize sets the page's viewport and scrolls to the top.
func (p *page) resize(w, h int64, mobile bool) {
	p.t.Helper()
	opts := []chromedp.EmulateViewportOption{}
	if mobile {
		opts = append(opts, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch)
	} else {
		opts = append(opts, chromedp.EmulateScale(1))
	}
	p.do(chromedp.EmulateViewport(w, h, opts...))
	p.phone = mobile
	time.Sleep(150 * time.Millisecond)
}

// screens writes what the page shows at each size to $SHOTS (when set),
// the viewport only, as a person sees it on arriving, and puts the page
// back at its own size.
func (p *page) screens(name string) {
	p.t.Helper()
	dir := os.Getenv("SHOTS")
	if dir == "" {
		return
	}
	require.NoError(p.t, os.MkdirAll(dir, 0o755))
	phone := p.phone
	for _, sz := range sizes {
		p.resize(sz.w, sz.h, sz.mobile)
		ctx, cancel := context.WithTimeout(p.ctx, step)
		_ = chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`))
		buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		cancel()
		if err != nil {
			p.t.Logf("screenshot %s: %v", name, err)
			continue
		}
		_ = os.WriteFile(filepath.Join(dir, name+"-"+sz.name+".png"), buf, 0o644)
	}
	if phone {
		p.resize(360, 740, true)
	} else {
		p.resize(1280, 900, false)
	}
}

// axeSource finds axe-core's script: $AXE_CORE_JS, e2e/node_modules (where
// .ci/run installs it), or npm's global modules.
var axeSource = sync.OnceValues(func() (string, error) {
	paths := []string{os.Getenv("AXE_CORE_JS"), filepath.Join("node_modules", "axe-core", "axe.min.js")}
	if out, err := exec.Command("npm", "root", "-g").Output(); err == nil {
		paths = append(paths, filepath.Join(strings.TrimSpace(string(out)), "axe-core", "axe.min.js"))
	}
	for _, p := range paths {
		if p == "" {
			continue
		}
		if b, err := os.ReadFile(p); err == nil {
			return string(b), nil
		}
	}
	return "", fmt.Errorf("axe-core not found (npm install --prefix e2e axe-core)")
})

// axeViolation is one rule axe-core found broken, with where.
type axeViolation struct {
	ID    string   `json:"id"`
	Help  string   `json:"help"`
	Nodes []string `json:"nodes"`
}

// accessible runs axe-core on the page as it is and fails the test on
// any violation. Without axe-core the check cannot run: CI fails, a
// developer's run says so.
func (p *page) accessible(screen string) {
	p.t.Helper()
	src, err := axeSource()
	if err != nil {
		if os.Getenv("CI") == "true" {
			p.t.Fatalf("%v; CI must install it", err)
		}
		p.t.Logf("no accessibility check of %s: %v", screen, err)
		return
	}
	var loaded bool
	p.eval(`typeof axe !== 'undefined'`, &loaded)
	if !loaded {
		p.eval("(() => {"+src+"\n; return true})()", nil)
	}
	ctx, cancel := context.WithTimeout(p.ctx, step)
	defer cancel()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](`axe.run(document, {resultTypes: ['violations']}).then(r => JSON.stringify(r.violations.map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))))`, chromedp.EvalAwaitPromise))
	if err != nil {
		p.fatalf("axe on %s: %v", screen, err)
	}
	var s string
	require.NoError(p.t, json.Unmarshal(raw, &s))
	var vs []axeViolation
	require.NoError(p.t, json.Unmarshal([]byte(s), &vs))
	p.t.Logf("%s, %s: axe-core found %d violations", p.name, screen, len(vs))
	for _, v := range vs {
		p.t.Errorf("%s, %s: axe %s (%s) at %v", p.name, screen, v.ID, v.Help, v.Nodes)
	}
}

// onScreen is JavaScript: whether every element matching sel lies wholly
// within the viewport, and there is at least one.
func onScreen(sel string) string {
	return fmt.Sprintf(`(els => els.length > 0 && els.every(e => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight + 1 && r.left >= 0 && r.right <= innerWidth + 1 && r.height > 0; }))([...document.querySelectorAll(%q)])`, sel)
}

// visibleTop is JavaScript: whether the first element matching sel starts
// within the viewport.
func visibleTop(sel string) string {
	return fmt.Sprintf(`(e => { if (!e) return false; const r = e.getBoundingClientRect(); return r.height > 0 && r.top >= 0 && r.top < innerHeight - 40; })(document.querySelector(%q))`, sel)
}

// TestBrowserTableYourMoveFirst: five delegates, one on a phone, open a
// Congress. At 1280×800 and 1920×1080 the phase banner, every button of
// "Your move" (Ready included) and the whole table are on the first
// screen; on a phone the banner, the action bar and the table's first
// seats are. The page opens at the top with focus on the first move. A
// tap on a seat denounces it as the button does; a phase change brings
// the view to the top with focus on the first useful control.
func TestBrowserTableYourMoveFirst(t *testing.T) {
	t.Parallel()
	needChromium(t)
	srv := startBrowserServer(t)
	browser := newBrowser(t)
	host, code := convene(t, browser, srv, "Anna")
	host.changeOrders([2]string{"debate_seconds", "600"}, [2]string{"night_seconds", "600"})
	host.addBots("easy", 3)
	phone := openPage(t, browser, "Dmitri", true)
	phone.navigate(srv.URL + "/l/" + code)
	phone.typeIn("#door-name", "Dmitri")
	phone.click("#door-join")
	phone.wait("Dmitri seated", `document.querySelectorAll('.member[data-member]').length === 5`, step)
	// The phone is scrolled down the lobby, as a reader of the orders is.
	phone.eval(`(scrollTo(0, document.body.scrollHeight), 1)`, nil)
	host.wait("Start possible", `!document.getElementById('start').disabled`, step)
	host.click("#start")

	for _, p := range []*page{host, phone} {
		p.wait("the game", `document.querySelector('.game') && document.querySelector('.actions [data-act="denounce"]')`, step)
		p.wait("the page at its top", `scrollY === 0`, step)
		p.wait("focus on the first move", `document.activeElement && document.activeElement.closest('.actions') && document.activeElement.dataset.act === 'denounce'`, step)
	}

	for _, sz := range sizes[:2] {
		host.resize(sz.w, sz.h, false)
		host.eval(`(scrollTo(0, 0), 1)`, nil)
		host.wait("the banner on the first screen at "+sz.name, onScreen(".banner"), step)
		host.wait("every move on the first screen at "+sz.name, onScreen(".actions [data-act]"), step)
		host.wait("Ready on the first screen at "+sz.name, onScreen(`.actions [data-act="ready"]`), step)
		host.wait("the table on the first screen at "+sz.name, onScreen(".table-panel .seat"), step)
		host.wait("the chat beside the moves at "+sz.name, onScreen("#chat-input"), step)
	}
	host.resize(1280, 900, false)

	phone.eval(`(scrollTo(0, 0), 1)`, nil)
	phone.wait("the banner on the phone's first screen", onScreen(".banner"), step)
	phone.wait("Ready in the phone's action bar", onScreen(`.actions [data-act="ready"]`), step)
	phone.wait("the table's first seat on the phone's first screen", visibleTop(".table-panel .seat"), step)
	// Scrolled down the table, the action bar stays at hand.
	phone.eval(`(scrollTo(0, 400), 1)`, nil)
	phone.wait("the action bar after a scroll", onScreen(`.actions [data-act="ready"]`), step)

	// A tap on a seat denounces it, with the same confirmation as the button.
	mine := -1
	phone.eval(jsMySeat, &mine)
	target := (mine + 1) % 5
	// The seat as the phone shows it at the top of its table, clear of the bar.
	seatSel := fmt.Sprintf(`.seat-pick[data-pick="denounce"][data-target="%d"]`, target)
	phone.eval(fmt.Sprintf(`(e => (e.closest('.seat').scrollIntoView({block: 'start'}), scrollBy(0, -90), 1))(document.querySelector(%q))`, seatSel), nil)
	phone.wait("the seat in sight, above the action bar", fmt.Sprintf(`(e => { const r = e.getBoundingClientRect(); const bar = document.querySelector('.actions').getBoundingClientRect(); return r.top > 0 && r.bottom < bar.top; })(document.querySelector(%q))`, seatSel), step)
	phone.retry(chromedp.Tap(chromedp.CSS(seatSel)))
	phone.wait("the denunciation by tap", fmt.Sprintf(`(%s) === %d && document.querySelector('.seat[data-seat="%d"]').classList.contains('picked')`, jsChosen, target, target), step)
	assert.Contains(t, phone.text(`document.querySelector('.actions .prompt').textContent`), "You denounce")
	host.wait("the tap seen by the host", fmt.Sprintf(`document.querySelector('.seat[data-seat="%d"] .dens')`, target), step)
	host.screens("game-debate")
	phone.screens("game-debate-phone")
	if os.Getenv("SHOTS") != "" {
		phone.click(`[data-pane="chat"]`)
		phone.wait("the chat pane", `document.querySelector('.game').dataset.pane === 'chat'`, step)
		phone.screens("chat-phone")
		phone.accessible("the chat pane on a phone")
		phone.click(`[data-pane="minutes"]`)
		phone.screens("minutes-phone")
		phone.click(`[data-pane="floor"]`)
	}
	host.shot("readme-debate")
	phone.shot("readme-phone")
	copyScreenshots(t, map[string]string{"readme-debate": "debate", "readme-phone": "phone"})

	// It was the host's move when the Debate opened: a mark on the tab's
	// icon while the move waits (TestBrowserSignals hears the rest). The
	// sound's toggle is kept.
	host.wait("the mark of the host's move", `document.querySelector('link[rel="icon"]').getAttribute('href').startsWith('data:image/svg+xml')`, step)
	assert.Equal(t, "default", host.text(`typeof Notification === 'undefined' ? 'default' : Notification.permission`), "no permission asked on load")
	host.click("#signal-sound")
	host.wait("the sound off", `document.getElementById('signal-sound').getAttribute('aria-pressed') === 'false'`, step)
	host.do(chromedp.Reload())
	host.wait("the sound still off after a reload", `(e => e && e.getAttribute('aria-pressed') === 'false')(document.getElementById('signal-sound'))`, step)

	// The host ends the Debate: each page is brought to its top with focus
	// on a control of the next phase.
	phone.eval(`(scrollTo(0, 600), 1)`, nil)
	host.click(`[data-key="end-phase"]`)
	for _, p := range []*page{host, phone} {
		p.wait("the next phase", `(`+jsPhase+`) !== 'The Debate'`, step)
		p.wait("the page at its top in the next phase", `scrollY === 0`, step)
		p.wait("focus on a control in the next phase", `document.activeElement && document.activeElement.tagName === 'BUTTON'`, step)
	}
}

// TestBrowserChatFollows: the chat opens at its newest line and keeps to
// it as lines come, one's own included; a reader who scrolled up is shown
// a "new messages" pill instead; each tab counts what is unread, and the
// count survives a reload.
func TestBrowserChatFollows(t *testing.T) {
	t.Parallel()
	needChromium(t)
	srv := startBrowserServer(t)
	browser := newBrowser(t)
	host, code := convene(t, browser, srv, "Anna")
	boris := openPage(t, browser, "Boris", false)
	boris.navigate(srv.URL + "/l/" + code)
	boris.typeIn("#door-name", "Boris")
	boris.click("#door-join")
	boris.wait("Boris seated", `document.querySelectorAll('.member[data-member]').length === 2`, step)

	say := func(p *page, n int, prefix string) {
		p.eval(fmt.Sprintf(`(async () => { for (let i = 0; i < %d; i++) { const f = document.getElementById('chat-input'); f.value = %q + ' ' + i; f.form.requestSubmit(); await new Promise(r => setTimeout(r, 60)); } return true })()`, n, prefix), nil)
	}
	atBottom := `(b => b.scrollHeight > b.clientHeight && b.scrollTop + b.clientHeight >= b.scrollHeight - 8)(document.querySelector('.chat .lines'))`
	say(boris, 30, "Comrades, a word")
	host.wait("thirty lines", `document.querySelectorAll('#chat-lines .said-line').length === 30`, step)
	host.wait("the host's chat at the newest line", atBottom, step)
	say(host, 1, "My own line")
	host.wait("one's own line in sight", `document.querySelectorAll('#chat-lines .said-line').length === 31 && `+atBottom, step)

	// Scrolled up, the reader is not pulled down: a pill says more came,
	// and the tab counts it.
	host.eval(`(document.querySelector('.chat .lines').scrollTop = 0, document.querySelector('.chat .lines').dispatchEvent(new Event('scroll')), 1)`, nil)
	say(boris, 20, "Meanwhile")
	host.wait("twenty more", `document.querySelectorAll('#chat-lines .said-line').length === 51`, step)
	host.wait("the pill", `!document.getElementById('chat-new').hidden`, step)
	host.wait("the unread count on the open tab", `(e => e && e.textContent === '20')(document.querySelector('#tab-public .unread'))`, step)
	var top int
	host.eval(`document.querySelector('.chat .lines').scrollTop`, &top)
	assert.Zero(t, top, "a reader who scrolled up stays where they are")

	// The count is kept across a reload, and the chat opens at the first
	// line unread.
	host.do(chromedp.Reload())
	host.wait("the count after a reload", `(e => e && e.textContent === '20')(document.querySelector('#tab-public .unread'))`, step)
	host.wait("the first unread line in sight", `(b => { const l = [...document.querySelectorAll('#chat-lines .said-line')][31]; const r = l.getBoundingClientRect(), q = b.getBoundingClientRect(); return r.top >= q.top - 1 && r.bottom <= q.bottom + 1; })(document.querySelector('.chat .lines'))`, step)
	host.click("#chat-new")
	host.wait("read, and the pill gone at the newest line", `!document.querySelector('#tab-public .unread') && document.getElementById('chat-new').hidden && `+atBottom, step)

	// The game starts: the chat stays at its newest line, in the side column.
	host.addBots("easy", 3)
	host.wait("Start possible", `!document.getElementById('start').disabled`, step)
	host.click("#start")
	host.wait("the game", `document.querySelector('.game .side .chat')`, step)
	host.wait("the chat at its newest line in the game", atBottom, step)
	say(boris, 2, "In session")
	host.wait("the new lines in sight", `document.querySelectorAll('#chat-lines .said-line').length === 53 && `+atBottom, step)
}

// TestBrowserSealedFile: five delegates at one table. While their files
// are sealed every page shows the same: the same chat tabs, no secret
// minutes, and at Night the same prompt for all. A Plotter who opens the
// file finds the bloc's channel and the letter; the file seals itself
// again when the phase changes. Every screen passes axe-core.
func TestBrowserSealedFile(t *testing.T) {
	t.Parallel()
	needChromium(t)
	srv := startBrowserServer(t)
	browser := newBrowser(t)
	host, code := convene(t, browser, srv, "Anna")
	host.changeOrders([2]string{"debate_seconds", "600"}, [2]string{"night_seconds", "600"}, [2]string{"plotter_chat", "always"}, [2]string{"threshold", "4"})
	pages := []*page{host}
	for i, name := range []string{"Boris", "Clara", "Dmitri", "Elena"} {
		p := openPage(t, browser, name, i == 2)
		p.navigate(srv.URL + "/l/" + code)
		p.typeIn("#door-name", name)
		p.click("#door-join")
		pages = append(pages, p)
	}
	for _, p := range pages {
		p.wait("five seated", `document.querySelectorAll('.member[data-member]').length === 5`, step)
		p.wait("focus on a control of the lobby, not the page", `document.activeElement && document.activeElement.tagName === 'BUTTON'`, step)
	}
	host.wait("Start possible", `!document.getElementById('start').disabled`, step)
	// "0" is said as what it means with the delegates seated.
	assert.Equal(t, "By table (2)", pages[1].text(`document.querySelector('[data-setting="plotters"]').textContent`))
	assert.Contains(t, host.text(`document.getElementById('set-plotters-table').textContent`), "now 2 for the delegates seated")
	host.shot("readme-lobby")
	copyScreenshots(t, map[string]string{"readme-lobby": "lobby"})
	host.accessible("the host's lobby")
	pages[1].accessible("a delegate's lobby")
	pages[3].accessible("the lobby on a phone")
	host.click("#start")

	// sameForAll reads what a watcher of each screen would see of the
	// roles, and requires it to be the same on every page.
	const jsSealed = `({tabs: [...document.querySelectorAll('.chat [role=tab]')].map(e => e.dataset.channel).join(','), secret: document.querySelectorAll('.log li.secret').length, prompt: [...document.querySelectorAll('.actions .prompt')].map(e => e.textContent).join(' / '), sealed: !!document.querySelector('.dossier.sealed'), title: document.title.replace(/Session \d+ · /, '')})`
	type sealedView struct {
		Tabs   string `json:"tabs"`
		Secret int    `json:"secret"`
		Prompt string `json:"prompt"`
		Sealed bool   `json:"sealed"`
		Title  string `json:"title"`
	}
	sameForAll := func(when string) sealedView {
		var first sealedView
		for i, p := range pages {
			var v sealedView
			p.eval(jsSealed, &v)
			assert.True(t, v.Sealed, "%s, %s: the file is sealed", p.name, when)
			assert.Zero(t, v.Secret, "%s, %s: a secret line in the minutes of a sealed file", p.name, when)
			if i == 0 {
				first = v
				continue
			}
			assert.Equal(t, first, v, "%s, %s: the screen differs from %s's while the files are sealed", p.name, when, host.name)
		}
		return first
	}
	for _, p := range pages {
		p.wait("the game", `document.querySelector('.game') && document.querySelector('.actions [data-act="ready"]')`, step)
	}
	d := sameForAll("in the Debate")
	assert.Equal(t, "public", d.Tabs, "only the floor's channel shows with the file sealed")
	host.accessible("the Debate")
	pages[3].accessible("the Debate on a phone")

	host.click(`[data-key="end-phase"]`)
	for _, p := range pages {
		p.wait("the Night", `(`+jsPhase+`) === 'Night'`, step)
	}
	n := sameForAll("at Night")
	assert.Equal(t, "Night falls. Open your file to act.", n.Prompt)
	host.accessible("the Night")
	host.screens("night")
	pages[3].screens("night-phone")

	// Each opens the file: the bloc finds its channel and its letter.
	var plotter, loyal *page
	for _, p := range pages {
		p.click(`[data-key="role-toggle"]`)
		p.wait("the open file", `document.querySelector('.dossier[data-role]')`, step)
		switch p.text(jsFile) {
		case "plotter", "kirov":
			if plotter == nil {
				plotter = p
			}
		default:
			loyal = p
		}
	}
	require.NotNil(t, plotter, "a Plotter at the table")
	require.NotNil(t, loyal, "a Loyalist at the table")
	plotter.wait("the letter and the bloc's channel, with the file open", `document.querySelector('.actions [data-act="letter"]') && document.getElementById('tab-plotters')`, step)
	loyal.wait("a Loyalist sleeps, with the file open", `document.querySelector('.actions').textContent.includes('You sleep')`, step)
	plotter.click(`.actions [data-act="letter"]`)
	plotter.wait("the proposal in the secret minutes", `document.querySelector('.log li.secret')`, step)
	plotter.accessible("the Night with the file open")
	plotter.screens("night-file-open")

	// The minutes' "my secrets": the secret lines alone, the proposal
	// among them; a Loyalist's has none tonight; "All" brings back the rest.
	type minuteLines struct {
		All      int  `json:"all"`
		Secret   int  `json:"secret"`
		Proposal bool `json:"proposal"`
	}
	const jsMinutes = `({all: document.querySelectorAll('.log li').length, secret: document.querySelectorAll('.log li.secret').length, proposal: !!document.querySelector('.log li.secret.log-letter_proposed')})`
	// On a phone the minutes are a pane of their own.
	pane := func(p *page, name string) {
		if p.phone {
			p.click(`[data-pane="` + name + `"]`)
		}
	}
	var everything, mine minuteLines
	pane(plotter, "minutes")
	plotter.eval(jsMinutes, &everything)
	plotter.click(`[data-filter="secrets"]`)
	plotter.wait("my secrets", `document.querySelector('[data-filter="secrets"]').getAttribute('aria-pressed') === 'true'`, step)
	plotter.eval(jsMinutes, &mine)
	assert.True(t, mine.Proposal, "the proposal among my secrets")
	assert.Equal(t, mine.Secret, mine.All, "my secrets show the secret lines alone")
	assert.Less(t, mine.All, everything.All, "my secrets leave the public lines out")
	plotter.accessible("the minutes, my secrets")
	pane(loyal, "minutes")
	loyal.click(`[data-filter="secrets"]`)
	loyal.wait("a Loyalist's secrets", `document.querySelector('[data-filter="secrets"]').getAttribute('aria-pressed') === 'true'`, step)
	assert.Equal(t, "0", loyal.text(`String(document.querySelectorAll('.log li').length)`), "a Loyalist has no secret tonight")
	loyal.click(`[data-filter="all"]`)
	loyal.wait("all the minutes again", `document.querySelectorAll('.log li').length > 0`, step)
	pane(loyal, "floor")
	plotter.click(`[data-filter="all"]`)
	plotter.wait("all the minutes again", fmt.Sprintf(`document.querySelectorAll('.log li').length === %d`, everything.All), step)
	plotter.click(`[data-filter="secrets"]`)
	pane(plotter, "floor")

	// Sealed again by hand, the secrets go with it.
	plotter.click(`[data-key="role-toggle"]`)
	plotter.wait("the secrets hidden with the file", `!document.querySelector('.log li.secret') && !document.getElementById('tab-plotters') && !document.querySelector('.actions [data-act="letter"]') && !document.querySelector('[data-filter="secrets"]') && document.querySelectorAll('.log li').length > 0`, step)
	plotter.click(`[data-key="role-toggle"]`)
	plotter.wait("the file open again", `document.getElementById('tab-plotters')`, step)

	// The next phase seals every file.
	host.click(`[data-key="end-phase"]`)
	for _, p := range pages {
		p.wait("the Debate again", `(`+jsPhase+`) === 'The Debate'`, step)
		p.wait("the file sealed again", `document.querySelector('.dossier.sealed')`, step)
	}
	sameForAll("in the second Debate")

	// The common moves have keys, listed behind "?".
	host.eval(`(document.querySelector('.actions button').focus(), 1)`, nil)
	host.do(chromedp.KeyEvent("?"))
	host.wait("the keys listed", `!document.getElementById('keys-help').hidden`, step)
	host.do(chromedp.KeyEvent("f"))
	host.wait("F opens the file", `document.querySelector('.dossier[data-role]')`, step)
	host.do(chromedp.KeyEvent("r"))
	host.wait("R presses Ready", `document.querySelector('.actions [data-act="unready"]')`, step)
	host.do(chromedp.KeyEvent("c"))
	host.wait("C goes to the chat", `document.activeElement && document.activeElement.id === 'chat-input'`, step)
}

// TestBrowserInviteFromLoopback: a host who opens the page at 127.0.0.1,
// on a server that listens on every address and has no --base-url, is
// given the invite link by this machine's network address, told why, and
// a QR code of it.
func TestBrowserInviteFromLoopback(t *testing.T) {
	t.Parallel()
	needChromium(t)
	_, port, err := net.SplitHostPort(freeAddr(t))
	require.NoError(t, err)
	srv := startBrowserServer(t, "--listen", "0.0.0.0:"+port)
	browser := newBrowser(t)
	res, err := http.Get(srv.URL + "/api/addresses")
	require.NoError(t, err)
	var got struct {
		Addresses []string `json:"addresses"`
	}
	require.NoError(t, json.NewDecoder(res.Body).Decode(&got))
	res.Body.Close()

	host, code := convene(t, browser, srv, "Anna")
	host.wait("the QR code of the invite", `(i => i && i.complete && i.naturalWidth === 256)(document.getElementById('invite-qr'))`, step)
	if len(got.Addresses) == 0 {
		t.Log("this machine has no network address but loopback: the page keeps its own links")
		assert.Equal(t, srv.URL+"/l/"+code, host.text(`document.getElementById('invite-link').value`))
		return
	}
	host.wait("the invite by the network address", fmt.Sprintf(`document.getElementById('invite-link').value === %q`, got.Addresses[0]+"/l/"+code), step)
	assert.Contains(t, host.text(`document.getElementById('loopback-note').textContent`), "only this computer can reach")
	assert.NotContains(t, host.text(`document.getElementById('watch-link').value`), "127.0.0.1")
	host.accessible("the lobby with its QR code")
	host.screens("lobby-loopback")
}
