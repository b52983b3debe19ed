package protocol

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/bot"
	"congress/game"
)

// botMatch is the file of a game the bots play on the engine with n
// seats.
func botMatch(t testing.TB, n int, seed uint64) MatchFile {
	t.Helper()
	players := []string{"Anna", "Boris", "Clara", "Dmitri", "Elena", "Fyodor", "Galina", "Ivan", "Katya", "Lev", "Maria", "Nikolai"}[:n]
	start := time.Date(1934, time.February, 10, 10, 0, 0, 0, time.UTC)
	cfg := game.DefaultConfig()
	s := game.SeedOf(seed)
	g, _, err := game.NewSeeded(cfg, players, s, start)
	require.NoError(t, err)
	_, err = bot.Play(g, bot.ForCamps(g, bot.Normal, bot.Normal, seed), start)
	require.NoError(t, err)
	f := MatchFileOf(g, s, players)
	f.ID, f.Settings = "86d46b9d-bc23-4e3a-aac9-b17572e1aee3", SettingsOf(cfg, 5)
	var out MatchFile
	require.NoError(t, json.Unmarshal(EncodeMatch(f), &out))
	return out
}

func TestReplayViewer(t *testing.T) {
	tests := []struct {
		in      string
		want    game.Viewer
		wantErr bool
	}{
		{in: "all", want: game.Everyone},
		{in: "gallery", want: game.Spectator},
		{in: "0", want: game.SeatViewer(0)},
		{in: "6", want: game.SeatViewer(6)},
		{in: "7", wantErr: true},
		{in: "-1", wantErr: true},
		{in: "+1", wantErr: true},
		{in: "01", wantErr: true},
		{in: "", wantErr: true},
		{in: "ALL", wantErr: true},
		{in: "1.0", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			v, err := ReplayViewer(tt.in, 7)
			if tt.wantErr {
				var e *Error
				require.ErrorAs(t, err, &e)
				assert.Equal(t, CodeBadParameter, e.Code)
				assert.Contains(t, e.Message, "seat from 0 to 6")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, v)
		})
	}
}

// TestReplayAs: from above, a step for the deal and each of the file's
// steps, with its command, and every event once, in order; from a seat,
// the events that seat could see, the steps that showed it nothing left
// out, and no command.
func TestReplayAs(t *testing.T) {
	f := botMatch(t, 8, 3)
	all, err := f.ReplayAs(game.Everyone, "all")
	require.NoError(t, err)
	require.Len(t, all.Steps, len(f.Steps)+1)
	assert.Equal(t, StepDeal, all.Steps[0].Kind)
	var events []game.Event
	for i, s := range all.Steps {
		events = append(events, s.Events...)
		if i == 0 {
			continue
		}
		fs := f.Steps[i-1]
		assert.Equal(t, i-1, s.Index)
		assert.True(t, s.At.Equal(fs.At))
		if fs.Command != nil {
			assert.Equal(t, StepCommand, s.Kind)
			assert.Equal(t, *fs.Command, *s.Command)
		} else {
			assert.Equal(t, StepAdvance, s.Kind)
			assert.Nil(t, s.Command)
		}
	}
	assert.Equal(t, mustJSON(f.Log), mustJSON(events))
	assert.Equal(t, game.PhaseOver, all.Steps[len(all.Steps)-1].View.Phase)

	for seat := range f.Names {
		mine, err := f.ReplayAs(game.SeatViewer(seat), "x")
		require.NoError(t, err)
		assert.Less(t, len(mine.Steps), len(all.Steps), "seat %d sees fewer steps", seat)
		for _, s := range mine.Steps {
			assert.Nil(t, s.Command)
			require.NotNil(t, s.View.You)
			assert.Equal(t, seat, s.View.You.Seat)
		}
	}
	gallery, err := f.ReplayAs(game.Spectator, "gallery")
	require.NoError(t, err)
	for _, s := range gallery.Steps[:len(gallery.Steps)-1] {
		for _, e := range s.Events {
			switch e.Kind {
			case game.EvVoteCast, game.EvLetterProposed, game.EvLetterSent, game.EvInvestigated, game.EvStrikeCast:
				t.Errorf("the gallery saw a secret %s before the end", e.Kind)
			}
		}
	}
}

