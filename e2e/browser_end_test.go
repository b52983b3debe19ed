package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/game"
	"congress/protocol"
)

// steeredTable is a game whose delegates but one are clients of the
// test over the wire, who know their own roles and so can steer the game
// to the ending a test wants; the one left is a person in the browser.
type steeredTable struct {
	t     *testing.T
	srv   *browserServer
	code  string
	host  *wireClient
	wire  []*wireClient // the host first
	guest *page         // the delegate in the browser
	name  string        // the guest's name
}

// steer opens a lobby over the wire with every timer long (the host ends
// each phase), seats the wire delegates by names and the guest from the
// browser by the lobby's door.
func steer(t *testing.T, srv *browserServer, guest *page, names ...string) *steeredTable {
	t.Helper()
	wire := &wireServer{url: srv.URL}
	s := protocol.SettingsOf(game.DefaultConfig(), len(names)+1)
	s.DebateSeconds, s.ChairPickSeconds, s.DefenceSeconds, s.VoteSeconds = 600, 600, 600, 600
	s.ConfessionSeconds, s.NightSeconds, s.FinalBallotSeconds = 600, 600, 600
	created := wire.createLobby(t, protocol.CreateLobby{Name: names[0], Settings: &s})
	st := &steeredTable{t: t, srv: srv, code: created.Code, guest: guest, name: guest.name}
	st.host = dialWire(t, wire, names[0])
	st.host.send(protocol.Resume{Lobby: created.Code, Token: created.Token})
	st.host.until(protocol.TypeWelcome)
	st.wire = []*wireClient{st.host}
	for _, name := range names[1:] {
		c := dialWire(t, wire, name)
		c.send(protocol.Join{Lobby: created.Code, Name: name})
		c.until(protocol.TypeWelcome)
		st.wire = append(st.wire, c)
	}
	guest.navigate(srv.URL + "/l/" + created.Code)
	guest.typeIn("#door-name", guest.name)
	guest.click("#door-join")
	guest.wait("every delegate seated", fmt.Sprintf(`document.querySelectorAll('.member[data-member]').length === %d`, len(names)+1), step)
	return st
}

// start opens the Congress and waits for the guest's page.
func (st *steeredTable) start() {
	st.t.Helper()
	st.host.must(protocol.Host{Action: protocol.HostStart})
	st.guest.wait("the game", `document.querySelector('.game')`, step)
	st.sync()
}

func (st *steeredTable) sync() {
	for _, c := range st.wire {
		c.sync()
	}
}

// view is the host's view, current.
func (st *steeredTable) view() *game.View {
	st.host.sync()
	return st.host.view
}

// seatOf is the seat of the delegate named name.
func (st *steeredTable) seatOf(name string) int {
	for _, s := range st.view().Seats {
		if s.Name == name {
			return s.Seat
		}
	}
	st.t.Fatalf("nobody named %s at the table", name)
	return game.NoSeat
}

// roles are every seat's role: the wire delegates' own, and the guest's,
// the one the deal has left.
func (st *steeredTable) roles() map[int]game.Role {
	st.sync()
	out := map[int]game.Role{}
	left := map[game.Role]int{}
	for _, rc := range st.host.view.Rules.Roles {
		left[rc.Role] = rc.Count
	}
	for _, c := range st.wire {
		out[c.seat()] = c.view.You.Role
		left[c.view.You.Role]--
	}
	for r, n := range left {
		if n == 1 {
			out[st.seatOf(st.name)] = r
		}
	}
	require.Len(st.t, out, len(st.wire)+1, "every role known")
	return out
}

// client is the wire delegate at seat, or nil for the guest.
func (st *steeredTable) client(seat int) *wireClient {
	for _, c := range st.wire {
		if c.seat() == seat {
			return c
		}
	}
	return nil
}

// phase waits until the host's view is in phase p.
func (st *steeredTable) phase(p game.Phase) {
	st.t.Helper()
	deadline := time.Now().Add(step)
	for st.view().Phase != p {
		require.True(st.t, time.Now().Before(deadline), "waited for %s, at %s", p, st.host.view.Phase)
		time.Sleep(100 * time.Millisecond)
	}
}

