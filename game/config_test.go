package game

import (
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDefaultConfigIsRuleset1934(t *testing.T) {
	c := DefaultConfig()
	require.NoError(t, c.Validate())
	assert.Equal(t, 120*time.Second, c.DebateTime)
	assert.Equal(t, 2, c.Threshold)
	assert.Equal(t, 20*time.Second, c.ChairPickTime)
	assert.Equal(t, 30*time.Second, c.DefenceTime)
	assert.Equal(t, 30*time.Second, c.VoteTime)
	assert.Equal(t, 20*time.Second, c.ConfessionTime)
	assert.Equal(t, 30*time.Second, c.NightTime)
	assert.Equal(t, 60*time.Second, c.FinalBallotTime)
	assert.True(t, c.Investigator)
	assert.True(t, c.OpenBallot)
	assert.Equal(t, RevealNothing, c.Reveal)
	assert.Equal(t, PlotterChatNight, c.PlotterChat)
	assert.False(t, c.PurgedSeeRoles)
	assert.False(t, c.SpectatorsSeeRoles)
}

func TestTableOfRules(t *testing.T) {
	// docs/RULES.md, row by row.
	tests := []struct {
		seats, loyalists, plotters, sessions int
	}{
		{5, 3, 2, 4}, {6, 4, 2, 3}, {7, 5, 2, 4}, {8, 5, 3, 5},
		{9, 6, 3, 4}, {10, 6, 4, 5}, {11, 7, 4, 4}, {12, 8, 4, 4},
	}
	c := DefaultConfig()
	for _, tt := range tests {
		assert.Equal(t, tt.plotters, c.PlottersFor(tt.seats), "%d seats", tt.seats)
		assert.Equal(t, tt.loyalists, tt.seats-c.PlottersFor(tt.seats), "%d seats", tt.seats)
		assert.Equal(t, tt.sessions, c.SessionsFor(tt.seats), "%d seats", tt.seats)
	}
	c.Plotters, c.Sessions = 1, 9
	assert.Equal(t, 1, c.PlottersFor(10))
	assert.Equal(t, 9, c.SessionsFor(10))
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		in   func(*Config)
		want Code // "" = valid
	}{
		{"defaults", func(*Config) {}, ""},
		{"debate zero", func(c *Config) { c.DebateTime = 0 }, CodeConfig},
		{"debate negative", func(c *Config) { c.DebateTime = -time.Second }, CodeConfig},
		{"debate under a second", func(c *Config) { c.DebateTime = 999 * time.Millisecond }, CodeConfig},
		{"debate one second", func(c *Config) { c.DebateTime = time.Second }, ""},
		{"debate one hour", func(c *Config) { c.DebateTime = time.Hour }, ""},
		{"debate over an hour", func(c *Config) { c.DebateTime = time.Hour + time.Second }, CodeConfig},
		{"chair pick zero", func(c *Config) { c.ChairPickTime = 0 }, CodeConfig},
		{"defence zero", func(c *Config) { c.DefenceTime = 0 }, CodeConfig},
		{"vote negative", func(c *Config) { c.VoteTime = -1 }, CodeConfig},
		{"confession zero", func(c *Config) { c.ConfessionTime = 0 }, CodeConfig},
		{"night zero", func(c *Config) { c.NightTime = 0 }, CodeConfig},
		{"final ballot zero", func(c *Config) { c.FinalBallotTime = 0 }, CodeConfig},
		{"spectator delay zero", func(c *Config) { c.SpectatorDelay = 0 }, ""},
		{"spectator delay negative", func(c *Config) { c.SpectatorDelay = -time.Second }, CodeConfig},
		{"spectator delay over an hour", func(c *Config) { c.SpectatorDelay = 2 * time.Hour }, CodeConfig},
		{"threshold zero", func(c *Config) { c.Threshold = 0 }, CodeConfig},
		{"threshold one", func(c *Config) { c.Threshold = 1 }, ""},
		{"threshold eleven", func(c *Config) { c.Threshold = 11 }, ""},
		{"threshold twelve", func(c *Config) { c.Threshold = 12 }, CodeConfig},
		{"plotters negative", func(c *Config) { c.Plotters = -1 }, CodeConfig},
		{"plotters five", func(c *Config) { c.Plotters = 5 }, ""},
		{"plotters six", func(c *Config) { c.Plotters = 6 }, CodeConfig},
		{"sessions negative", func(c *Config) { c.Sessions = -1 }, CodeConfig},
		{"sessions twenty", func(c *Config) { c.Sessions = 20 }, ""},
		{"sessions twenty-one", func(c *Config) { c.Sessions = 21 }, CodeConfig},
		{"reveal unknown", func(c *Config) { c.Reveal = RevealRole + 1 }, CodeConfig},
		{"reveal negative", func(c *Config) { c.Reveal = -1 }, CodeConfig},
		{"plotter chat unknown", func(c *Config) { c.PlotterChat = PlotterChatAlways + 1 }, CodeConfig},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := DefaultConfig()
			tt.in(&c)
			assertCode(t, tt.want, c.Validate())
		})
	}
}

