package e2e

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBrowserConnectionsLetGo: a page that goes from a lobby to the front
// page and back, again and again, keeps one connection's listeners on the
// window, not one per lobby it was ever in.
func TestBrowserConnectionsLetGo(t *testing.T) {
	t.Parallel()
	needChromium(t)
	srv := startBrowserServer(t)
	browser := newBrowser(t)
	host, code := convene(t, browser, srv, "Anna")
	listeners := func() (n int) {
		ctx, cancel := context.WithTimeout(host.ctx, step)
		defer cancel()
		n, err := chromedp.Run(ctx, chromedp.EvaluateAsDevTools[int](`(getEventListeners(window).online || []).length + (getEventListeners(window).offline || []).length`))
		require.NoError(t, err)
		return n
	}
	require.Equal(t, 2, listeners(), "one connection: online and offline")
	for range 3 {
		host.eval(`history.pushState(null, "", "/"); dispatchEvent(new PopStateEvent("popstate")); true`, nil)
		host.wait("the front page", `document.getElementById('create')`, step)
		assert.Zero(t, listeners(), "the front page keeps a connection's listeners")
		host.eval(`history.pushState(null, "", "/l/`+code+`"); dispatchEvent(new PopStateEvent("popstate")); true`, nil)
		host.wait("the lobby room", `document.querySelectorAll('.member[data-member]').length === 1`, step)
	}
	assert.Equal(t, 2, listeners(), "the lobby keeps the listeners of the connections before")
}
