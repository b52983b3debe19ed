package e2e

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/game"
)

// everyDocument runs script in every document the tab opens from now on,
// before the page's own scripts: a spy that a reload keeps.
func (p *page) everyDocument(script string) {
	p.t.Helper()
	p.do(func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, t, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{Source: script})
		return chromedp.Void{}, err
	})
}

// jsSocketSpy keeps, after every message the server sends the page and
// once the page has drawn it, what the page offers and the view it drew
// from (window.__steps): the moves under "Your move" (kind:target or
// kind:purge), the seats that can be tapped, the vote on the Accused's
// seat, the host's gavel, whether the file is sealed and a request in
// flight.
const jsSocketSpy = `(() => {
  const steps = window.__steps = [];
  let view = null;
  const snapshot = (v, type) => {
    const act = document.querySelector('.game .actions');
    if (!v || !act || v !== view) return null;
    const keyOf = (kind, b) => kind + (b.dataset.purge !== undefined ? ':' + b.dataset.purge : b.dataset.target !== undefined ? ':' + b.dataset.target : '');
    return {
      type, phase: v.phase, session: v.session, paused: v.paused, secret_turn: !!v.secret_turn,
      actions: v.actions || [], host_actions: v.host_actions || [],
      busy: !!act.querySelector('[role=status]'),
      sealed: !!document.querySelector('.dossier.sealed'),
      offered: [...act.querySelectorAll('[data-act]')].filter(b => !b.disabled).map(b => keyOf(b.dataset.act, b)),
      seats: [...document.querySelectorAll('.table-panel .seat-pick:not([disabled])')].map(b => keyOf(b.dataset.pick, b)),
      votes: [...document.querySelectorAll('.table-panel .seat-vote button:not([disabled])')].map(b => keyOf(b.dataset.pick, b)),
      gavel: [...document.querySelectorAll('.host-tools [data-key="end-phase"], .host-tools [data-key="pause"], .host-tools [data-key="resume"]')].map(b => b.dataset.key.replace('-', '_')),
      prompt: [...act.querySelectorAll('.prompt')].map(e => e.textContent).join(' / '),
    };
  };
  const WS = window.WebSocket;
  window.WebSocket = class extends WS {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        let m;
        try { m = JSON.parse(e.data); } catch { return; }
        if (m.type === 'welcome') view = m.game ? m.game.view : null;
        if (m.type === 'game') view = (m.game || m).view;
        if (m.type === 'lobby' && (m.lobby || m).state === 'open') view = null;
        const v = view;
        setTimeout(() => { const s = snapshot(v, m.type); if (s) steps.push(s); }, 0);
      });
    }
  };
})()`

// offerStep is one snapshot of jsSocketSpy.
type offerStep struct {
	Type        string        `json:"type"`
	Phase       string        `json:"phase"`
	Session     int           `json:"session"`
	Paused      bool          `json:"paused"`
	SecretTurn  bool          `json:"secret_turn"`
	Actions     []game.Action `json:"actions"`
	HostActions []game.Action `json:"host_actions"`
	Busy        bool          `json:"busy"`
	Sealed      bool          `json:"sealed"`
	Offered     []string      `json:"offered"`
	Seats       []string      `json:"seats"`
	Votes       []string      `json:"votes"`
	Gavel       []string      `json:"gavel"`
	Prompt      string        `json:"prompt"`
}

// moveKeys are the moves a list of actions allows, as jsSocketSpy writes
// them: kind:target for each target, kind:purge for each vote, kind for
// a kind that takes neither. With the file sealed the secret ones are
// left out, as they must be from the screen.
func moveKeys(actions []game.Action, sealed bool) []string {
	var out []string
	for _, a := range actions {
		if sealed && a.Secret {
			continue
		}
		switch {
		case len(a.Targets) > 0:
			for _, t := range a.Targets {
				out = append(out, a.Kind.String()+":"+strconv.Itoa(t))
			}
		case len(a.Purge) > 0:
			for _, p := range a.Purge {
				out = append(out, a.Kind.String()+":"+strconv.FormatBool(p))
			}
		default:
			out = append(out, a.Kind.String())
		}
	}
	slices.Sort(out)
	return out
}

