package protocol

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"congress/game"
)

// Replay is GET /api/matches/{id}/replay?viewer=V: a finished match
// played again by the engine from its file, step by step, as one point of
// view saw it. Viewer is "all" (every file open, every event), "gallery"
// (what any spectator saw) or a seat number (what that delegate saw,
// their own secrets included).
type Replay struct {
	ID         string       `json:"id"`
	Viewer     string       `json:"viewer"`
	Names      []string     `json:"names"` // in seat order
	Commitment string       `json:"commitment"`
	Seed       game.Seed    `json:"seed"`
	Steps      []ReplayStep `json:"steps"`
}

// Replay step kinds.
const (
	StepDeal    = "deal"    // the seating, the deal and session 1
	StepCommand = "command" // a command was applied
	StepAdvance = "advance" // a deadline passed
)

// ReplayStep is one moment of a replay: the events this viewer saw then
// and their view after it. Index is the step's place in the file's steps
// (-1 for the deal). A point of view other than "all" leaves out the
// steps that showed it nothing, and is not shown the command itself: its
// events say what it saw.
type ReplayStep struct {
	Index   int           `json:"index"`
	Kind    string        `json:"kind"`
	At      time.Time     `json:"at"`
	Command *game.Command `json:"command,omitempty"`
	Events  []game.Event  `json:"events"`
	View    game.View     `json:"view"`
	// Chat is the lines said after this step and before the next one on
	// the channels this viewer could read then (the view's read).
	Chat []ChatLine `json:"chat"`
}

// Replay viewers other than a seat number.
const (
	ViewerAll     = "all"
	ViewerGallery = "gallery"
)

