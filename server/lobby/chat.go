package lobby

import (
	"slices"

	"congress/game"
)

// chatHistory is how many lines of each channel a lobby keeps for the
// welcome of a (re)connecting client.
const chatHistory = 100

// ChatLog keeps the last chatHistory lines of each channel, each with its
// order of arrival across channels.
type ChatLog struct {
	lines [4][]chatEntry
	seq   int
	// spoken counts the lines of each speaker (member ID, "" for the
	// gallery) since the last game started or the lobby reopened: the
	// lobby bounds them, and so its journal.
	spoken map[string]int
}

type chatEntry struct {
	seq  int
	line ChatLine
}

func (c *ChatLog) add(l ChatLine) {
	ch := int(l.Channel)
	if ch < 0 || ch >= len(c.lines) {
		return
	}
	c.seq++
	if c.spoken == nil {
		c.spoken = map[string]int{}
	}
	c.spoken[l.From]++
	lines := c.lines[ch]
	if len(lines) >= chatHistory {
		lines = append(lines[:0], lines[len(lines)-chatHistory+1:]...)
	}
	c.lines[ch] = append(lines, chatEntry{seq: c.seq, line: l})
}

// newPeriod starts the count of lines spoken afresh: a game has started,
// or the lobby has reopened after one.
func (c *ChatLog) newPeriod() { clear(c.spoken) }

// Spoken is how many lines from (a member ID, "" for the gallery) has
// said since the last game started or the lobby reopened.
func (c *ChatLog) Spoken(from string) int { return c.spoken[from] }

// Tail is every kept line of the channels read allows, in order of arrival.
func (c *ChatLog) Tail(read func(game.Channel) bool) []ChatLine {
	var es []chatEntry
	for _, ch := range game.Channels {
		if int(ch) < len(c.lines) && read(ch) {
			es = append(es, c.lines[ch]...)
		}
	}
	slices.SortFunc(es, func(a, b chatEntry) int { return a.seq - b.seq })
	out := make([]ChatLine, len(es))
	for i, e := range es {
		out[i] = e.line
	}
	return out
}
