package e2e

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestBrowserGallerySeesAll: a host opens a Congress of bots with "Gallery
// sees all" and a delay; the spectator sees every role during the game and
// is told so, with the delay, rather than that roles wait for the end.
func TestBrowserGallerySeesAll(t *testing.T) {
	needChromium(t)
	srv := startBrowserServer(t)
	browser := newBrowser(t)

	host := openPage(t, browser, "Anna", false)
	host.navigate(srv.URL + "/")
	host.wait("the front page", `document.getElementById('create')`, step)
	host.typeIn("#create-name", "Anna")
	host.click("#create")
	host.wait("the lobby room", `document.querySelectorAll('.member[data-member]').length === 1`, step)
	host.eval(`(() => {
		for (const [k, v] of [["debate_seconds", "30"], ["spectator_delay_seconds", "3"]]) {
			const i = document.getElementById("set-" + k);
			i.value = v;
			i.dispatchEvent(new Event("change"));
		}
		const c = document.getElementById("set-spectators_see_roles");
		c.checked = true;
		c.dispatchEvent(new Event("change"));
		return true;
	})()`, nil)
	for i := range 5 {
		host.click(`[data-key="bot-normal"]`)
		host.wait("a bot seated", fmt.Sprintf(`document.querySelectorAll('.member[data-bot="true"]').length === %d`, i+1), step)
	}
	code := host.text(`location.pathname.split('/').pop()`)

	gallery := openPage(t, browser, "Gallery", false)
	gallery.navigate(srv.URL + "/l/" + code + "?watch=1")
	gallery.wait("the gallery's settings", `(e => e && e.textContent === 'On')(document.querySelector('[data-setting="spectators_see_roles"]'))`, step)
	host.wait("Start possible", `!document.getElementById('start').disabled`, step)
	host.click("#start")

	gallery.wait("every role, to the gallery", `document.querySelectorAll('.game .seat[data-role]').length === 6`, step)
	const note = "The gallery sees every role, 3 s behind the Congress"
	assert.Contains(t, gallery.text(`document.querySelector('.actions').textContent`), note)
	assert.Contains(t, gallery.text(`document.getElementById('role-file').textContent`), "Spectators hold no file. "+note)
	assert.NotContains(t, gallery.text(`document.querySelector('.game').textContent`), "opened when the Congress closes")
}
