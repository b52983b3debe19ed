package protocol

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"congress/game"
)

// Error is the project's one refusal type (shared with the rules engine):
// a stable Code and a Message safe to show the player.
type Error = game.Error

// Code is a stable refusal code.
type Code = game.Code

// Refusal codes of the protocol and server, in addition to the rules
// engine's codes (game.Code*), which reach clients unchanged.
const (
	CodeBadMessage    Code = "bad_message"      // not valid JSON, or a field is wrong
	CodeUnknownType   Code = "unknown_type"     // no such message type
	CodeVersion       Code = "bad_version"      // the client speaks another protocol version
	CodeNotIdentified Code = "not_identified"   // the first message must be join, resume or watch
	CodeAlreadyIn     Code = "already_in"       // join/resume/watch sent twice on one connection
	CodeUnknownLobby  Code = "unknown_lobby"    // no lobby with that code
	CodeBadToken      Code = "bad_token"        // the token does not open any place (stale, or another lobby's)
	CodeBadName       Code = "bad_name"         // empty, too long, or control characters
	CodeNameTaken     Code = "name_taken"       // another member has that name
	CodeLobbyFull     Code = "lobby_full"       // 12 delegates already
	CodeGalleryFull   Code = "gallery_full"     // the spectator cap is reached
	CodeGameStarted   Code = "game_started"     // new delegates cannot join a running game
	CodeNotHost       Code = "not_host"         // only the host may do that
	CodeNotSeated     Code = "not_seated"       // spectators cannot act
	CodeNoGame        Code = "no_game"          // no game is running
	CodeChannelClosed Code = "channel_closed"   // you may not write to that channel now
	CodeBadChat       Code = "bad_chat"         // empty or too long
	CodeRateLimited   Code = "rate_limited"     // too many messages; slow down
	CodeCannotStart   Code = "cannot_start"     // start refused (see message)
	CodeUnknownMember Code = "unknown_member"   // no such member in this lobby
	CodeLobbyCap      Code = "too_many_lobbies" // this address opened too many lobbies
	CodeServerBusy    Code = "server_busy"      // the server cannot take this now
	CodeKicked        Code = "kicked"           // Closing: the host removed you
	CodeReplaced      Code = "replaced"         // Closing: your place was opened on another connection
	CodeReconnect     Code = "reconnect"        // Closing: the server is restarting or handing over; reconnect
	CodeTooSlow       Code = "too_slow"         // Closing: the connection could not keep up
	CodeLobbyClosed   Code = "lobby_closed"     // Closing: the lobby was closed
)

// Errorf builds a refusal.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// envelope is the part of every client message read before its body.
type envelope struct {
	V    int  `json:"v"`
	Type Type `json:"type"`
}

// Decode parses one client message and validates every field. It never
// panics; a refusal is an *Error with CodeBadMessage, CodeUnknownType or
// CodeVersion.
func Decode(data []byte) (Client, error) {
	if len(data) > MaxMessageBytes {
		return nil, Errorf(CodeBadMessage, "That message is too long.")
	}
	var env envelope
	if err := json.Unmarshal(data, &env); err != nil {
		return nil, Errorf(CodeBadMessage, "That message is not valid JSON.")
	}
	var msg Client
	switch env.Type {
	case TypeJoin:
		if env.V != Version {
			return nil, Errorf(CodeVersion, "This client speaks protocol %d; the server speaks %d. Reload the page.", env.V, Version)
		}
		msg = &Join{}
	case TypeResume:
		if env.V != Version {
			return nil, Errorf(CodeVersion, "This client speaks protocol %d; the server speaks %d. Reload the page.", env.V, Version)
		}
		msg = &Resume{}
	case TypeWatch:
		if env.V != Version {
			return nil, Errorf(CodeVersion, "This client speaks protocol %d; the server speaks %d. Reload the page.", env.V, Version)
		}
		msg = &Watch{}
	case TypeAct:
		msg = &Act{}
	case TypeSay:
		msg = &Say{}
	case TypeHost:
		msg = &Host{}
	case TypeLeave:
		msg = &Leave{}
	default:
		return nil, Errorf(CodeUnknownType, "Unknown message type %q.", clip(string(env.Type), 32))
	}
	if err := decodeInto(data, msg); err != nil {
		return nil, err
	}
	if err := validate(msg); err != nil {
		return nil, err
	}
	return deref(msg), nil
}

// decodeInto decodes the whole object into msg, accepting the envelope
// fields and refusing unknown ones.
func decodeInto(data []byte, msg Client) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return Errorf(CodeBadMessage, "That message is not valid JSON.")
	}
	delete(raw, "v")
	delete(raw, "type")
	rest, _ := json.Marshal(raw)
	inner := json.NewDecoder(bytes.NewReader(rest))
	inner.DisallowUnknownFields()
	if err := inner.Decode(msg); err != nil {
		return Errorf(CodeBadMessage, "A field of that message is wrong: %s.", clip(fieldError(err), 80))
	}
	return nil
}

