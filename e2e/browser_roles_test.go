package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/game"
	"congress/protocol"
)

// TestBrowserRoles: a host turns roles on and off in the lobby's form,
// which states each role's meaning, what is in play with the delegates
// seated and the set recommended for them, deals that set, and adds Koba
// and Nikolaev. Six delegates join over
// WebSocket and play the bloc into giving Kirov up; the Kirov purge opens
// the Last Shot, which the test looks at from Nikolaev's page, the purged
// Kirov's, a plain Loyalist's and Koba's (each opened by resuming that
// delegate's seat in a browser): Nikolaev is offered the Loyalists only,
// the bloc confers, and Koba's screen reads as every Loyalist's. Nikolaev
// names Koba, and the end screen tells the shot and the roles' fates.
func TestBrowserRoles(t *testing.T) {
	t.Parallel()
	needChromium(t)
	srv := startBrowserServer(t)
	browser := newBrowser(t)
	host, code := convene(t, browser, srv, "Anna")

	// The roles, each with its meaning; the Last Shot's timer among the
	// standing orders.
	host.wait("the roles' switches", `document.querySelectorAll('.role-switch').length === 6`, step)
	form := host.text(`document.querySelector('.roles-form').textContent`)
	for _, want := range []string{"Stalin incognito", "The bloc's gunman", "From 7 delegates, only with Koba", "only with the NKVD Investigator", "Recommended for 5 delegates"} {
		assert.Contains(t, form, want)
	}
	host.changeOrders([2]string{"threshold", "1"}, [2]string{"debate_seconds", "600"}, [2]string{"defence_seconds", "600"},
		[2]string{"vote_seconds", "600"}, [2]string{"last_shot_seconds", "600"})
	// Nikolaev comes only with Koba: turning him on turns Koba on too, and
	// Koba off turns him off.
	host.click("#role-nikolaev")
	host.wait("Koba and Nikolaev on", `document.getElementById('role-koba').checked && document.getElementById('role-nikolaev').checked`, step)
	host.wait("not dealt yet", `document.getElementById('role-koba-note').textContent.includes('Not dealt with 5 delegates')`, step)
	host.click("#role-koba")
	host.wait("Koba and Nikolaev off", `!document.getElementById('role-koba').checked && !document.getElementById('role-nikolaev').checked`, step)
	// A role the rules refuse is said at the roles, and nothing changes.
	host.changeOrders([2]string{"investigator", "false"})
	host.wait("the Investigator off", `!document.getElementById('set-investigator').checked`, step)
	host.click("#role-bukharin")
	host.wait("the refusal at the roles", `!document.getElementById('set-roles-error').hidden`, step)
	assert.Equal(t, "Bukharin needs the NKVD Investigator: turn the Investigator on, or Bukharin off.", host.text(`document.getElementById('set-roles-error').textContent`))
	host.wait("Bukharin still off", `!document.getElementById('role-bukharin').checked`, step)
	host.changeOrders([2]string{"investigator", "true"})
	host.wait("the Investigator on", `document.getElementById('set-investigator').checked`, step)

	ws := &wireServer{url: srv.URL}
	var wire []*wireClient
	for _, n := range []string{"Boris", "Clara", "Dmitri", "Elena", "Fyodor", "Galina"} {
		c := dialWire(t, ws, n)
		c.send(protocol.Join{Lobby: code, Name: n})
		c.until(protocol.TypeWelcome)
		wire = append(wire, c)
	}
	host.wait("nothing in play", `document.getElementById('roles-in-play').textContent === 'No Congress role is in play with 7 delegates: the base game.'`, step)
	// The recommended set for seven, in one press; then Koba and Nikolaev.
	assert.Equal(t, "Recommended for 7 delegates: Bukharin and Tukhachevsky.", host.text(`document.getElementById('roles-recommended').textContent`))
	host.click("#roles-recommend")
	host.wait("the recommended set", `document.getElementById('role-bukharin').checked && document.getElementById('role-tukhachevsky').checked && document.getElementById('roles-recommend').disabled`, step)
	host.click("#role-nikolaev")
	host.wait("in play with seven", `document.getElementById('roles-in-play').textContent === 'In play with 7 delegates: Koba, Nikolaev, Bukharin and Tukhachevsky.'`, step)
	host.accessible("the lobby with roles")
	// Everyone else reads the roles in play, each with its meaning.
	gallery := openPage(t, browser, "Olga", true)
	gallery.navigate(srv.URL + "/l/" + code + "?watch=1")
	gallery.wait("the roles in play", `(e => e && e.textContent === 'In play with 7 delegates: Koba, Nikolaev, Bukharin and Tukhachevsky.')(document.getElementById('roles-in-play'))`, step)
	summary := gallery.text(`document.querySelector('.roles-summary').textContent`)
	assert.Contains(t, summary, "Stalin incognito")
	assert.Contains(t, summary, "Recommended for 7 delegates: Bukharin and Tukhachevsky.")
	assert.Equal(t, "4", gallery.text(`String(document.querySelectorAll('.roles-summary .role-list li').length)`), "the roles turned on, and only those")
	gallery.accessible("the lobby's roles, read")
	gallery.screensOf("roles-lobby-read", "#roles-h")
	host.screens("roles-lobby")
	host.screensOf("roles-lobby-form", "#roles-h")
	host.screensOf("roles-lobby-inplay", ".role-switch[data-role=\"yagoda\"]")

	host.click("#start")
	host.wait("the Debate", `(`+jsPhase+`) === 'The Debate'`, step)
	for _, c := range wire {
		c.sync()
		require.NotNil(t, c.view, c.name)
	}
	// Who is who, from the delegates' own files; the host holds the role
	// none of them does.
	byRole := map[game.Role]*wireClient{}
	var bloc []int
	kirov := game.NoSeat
	for _, c := range wire {
		byRole[c.view.You.Role] = c
		if c.view.You.Kirov != nil {
			bloc, kirov = c.view.You.Bloc, *c.view.You.Kirov
		}
	}
	require.Len(t, bloc, 2)
	hostSeat := game.NoSeat
	for i := range 7 {
		if !slices.ContainsFunc(wire, func(c *wireClient) bool { return c.seat() == i }) {
			hostSeat = i
		}
	}
	t.Logf("host at seat %d; bloc %v, Kirov %d", hostSeat, bloc, kirov)

	// The Debate: the bloc gives Kirov up, everyone presses Ready.
	for _, c := range wire {
		act(t, game.KirovPurged, c)
	}
	if slices.Contains(bloc, hostSeat) && hostSeat != kirov {
		host.click(fmt.Sprintf(`.actions [data-act="denounce"][data-target="%d"]`, kirov))
	}
	host.click(`[data-key="ready"]`)
	host.wait("the Defence", `(`+jsPhase+`) === 'The Defence'`, step)
	host.click(`[data-key="end-phase"]`)
	host.wait("the vote", `(`+jsPhase+`) === 'The Purge Vote'`, step)
	for _, c := range wire {
		c.sync()
		act(t, game.KirovPurged, c)
	}
	if hostSeat != kirov {
		host.click(`[data-key="purge"]`)
	}
	host.wait("the Last Shot", `document.querySelector('.last-shot-screen')`, step)

	// Each viewpoint, in a browser of its own: the seat's delegate opens
	// it with their pass, as on a second device.
	pageOf := func(role game.Role, who string) *page {
		if c := byRole[role]; c != nil {
			p := openPage(t, browser, who, false)
			p.navigate(srv.URL + "/")
			p.eval(fmt.Sprintf(`(localStorage.setItem(%q, %q), true)`, "congress.token."+code, c.token), nil)
			p.navigate(srv.URL + "/l/" + code)
			p.wait("the Last Shot", `document.querySelector('.last-shot-screen')`, step)
			return p
		}
		return host
	}
	nikolaev := pageOf(game.Nikolaev, "Nikolaev")
	kirovPage := pageOf(game.Kirov, "Kirov")
	koba := pageOf(game.Koba, "Koba")
	plain := pageOf(game.Loyalist, "Loyalist")

	// Nikolaev is offered every Loyalist, and none of the bloc.
	nikolaev.wait("the shot offered", `document.querySelectorAll('[data-act="shoot"]').length === 5`, step)
	for _, i := range bloc {
		assert.Equal(t, "0", nikolaev.text(fmt.Sprintf(`String(document.querySelectorAll('[data-act="shoot"][data-target="%d"]').length)`, i)))
	}
	assert.Contains(t, nikolaev.text(`document.getElementById('your-move').textContent`), "You are Nikolaev")
	nikolaev.screens("roles-lastshot-nikolaev")
	// The purged Kirov confers with him.
	assert.Contains(t, kirovPage.text(`document.getElementById('your-move').textContent`), "The bloc stands exposed")
	kirovPage.screens("roles-lastshot-bloc")
	// Koba's screen is every Loyalist's, word for word, his file sealed.
	move := plain.text(`document.getElementById('your-move').textContent`)
	assert.Contains(t, move, "Nikolaev takes aim")
	assert.Equal(t, move, koba.text(`document.getElementById('your-move').textContent`), "Koba's screen gives him away")
	exposed := plain.text(`document.getElementById('exposed-bloc').textContent`)
	for _, i := range bloc {
		assert.Contains(t, exposed, plain.text(fmt.Sprintf(`document.querySelector('.seat[data-seat="%d"] .name').textContent`, i)))
	}
	assert.Equal(t, "0", koba.text(`String(document.querySelectorAll('.seat[data-role="koba"]').length)`), "Koba's role shows on a sealed screen")
	plain.accessible("the Last Shot")
	plain.screens("roles-lastshot-loyalist")
	koba.click(`[data-key="role-toggle"]`)
	koba.wait("Koba's file", `document.getElementById('role-file').textContent.includes('Koba')`, step)
	file := koba.text(`document.getElementById('role-file').textContent`)
	assert.Contains(t, file, "Of the bloc")
	koba.screens("roles-lastshot-koba")
	// Each file says what its role knows: Bukharin, how the NKVD reports
	// him; the Investigator, what may make a report lie.
	for role, want := range map[game.Role]string{
		game.Bukharin:     "The NKVD reports you as a Plotter.",
		game.Investigator: "Weigh each report: in this Congress Bukharin is reported as a Plotter.",
		game.Tukhachevsky: "The Red Army stands behind you",
	} {
		p := pageOf(role, role.String())
		p.click(`[data-key="role-toggle"]`)
		p.wait(role.String()+"'s file", fmt.Sprintf(`document.getElementById('role-file').textContent.includes(%q)`, want), step)
	}

	// Nikolaev names Koba.
	kobaSeat := hostSeat
	if c := byRole[game.Koba]; c != nil {
		kobaSeat = c.seat()
	}
	nikolaev.click(fmt.Sprintf(`[data-act="shoot"][data-target="%d"]`, kobaSeat))
	for _, p := range []*page{host, nikolaev, koba} {
		p.wait("the end", `document.querySelector('.verdict h1')`, step)
	}
	assert.Equal(t, "A shot in the Smolny corridor", host.text(`document.querySelector('.verdict h1').textContent`))
	assert.Contains(t, host.text(`document.getElementById('last-shot-verdict').textContent`), "who was Koba")
	epilogue := host.text(`document.querySelector('.epilogue').textContent`)
	assert.Contains(t, epilogue, "was Koba")
	assert.Contains(t, epilogue, "was Nikolaev")
	turning := host.text(`document.querySelector('.timeline').textContent`)
	assert.True(t, strings.Contains(turning, "The bloc stood exposed") && strings.Contains(turning, "Koba, found"), turning)
	host.accessible("the end after the Last Shot")
	host.screens("roles-end")
}

