package e2e

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/protocol"
)

// TestBrowserGallerySeesAll: a host opens a Congress of bots with "Gallery
// sees all" and a delay (and has one setting refused on the way). A
// spectator knocks with a name and the host admits them: they see every
// role during the game and are told so, with the delay, rather than that
// roles wait for the end. A second spectator who did not knock (a
// delegate's second window, say) sees the public record only.
func TestBrowserGallerySeesAll(t *testing.T) {
	t.Parallel()
	needChromium(t)
	srv := startBrowserServer(t)
	browser := newBrowser(t)

	host, code := convene(t, browser, srv, "Anna")
	host.changeOrders([2]string{"debate_seconds", "30"}, [2]string{"spectator_delay_seconds", "3"}, [2]string{"spectators_see_roles", "true"})
	// A setting the rules refuse is answered in words, and the form goes
	// back to the standing orders, the other changes kept.
	host.changeOrders([2]string{"debate_seconds", "0"})
	host.wait("the refusal, at the field", `(e => e && !e.hidden && e.textContent.includes('The Debate timer must be between 1 second and 1 hour.'))(document.getElementById('set-debate_seconds-error'))`, step)
	host.wait("the form put back", `document.getElementById('set-debate_seconds').value === '30' && document.getElementById('set-spectator_delay_seconds').value === '3'`, step)
	// The next change does not carry the refused value again.
	host.changeOrders([2]string{"night_seconds", "9"})
	// Every number's range and the seat count are the server's limits.
	limits := protocol.LobbyLimits()
	for _, l := range limits.Settings {
		got := host.text(`(i => i.min + "-" + i.max)(document.getElementById('set-` + l.Key + `'))`)
		assert.Equal(t, fmt.Sprintf("%d-%d", l.Min, l.Max), got, "the range of %s", l.Key)
	}
	assert.Contains(t, host.text(`document.getElementById('seat-limits').textContent`), fmt.Sprintf("Between %d and %d delegates", limits.Seats.Min, limits.Seats.Max))
	// What 0 means at each size of table is the server's table, the sizes
	// that share a value said together; the Investigator's seats too.
	for key, of := range map[string]func(protocol.TableRow) int{
		"plotters": func(r protocol.TableRow) int { return r.Plotters },
		"sessions": func(r protocol.TableRow) int { return r.Sessions },
	} {
		meaning := host.text(`document.getElementById('set-` + key + `-help').textContent`)
		for i := 0; i < len(limits.Table); {
			j := i
			for j+1 < len(limits.Table) && of(limits.Table[j+1]) == of(limits.Table[i]) {
				j++
			}
			seats := fmt.Sprint(limits.Table[i].Seats)
			if j > i {
				seats += "–" + fmt.Sprint(limits.Table[j].Seats)
			}
			assert.Contains(t, meaning, fmt.Sprintf("%d for %s", of(limits.Table[i]), seats), "the table's %s at %s delegates", key, seats)
			i = j + 1
		}
	}
	assert.Contains(t, host.text(`document.getElementById('set-investigator-help').textContent`), fmt.Sprintf("With %d or more delegates", limits.InvestigatorFrom))
	host.addBots("normal", 5)
	// A bloc too big for the six seated is said at its field at once, in
	// the server's words, and the word goes when the bloc fits.
	host.changeOrders([2]string{"plotters", "3"})
	host.wait("the bloc's verdict, at its field", `(e => e && !e.hidden && e.textContent.includes("With 6 delegates the Plotters' bloc must be smaller than 3."))(document.getElementById('set-plotters-verdict'))`, step)
	assert.Equal(t, "true", host.text(`document.getElementById('set-plotters').getAttribute('aria-invalid')`))
	host.changeOrders([2]string{"plotters", "0"})
	host.wait("the verdict gone", `document.getElementById('set-plotters-verdict').hidden && !document.getElementById('set-plotters').hasAttribute('aria-invalid')`, step)

	gallery := openPage(t, browser, "Gallery", false)
	gallery.navigate(srv.URL + "/l/" + code + "?watch=1")
	gallery.wait("the gallery's settings", `(e => e && e.textContent === 'On')(document.querySelector('[data-setting="spectators_see_roles"]'))`, step)
	gallery.wait("the change after the refusal taken, the refused one not", `document.querySelector('[data-setting="night_seconds"]').textContent === '9 s' && document.querySelector('[data-setting="debate_seconds"]').textContent === '30 s'`, step)
	gallery.wait("the gallery door", `!document.getElementById('gallery').hidden && document.getElementById('knock')`, step)
	assert.Equal(t, host.text(`document.getElementById('set-sessions-help').textContent`),
		gallery.text(`document.querySelector('[data-setting="sessions"]').nextElementSibling.textContent`), "the summary says what the form says")
	assert.Contains(t, gallery.text(`document.getElementById('gallery').textContent`), "a delegate could otherwise watch from a second window")
	gallery.typeIn("#knock-name", "Olga")
	gallery.click("#knock")
	gallery.wait("the knock heard", `(e => e && e.textContent.includes('You have knocked as Olga'))(document.getElementById('knock-status'))`, step)
	host.wait("the knock, to the host", `document.querySelector('#gallery [data-knock][data-admitted="false"] .name') && document.querySelector('#gallery [data-knock] .name').textContent === 'Olga'`, step)
	host.click(`#gallery [data-key^="admit-"]`)
	host.wait("Olga admitted", `document.querySelector('#gallery [data-knock][data-admitted="true"]')`, step)
	gallery.wait("the admission, to the spectator", `(e => e && e.textContent.includes('The host has admitted you as Olga'))(document.getElementById('knock-status'))`, step)

	window := openPage(t, browser, "Second window", false)
	window.navigate(srv.URL + "/l/" + code + "?watch=1")
	window.wait("the door, to a spectator who has not knocked", `document.getElementById('knock')`, step)
	// Come by the watch link, a spectator may give the gallery a name, and
	// the delegates see how many watch.
	window.typeIn("#gallery-name", "Pyotr")
	window.click("#gallery-name-go")
	window.wait("named in the gallery", `!document.getElementById('gallery-name') && document.getElementById('conn').dataset.state === 'open'`, step)
	window.typeIn("#chat-input", "Pyotr watches.\n")
	gallery.wait("the line under the name", `document.getElementById('chat-lines').textContent.includes('Pyotr:')`, step)
	host.wait("the gallery count, to the host", `document.getElementById('gallery-count').textContent.includes('2 watch from the gallery')`, step)

	host.wait("Start possible", `!document.getElementById('start').disabled`, step)
	host.click("#start")

	host.wait("the gallery count in the game", `(e => e && e.textContent.includes('2 in the gallery'))(document.querySelector('.banner .session'))`, step)
	gallery.wait("every role, to the admitted spectator", `document.querySelectorAll('.game .seat[data-role]').length === 6`, step)
	window.wait("the public record, to the other", `document.querySelectorAll('.game .seat').length === 6`, step)
	// The Debate's marks, as the view says them: the Chair presides.
	window.wait("the Chair, by the view's marks", `document.querySelectorAll('.game .seat .badge.chair').length === 1 && document.querySelector('.game .table-center').textContent.includes('In the Chair: ')`, step)
	assert.Equal(t, "0", window.text(`String(document.querySelectorAll('.game .seat[data-role]').length)`), "a spectator the host did not admit sees a role")
	assert.Contains(t, window.text(`document.getElementById('role-file').textContent`), "once the host admits you by name")
	const note = "The gallery sees every role, 3 s behind the Congress"
	assert.Contains(t, gallery.text(`document.querySelector('.actions').textContent`), note)
	assert.Contains(t, gallery.text(`document.getElementById('role-file').textContent`), "Spectators hold no file. "+note)
	assert.NotContains(t, gallery.text(`document.querySelector('.game').textContent`), "opened when the Congress closes")
}