// end ends the phase the host's view is in, if it is still ph.
func (st *steeredTable) end(ph game.Phase) {
	st.t.Helper()
	if st.view().Phase == ph {
		if r := st.host.do(protocol.Act{Kind: game.CmdEndPhase}); r != nil && st.view().Phase == ph {
			st.t.Fatalf("ending %s: %+v", ph, r)
		}
	}
}

// try puts seat on trial: every living wire delegate denounces it (the
// seat itself the first other living seat), then the host ends the
// Debate and the Defence and the vote opens.
func (st *steeredTable) try(seat int) {
	st.t.Helper()
	st.phase(game.PhaseDebate)
	v := st.view()
	for _, c := range st.wire {
		c.sync()
		if !c.view.You.Alive {
			continue
		}
		target := seat
		if c.seat() == seat {
			for _, s := range v.Seats {
				if s.Alive && s.Seat != seat {
					target = s.Seat
					break
				}
			}
		}
		c.must(protocol.Act{Kind: game.CmdDenounce, Target: target})
	}
	st.end(game.PhaseDebate)
	st.phase(game.PhaseDefence)
	st.end(game.PhaseDefence)
	st.phase(game.PhaseVote)
}

// vote has every living wire delegate but the Accused vote: to spare if
// spare holds their seat, else to purge.
func (st *steeredTable) vote(spare map[int]bool) {
	st.t.Helper()
	accused := st.view().Accused
	for _, c := range st.wire {
		c.sync()
		if c.view.You.Alive && c.seat() != accused {
			c.must(protocol.Act{Kind: game.CmdPurgeVote, Purge: !spare[c.seat()]})
		}
	}
}