// TestReplayChat: a line said on every channel after every step of a
// running match reaches each point of view's replay at its step exactly
// when that viewer could read its channel then: the Plotters' channel
// only for a living Plotter, the purged channel only for the purged,
// the spectators' only for the gallery; everything from above.
func TestReplayChat(t *testing.T) {
	f := botMatch(t, 8, 3)
	all, err := f.ReplayAs(game.Everyone, "all")
	require.NoError(t, err)
	chans := []game.Channel{game.ChannelPublic, game.ChannelPlotters, game.ChannelPurged, game.ChannelSpectators}
	f.Chat = nil
	for i := -1; i < len(f.Steps)-1; i++ {
		for _, ch := range chans {
			f.Chat = append(f.Chat, MatchChat{Step: i, Line: ChatLine{Channel: ch, Name: "Anna", Text: fmt.Sprintf("%d %s", i, ch)}})
		}
	}
	// standing is the table from above after step i: the phase, and who
	// is alive.
	standing := map[int]game.View{}
	for _, s := range all.Steps {
		standing[s.Index] = s.View
	}
	said := func(r Replay) (out []string) {
		for _, s := range r.Steps {
			for _, l := range s.Chat {
				assert.True(t, strings.HasPrefix(l.Text, fmt.Sprintf("%d ", s.Index)), "%q shown at step %d", l.Text, s.Index)
				out = append(out, l.Text)
			}
		}
		return out
	}
	tests := []struct {
		name   string
		viewer game.Viewer
		reads  func(v game.View, ch game.Channel) bool
	}{
		{name: "all", viewer: game.Everyone, reads: func(game.View, game.Channel) bool { return true }},
		{name: "gallery", viewer: game.Spectator, reads: func(_ game.View, ch game.Channel) bool {
			return ch == game.ChannelPublic || ch == game.ChannelSpectators
		}},
	}
	for seat, role := range f.Roles {
		tests = append(tests, struct {
			name   string
			viewer game.Viewer
			reads  func(v game.View, ch game.Channel) bool
		}{name: fmt.Sprintf("seat %d %s", seat, role), viewer: game.SeatViewer(seat), reads: func(v game.View, ch game.Channel) bool {
			alive := v.Seats[seat].Alive
			switch ch {
			case game.ChannelPublic:
				return true
			case game.ChannelPlotters:
				return alive && role.Faction() == game.Plotters
			case game.ChannelPurged:
				return !alive
			}
			return false
		}})
	}
	sawPlotters := 0
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := f.ReplayAs(tt.viewer, tt.name)
			require.NoError(t, err)
			var want []string
			for _, c := range f.Chat {
				if tt.reads(standing[c.Step], c.Line.Channel) {
					want = append(want, c.Line.Text)
				}
			}
			got := said(r)
			assert.Equal(t, want, got)
			if tt.viewer.IsSeat() && slices.ContainsFunc(got, func(s string) bool { return strings.HasSuffix(s, " "+game.ChannelPlotters.String()) }) {
				sawPlotters++
			}
		})
	}
	assert.Positive(t, sawPlotters, "some seat read the Plotters' channel")
}

func TestReplayAsRefusesAnOldFile(t *testing.T) {
	f := botMatch(t, 5, 1)
	f.Format = 0
	_, err := f.ReplayAs(game.Everyone, "all")
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, CodeNoReplay, e.Code)
}

// BenchmarkReplayAs is the work of GET /api/matches/{id}/replay for a
// 12-seat game of bots, the answer encoded.
func BenchmarkReplayAs(b *testing.B) {
	f := botMatch(b, 12, 9)
	b.Logf("%d steps, %d events", len(f.Steps), len(f.Log))
	for _, viewer := range []string{"all", "0"} {
		b.Run(viewer, func(b *testing.B) {
			v, err := ReplayViewer(viewer, 12)
			require.NoError(b, err)
			size := 0
			for b.Loop() {
				r, err := f.ReplayAs(v, viewer)
				if err != nil {
					b.Fatal(err)
				}
				out, _ := json.Marshal(r)
				size = len(out)
			}
			b.ReportMetric(float64(size)/1024, "KiB")
		})
	}
}

// FuzzVerify: a match file from anywhere (congress verify reads what a
// user gives it) is verified or refused, never a panic, and a file that
// verifies replays from above.
func FuzzVerify(f *testing.F) {
	// A game of absent delegates, every phase to its deadline: quick to
	// replay, so that the fuzzer spends its time on the mutations.
	players := []string{"Anna", "Boris", "Clara", "Dmitri", "Elena"}
	seed := game.SeedOf(2)
	g, _, err := game.NewSeeded(game.DefaultConfig(), players, seed, time.Date(1934, time.February, 10, 10, 0, 0, 0, time.UTC))
	require.NoError(f, err)
	for !g.Over() {
		dl, _ := g.NextDeadline()
		g.Advance(dl)
	}
	file := MatchFileOf(g, seed, players)
	file.Settings = SettingsOf(game.DefaultConfig(), 5)
	f.Add(EncodeMatch(file))
	small := file
	small.Steps = small.Steps[:3]
	f.Add(EncodeMatch(small))
	f.Add([]byte(`{"format":2,"players":["A","A","A","A","A"],"config":{"threshold":1},"steps":[{"at":"2026-01-01T00:00:00Z"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var m MatchFile
		if json.Unmarshal(data, &m) != nil {
			return
		}
		if _, err := Verify(&m); err == nil {
			_, err := m.ReplayAs(game.Everyone, "all")
			require.NoError(t, err)
		}
	})
}