// checkOffers holds every settled snapshot of a page to the view it was
// drawn from: the moves under "Your move" are exactly the view's actions
// (less the secret ones while the file is sealed), the seats that can be
// tapped exactly the targets of one of them, the vote on the Accused's
// seat exactly the purge vote's, and the gavel exactly the host's
// actions. It returns how many snapshots it checked.
func checkOffers(t *testing.T, who string, steps []offerStep, host bool) int {
	t.Helper()
	checked := 0
	for i, s := range steps {
		if s.Busy || s.Phase == "over" {
			continue
		}
		checked++
		at := fmt.Sprintf("%s, step %d (%s, session %d, after %s)", who, i, s.Phase, s.Session, s.Type)
		offered := slices.Sorted(slices.Values(s.Offered))
		want := moveKeys(s.Actions, s.Sealed)
		if !assert.Equal(t, want, nilIfNone(offered), "%s: the moves offered are the view's actions %+v", at, s.Actions) {
			continue
		}
		if s.Sealed && s.SecretTurn && !s.Paused {
			assert.Contains(t, s.Prompt, "Open your file", "%s: a sealed file at a secret turn asks to be opened", at)
		}
		// The seats a tap acts on: the targets of one aimed kind.
		if len(s.Seats) > 0 {
			kind, _, _ := cut(s.Seats[0])
			var aimed []string
			for _, k := range want {
				if k2, target, _ := cut(k); k2 == kind && target != "-1" {
					aimed = append(aimed, k)
				}
			}
			assert.Equal(t, aimed, slices.Sorted(slices.Values(s.Seats)), "%s: the seats to tap are %s's targets", at, kind)
		} else {
			for _, k := range want {
				if kind, target, ok := cut(k); ok && target != "-1" && kind != "purge_vote" {
					t.Errorf("%s: %s may name a seat, and no seat can be tapped", at, kind)
					break
				}
			}
		}
		var votes []string
		for _, k := range want {
			if kind, _, _ := cut(k); kind == "purge_vote" {
				votes = append(votes, k)
			}
		}
		assert.Equal(t, votes, nilIfNone(slices.Sorted(slices.Values(s.Votes))), "%s: the vote on the Accused's seat", at)
		if host {
			assert.Equal(t, moveKeys(s.HostActions, false), nilIfNone(slices.Sorted(slices.Values(s.Gavel))), "%s: the gavel is the host's actions", at)
		}
	}
	return checked
}

// cut splits "kind:target".
func cut(k string) (kind, rest string, ok bool) {
	for i := range k {
		if k[i] == ':' {
			return k[:i], k[i+1:], true
		}
	}
	return k, "", false
}

