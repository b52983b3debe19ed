package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"congress/server/store/natstest"
)

// TestBrowserStoreStall: a host chats in the lobby while the server's
// NATS store (a real nats-server process) is paused. Every page in the
// lobby, a phone's too, says in words that the records are not answering
// and that the line is not lost; when the store comes back the line
// appears once and the notice goes.
func TestBrowserStoreStall(t *testing.T) {
	needChromium(t)
	nats := natstest.Process(t)
	srv := startBrowserServer(t, "--nats", nats.URL)
	browser := newBrowser(t)
	host, code := convene(t, browser, srv, "Anna")
	boris := openPage(t, browser, "Boris", true)
	boris.navigate(srv.URL + "/l/" + code)
	boris.typeIn("#door-name", "Boris")
	boris.click("#door-join")
	host.wait("Boris seated", `document.querySelectorAll('.member[data-member]').length === 2`, step)
	host.typeIn("#chat-input", "Before the stall.\n")
	for _, p := range []*page{host, boris} {
		p.wait("the first line", `document.getElementById('chat-lines').textContent.includes('Before the stall.')`, step)
	}

	nats.Stop()
	host.typeIn("#chat-input", "Into the stall.\n")
	for _, p := range []*page{host, boris} {
		p.wait("the notice", `document.getElementById('room-notice').textContent.includes('not answering')`, 10*time.Second)
		assert.Contains(t, p.text(`document.getElementById('room-notice').textContent`), "not lost")
		assert.NotContains(t, p.text(`document.getElementById('chat-lines').textContent`), "Into the stall.")
	}
	host.shot("store-stall-desktop")
	boris.shot("store-stall-phone")
	time.Sleep(time.Second)
	nats.Cont()

	for _, p := range []*page{host, boris} {
		p.wait("the waiting line", `document.getElementById('chat-lines').textContent.includes('Into the stall.')`, 15*time.Second)
		said := p.text(`document.getElementById('chat-lines').textContent`)
		assert.Equal(t, 1, strings.Count(said, "Into the stall."), "%s: the line shown once: %q", p.name, said)
	}
	host.wait("the notice gone", `!document.getElementById('room-notice').textContent.includes('not answering')`, step)
}