func TestConfigValidateSeats(t *testing.T) {
	tests := []struct {
		name  string
		in    func(*Config)
		seats int
		want  Code
	}{
		{"four seats", func(*Config) {}, 4, CodeSeats},
		{"zero seats", func(*Config) {}, 0, CodeSeats},
		{"five seats", func(*Config) {}, 5, ""},
		{"twelve seats", func(*Config) {}, 12, ""},
		{"thirteen seats", func(*Config) {}, 13, CodeSeats},
		{"bad timer wins over seats", func(c *Config) { c.NightTime = 0 }, 4, CodeConfig},
		{"three plotters of five", func(c *Config) { c.Plotters = 3 }, 5, CodeConfig},
		{"two plotters of five", func(c *Config) { c.Plotters = 2 }, 5, ""},
		{"three plotters of six", func(c *Config) { c.Plotters = 3 }, 6, CodeConfig},
		{"five plotters of eleven", func(c *Config) { c.Plotters = 5 }, 11, ""},
		{"threshold four of five", func(c *Config) { c.Threshold = 4 }, 5, ""},
		{"threshold five of five", func(c *Config) { c.Threshold = 5 }, 5, CodeConfig},
		{"threshold eleven of twelve", func(c *Config) { c.Threshold = 11 }, 12, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := DefaultConfig()
			tt.in(&c)
			assertCode(t, tt.want, c.ValidateSeats(tt.seats))
		})
	}
}

// TestSeatsMessage: the lobby shows this message as the reason the
// Congress cannot open, from the host alone onwards.
func TestSeatsMessage(t *testing.T) {
	for seats, want := range map[int]string{
		1:  "The Congress needs 5 to 12 delegates; 1 is seated.",
		4:  "The Congress needs 5 to 12 delegates; 4 are seated.",
		13: "The Congress needs 5 to 12 delegates; 13 are seated.",
	} {
		var e *Error
		require.ErrorAs(t, DefaultConfig().ValidateSeats(seats), &e)
		assert.Equal(t, want, e.Message)
	}
}

func TestNewRefusesBadTables(t *testing.T) {
	tests := []struct {
		name  string
		cfg   func(*Config)
		seats int
		want  Code
	}{
		{"four delegates", func(*Config) {}, 4, CodeSeats},
		{"thirteen delegates", func(*Config) {}, 13, CodeSeats},
		{"no debate timer", func(c *Config) { c.DebateTime = 0 }, 6, CodeConfig},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := DefaultConfig()
			tt.cfg(&c)
			players := make([]string, tt.seats)
			for i := range players {
				players[i] = string(rune('A' + i))
			}
			g, ev, err := New(c, players, 1, t0)
			assertCode(t, tt.want, err)
			assert.Nil(t, g)
			assert.Nil(t, ev)
		})
	}
}

// assertCode checks that err is nil when want is "", or an *Error with
// code want and a message for the player.
func assertCode(t *testing.T, want Code, err error) {
	t.Helper()
	if want == "" {
		assert.NoError(t, err)
		return
	}
	var e *Error
	require.True(t, errors.As(err, &e), "want %s, got %v", want, err)
	assert.Equal(t, want, e.Code)
	assert.NotEmpty(t, e.Message)
	assert.Contains(t, e.Error(), string(want))
}