// TestBrowserFinalBallot: one session with a threshold no Debate reaches
// brings a host and five bots straight to the Final Ballot. The floor
// speaks of the election, not of a Chair; the host strikes a name, is told
// so, and the tellers' count ends the Congress.
func TestBrowserFinalBallot(t *testing.T) {
	t.Parallel()
	needChromium(t)
	srv := startBrowserServer(t)
	browser := newBrowser(t)

	host, _ := convene(t, browser, srv, "Anna")
	host.changeOrders([2]string{"debate_seconds", "3"}, [2]string{"night_seconds", "2"}, [2]string{"sessions", "1"},
		[2]string{"threshold", "5"}, [2]string{"final_ballot_seconds", "60"})
	host.addBots("easy", 5)
	host.wait("Start possible", `!document.getElementById('start').disabled`, step)
	host.click("#start")

	host.wait("the Final Ballot", `(`+jsPhase+`) === 'The Final Ballot' && document.querySelector('.actions [data-act="strike"]')`, time.Minute)
	center := host.text(`document.querySelector('.table-center').textContent`)
	assert.Contains(t, center, "Every living delegate strikes one name.")
	assert.NotContains(t, center, "Chair")
	assert.NotContains(t, center, "Session")
	assert.Equal(t, "0", host.text(`String(document.querySelectorAll('.badge.chair').length)`), "no Chair badge in the Final Ballot")

	host.click(`.actions [data-act="strike"]`)
	host.wait("the strike taken", `document.querySelector('.actions').textContent.includes('You struck')`, step)
	host.click(`[data-key="end-phase"]`)
	host.wait("the count", `document.querySelector('.verdict h1')`, step)
	assert.Contains(t, host.text(`document.querySelector('.log').textContent`), "The tellers count the strikes")

	// The end explains itself: the strikes per name at the top, Kirov's
	// marked; the epilogue; the seal and the seed, and the file to check
	// them with; the minutes saying whom each struck, grouped and filtered.
	host.wait("the deciding moment", `document.querySelectorAll('.deciding .bar-row').length >= 5 && document.querySelectorAll('.deciding .bar-row.mark').length === 1`, step)
	assert.Contains(t, host.text(`document.querySelector('.deciding').textContent`), "The Final Ballot")
	var above bool
	host.eval(`document.querySelector('.deciding').getBoundingClientRect().top < document.querySelector('.log-panel').getBoundingClientRect().top`, &above)
	assert.True(t, above, "the deciding moment above the minutes")
	assert.GreaterOrEqual(t, len(host.text(`document.querySelector('.epilogue').textContent`)), 300, "an epilogue of a few sentences")
	assert.Contains(t, host.text(`document.querySelector('.epilogue').textContent`), "1934")
	host.wait("the seed opened", `/^[0-9a-f]{64}$/.test(document.getElementById('seed').textContent) && /^[0-9a-f]{64}$/.test(document.getElementById('commitment').textContent)`, step)
	assert.Contains(t, host.text(`document.getElementById('fair').textContent`), "congress verify")
	file := host.text(`document.getElementById('match-file').href`)
	res, err := http.Get(file)
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode, "the match file downloads")
	host.wait("every strike named in the minutes", `document.querySelector('.log li.log-strike_cast') && !document.querySelector('.log li.log-struck')`, step)
	assert.LessOrEqual(t, host.text(`String(document.querySelectorAll('.log li.log-ready').length)`), "1", "the Ready presses of a phase in one line")
	host.click(`[data-filter="trials"]`)
	host.wait("the trials filter", `document.querySelector('[data-filter="trials"]').getAttribute('aria-pressed') === 'true' && !document.querySelector('.log li.log-ready, .log li.log-denounced')`, step)
	host.accessible("the end")
	host.screens("end")
	host.shot("readme-end")
	copyScreenshots(t, map[string]string{"readme-end": "end"})
}

// TestBrowserUnknownLobby: a link to a lobby that does not exist says so,
// offers no seat to take, and leads back to the front page.
func TestBrowserUnknownLobby(t *testing.T) {
	t.Parallel()
	needChromium(t)
	srv := startBrowserServer(t)
	browser := newBrowser(t)

	p := openPage(t, browser, "Boris", true)
	p.navigate(srv.URL + "/l/QQQQQQ")
	p.wait("the answer", `document.body.textContent.includes('There is no lobby with this code.')`, step)
	assert.Equal(t, "0", p.text(`String(document.querySelectorAll('#door-join, #door-watch').length)`), "no seat to take in a lobby that does not exist")
	p.click("#door-home")
	p.wait("the front page", `document.getElementById('create') && location.pathname === '/'`, step)
}
