package protocol

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/game"
)

const token = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" // 43 base64url characters

func TestDecode(t *testing.T) {
	def := SettingsOf(game.DefaultConfig(), DefaultMaxSpectators)
	tests := []struct {
		name     string
		in       string
		want     Client
		wantCode Code
	}{
		{"join", `{"v":1,"type":"join","lobby":"k7qxm2","name":"  Anna "}`, Join{Lobby: "K7QXM2", Name: "Anna"}, ""},
		{"join with dashes", `{"v":1,"type":"join","lobby":"K7Q-XM2","name":"Anna"}`, Join{Lobby: "K7QXM2", Name: "Anna"}, ""},
		{"resume", `{"v":1,"type":"resume","lobby":"K7QXM2","token":"` + token + `"}`, Resume{Lobby: "K7QXM2", Token: token}, ""},
		{"watch anonymous", `{"v":1,"type":"watch","lobby":"K7QXM2"}`, Watch{Lobby: "K7QXM2"}, ""},
		{"watch named", `{"v":1,"type":"watch","lobby":"K7QXM2","name":"Olga"}`, Watch{Lobby: "K7QXM2", Name: "Olga"}, ""},
		{"act", `{"v":1,"type":"act","id":3,"kind":"denounce","target":4}`, Act{ID: 3, Kind: game.CmdDenounce, Target: 4}, ""},
		{"act vote", `{"v":1,"type":"act","id":4,"kind":"purge_vote","purge":true}`, Act{ID: 4, Kind: game.CmdPurgeVote, Purge: true}, ""},
		{"act host", `{"v":1,"type":"act","id":5,"kind":"end_phase"}`, Act{ID: 5, Kind: game.CmdEndPhase}, ""},
		{"say", `{"v":1,"type":"say","id":6,"channel":"public","text":" hello "}`, Say{ID: 6, Channel: game.ChannelPublic, Text: "hello"}, ""},
		{"host start", `{"v":1,"type":"host","id":7,"action":"start"}`, Host{ID: 7, Action: HostStart}, ""},
		{"host add bot default", `{"v":1,"type":"host","id":8,"action":"add_bot"}`, Host{ID: 8, Action: HostAddBot, Strength: "normal"}, ""},
		{"host add a hard bot", `{"v":1,"type":"host","id":8,"action":"add_bot","strength":"hard"}`, Host{ID: 8, Action: HostAddBot, Strength: "hard"}, ""},
		{"host settings", `{"v":1,"type":"host","id":9,"action":"settings","settings":` + mustJSON(def) + `}`, Host{ID: 9, Action: HostSettings, Settings: &def}, ""},
		{"leave", `{"v":1,"type":"leave","id":10}`, Leave{ID: 10}, ""},
		{"knock", `{"v":1,"type":"knock","id":11,"name":" Olga "}`, Knock{ID: 11, Name: "Olga"}, ""},
		{"admit", `{"v":1,"type":"host","id":12,"action":"admit","spectator":"s3"}`, Host{ID: 12, Action: HostAdmit, Spectator: "s3"}, ""},

		{"not json", `{"v":1,"type":`, nil, CodeBadMessage},
		{"not an object", `[1,2,3]`, nil, CodeBadMessage},
		{"empty", ``, nil, CodeBadMessage},
		{"invalid utf8", "{\"v\":1,\"type\":\"say\",\"id\":1,\"channel\":\"public\",\"text\":\"\xff\"}", nil, CodeBadMessage},
		{"unknown type", `{"v":1,"type":"launch"}`, nil, CodeUnknownType},
		{"no type", `{"v":1}`, nil, CodeUnknownType},
		{"type not a string", `{"v":1,"type":5}`, nil, CodeBadMessage},
		{"old version", `{"v":0,"type":"join","lobby":"K7QXM2","name":"Anna"}`, nil, CodeVersion},
		{"no version", `{"type":"join","lobby":"K7QXM2","name":"Anna"}`, nil, CodeVersion},
		{"future version on act", `{"v":2,"type":"act","id":1,"kind":"ready"}`, nil, CodeVersion},
		{"unknown field", `{"v":1,"type":"act","id":1,"kind":"ready","seat":3}`, nil, CodeBadMessage},
		{"trailing data", `{"v":1,"type":"leave","id":1} {"v":1,"type":"leave","id":1}`, nil, CodeBadMessage},
		{"wrong field type", `{"v":1,"type":"act","id":1,"kind":"denounce","target":"x"}`, nil, CodeBadMessage},
		{"unknown command", `{"v":1,"type":"act","id":1,"kind":"abdicate"}`, nil, game.CodeBadCommand},
		{"target too big", `{"v":1,"type":"act","id":1,"kind":"denounce","target":12}`, nil, CodeBadMessage},
		{"target negative", `{"v":1,"type":"act","id":1,"kind":"denounce","target":-2}`, nil, CodeBadMessage},
		{"unknown channel", `{"v":1,"type":"say","id":1,"channel":"kremlin","text":"hi"}`, nil, CodeBadMessage},
		{"empty chat", `{"v":1,"type":"say","id":1,"channel":"public","text":"   "}`, nil, CodeBadChat},
		{"long chat", `{"v":1,"type":"say","id":1,"channel":"public","text":"` + strings.Repeat("я", MaxChatRunes+1) + `"}`, nil, CodeBadChat},
		{"control chat", `{"v":1,"type":"say","id":1,"channel":"public","text":"a\u0007b"}`, nil, CodeBadChat},
		{"empty name", `{"v":1,"type":"join","lobby":"K7QXM2","name":" "}`, nil, CodeBadName},
		{"long name", `{"v":1,"type":"join","lobby":"K7QXM2","name":"` + strings.Repeat("a", MaxNameRunes+1) + `"}`, nil, CodeBadName},
		{"control name", `{"v":1,"type":"join","lobby":"K7QXM2","name":"An\u0000na"}`, nil, CodeBadName},
		{"invisible name", `{"v":1,"type":"join","lobby":"K7QXM2","name":"An\u200bna"}`, nil, CodeBadName},
		{"blank watch name", `{"v":1,"type":"watch","lobby":"K7QXM2","name":""}`, nil, CodeBadName},
		{"bad code", `{"v":1,"type":"join","lobby":"K7QXM0","name":"Anna"}`, nil, CodeUnknownLobby},
		{"short code", `{"v":1,"type":"watch","lobby":"K7Q"}`, nil, CodeUnknownLobby},
		{"short token", `{"v":1,"type":"resume","lobby":"K7QXM2","token":"abc"}`, nil, CodeBadToken},
		{"token alphabet", `{"v":1,"type":"resume","lobby":"K7QXM2","token":"` + strings.Repeat("!", TokenLength) + `"}`, nil, CodeBadToken},
		{"settings invalid", `{"v":1,"type":"host","id":1,"action":"settings","settings":{"debate_seconds":0}}`, nil, CodeBadMessage},
		{"unknown host action", `{"v":1,"type":"host","id":1,"action":"abdicate"}`, nil, CodeBadMessage},
		{"bot strength", `{"v":1,"type":"host","id":1,"action":"add_bot","strength":"godlike"}`, nil, CodeBadMessage},
		{"oversize", `{"v":1,"type":"say","id":1,"channel":"public","text":"` + strings.Repeat("a", MaxMessageBytes) + `"}`, nil, CodeBadMessage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decode([]byte(tt.in))
			if tt.wantCode != "" {
				require.Error(t, err)
				var e *Error
				require.True(t, errors.As(err, &e), "refusal is not an *Error: %v", err)
				assert.Equal(t, tt.wantCode, e.Code, e.Message)
				assert.NotEmpty(t, e.Message)
				assert.Nil(t, got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

// TestDecodeStrict: a field left out is never taken as its zero value,
// and keys match exactly as documented. Each refusal names the field at
// fault, in words for a person, never in Go's.
func TestDecodeStrict(t *testing.T) {
	def := mustJSON(SettingsOf(game.DefaultConfig(), DefaultMaxSpectators))
	tests := []struct {
		name     string
		in       string
		wantCode Code
		wantIn   string // in the message
	}{
		{"act without kind", `{"v":1,"type":"act","id":1,"target":0}`, CodeBadMessage, `"kind"`},
		{"denounce without target", `{"v":1,"type":"act","id":1,"kind":"denounce"}`, CodeBadMessage, `"target"`},
		{"strike without target", `{"v":1,"type":"act","id":1,"kind":"strike"}`, CodeBadMessage, `"target"`},
		{"purge vote without purge", `{"v":1,"type":"act","id":1,"kind":"purge_vote"}`, CodeBadMessage, `"purge"`},
		{"act without id", `{"v":1,"type":"act","kind":"ready"}`, CodeBadMessage, `"id"`},
		{"say without channel", `{"v":1,"type":"say","id":1,"text":"hello"}`, CodeBadMessage, `"channel"`},
		{"say without text", `{"v":1,"type":"say","id":1,"channel":"public"}`, CodeBadMessage, `"text"`},
		{"say without id", `{"v":1,"type":"say","channel":"public","text":"hello"}`, CodeBadMessage, `"id"`},
		{"host without id", `{"v":1,"type":"host","action":"start"}`, CodeBadMessage, `"id"`},
		{"host without action", `{"v":1,"type":"host","id":1}`, CodeBadMessage, `"action"`},
		{"public without public", `{"v":1,"type":"host","id":1,"action":"public"}`, CodeBadMessage, `"public"`},
		{"bot seat without bot", `{"v":1,"type":"host","id":1,"action":"bot_seat","member":"d3"}`, CodeBadMessage, `"bot"`},
		{"kick without member", `{"v":1,"type":"host","id":1,"action":"kick"}`, CodeBadMessage, `"member"`},
		{"settings without settings", `{"v":1,"type":"host","id":1,"action":"settings"}`, CodeBadMessage, `"settings"`},
		{"settings null", `{"v":1,"type":"host","id":1,"action":"settings","settings":null}`, CodeBadMessage, `"settings"`},
		{"leave without id", `{"v":1,"type":"leave"}`, CodeBadMessage, `"id"`},
		{"join without name", `{"v":1,"type":"join","lobby":"K7QXM2"}`, CodeBadMessage, `"name"`},
		{"join without lobby", `{"v":1,"type":"join","name":"Anna"}`, CodeBadMessage, `"lobby"`},
		{"resume without token", `{"v":1,"type":"resume","lobby":"K7QXM2"}`, CodeBadMessage, `"token"`},
		{"watch without lobby", `{"v":1,"type":"watch"}`, CodeBadMessage, `"lobby"`},
		{"knock without name", `{"v":1,"type":"knock","id":1}`, CodeBadMessage, `"name"`},
		{"admit without spectator", `{"v":1,"type":"host","id":1,"action":"admit"}`, CodeBadMessage, `"spectator"`},
		{"deny without spectator", `{"v":1,"type":"host","id":1,"action":"deny"}`, CodeBadMessage, `"spectator"`},

		{"unknown kind", `{"v":1,"type":"act","id":1,"kind":"bogus"}`, game.CodeBadCommand, `"bogus"`},
		{"kind not a string", `{"v":1,"type":"act","id":1,"kind":3}`, CodeBadMessage, `"kind"`},
		{"unknown channel", `{"v":1,"type":"say","id":1,"channel":"kremlin","text":"hi"}`, CodeBadMessage, `"kremlin"`},
		{"TYPE in capitals", `{"v":1,"TYPE":"join","lobby":"K7QXM2","name":"Anna"}`, CodeUnknownType, ""},
		{"type beside TYPE", `{"v":1,"type":"join","TYPE":"join","lobby":"K7QXM2","name":"Anna"}`, CodeBadMessage, `"TYPE"`},
		{"LOBBY in capitals", `{"v":1,"type":"join","LOBBY":"K7QXM2","name":"Anna"}`, CodeBadMessage, `"LOBBY"`},
		{"Kind capitalised", `{"v":1,"type":"act","id":1,"Kind":"ready"}`, CodeBadMessage, `"Kind"`},
		{"V in capitals", `{"V":1,"type":"leave","id":1}`, CodeVersion, ""},
		{"a key twice", `{"v":1,"type":"act","id":1,"kind":"ready","kind":"denounce","target":1}`, CodeBadMessage, `"kind"`},
		{"type twice", `{"v":1,"type":"leave","type":"act","id":1}`, CodeBadMessage, `"type"`},
		{"a settings key in capitals", `{"v":1,"type":"host","id":1,"action":"settings","settings":` + strings.Replace(def, `"plotters"`, `"PLOTTERS"`, 1) + `}`, CodeBadMessage, `"PLOTTERS"`},
		{"an unknown settings key", `{"v":1,"type":"host","id":1,"action":"settings","settings":` + strings.Replace(def, `{`, `{"cheat":true,`, 1) + `}`, CodeBadMessage, `"cheat"`},
		{"settings with one setting", `{"v":1,"type":"host","id":1,"action":"settings","settings":{"plotters":0}}`, CodeBadMessage, "send every setting"},
		{"settings without max_spectators", `{"v":1,"type":"host","id":1,"action":"settings","settings":` + strings.Replace(def, `,"max_spectators":50`, ``, 1) + `}`, CodeBadMessage, `"max_spectators"`},
		{"settings not an object", `{"v":1,"type":"host","id":1,"action":"settings","settings":[1]}`, CodeBadMessage, `"settings"`},
		{"settings without roles", `{"v":1,"type":"host","id":1,"action":"settings","settings":` + strings.Replace(def, `,"roles":[]`, ``, 1) + `}`, CodeBadMessage, `"roles"`},
		{"settings without the Last Shot", `{"v":1,"type":"host","id":1,"action":"settings","settings":` + strings.Replace(def, `,"last_shot_seconds":60`, ``, 1) + `}`, CodeBadMessage, `"last_shot_seconds"`},
		{"a role that is none", `{"v":1,"type":"host","id":1,"action":"settings","settings":` + strings.Replace(def, `"roles":[]`, `"roles":["beria"]`, 1) + `}`, game.CodeConfig, `no Congress role "beria"`},
		{"a base role", `{"v":1,"type":"host","id":1,"action":"settings","settings":` + strings.Replace(def, `"roles":[]`, `"roles":["kirov"]`, 1) + `}`, game.CodeConfig, `"kirov"`},
		{"roles not a list", `{"v":1,"type":"host","id":1,"action":"settings","settings":` + strings.Replace(def, `"roles":[]`, `"roles":"koba"`, 1) + `}`, CodeBadMessage, `settings.roles`},
		{"Nikolaev without Koba", `{"v":1,"type":"host","id":1,"action":"settings","settings":` + strings.Replace(def, `"roles":[]`, `"roles":["nikolaev"]`, 1) + `}`, game.CodeConfig, "Nikolaev plays only with Koba"},
		{"a Last Shot of two hours", `{"v":1,"type":"host","id":1,"action":"settings","settings":` + strings.Replace(def, `"last_shot_seconds":60`, `"last_shot_seconds":7200`, 1) + `}`, game.CodeConfig, "Last Shot"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decode([]byte(tt.in))
			require.Error(t, err, "accepted: %+v", got)
			var e *Error
			require.True(t, errors.As(err, &e), "refusal is not an *Error: %v", err)
			assert.Equal(t, tt.wantCode, e.Code, e.Message)
			assert.Contains(t, e.Message, tt.wantIn)
			assert.NotContains(t, e.Message, "game:")
			assert.NotContains(t, e.Message, "json:")
			assert.NotContains(t, e.Message, "CommandKind")
		})
	}

	// What each command requires, it takes from the rules: every kind
	// that takes a target is refused without one, and accepted with one.
	for _, k := range []game.CommandKind{game.CmdDenounce, game.CmdWithdraw, game.CmdReady, game.CmdUnready, game.CmdChairPick,
		game.CmdPurgeVote, game.CmdConfess, game.CmdLetter, game.CmdInvestigate, game.CmdStrike, game.CmdEndPhase, game.CmdPause, game.CmdResume} {
		bare := `{"v":1,"type":"act","id":1,"kind":"` + k.String() + `"}`
		_, err := Decode([]byte(bare))
		assert.Equal(t, k.TakesTarget() || k.TakesPurge(), err != nil, "%s alone: %v", k, err)
		full := `{"v":1,"type":"act","id":1,"kind":"` + k.String() + `","target":2,"purge":false}`
		got, err := Decode([]byte(full))
		require.NoError(t, err, "%s", k)
		assert.Equal(t, k, got.(Act).Kind)
	}
}

func TestDecodeBody(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		wantIn string // in the refusal; "" when accepted
	}{
		{"accepted", `{"name":"Anna","public":true}`, ""},
		{"with settings", `{"name":"Anna","settings":` + mustJSON(SettingsOf(game.DefaultConfig(), 5)) + `}`, ""},
		{"a key in capitals", `{"NAME":"Anna"}`, `"NAME"`},
		{"an unknown key", `{"name":"Anna","admin":true}`, `"admin"`},
		{"a settings key in capitals", `{"name":"Anna","settings":{"Plotters":1}}`, `"Plotters"`},
		{"a key twice", `{"name":"Anna","name":"Boris"}`, `"name"`},
		{"trailing data", `{"name":"Anna"} {}`, "one JSON object"},
		{"not an object", `["Anna"]`, "not a JSON object"},
		{"a wrong type", `{"name":7}`, `"name"`},
		{"invalid UTF-8", "{\"name\":\"An\xffna\"}", "UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got CreateLobby
			err := DecodeBody([]byte(tt.in), &got)
			if tt.wantIn == "" {
				require.NoError(t, err)
				assert.Equal(t, "Anna", got.Name)
				return
			}
			var e *Error
			require.True(t, errors.As(err, &e), "%v", err)
			assert.Equal(t, CodeBadMessage, e.Code)
			assert.Contains(t, e.Message, tt.wantIn)
		})
	}
}

// FuzzDecodeBody: DecodeBody never panics, refuses with an *Error, and
// what it accepts re-encodes to a body it accepts the same.
func FuzzDecodeBody(f *testing.F) {
	for _, s := range []string{`{"name":"Anna","public":true}`, `{"NAME":"x"}`, `{"name":"a","name":"b"}`,
		`{"name":"Anna","settings":` + mustJSON(SettingsOf(game.DefaultConfig(), 5)) + `}`, `[]`, `null`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var got CreateLobby
		if err := DecodeBody(data, &got); err != nil {
			var e *Error
			require.True(t, errors.As(err, &e), "refusal is not an *Error: %v", err)
			return
		}
		var back CreateLobby
		require.NoError(t, DecodeBody([]byte(mustJSON(got)), &back))
		require.Equal(t, got, back)
	})
}

func TestSettingsRoundTrip(t *testing.T) {
	cfg := game.DefaultConfig()
	s := SettingsOf(cfg, 7)
	back, err := s.Config()
	require.NoError(t, err)
	assert.Equal(t, cfg, back)
	assert.Equal(t, 7, s.MaxSpectators)

	s.MaxSpectators = MaxSpectatorsCap + 1
	_, err = s.Config()
	require.Error(t, err)

	// The roles and the Last Shot's timer go through, and read as names.
	cfg.Roles = game.Roles(game.Koba, game.Nikolaev, game.Yagoda)
	cfg.LastShotTime = 45 * time.Second
	s = SettingsOf(cfg, 7)
	assert.Equal(t, 45, s.LastShotSeconds)
	assert.Contains(t, mustJSON(s), `"roles":["koba","nikolaev","yagoda"],"last_shot_seconds":45`)
	back, err = s.Config()
	require.NoError(t, err)
	assert.Equal(t, cfg, back)
	assert.Contains(t, mustJSON(SettingsOf(game.DefaultConfig(), 7)), `"roles":[],"last_shot_seconds":60`)
}

func TestEncode(t *testing.T) {
	got := Encode(TypeAck, Ack{ID: 7})
	assert.JSONEq(t, `{"type":"ack","v":1,"id":7}`, string(got))
	got = Encode(TypeError, Refused{ID: 2, Code: CodeRateLimited, Message: "Slow down."})
	assert.JSONEq(t, `{"type":"error","v":1,"id":2,"code":"rate_limited","message":"Slow down."}`, string(got))

	// A client message survives EncodeClient and Decode unchanged.
	for _, m := range []Client{
		Join{Lobby: "K7QXM2", Name: "Anna"},
		Resume{Lobby: "K7QXM2", Token: token},
		Act{ID: 1, Kind: game.CmdStrike, Target: 2},
		Say{ID: 2, Channel: game.ChannelSpectators, Text: "hi"},
		Host{ID: 3, Action: HostKick, Member: "d2"},
	} {
		back, err := Decode(EncodeClient(m))
		require.NoError(t, err)
		assert.Equal(t, m, back)
	}
}

// FuzzDecode: Decode never panics, refuses with an *Error, and whatever it
// accepts re-encodes to a message that decodes to the same value.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"v":1,"type":"join","lobby":"K7QXM2","name":"Anna"}`,
		`{"v":1,"type":"resume","lobby":"K7QXM2","token":"` + token + `"}`,
		`{"v":1,"type":"watch","lobby":"K7QXM2","name":"Olga"}`,
		`{"v":1,"type":"act","id":3,"kind":"denounce","target":4}`,
		`{"v":1,"type":"say","id":6,"channel":"public","text":"hello"}`,
		`{"v":1,"type":"host","id":9,"action":"settings","settings":` + mustJSON(SettingsOf(game.DefaultConfig(), 5)) + `}`,
		`{"v":1,"type":"host","id":8,"action":"bot_seat","member":"d3","bot":true}`,
		`{"v":1,"type":"leave"}`,
		`{"v":1,"type":"act","kind":"ready"} x`,
		`[]`, `null`, `{"type":null}`, "\xff",
		`{"v":1,"TYPE":"join","LOBBY":"K7QXM2","name":"Anna"}`,
		`{"v":1,"type":"act","id":1,"kind":"ready","kind":"denounce"}`,
		`{"v":1,"type":"act","id":1,"kind":"denounce"}`,
		`{"v":1,"type":"act","id":1,"kind":"bogus","target":1}`,
		`{"v":1,"type":"say","id":1,"text":"hi"}`,
		`{"v":1,"type":"host","id":1,"action":"public","public":false}`,
		`{"v":1,"type":"knock","id":1,"name":"Olga"}`,
		`{"v":1,"type":"host","id":1,"action":"admit","spectator":"s1"}`,
		`{"v":1,"type":"host","id":1,"action":"settings","settings":{"Plotters":1}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Decode(data)
		if err != nil {
			var e *Error
			require.True(t, errors.As(err, &e), "refusal is not an *Error: %v", err)
			require.NotEmpty(t, e.Code)
			require.Nil(t, m)
			return
		}
		// Nothing it accepts lacks a required field, spelled exactly.
		var sent map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(data, &sent))
		for _, name := range append([]string{"v", "type"}, required[m.clientType()]...) {
			require.Contains(t, sent, name)
		}
		back, err := Decode(EncodeClient(m))
		require.NoError(t, err, "re-encoded %s", EncodeClient(m))
		require.Equal(t, m, back)
	})
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// BenchmarkDecode: the server decodes every message a client sends.
func BenchmarkDecode(b *testing.B) {
	for _, m := range []struct{ name, in string }{
		{"act", `{"v":1,"type":"act","id":12,"kind":"denounce","target":4}`},
		{"say", `{"v":1,"type":"say","id":15,"channel":"public","text":"I have nothing to hide."}`},
	} {
		b.Run(m.name, func(b *testing.B) {
			data := []byte(m.in)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Decode(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// Every request takes a key (the browser client sends one with each),
// and a key that is not a key is refused.
func TestDecodeRequestKey(t *testing.T) {
	for _, raw := range []string{
		`{"v":1,"type":"act","id":1,"key":"k1","kind":"ready"}`,
		`{"v":1,"type":"say","id":2,"key":"k-2","channel":"public","text":"hi"}`,
		`{"v":1,"type":"host","id":3,"key":"k_3","action":"start"}`,
		`{"v":1,"type":"leave","id":4,"key":"0123456789abcdef0123456789abcdef"}`,
		`{"v":1,"type":"knock","id":5,"key":"k5","name":"Olga"}`,
	} {
		m, err := Decode([]byte(raw))
		require.NoError(t, err, raw)
		assert.NotEmpty(t, RequestKey(m), raw)
	}
	for _, key := range []string{`"a b"`, `"` + strings.Repeat("k", MaxKeyBytes+1) + `"`, `"ключ"`, `""`} {
		_, err := Decode([]byte(`{"v":1,"type":"say","id":2,"key":` + key + `,"channel":"public","text":"hi"}`))
		if key == `""` {
			assert.NoError(t, err, "an empty key is no key")
			continue
		}
		var e *Error
		require.ErrorAs(t, err, &e, key)
		assert.Equal(t, CodeBadMessage, e.Code, key)
	}
}
