package lobby

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/game"
	"congress/protocol"
)

// oldLog is a lobby's log as journals stored it before records carried
// their version: it must replay as it always did.
const oldLog = `{"kind":"created","at":"1934-02-10T12:00:00Z","member":"d1","name":"Anna","token_hash":"AQID","public":true,"settings":{"plotters":0,"sessions":0,"investigator":true,"debate_seconds":120,"threshold":2,"chair_pick_seconds":20,"defence_seconds":30,"vote_seconds":30,"confession_seconds":20,"night_seconds":30,"final_ballot_seconds":60,"open_ballot":true,"reveal":"nothing","plotter_chat":"night","purged_see_roles":false,"spectators_see_roles":false,"spectator_delay_seconds":60,"max_spectators":8},"base":"https://congress.example"}
{"kind":"joined","at":"1934-02-10T12:00:01Z","member":"d2","name":"Boris","token_hash":"BAUG"}
{"kind":"joined","at":"1934-02-10T12:00:02Z","member":"d3","name":"Clara","token_hash":"BwgJ"}
{"kind":"bot_added","at":"1934-02-10T12:00:03Z","member":"d4","name":"Bot 1","strength":"easy","seed":7}
{"kind":"joined","at":"1934-02-10T12:00:04Z","member":"d5","name":"Dmitri","token_hash":"CgsM"}
{"kind":"chat","at":"1934-02-10T12:00:05Z","chat":{"channel":"public","from":"d2","name":"Boris","text":"Comrades!","at":"1934-02-10T12:00:05Z"},"by":"d2","key":"k1"}
{"kind":"started","at":"1934-02-10T12:01:00Z","match":"m-1","seed":42,"players":["d1","d2","d3","d4","d5"]}
{"kind":"act","at":"1934-02-10T12:01:10Z","command":{"kind":"pause","seat":-1,"target":-1},"by":"d1","key":"k2"}`

func TestOldRecordsReplay(t *testing.T) {
	var recs []Record
	for _, line := range strings.Split(oldLog, "\n") {
		rec, err := Decode([]byte(line))
		require.NoError(t, err, line)
		assert.Equal(t, 1, rec.V, "a record without a version is of version 1")
		recs = append(recs, rec)
	}
	created := recs[0]
	require.NotNil(t, created.Settings)
	assert.Equal(t, 2, created.Settings.Threshold)
	assert.Equal(t, 8, created.Settings.MaxSpectators)
	assert.Equal(t, []byte{1, 2, 3}, created.TokenHash)
	require.NotNil(t, recs[5].Chat)
	assert.Equal(t, ChatLine{Channel: game.ChannelPublic, From: "d2", Name: "Boris", Text: "Comrades!", At: time.Date(1934, 2, 10, 12, 0, 5, 0, time.UTC)}, *recs[5].Chat)
	require.NotNil(t, recs[7].Command)
	assert.Equal(t, game.Command{Kind: game.CmdPause, Seat: game.NoSeat, Target: game.NoSeat}, *recs[7].Command)

	s, err := Replay("ABCDEF", recs, func(int, string, uint64) Player { return idle{} })
	require.NoError(t, err)
	assert.Equal(t, "https://congress.example", s.Base)
	assert.True(t, s.Public)
	assert.Equal(t, "d1", s.Host)
	assert.Equal(t, 30, s.Settings.HostAwaySeconds, "a log from before the setting: the default")
	assert.Len(t, s.Members, 5)
	assert.Equal(t, Playing, s.Phase)
	require.NotNil(t, s.Match)
	assert.Equal(t, "m-1", s.Match.ID)
	assert.Contains(t, s.Match.Bots, s.Member("d4").Seat, "the bot member plays its seat")
	assert.Len(t, s.Chat.Tail(func(game.Channel) bool { return true }), 1)
	assert.Equal(t, "d6", s.nextMember(), "the next member's ID follows the log's")
	_, applied := s.Keys["d1"].Lookup("k2")
	assert.True(t, applied, "a record's request key is known as applied")
}

func TestRecordVersions(t *testing.T) {
	data, err := Encode(Record{Kind: RecClosed, At: time.Date(1934, 2, 10, 12, 0, 0, 0, time.UTC)})
	require.NoError(t, err)
	assert.Contains(t, string(data), `"v":1`)
	rec, err := Decode(data)
	require.NoError(t, err)
	assert.Equal(t, Record{V: Version, Kind: RecClosed, At: time.Date(1934, 2, 10, 12, 0, 0, 0, time.UTC)}, rec)

	_, err = Decode([]byte(`{"v":2,"kind":"closed","at":"1934-02-10T12:00:00Z"}`))
	assert.ErrorContains(t, err, "newer", "a record of a later schema is refused, not misread")
	_, err = Decode([]byte(`{"kind":`))
	assert.Error(t, err)
}

// idle is a bot that never acts.
type idle struct{}

func (idle) Observe([]game.Event)                             {}
func (idle) Decide(game.View, time.Time) (game.Command, bool) { return game.Command{}, false }
func (idle) Think() time.Duration                             { return time.Second }

// TestSettingsRecordRoles: a settings record keeps the Congress roles and
// the Last Shot's timer by name; one written before them reads as the
// base game with the Last Shot's 60 seconds.
func TestSettingsRecordRoles(t *testing.T) {
	cfg := game.DefaultConfig()
	cfg.Roles = game.Roles(game.Koba, game.Nikolaev, game.Tukhachevsky)
	cfg.LastShotTime = 40 * time.Second
	s := SettingsOf(protocol.SettingsOf(cfg, 10))
	data, err := Encode(Record{Kind: RecSettings, At: time.Date(1934, 2, 10, 12, 0, 0, 0, time.UTC), Settings: &s})
	require.NoError(t, err)
	assert.Contains(t, string(data), `"roles":["koba","nikolaev","tukhachevsky"],"last_shot_seconds":40`)
	rec, err := Decode(data)
	require.NoError(t, err)
	back, err := rec.Settings.Config()
	require.NoError(t, err)
	assert.Equal(t, cfg, back)

	old, err := Decode([]byte(strings.Split(oldLog, "\n")[0]))
	require.NoError(t, err)
	assert.Zero(t, old.Settings.Roles)
	c, err := old.Settings.withDefaults().Config()
	require.NoError(t, err)
	assert.Zero(t, c.Roles)
	assert.Equal(t, 60*time.Second, c.LastShotTimer())
}