// screensOf is screens with the element sel scrolled to the top of the
// screen, at a laptop's size and a phone's.
func (p *page) screensOf(name, sel string) {
	p.t.Helper()
	dir := os.Getenv("SHOTS")
	if dir == "" {
		return
	}
	require.NoError(p.t, os.MkdirAll(dir, 0o755))
	phone := p.phone
	for _, sz := range sizes {
		if sz.name == "1920x1080" {
			continue
		}
		p.resize(sz.w, sz.h, sz.mobile)
		p.eval(fmt.Sprintf(`(document.querySelector(%q).scrollIntoView({block: "start"}), true)`, sel), nil)
		ctx, cancel := context.WithTimeout(p.ctx, step)
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

// TestBrowserYagoda: with Yagoda in play at eight, the Night offers
// Yagoda, and no one else, a falsified report behind his open file; his
// file then says the night's report is falsified and, at dawn, whom it
// named; the Investigator's file says a report may lie.
func TestBrowserYagoda(t *testing.T) {
	t.Parallel()
	needChromium(t)
	srv := startBrowserServer(t)
	browser := newBrowser(t)
	host, code := convene(t, browser, srv, "Anna")
	host.changeOrders([2]string{"debate_seconds", "600"}, [2]string{"night_seconds", "600"})
	host.click("#role-yagoda")
	host.wait("Yagoda on", `document.getElementById('role-yagoda').checked`, step)

	ws := &wireServer{url: srv.URL}
	var wire []*wireClient
	for _, n := range []string{"Boris", "Clara", "Dmitri", "Elena", "Fyodor", "Galina", "Ivan"} {
		c := dialWire(t, ws, n)
		c.send(protocol.Join{Lobby: code, Name: n})
		c.until(protocol.TypeWelcome)
		wire = append(wire, c)
	}
	host.wait("Yagoda in play", `document.getElementById('roles-in-play').textContent === 'In play with 8 delegates: Yagoda.'`, step)
	host.click("#start")
	host.wait("the Debate", `(`+jsPhase+`) === 'The Debate'`, step)
	byRole := map[game.Role]*wireClient{}
	for _, c := range wire {
		c.sync()
		require.NotNil(t, c.view, c.name)
		byRole[c.view.You.Role] = c
	}
	// Nobody denounces: the Debate closes without a trial, and Night falls.
	for _, c := range wire {
		c.must(protocol.Act{Kind: game.CmdReady})
	}
	host.click(`[data-key="ready"]`)
	host.wait("the Night", `(`+jsPhase+`) === 'Night'`, step)

	pageOf := func(role game.Role) *page {
		c := byRole[role]
		if c == nil {
			return host
		}
		p := openPage(t, browser, role.String(), false)
		p.navigate(srv.URL + "/")
		p.eval(fmt.Sprintf(`(localStorage.setItem(%q, %q), true)`, "congress.token."+code, c.token), nil)
		p.navigate(srv.URL + "/l/" + code)
		p.wait("the Night", `(`+jsPhase+`) === 'Night'`, step)
		return p
	}
	yagoda := pageOf(game.Yagoda)
	// Sealed, the Night asks the same of everyone.
	assert.Equal(t, "0", yagoda.text(`String(document.querySelectorAll('[data-act="falsify"]').length)`), "the falsification shows on a sealed screen")
	yagoda.click(`[data-key="open-file"]`)
	yagoda.wait("the falsification offered", `document.querySelector('[data-act="falsify"]')`, step)
	assert.Contains(t, yagoda.text(`document.getElementById('falsified').textContent`), "You have not falsified a report yet")
	yagoda.screens("roles-night-yagoda")
	yagoda.click(`[data-act="falsify"]`)
	yagoda.wait("the report falsified", `(e => e && e.textContent.includes("Tonight's report is falsified"))(document.getElementById('falsified'))`, step)
	yagoda.wait("no second falsification", `!document.querySelector('[data-act="falsify"]')`, step)

	investigator := pageOf(game.Investigator)
	if investigator != yagoda {
		investigator.click(`[data-key="open-file"]`)
		investigator.wait("the Investigator's doubts", `(e => e && e.textContent === 'Weigh each report: in this Congress Yagoda may falsify one report.')(document.getElementById('report-doubts'))`, step)
		investigator.click(`[data-act="investigate"]`)
		investigator.wait("the name taken", `document.querySelector('.actions').textContent.includes('Your choice tonight')`, step)
	}
	host.click(`[data-key="end-phase"]`)
	yagoda.wait("the dawn", `(`+jsPhase+`) === 'The Debate'`, step)
	// A new phase seals the file again.
	yagoda.wait("the file sealed", `document.querySelector('[data-key="role-toggle"]').textContent === 'Open your file'`, step)
	yagoda.click(`[data-key="role-toggle"]`)
	yagoda.wait("whom the report named", `(e => e && /Session 1: you falsified the report on \S/.test(e.textContent))(document.getElementById('falsified'))`, step)
	yagoda.accessible("Yagoda's file at dawn")
	yagoda.screens("roles-dawn-yagoda")
}