// TestBrowserEndKirovPurged: six delegates, five over the wire and one in
// the browser; a spectator watches on a phone. The browser's delegate is
// tried first and purged, and leaves without a word by the confession's
// own button: no name stands in the next Debate. That night the bloc
// confers and writes its letter, the Investigator learns a camp, and the
// purged speak among themselves, none of which the gallery sees. Next day
// Kirov is tried and purged. The end puts that vote at the top, drawn,
// then the turning points with every role open, and opens the bloc's and
// the purged's chat to all.
func TestBrowserEndKirovPurged(t *testing.T) {
	t.Parallel()
	needChromium(t)
	srv := startBrowserServer(t)
	browser := newBrowser(t)
	fyodor := openPage(t, browser, "Fyodor", false)
	st := steer(t, srv, fyodor, "Anna", "Boris", "Clara", "Dmitri", "Elena")
	galina := openPage(t, browser, "Galina", true)
	galina.navigate(srv.URL + "/l/" + st.code + "?watch")
	galina.wait("the gallery", `document.querySelectorAll('.member[data-member]').length === 6`, step)

	// Fyodor must not be Kirov, or his purge would end the game: a
	// Kirov's game is played out and called again.
	st.start()
	me := st.seatOf("Fyodor")
	roles := st.roles()
	for tries := 0; roles[me] == game.Kirov; tries++ {
		require.Less(t, tries, 8, "Fyodor is dealt Kirov every time")
		st.try(me)
		st.vote(nil)
		st.phase(game.PhaseOver)
		fyodor.wait("the end", `document.querySelector('.verdict')`, step)
		st.host.must(protocol.Host{Action: protocol.HostRematch})
		fyodor.wait("the lobby again", `document.querySelector('.members')`, step)
		st.start()
		me, roles = st.seatOf("Fyodor"), st.roles()
	}
	kirov := -1
	var bloc, others []int
	investigator := -1
	for seat, r := range roles {
		switch {
		case r == game.Kirov:
			kirov = seat
		case r == game.Investigator:
			investigator = seat
		}
		if r.Faction() == game.Plotters && r != game.Kirov {
			bloc = append(bloc, seat)
		}
		if r.Faction() == game.Loyalists {
			others = append(others, seat)
		}
	}
	name := func(i int) string { return st.view().Seats[i].Name }

	// Session 1: Fyodor on trial, purged, and silent.
	st.try(me)
	fyodor.wait("Fyodor's trial", `(`+jsPhase+`) === 'The Purge Vote'`, step)
	fyodor.accessible("the vote, as the Accused")
	st.vote(nil)
	st.phase(game.PhaseConfession)
	fyodor.wait("the confession's prompt", `document.querySelector('.actions [data-key="confess-none"]')`, step)
	fyodor.accessible("the confession")
	fyodor.screens("confession")
	fyodor.click(`.actions [data-key="confess-none"]`)
	st.phase(game.PhaseNight)
	fyodor.wait("the silence in the minutes", `document.querySelector('.log').textContent.includes('You leave the hall without a word.')`, step)

	// The night: the bloc confers and writes, the Investigator asks, the
	// purged speak.
	const blocLine, purgedLine = "The bloc meets at the Smolny at midnight.", "We who are struck off remember everything."
	var letterTo int
	for _, s := range others {
		if s != me && s != investigator {
			letterTo = s
			break
		}
	}
	plotters := []*wireClient{}
	for _, c := range st.wire {
		c.sync()
		if c.view.You.Alive && c.view.You.Faction == game.Plotters {
			plotters = append(plotters, c)
			c.must(protocol.Say{Channel: game.ChannelPlotters, Text: blocLine})
		}
	}
	require.NotEmpty(t, plotters, "a living Plotter over the wire")
	fyodor.typeIn("#chat-input", purgedLine+"\n")
	fyodor.wait("the purged's line", `document.getElementById('chat-lines').textContent.includes(`+jsString(purgedLine)+`)`, step)
	galina.wait("the night in the gallery", `(`+jsPhase+`) === 'Night'`, step)
	for _, line := range []string{blocLine, purgedLine} {
		assert.NotContains(t, galina.text(`document.body.textContent`), line, "the gallery hears a closed channel while the game runs")
	}
	fyodor.accessible("the Night, purged")
	galina.accessible("the Night from the gallery, on a phone")
	var authors []string
	for _, c := range plotters {
		c.must(protocol.Act{Kind: game.CmdLetter, Target: letterTo})
		authors = append(authors, c.name)
	}
	investigated := investigator >= 0 && investigator != me
	if investigated {
		st.client(investigator).must(protocol.Act{Kind: game.CmdInvestigate, Target: kirov})
	}
	st.end(game.PhaseNight)

	// Session 2: no name stands from the silent confession; Kirov is
	// tried and purged, one voice sparing him.
	st.phase(game.PhaseDebate)
	lettered := false
	for _, d := range st.view().Denunciations {
		assert.NotEqual(t, game.FromConfession, d.Source, "a denunciation stands from a confession that named nobody")
		lettered = lettered || d.Source == game.FromLetter && d.Target == letterTo
	}
	assert.True(t, lettered, "the letter stands against %s", name(letterTo))
	st.try(kirov)
	spare := map[int]bool{}
	if len(bloc) > 0 && bloc[0] != me {
		spare[bloc[0]] = true
	} else {
		spare[investigator] = true
	}
	st.vote(spare)
	st.phase(game.PhaseOver)
	ballot := st.view().Ballot
	require.NotNil(t, ballot)

	for _, p := range []*page{fyodor, galina} {
		p.wait("the end", `document.querySelector('.verdict h1') && document.querySelectorAll('.deciding .bar-row').length === 2`, step)
		assert.Equal(t, "Stalin's Loyalists hold the Congress", p.text(`document.querySelector('.verdict h1').textContent`), p.name)
		deciding := p.text(`document.querySelector('.deciding').textContent`)
		assert.Contains(t, deciding, fmt.Sprintf("The purge vote on %s, who was Kirov, decided the Congress.", name(kirov)), p.name)
		var rows []struct {
			Label string `json:"label"`
			N     int    `json:"n"`
			Mark  bool   `json:"mark"`
		}
		p.eval(`[...document.querySelectorAll('.deciding .bar-row')].map(e => ({label: e.querySelector('.bar-label').textContent, n: +e.dataset.n, mark: e.classList.contains('mark')}))`, &rows)
		require.Len(t, rows, 2, p.name)
		assert.Equal(t, "Purge", rows[0].Label)
		assert.Equal(t, ballot.Purge, rows[0].N, "%s: the Purge bar is the ballot's", p.name)
		assert.True(t, rows[0].Mark)
		assert.Equal(t, "Spare", rows[1].Label)
		assert.Equal(t, ballot.Spare, rows[1].N, "%s: the Spare bar is the ballot's", p.name)
		assert.Equal(t, 1, ballot.Spare)
		for seat := range spare {
			assert.Contains(t, deciding, "Spare: "+name(seat)+".", p.name)
		}
		var above bool
		p.eval(`document.querySelector('.deciding').getBoundingClientRect().top < document.querySelector('.log-panel').getBoundingClientRect().top`, &above)
		assert.True(t, above, "%s: the deciding moment above the minutes", p.name)

		// The turning points, every role open.
		var turns []struct {
			Kind string `json:"kind"`
			Text string `json:"text"`
		}
		p.eval(`[...document.querySelectorAll('.timeline li')].map(e => ({kind: e.dataset.kind || '', text: e.textContent}))`, &turns)
		var trials, words []string
		for _, x := range turns {
			words = append(words, x.Kind+": "+x.Text)
			if x.Kind == "trial" {
				trials = append(trials, x.Text)
			}
		}
		all := strings.Join(words, "\n")
		require.Len(t, trials, 2, "%s: two trials\n%s", p.name, all)
		assert.Contains(t, trials[0], "Fyodor ("+roleWord(roles[me])+") stood trial", p.name)
		assert.Contains(t, trials[0], ": purged.", p.name)
		assert.Contains(t, trials[1], name(kirov)+" (Kirov) stood trial", p.name)
		assert.Contains(t, trials[1], fmt.Sprintf("%d to purge, %d to spare: purged.", ballot.Purge, ballot.Spare), p.name)
		assert.Contains(t, all, "confession: Session 1Fyodor ("+roleWord(roles[me])+") left the hall without a word.", p.name)
		assert.Contains(t, all, "An anonymous letter went out against "+name(letterTo)+" ("+roleWord(roles[letterTo])+"), written by ", p.name)
		for _, a := range authors {
			assert.Contains(t, all, a, "%s: the letter's author %s named", p.name, a)
		}
		if investigated {
			assert.Contains(t, all, fmt.Sprintf("The NKVD, for %s, found %s (Kirov) a Plotter.", name(investigator), name(kirov)), p.name)
		}

		// The minutes' close names the bloc, by the camps the view opens.
		closing := p.text(`document.querySelector('.log li.log-game_over').textContent`)
		assert.Contains(t, closing, "Kirov's bloc: ", p.name)
		assert.Contains(t, closing, name(kirov)+" (Kirov)", p.name)
		for _, b := range bloc {
			assert.Contains(t, closing, name(b), "%s: the close names %s of the bloc", p.name, name(b))
		}

		// The bloc's and the purged's chat, opened to all.
		for ch, line := range map[string]string{"plotters": blocLine, "purged": purgedLine} {
			p.click("#tab-" + ch)
			p.wait("the "+ch+"' chat at the end", `document.getElementById('chat-lines').textContent.includes(`+jsString(line)+`)`, step)
		}
		p.accessible("the end of a purge")
	}
	fyodor.screens("end-kirov-purged")
	galina.screens("end-kirov-purged-phone")
}

