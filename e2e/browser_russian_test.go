package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"congress/game"
	"congress/protocol"
)

// catalog is one language's words as the server serves them: a key to a
// string, or to an object of plural forms.
type catalog map[string]any

func fetchCatalog(t *testing.T, srv *browserServer, lang string) catalog {
	t.Helper()
	res, err := http.Get(srv.URL + "/lang/" + lang + ".json")
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode, "the %s catalog", lang)
	var c catalog
	require.NoError(t, json.NewDecoder(res.Body).Decode(&c))
	require.NotEmpty(t, c)
	return c
}

// word is a plain catalog entry.
func (c catalog) word(t *testing.T, key string) string {
	t.Helper()
	s, ok := c[key].(string)
	require.True(t, ok, "%s is a plain string in the catalog", key)
	return s
}

// jsNotEnglish is a page expression: the catalog keys, and the English
// phrases of 16 letters or more that the Russian catalog does not share,
// found in what the page shows. Names and chat lines are the players'
// own and cannot hold them here.
func jsNotEnglish(en, ru catalog) string {
	enJSON, _ := json.Marshal(en)
	ruJSON, _ := json.Marshal(ru)
	return fmt.Sprintf(`((en, ru) => {
		const text = document.body.innerText;
		const forms = (v) => (typeof v === "string" ? [v] : Object.values(v || {}));
		const bad = [];
		for (const [k, v] of Object.entries(en)) {
			if (text.includes(k)) bad.push("key " + k);
			const rus = forms(ru[k]);
			for (const f of forms(v)) for (const piece of f.split(/\{\w+\}/)) {
				const p = piece.trim();
				if (p.length >= 16 && !rus.some((r) => r.includes(p)) && text.includes(p)) bad.push("English (" + k + "): " + p);
			}
		}
		return [...new Set(bad)];
	})(%s, %s)`, enJSON, ruJSON)
}

// TestBrowserRussian: a delegate whose browser speaks Russian plays a
// whole game in Russian: the lobby's door, the lobby, the Debate, the
// Purge Vote and the end, each screen in the Russian catalog's words,
// with no key and no English phrase of the catalog on it. The masthead's
// switch turns the page to English, and the choice outlives a reload.
func TestBrowserRussian(t *testing.T) {
	t.Parallel()
	needChromium(t)
	srv := startBrowserServer(t)
	en, ru := fetchCatalog(t, srv, "en"), fetchCatalog(t, srv, "ru")
	browser := newBrowser(t, chromedp.Flag("lang", "ru-RU"), chromedp.Flag("accept-lang", "ru-RU,ru"))
	ivan := openPage(t, browser, "Иван", false)
	notEnglish := jsNotEnglish(en, ru)
	inRussian := func(screen string) {
		t.Helper()
		require.Equal(t, "ru", ivan.text(`document.documentElement.lang`), "%s: the page's language", screen)
		var bad []string
		ivan.eval(notEnglish, &bad)
		require.Empty(t, bad, "%s: words outside the Russian catalog%s", screen, ivan.onScreen())
		ivan.screens("ru-" + screen)
		ivan.shot("ru-" + screen)
	}

	// The browser's language is Russian: the front page follows it.
	ivan.navigate(srv.URL + "/")
	ivan.wait("the front page", `document.getElementById('create')`, step)
	require.Equal(t, ru.word(t, "landing.convene_button"), ivan.text(`document.getElementById('create').textContent`))
	require.Equal(t, ru.word(t, "landing.rules_title"), ivan.text(`document.getElementById('rules-h').textContent`))
	inRussian("front")

	st := steer(t, srv, ivan, "Anna", "Boris", "Clara", "Dmitri", "Elena")
	require.Equal(t, ru.word(t, "lobby.the_delegates"), ivan.text(`document.getElementById('seats-h').textContent`))
	inRussian("lobby")

	// The host's orders cannot open this Congress: the page says why in
	// Russian, from the reason and its numbers, not the server's English.
	orders := protocol.SettingsOf(game.DefaultConfig(), 6)
	orders.DebateSeconds, orders.ChairPickSeconds, orders.DefenceSeconds, orders.VoteSeconds = 600, 600, 600, 600
	orders.ConfessionSeconds, orders.NightSeconds, orders.FinalBallotSeconds = 600, 600, 600
	orders.Plotters = 3
	st.host.must(protocol.Host{Action: protocol.HostSettings, Settings: &orders})
	blocked := strings.NewReplacer("{seats}", "6", "{max}", "3").Replace(ru.word(t, "errors.reason.bloc_majority"))
	ivan.wait("the start block in Russian", `(e => e && e.textContent.includes(`+jsString(blocked)+`))(document.getElementById('start-status'))`, step)
	inRussian("lobby-blocked")
	orders.Plotters = 0
	st.host.must(protocol.Host{Action: protocol.HostSettings, Settings: &orders})
	ivan.wait("the block lifted", `!document.getElementById('start-status').textContent.includes(`+jsString(blocked)+`)`, step)

	st.start()
	ivan.wait("the Debate in Russian", `(`+jsPhase+`) === `+jsString(ru.word(t, "words.phase.debate")), step)
	inRussian("debate")

	// Kirov on trial, and purged.
	kirov := -1
	for seat, r := range st.roles() {
		if r == game.Kirov {
			kirov = seat
		}
	}
	require.GreaterOrEqual(t, kirov, 0)
	st.try(kirov)
	ivan.wait("the Purge Vote in Russian", `(`+jsPhase+`) === `+jsString(ru.word(t, "words.phase.vote")), step)
	inRussian("vote")
	st.vote(nil)
	st.end(game.PhaseVote)
	st.phase(game.PhaseOver)
	ivan.wait("the end", `document.getElementById('verdict-h')`, step)
	require.Equal(t, ru.word(t, "end.headline_loyalists"), ivan.text(`document.getElementById('verdict-h').textContent`))
	require.Equal(t, ru.word(t, "end.deciding"), ivan.text(`document.getElementById('deciding-h').textContent`))
	require.Contains(t, ivan.text(`document.querySelector('.epilogue').innerText`), ru.word(t, "epilogue.kirov_purged.3"), "the epilogue in Russian")
	inRussian("end")

	// The switch: English, kept across a reload.
	ivan.eval(`(s => { s.value = "en"; s.dispatchEvent(new Event("change")); return true; })(document.getElementById('language'))`, nil)
	// The page loads again: nothing to ask it until it has.
	time.Sleep(2 * time.Second)
	ivan.wait("the end in English", `document.documentElement.lang === 'en' && (e => e && e.textContent === `+jsString(en.word(t, "end.headline_loyalists"))+`)(document.getElementById('verdict-h'))`, step)
	ivan.navigate(srv.URL + "/l/" + st.code)
	ivan.wait("English after a reload", `document.documentElement.lang === 'en' && document.getElementById('verdict-h')`, step)
	require.Equal(t, "en", ivan.text(`localStorage.getItem('congress.lang')`))
	require.Equal(t, "en", ivan.text(`document.getElementById('language').value`))
}