// TestConfigRefusalsSayWhy: every refusal of settings names its reason,
// the setting it is about and the numbers in it, for a client to say in
// its own words.
func TestConfigRefusalsSayWhy(t *testing.T) {
	tests := []struct {
		name   string
		in     func(*Config)
		seats  int
		reason Reason
		field  string
		params map[string]string
	}{
		{"debate", func(c *Config) { c.DebateTime = 0 }, 10, ReasonTimerRange, "debate_seconds", map[string]string{"timer": "debate"}},
		{"chair pick", func(c *Config) { c.ChairPickTime = 0 }, 10, ReasonTimerRange, "chair_pick_seconds", map[string]string{"timer": "chair_pick"}},
		{"final ballot", func(c *Config) { c.FinalBallotTime = 2 * time.Hour }, 10, ReasonTimerRange, "final_ballot_seconds", map[string]string{"timer": "final_ballot"}},
		{"last shot", func(c *Config) { c.LastShotTime = 2 * time.Hour }, 10, ReasonTimerRange, "last_shot_seconds", map[string]string{"timer": "last_shot"}},
		{"delay", func(c *Config) { c.SpectatorDelay = -time.Second }, 10, ReasonDelayRange, "spectator_delay_seconds", nil},
		{"threshold", func(c *Config) { c.Threshold = 12 }, 10, ReasonThresholdRange, "threshold", map[string]string{"max": "11"}},
		{"plotters", func(c *Config) { c.Plotters = 6 }, 10, ReasonPlottersRange, "plotters", map[string]string{"max": "5"}},
		{"sessions", func(c *Config) { c.Sessions = 21 }, 10, ReasonSessionsRange, "sessions", map[string]string{"max": "20"}},
		{"reveal", func(c *Config) { c.Reveal = -1 }, 10, ReasonRevealUnknown, "reveal", nil},
		{"plotter chat", func(c *Config) { c.PlotterChat = PlotterChatAlways + 1 }, 10, ReasonChatUnknown, "plotter_chat", nil},
		{"one seated", func(*Config) {}, 1, ReasonSeatCount, "", map[string]string{"min": "5", "max": "12", "n": "1"}},
		{"bloc a majority", func(c *Config) { c.Plotters = 4 }, 8, ReasonBlocMajority, "plotters", map[string]string{"seats": "8", "max": "4"}},
		{"threshold of six", func(c *Config) { c.Threshold = 6 }, 6, ReasonThresholdAtMost, "threshold", map[string]string{"seats": "6", "max": "5"}},
		{"unknown role", func(c *Config) { c.Roles = 1 << 15 }, 10, ReasonRoleUnknown, "roles", map[string]string{"name": ""}},
		{"Bukharin without the NKVD", func(c *Config) { c.Investigator, c.Roles = false, 1<<Bukharin }, 10, ReasonRoleNeedsNKVD, "roles", map[string]string{"role": "bukharin"}},
		{"Nikolaev without Koba", func(c *Config) { c.Roles = 1 << Nikolaev }, 10, ReasonRoleNeeds, "roles", map[string]string{"role": "nikolaev", "needs": "koba"}},
		{"a bloc of two for three roles", func(c *Config) { c.Roles = AllRoles; c.Plotters = 3 }, 10, ReasonBlocRolesFull, "roles", map[string]string{"seats": "10", "free": "2", "n": "3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := DefaultConfig()
			tt.in(&c)
			var e *Error
			require.ErrorAs(t, c.ValidateSeats(tt.seats), &e)
			assert.Equal(t, tt.reason, e.Reason, e.Message)
			assert.Equal(t, tt.field, e.Field, e.Message)
			assert.Equal(t, tt.params, e.Params, e.Message)
			for k, v := range tt.params {
				if _, err := strconv.Atoi(v); err == nil {
					assert.Contains(t, e.Message, v, "the engine's words hold %s", k)
				}
			}
		})
	}
}