func fieldError(err error) string {
	var te *json.UnmarshalTypeError
	if ok := asType(err, &te); ok && te.Field != "" {
		return te.Field + " has the wrong type"
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

func asType(err error, te **json.UnmarshalTypeError) bool {
	t, ok := err.(*json.UnmarshalTypeError)
	if ok {
		*te = t
	}
	return ok
}

func deref(m Client) Client {
	switch v := m.(type) {
	case *Join:
		return *v
	case *Resume:
		return *v
	case *Watch:
		return *v
	case *Act:
		return *v
	case *Say:
		return *v
	case *Host:
		return *v
	case *Leave:
		return *v
	}
	return m
}

func validate(m Client) error {
	switch v := m.(type) {
	case *Join:
		v.Lobby = NormalizeCode(v.Lobby)
		if !ValidCode(v.Lobby) {
			return Errorf(CodeUnknownLobby, "A lobby code is %d letters and digits, like K7QXM2.", CodeLength)
		}
		name, err := CleanName(v.Name)
		if err != nil {
			return err
		}
		v.Name = name
	case *Watch:
		v.Lobby = NormalizeCode(v.Lobby)
		if !ValidCode(v.Lobby) {
			return Errorf(CodeUnknownLobby, "A lobby code is %d letters and digits, like K7QXM2.", CodeLength)
		}
		if v.Name != "" {
			name, err := CleanName(v.Name)
			if err != nil {
				return err
			}
			v.Name = name
		}
	case *Resume:
		if len(v.Token) != TokenLength {
			return Errorf(CodeBadToken, "That pass is not valid. Join the lobby again with its code.")
		}
	case *Say:
		t := strings.TrimSpace(v.Text)
		if t == "" || !utf8.ValidString(t) || utf8.RuneCountInString(t) > MaxChatRunes {
			return Errorf(CodeBadChat, "A chat line is 1 to %d characters.", MaxChatRunes)
		}
		for _, r := range t {
			if unicode.IsControl(r) && r != '\n' {
				return Errorf(CodeBadChat, "Chat lines cannot contain control characters.")
			}
		}
		v.Text = t
	case *Host:
		switch v.Action {
		case HostSettings:
			if v.Settings == nil {
				return Errorf(CodeBadMessage, "Send the settings to change.")
			}
		case HostKick, HostMakeHost, HostRemoveBot, HostBotSeat:
			if v.Member == "" {
				return Errorf(CodeBadMessage, "Say which member.")
			}
		case HostAddBot:
			if v.Strength == "" {
				v.Strength = "normal"
			}
			if v.Strength != "easy" && v.Strength != "normal" {
				return Errorf(CodeBadMessage, "A bot is easy or normal.")
			}
		case HostPublic, HostStart, HostRematch:
		default:
			return Errorf(CodeBadMessage, "Unknown host action %q.", clip(string(v.Action), 32))
		}
	}
	return nil
}

// TokenLength is the length of a reconnect token: 32 random bytes, base64url.
const TokenLength = 43

// NormalizeCode upper-cases a lobby code and drops spaces and dashes.
func NormalizeCode(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	return strings.NewReplacer(" ", "", "-", "").Replace(s)
}

// ValidCode reports whether s is a well-formed lobby code.
func ValidCode(s string) bool {
	if len(s) != CodeLength {
		return false
	}
	for _, r := range s {
		if !strings.ContainsRune(CodeAlphabet, r) {
			return false
		}
	}
	return true
}

// CleanName trims a delegate's name and checks it: 1 to MaxNameRunes
// characters, valid UTF-8, no control or invisible formatting characters.
func CleanName(s string) (string, error) {
	s = strings.TrimSpace(s)
	if !utf8.ValidString(s) {
		return "", Errorf(CodeBadName, "That name is not valid text.")
	}
	n := utf8.RuneCountInString(s)
	if n == 0 || n > MaxNameRunes {
		return "", Errorf(CodeBadName, "A delegate's name is 1 to %d characters.", MaxNameRunes)
	}
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return "", Errorf(CodeBadName, "A name cannot contain control characters.")
		}
	}
	return s, nil
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// EncodeClient renders a client message (for Go clients: bots over the
// network, the load generator, tests).
func EncodeClient(m Client) []byte { return Encode(m.clientType(), m) }

// Encode renders a server message with its type. Encoding a message of
// this package cannot fail; a failure is a programming error and panics.
func Encode(t Type, body any) []byte {
	b, err := json.Marshal(struct {
		Type Type `json:"type"`
		V    int  `json:"v"`
		Body any  `json:"-"`
	}{t, Version, nil})
	if err != nil {
		panic(err)
	}
	inner, err := json.Marshal(body)
	if err != nil {
		panic(fmt.Sprintf("protocol: encoding %s: %v", t, err))
	}
	if len(inner) <= 2 { // {} or null
		return b
	}
	// Splice the body's fields after "type" and "v": {"type":..,"v":1,<body>}.
	out := make([]byte, 0, len(b)+len(inner))
	out = append(out, b[:len(b)-1]...)
	out = append(out, ',')
	out = append(out, inner[1:]...)
	return out
}