// ReplayViewer reads a replay's viewer parameter for a match of seats
// delegates: "all", "gallery" or a seat number from 0.
func ReplayViewer(s string, seats int) (game.Viewer, error) {
	switch s {
	case ViewerAll:
		return game.Everyone, nil
	case ViewerGallery:
		return game.Spectator, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n >= seats || strconv.Itoa(n) != s {
		return game.Viewer{}, Errorf(CodeBadParameter, "viewer must be all, gallery or a seat from 0 to %d.", seats-1)
	}
	return game.SeatViewer(n), nil
}

// Replayable reports whether the file keeps what the engine replays, in
// the format this package reads.
func (f *MatchFile) Replayable() bool { return f.Format == MatchFormat && len(f.Players) > 0 }

// replay plays the file's steps through the engine, calling each after
// the deal and after every step, as game.Replay does.
func (f *MatchFile) replay(each func(g *game.Game, i int, events []game.Event)) (*game.Game, error) {
	switch {
	case f.Format > MatchFormat:
		return nil, Errorf(CodeNoReplay, "This match was filed by a newer server, whose file this one cannot replay.")
	case !f.Replayable():
		return nil, Errorf(CodeNoReplay, "This match was filed before matches kept their steps; its file can be read, but it cannot be replayed.")
	}
	return game.Replay(f.Config, f.Players, f.Seed, f.Started, f.Steps, each)
}

// ReplayAs is the replay of the file as viewer saw it (see ReplayViewer;
// name is the parameter as given).
func (f *MatchFile) ReplayAs(v game.Viewer, name string) (Replay, error) {
	out := Replay{ID: f.ID, Viewer: name, Names: f.Names, Commitment: f.Commitment, Seed: f.Seed}
	cursor, said := 0, 0
	var last []byte
	_, err := f.replay(func(g *game.Game, i int, _ []game.Event) {
		events, next := g.Log(v, cursor)
		cursor = next
		view := g.View(v)
		chat := []ChatLine{}
		for ; said < len(f.Chat) && f.Chat[said].Step <= i; said++ {
			// From above every channel is open.
			if l := f.Chat[said].Line; v == game.Everyone || g.CanRead(v, l.Channel) {
				chat = append(chat, l)
			}
		}
		if v != game.Everyone {
			// From above every step is kept; from elsewhere, only those
			// that showed something.
			enc, _ := json.Marshal(view)
			if i >= 0 && len(events) == 0 && len(chat) == 0 && bytes.Equal(enc, last) {
				return
			}
			last = enc
		}
		st := ReplayStep{Index: i, Kind: StepDeal, At: f.Started, Events: events, View: view, Chat: chat}
		if i >= 0 {
			s := f.Steps[i]
			st.At, st.Kind = s.At, StepAdvance
			if s.Command != nil {
				st.Kind = StepCommand
				if v == game.Everyone {
					st.Command = s.Command
				}
			}
		}
		if st.Events == nil {
			st.Events = []game.Event{}
		}
		out.Steps = append(out.Steps, st)
	})
	if err != nil {
		return Replay{}, err
	}
	return out, nil
}

// Verified is what Verify checked, one line each.
type Verified struct{ Checks []string }

// Verify checks a match file against the engine: that the seed is the
// one committed to, and that the file's steps, played through the engine
// from that seed, make exactly the deal, every event and the ending the
// file records. The error names the first thing that differs.
func Verify(f *MatchFile) (Verified, error) {
	var out Verified
	say := func(format string, args ...any) { out.Checks = append(out.Checks, fmt.Sprintf(format, args...)) }
	switch {
	case f.Format > MatchFormat:
		return out, fmt.Errorf("the file is in format %d, newer than the %d this program reads: verify it with a newer congress", f.Format, MatchFormat)
	case !f.Replayable():
		return out, fmt.Errorf("the file is in format %d, which keeps no seed or steps to verify (format %d does)", f.Format, MatchFormat)
	}
	if got := f.Seed.Commitment(); got != f.Commitment {
		return out, fmt.Errorf("the commitment: the seed's SHA-256 is %s, but the file commits to %s", got, f.Commitment)
	}
	if len(f.Log) == 0 || f.Log[0].Kind != game.EvGameStarted {
		return out, fmt.Errorf("the log: it does not open with game_started")
	}
	if c := f.Log[0].Commitment; c != f.Commitment {
		return out, fmt.Errorf("the commitment: the log's game_started published %s, but the file says %s", c, f.Commitment)
	}
	say("commitment: SHA-256(seed %s) = %s, as published at the deal", f.Seed, f.Commitment)
	if cfg, err := f.Settings.Config(); err != nil || cfg != f.Config {
		return out, fmt.Errorf("the settings: they are not the config the match was played under")
	}

	var mismatch error
	n := 0 // events of the engine's log compared so far
	compare := func(events []game.Event, where string) {
		for _, e := range events {
			if mismatch != nil {
				return
			}
			if n >= len(f.Log) {
				mismatch = fmt.Errorf("event %d (%s), made %s, is not in the file's log of %d events", n, e.Kind, where, len(f.Log))
				return
			}
			want, _ := json.Marshal(f.Log[n])
			got, _ := json.Marshal(e)
			if !bytes.Equal(want, got) {
				mismatch = fmt.Errorf("event %d (%s), made %s: the file has %s, the engine %s", n, f.Log[n].Kind, where, want, got)
				return
			}
			n++
		}
	}
	g, err := f.replay(func(g *game.Game, i int, events []game.Event) {
		if i < 0 {
			if mismatch = checkDeal(f, g); mismatch == nil {
				compare(events, "at the deal")
			}
			return
		}
		s := f.Steps[i]
		what := "by the deadline passed"
		if s.Command != nil {
			what = fmt.Sprintf("by %s of seat %d", s.Command.Kind, s.Command.Seat)
		}
		compare(events, fmt.Sprintf("at step %d (%s at %s)", i, what, s.At.Format(time.RFC3339)))
	})
	switch {
	case mismatch != nil:
		return out, mismatch
	case err != nil:
		return out, fmt.Errorf("the steps: %w", err)
	}
	say("deal: %d seats, the seat order and every role as the seed deals them", g.Seats())
	if !g.Over() {
		return out, fmt.Errorf("the ending: after the file's %d steps the game is still in the %s", len(f.Steps), g.Phase())
	}
	if n != len(f.Log) {
		return out, fmt.Errorf("event %d (%s) of the file's log is not made by the engine, whose log ends at %d", n, f.Log[n].Kind, n)
	}
	say("steps: %d steps replayed, making the file's %d events exactly", len(f.Steps), len(f.Log))
	w, r := g.Winner()
	if w != f.Winner || r != f.Reason {
		return out, fmt.Errorf("the ending: the file says %s (%s), the engine %s (%s)", f.Winner, f.Reason, w, r)
	}
	if end := f.Log[len(f.Log)-1].At; !end.Equal(f.Ended) {
		return out, fmt.Errorf("the ending: the file says the match ended at %s, its log at %s", f.Ended.Format(time.RFC3339), end.Format(time.RFC3339))
	}
	say("ending: %s win (%s), as the file says", w, r)
	return out, nil
}

// checkDeal compares the file's seat order and roles with the engine's.
func checkDeal(f *MatchFile, g *game.Game) error {
	if len(f.Names) != g.Seats() || len(f.Roles) != g.Seats() {
		return fmt.Errorf("the deal: the engine seats %d, the file names %d and deals %d roles", g.Seats(), len(f.Names), len(f.Roles))
	}
	view := g.View(game.Everyone)
	for i, s := range view.Seats {
		if f.Names[i] != s.Name {
			return fmt.Errorf("the deal: seat %d is %q in the file, %q by the engine", i, f.Names[i], s.Name)
		}
		if f.Roles[i] != s.Role {
			return fmt.Errorf("the deal: seat %d (%s) is %s in the file, %s by the engine", i, s.Name, f.Roles[i], s.Role)
		}
	}
	return nil
}