// roleWord is a role as the end screen names it.
func roleWord(r game.Role) string {
	return map[game.Role]string{game.Loyalist: "Loyalist", game.Investigator: "NKVD Investigator", game.Plotter: "Plotter", game.Kirov: "Kirov"}[r]
}

// TestBrowserEndParity: five delegates, four over the wire and one in the
// browser, who taps the Loyalist the others denounce and votes with them
// to purge him: the bloc then matches the Loyalists seat for seat. The
// end puts that vote at the top, drawn, says how the hall stands, tells
// what history makes of it, and opens the bloc's and the purged's
// channels to the delegate whose vote ended it.
func TestBrowserEndParity(t *testing.T) {
	t.Parallel()
	needChromium(t)
	srv := startBrowserServer(t)
	browser := newBrowser(t)
	fyodor := openPage(t, browser, "Fyodor", false)
	st := steer(t, srv, fyodor, "Anna", "Boris", "Clara", "Dmitri")
	st.start()
	me := st.seatOf("Fyodor")
	roles := st.roles()
	target, spare := -1, -1
	for _, c := range st.wire {
		switch r := roles[c.seat()]; {
		case r == game.Loyalist && target < 0:
			target = c.seat()
		case r.Faction() == game.Plotters && spare < 0:
			spare = c.seat()
		}
	}
	require.GreaterOrEqual(t, target, 0, "a Loyalist over the wire")
	require.GreaterOrEqual(t, spare, 0, "a Plotter over the wire")
	accused := st.view().Seats[target].Name

	// Fyodor denounces by a tap on the seat, with the others.
	seatSel := fmt.Sprintf(`.seat-pick[data-pick="denounce"][data-target="%d"]`, target)
	fyodor.click(seatSel)
	fyodor.wait("the denunciation by tap", fmt.Sprintf(`(%s) === %d`, jsChosen, target), step)
	st.try(target)
	fyodor.wait("the vote", `document.querySelector('.actions [data-key="purge"]')`, step)
	st.vote(map[int]bool{spare: true})
	fyodor.click(`.actions [data-key="purge"]`)
	st.phase(game.PhaseOver)
	v := st.view()
	require.Equal(t, game.Parity, v.Reason, "the purge of a Loyalist gave the bloc parity")
	require.NotNil(t, v.Ballot)
	assert.Equal(t, 3, v.Ballot.Purge)
	assert.Equal(t, 1, v.Ballot.Spare)

	fyodor.wait("the end", `document.querySelector('.verdict h1') && document.querySelectorAll('.deciding .bar-row').length === 2`, step)
	assert.Equal(t, "Kirov takes the Congress", fyodor.text(`document.querySelector('.verdict h1').textContent`))
	deciding := fyodor.text(`document.querySelector('.deciding').textContent`)
	assert.Contains(t, deciding, fmt.Sprintf("The purge of %s (Loyalist) left Kirov's bloc seat for seat with the Loyalists.", accused))
	assert.Contains(t, deciding, "Left in the hall: 2 of Kirov's bloc, 2 Loyalists.")
	assert.Contains(t, deciding, "Spare: "+v.Seats[spare].Name+".")
	assert.Contains(t, deciding, "Fyodor", "the guest's Purge named")
	var ns []int
	fyodor.eval(`[...document.querySelectorAll('.deciding .bar-row')].map(e => +e.dataset.n)`, &ns)
	assert.Equal(t, []int{3, 1}, ns, "the bars are the ballot's")
	assert.Contains(t, fyodor.text(`document.querySelector('.timeline').textContent`), accused+" (Loyalist) stood trial with 4 denunciations; 3 to purge, 1 to spare: purged.")
	epilogue := fyodor.text(`document.querySelector('.epilogue').textContent`)
	assert.Contains(t, epilogue, "no purge can pass against it", "the parity's own epilogue")
	assert.Contains(t, epilogue, "Struck from the Party lists at this Congress: "+accused+".")
	assert.NotEqual(t, me, target)
	fyodor.wait("the bloc's and the purged's channels, open to all", `document.getElementById('tab-plotters') && document.getElementById('tab-purged')`, step)
	fyodor.accessible("the end of parity")
	fyodor.screens("end-parity")
}
