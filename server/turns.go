package server

// turns is the lobby's waiting room for what its inbox brought: the
// requests of each sender (a member across their connections, or one
// connection of the gallery) wait in their own line, and the lobby serves
// the lines in turn, one message each. A delegate who sends twenty lines
// at once keeps their order, but the others' requests are served between
// them: one sender's burst delays everyone else by one message at most,
// not by the whole burst.
type turns struct {
	lines map[any][]message // by sender
	order []any             // senders with something waiting, next first
	n     int               // messages waiting in all
}

// senderOf is whose line m waits in: a member's, across their connections,
// else the connection's. Messages from no connection share one line.
func senderOf(m message) any {
	var c *conn
	switch m := m.(type) {
	case request:
		c = m.c
	case attach:
		c = m.c
	case detach:
		c = m.c
	}
	switch {
	case c == nil:
		return nil
	case c.member != "":
		return c.member
	}
	return c
}

func (t *turns) push(m message) {
	if t.lines == nil {
		t.lines = map[any][]message{}
	}
	k := senderOf(m)
	line := t.lines[k]
	if len(line) == 0 {
		t.order = append(t.order, k)
	}
	t.lines[k] = append(line, m)
	t.n++
}

// next is the first message of the next sender's line.
func (t *turns) next() (message, bool) {
	if t.n == 0 {
		return nil, false
	}
	k := t.order[0]
	t.order = t.order[1:]
	line := t.lines[k]
	m := line[0]
	line[0] = nil
	if line = line[1:]; len(line) > 0 {
		t.lines[k] = line
		t.order = append(t.order, k)
	} else {
		delete(t.lines, k)
	}
	t.n--
	return m, true
}