func nilIfNone(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

// keyTo moves the keyboard's focus to the first element matching sel by
// pressing Tab, as a player without a mouse does; false if Tab never
// reaches it.
func (p *page) keyTo(sel string) bool {
	p.t.Helper()
	is := fmt.Sprintf(`(e => !!e && document.activeElement === e)(document.querySelector(%q))`, sel)
	for range 120 {
		var at struct {
			On    bool `json:"on"`
			There bool `json:"there"`
		}
		p.eval(fmt.Sprintf(`({on: %s, there: (e => !!e && !e.disabled)(document.querySelector(%q))})`, is, sel), &at)
		if at.On {
			return true
		}
		if !at.There {
			return false
		}
		p.do(chromedp.KeyEvent(kb.Tab))
	}
	return false
}

// TestBrowserKeyboardGame: one delegate plays a whole game against four
// bots with the keyboard alone (Tab, Enter, and the keys R for Ready and
// F for the file), from the front page to the end; only the timers are
// set by script. After every message
// the server sends, the page offers exactly the moves and targets of the
// view it was sent: the buttons under "Your move", the seats that can be
// tapped, the vote on the Accused's seat, the host's gavel; with the file
// sealed, all but the secret ones.
func TestBrowserKeyboardGame(t *testing.T) {
	t.Parallel()
	needChromium(t)
	srv := startBrowserServer(t)
	browser := newBrowser(t)
	p := openPage(t, browser, "Nadezhda", false)
	p.do(chromedp.EmulateViewport(1280, 800))
	p.everyDocument(jsSocketSpy)
	p.navigate(srv.URL + "/")
	p.wait("the front page", `document.getElementById('create-name')`, step)
	require.True(t, p.keyTo("#create-name"), "the name field is reached by Tab")
	p.do(chromedp.KeyEvent("Nadezhda"), chromedp.KeyEvent(kb.Enter))
	p.wait("the lobby room", `document.querySelectorAll('.member[data-member]').length === 1`, step)
	p.accessible("the lobby, by keyboard")
	p.changeOrders([2]string{"debate_seconds", "25"}, [2]string{"defence_seconds", "3"}, [2]string{"vote_seconds", "12"},
		[2]string{"confession_seconds", "8"}, [2]string{"night_seconds", "12"}, [2]string{"final_ballot_seconds", "15"}, [2]string{"chair_pick_seconds", "8"})
	for i := range 4 {
		require.True(t, p.keyTo(`[data-key="bot-normal"]`), "Add a bot is reached by Tab")
		p.do(chromedp.KeyEvent(kb.Enter))
		p.wait("a bot seated", fmt.Sprintf(`document.querySelectorAll('.member[data-bot="true"]').length === %d`, i+1), step)
	}
	p.wait("Start possible", `!document.getElementById('start').disabled`, step)
	require.True(t, p.keyTo("#start"), "Start is reached by Tab")
	p.do(chromedp.KeyEvent(kb.Enter))
	p.wait("the game, focus on a move", `document.querySelector('.game') && document.activeElement && document.activeElement.closest('.actions')`, step)

	// The player's own moves, by keyboard: the phase's move against the
	// lowest seat offered, then Ready; the file opened by F when a secret
	// turn asks for it.
	shots := map[string]bool{}
	deadline := time.Now().Add(5 * time.Minute)
	for p.text(jsScreen) != "end" {
		require.True(t, time.Now().Before(deadline), "the game did not end in time (at %q)", p.text(jsPhase))
		phase := p.text(jsPhase)
		if !shots[phase] {
			shots[phase] = true
			p.accessible(phase)
			p.shot("keyboard-" + strconv.Itoa(len(shots)))
		}
		var ask bool
		p.eval(`!!document.querySelector('[data-key="open-file"]')`, &ask)
		if ask {
			p.do(chromedp.KeyEvent("f"))
			p.wait("the file open", `!document.querySelector('.dossier.sealed') || (`+jsScreen+`) !== 'game'`, step)
			continue
		}
		var bs []button
		p.eval(jsButtons, &bs)
		var chosen int
		p.eval(jsChosen, &chosen)
		if sel := pick(bs, chosen, true); sel != "" {
			if sel == `.actions [data-key="ready"]` {
				p.do(chromedp.KeyEvent("r"))
			} else if p.keyTo(sel) {
				p.do(chromedp.KeyEvent(kb.Enter))
			}
			time.Sleep(300 * time.Millisecond)
			continue
		}
		time.Sleep(200 * time.Millisecond)
	}
	p.wait("the verdict", `document.querySelector('.verdict h1')`, step)
	p.accessible("the end, by keyboard")
	p.shot("keyboard-end")

	var steps []offerStep
	p.eval(`window.__steps`, &steps)
	checked := checkOffers(t, p.name, steps, true)
	t.Logf("%d snapshots, %d checked", len(steps), checked)
	require.Greater(t, checked, 20, "the page was checked against its views all game")
	kinds := map[game.CommandKind]bool{}
	phases := map[string]bool{}
	for _, s := range steps {
		for _, a := range s.Actions {
			kinds[a.Kind] = true
		}
		phases[s.Phase] = true
	}
	assert.True(t, kinds[game.CmdDenounce] && kinds[game.CmdReady], "the player was offered the Debate's moves: %v", kinds)
	// Whether the player has a move beyond the Debate is the deal's and
	// the bots' to say (an Accused purged at once has none); the page is
	// checked in the phases beyond it all the same.
	beyond := false
	for ph := range phases {
		beyond = beyond || (ph != "" && ph != game.PhaseDebate.String())
	}
	assert.True(t, beyond, "the page was checked beyond the Debate: %v", phases)
}

// jsSignalSpy stands in for what a page signals through (window.__spy):
// each tone the Web Audio API starts (its frequency), each vibration, each
// desktop notification and each request for the permission to notify,
// which it grants and, like a browser, keeps for the origin. It lets the
// test hide the tab (__spy.hidden).
const jsSignalSpy = `(() => {
  const spy = window.__spy = { tones: [], vibrations: [], notes: [], asked: 0, hidden: false };
  const AC = window.AudioContext;
  if (AC) {
    const make = AC.prototype.createOscillator;
    AC.prototype.createOscillator = function () {
      const o = make.call(this);
      const start = o.start;
      o.start = function (...a) { spy.tones.push(Math.round(o.frequency.value)); return start.apply(this, a); };
      return o;
    };
  }
  navigator.vibrate = (pattern) => { spy.vibrations.push(pattern); return true; };
  const KEY = '__spy.permission';
  window.Notification = class {
    constructor(title, opts) { spy.notes.push({ title, body: (opts && opts.body) || '' }); }
    close() {}
    static get permission() { return localStorage.getItem(KEY) || 'default'; }
    static requestPermission() { spy.asked++; localStorage.setItem(KEY, 'granted'); return Promise.resolve('granted'); }
  };
  Object.defineProperty(Document.prototype, 'visibilityState', { configurable: true, get() { return spy.hidden ? 'hidden' : 'visible'; } });
  Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get() { return spy.hidden; } });
})()`

// signals is what jsSignalSpy saw.
type signals struct {
	Tones      []int `json:"tones"`
	Vibrations []any `json:"vibrations"`
	Notes      []struct {
		Title string `json:"title"`
		Body  string `json:"body"`
	} `json:"notes"`
	Asked int    `json:"asked"`
	Icon  string `json:"icon"`
}

func (p *page) signals() signals {
	p.t.Helper()
	var s signals
	p.eval(`({...window.__spy, icon: document.querySelector('link[rel="icon"]').getAttribute('href')})`, &s)
	return s
}

// count is how many of tones are freq.
func count(tones []int, freq int) (n int) {
	for _, f := range tones {
		if f == freq {
			n++
		}
	}
	return n
}

// TestBrowserSignals: a host plays with four bots. When the move becomes
// theirs the page sounds two notes (Web Audio), buzzes, and marks the
// tab's icon; with the tab hidden and notifications on, it notifies,
// having asked the permission on the click that turned them on and never
// on load. In the last ten seconds of a phase it ticks softly until they
// act. The two toggles are kept across a reload; with the sound off it
// is silent.
func TestBrowserSignals(t *testing.T) {
	t.Parallel()
	needChromium(t)
	srv := startBrowserServer(t)
	browser := newBrowser(t)
	host := openPage(t, browser, "Anna", false)
	host.everyDocument(jsSignalSpy)
	host.navigate(srv.URL + "/")
	host.wait("the front page", `document.getElementById('create')`, step)
	host.typeIn("#create-name", "Anna")
	host.click("#create")
	host.wait("the lobby room", `document.querySelectorAll('.member[data-member]').length === 1`, step)
	host.changeOrders([2]string{"debate_seconds", "20"})
	// Boris never presses Ready: the Debate runs to its clock.
	code := host.text(`location.pathname.split('/').pop()`)
	boris := openPage(t, browser, "Boris", false)
	boris.navigate(srv.URL + "/l/" + code)
	boris.typeIn("#door-name", "Boris")
	boris.click("#door-join")
	host.wait("Boris seated", `document.querySelectorAll('.member[data-member]').length === 2`, step)
	host.addBots("easy", 3)
	host.wait("Start possible", `!document.getElementById('start').disabled`, step)
	assert.Zero(t, host.signals().Asked, "no permission asked on load")
	assert.Empty(t, host.signals().Tones, "no sound before the game")
	host.click("#start")

	// The Debate opens: the host's move.
	host.wait("the two notes of the host's move", `window.__spy.tones.includes(660) && window.__spy.tones.includes(880)`, step)
	s := host.signals()
	assert.Equal(t, []any{120.0, 60.0, 120.0}, s.Vibrations[0], "a buzz on the move")
	assert.Contains(t, s.Icon, "data:image/svg+xml", "the tab's icon marked")
	assert.Empty(t, s.Notes, "no notification while the tab is in sight")
	assert.Zero(t, s.Asked, "no permission asked when the game opens")
	host.accessible("the Debate with its signals")

	// Notifications on: the permission is asked on this click.
	host.click("#signal-notify")
	host.wait("notifications on", `document.getElementById('signal-notify').getAttribute('aria-pressed') === 'true'`, step)
	assert.Equal(t, 1, host.signals().Asked, "the permission asked on the click")

	// Adjourned, it is nobody's move: the mark goes. Resumed with the tab
	// hidden, the move is signalled again, and notified.
	host.eval(`(window.__spy.hidden = true, 1)`, nil)
	host.click(`[data-key="pause"]`)
	host.wait("the mark gone while adjourned", `document.querySelector('link[rel="icon"]').getAttribute('href') === '/favicon.svg'`, step)
	before := host.signals()
	host.click(`[data-key="resume"]`)
	host.wait("the move notified, and sounded", fmt.Sprintf(`window.__spy.notes.length === 1 && window.__spy.tones.filter(f => f === 880).length === %d`, count(before.Tones, 880)+1), step)
	s = host.signals()
	assert.Equal(t, "Your move · Congress of Victors", s.Notes[0].Title)
	assert.Contains(t, s.Notes[0].Body, "Denounce")
	assert.Equal(t, count(before.Tones, 880)+1, count(s.Tones, 880), "the notes again")
	assert.Len(t, s.Vibrations, len(before.Vibrations)+1, "a buzz again")
	assert.Contains(t, s.Icon, "data:image/svg+xml", "the mark again")
	host.eval(`(window.__spy.hidden = false, 1)`, nil)

	// The last ten seconds of a Debate the host has not closed: soft ticks,
	// which stop once Ready is pressed.
	host.wait("three ticks in the last ten seconds", `window.__spy.tones.filter(f => f === 1200).length >= 3`, 30*time.Second)
	var left float64
	host.eval(`(t => t.split(':').reduce((a, x) => a * 60 + +x, 0))(document.querySelector('.banner .timer').textContent)`, &left)
	assert.LessOrEqual(t, left, 10.0, "the ticks come in the last ten seconds")
	host.click(`.actions [data-key="ready"]`)
	host.wait("Ready taken", `document.querySelector('.actions [data-act="unready"]') || (`+jsPhase+`) !== 'The Debate'`, step)
	ticks := count(host.signals().Tones, 1200)
	time.Sleep(2500 * time.Millisecond)
	require.Equal(t, "The Debate", host.text(jsPhase), "the Debate runs on while Boris is not Ready")
	assert.Equal(t, ticks, count(host.signals().Tones, 1200), "no tick once the host has acted")

	// The toggles are kept: sound off, notifications on, after a reload;
	// with the sound off a new move is silent, and still buzzes.
	host.click("#signal-sound")
	host.wait("the sound off", `document.getElementById('signal-sound').getAttribute('aria-pressed') === 'false'`, step)
	host.do(chromedp.Reload())
	host.wait("the toggles after a reload", `(a => a && a.getAttribute('aria-pressed') === 'false')(document.getElementById('signal-sound')) && document.getElementById('signal-notify').getAttribute('aria-pressed') === 'true'`, step)
	assert.Zero(t, host.signals().Asked, "no permission asked on the reload")
	host.wait("the move after the reload", `window.__spy.vibrations.length > 0 || !document.querySelector('.actions [data-act]')`, step)
	assert.Empty(t, host.signals().Tones, "silent with the sound off")
	host.accessible("the game after a reload")
}
