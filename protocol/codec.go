package protocol

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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
	CodeBadMessage    Code = "bad_message"          // not valid JSON, or a field is wrong
	CodeUnknownType   Code = "unknown_type"         // no such message type
	CodeVersion       Code = "bad_version"          // the client speaks another protocol version
	CodeNotIdentified Code = "not_identified"       // the first message must be join, resume or watch
	CodeAlreadyIn     Code = "already_in"           // join/resume/watch sent twice on one connection
	CodeUnknownLobby  Code = "unknown_lobby"        // no lobby with that code
	CodeLobbyDamaged  Code = "lobby_damaged"        // the lobby's log is damaged: it cannot open again
	CodeBadToken      Code = "bad_token"            // the token does not open any place (stale, or another lobby's)
	CodeBadName       Code = "bad_name"             // empty, too long, or control characters
	CodeNameTaken     Code = "name_taken"           // another member has that name
	CodeLobbyFull     Code = "lobby_full"           // 12 delegates already
	CodeGalleryFull   Code = "gallery_full"         // the spectator cap is reached
	CodeGameStarted   Code = "game_started"         // new delegates cannot join a running game
	CodeNotHost       Code = "not_host"             // only the host may do that
	CodeNotSeated     Code = "not_seated"           // spectators cannot act
	CodeNoGame        Code = "no_game"              // no game is running
	CodeChannelClosed Code = "channel_closed"       // you may not write to that channel now
	CodeBadChat       Code = "bad_chat"             // empty or too long
	CodeRateLimited   Code = "rate_limited"         // too many messages; slow down
	CodeCannotStart   Code = "cannot_start"         // start refused (see message)
	CodeUnknownMember Code = "unknown_member"       // no such member in this lobby
	CodeLobbyCap      Code = "too_many_lobbies"     // this address opened too many lobbies
	CodeServerBusy    Code = "server_busy"          // the server cannot take this now (e.g. it could not save it)
	CodeStoreWaiting  Code = "store_waiting"        // not a refusal: the log is not answering, the last request waits for it
	CodeNotAbsent     Code = "not_absent"           // only an absent delegate's seat can go to a bot
	CodeTooManyConns  Code = "too_many_connections" // this address has too many connections open
	CodeNotFound      Code = "not_found"            // HTTP: no such page or resource
	CodeKicked        Code = "kicked"               // Closing: the host removed you
	CodeReplaced      Code = "replaced"             // Closing: your place was opened on another connection
	CodeReconnect     Code = "reconnect"            // Closing: the server is restarting or handing over; reconnect
	CodeTooSlow       Code = "too_slow"             // Closing: the connection could not keep up
	CodeLobbyClosed   Code = "lobby_closed"         // Closing: the lobby was closed
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
// panics. A refusal is an *Error: CodeBadMessage (not JSON, unknown or
// ill-typed field, value out of range), CodeUnknownType, CodeVersion, or
// the code of the field at fault (CodeBadName, CodeBadChat,
// CodeUnknownLobby, CodeBadToken, game.CodeConfig).
func Decode(data []byte) (Client, error) {
	if len(data) > MaxMessageBytes {
		return nil, Errorf(CodeBadMessage, "That message is too long.")
	}
	if !utf8.Valid(data) {
		return nil, Errorf(CodeBadMessage, "That message is not valid UTF-8 text.")
	}
	var env envelope
	if err := json.Unmarshal(data, &env); err != nil {
		return nil, Errorf(CodeBadMessage, "That message is not valid JSON.")
	}
	var (
		msg Client
		err error
	)
	// Each body is decoded beside the envelope so that "v" and "type" are
	// known fields and any other unknown field is refused.
	switch env.Type {
	case TypeJoin:
		var w struct {
			envelope
			Join
		}
		err = strict(data, &w)
		msg = w.Join
	case TypeResume:
		var w struct {
			envelope
			Resume
		}
		err = strict(data, &w)
		msg = w.Resume
	case TypeWatch:
		var w struct {
			envelope
			Watch
		}
		err = strict(data, &w)
		msg = w.Watch
	case TypeAct:
		var w struct {
			envelope
			Act
		}
		err = strict(data, &w)
		msg = w.Act
	case TypeSay:
		var w struct {
			envelope
			Say
		}
		err = strict(data, &w)
		msg = w.Say
	case TypeHost:
		var w struct {
			envelope
			Host
		}
		err = strict(data, &w)
		msg = w.Host
	case TypeLeave:
		var w struct {
			envelope
			Leave
		}
		err = strict(data, &w)
		msg = w.Leave
	default:
		return nil, Errorf(CodeUnknownType, "Unknown message type %q.", clip(string(env.Type), 32))
	}
	if env.V != Version {
		return nil, Errorf(CodeVersion, "This client speaks protocol %d; the server speaks %d. Reload the page.", env.V, Version)
	}
	if err != nil {
		return nil, err
	}
	if !validKey(RequestKey(msg)) {
		return nil, Errorf(CodeBadMessage, "A request key is 1 to %d letters, digits, '-' or '_'.", MaxKeyBytes)
	}
	return validate(msg)
}

// strict decodes the whole of data into dst, refusing unknown fields and
// anything after the object.
func strict(data []byte, dst any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return Errorf(CodeBadMessage, "A field of that message is wrong: %s.", clip(fieldError(err), 80))
	}
	if _, err := dec.Token(); err != io.EOF {
		return Errorf(CodeBadMessage, "Send one JSON object per message.")
	}
	return nil
}

func fieldError(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return te.Field + " has the wrong type"
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// validate checks every field of a decoded message and returns it
// normalised (codes upper-cased, names and chat trimmed).
func validate(m Client) (Client, error) {
	switch v := m.(type) {
	case Join:
		code, err := lobbyCode(v.Lobby)
		if err != nil {
			return nil, err
		}
		name, err := CleanName(v.Name)
		if err != nil {
			return nil, err
		}
		v.Lobby, v.Name = code, name
		return v, nil
	case Watch:
		code, err := lobbyCode(v.Lobby)
		if err != nil {
			return nil, err
		}
		v.Lobby = code
		if v.Name != "" {
			if v.Name, err = CleanName(v.Name); err != nil {
				return nil, err
			}
		}
		return v, nil
	case Resume:
		code, err := lobbyCode(v.Lobby)
		if err != nil {
			return nil, err
		}
		if !ValidToken(v.Token) {
			return nil, Errorf(CodeBadToken, "That pass is not valid. Join the lobby again with its code.")
		}
		v.Lobby = code
		return v, nil
	case Act:
		if v.Kind < game.CmdDenounce || v.Kind > game.CmdResume {
			return nil, Errorf(CodeBadMessage, "Unknown command.")
		}
		if v.Target < game.NoSeat || v.Target >= game.MaxSeats {
			return nil, Errorf(CodeBadMessage, "A target is a seat number from 0 to %d.", game.MaxSeats-1)
		}
		return v, nil
	case Say:
		text, err := CleanChat(v.Text)
		if err != nil {
			return nil, err
		}
		v.Text = text
		return v, nil
	case Host:
		return validateHost(v)
	case Leave:
		return v, nil
	}
	return nil, Errorf(CodeUnknownType, "Unknown message type.")
}

func validateHost(v Host) (Client, error) {
	if len(v.Member) > MaxMemberIDBytes {
		return nil, Errorf(CodeUnknownMember, "There is no such member in this lobby.")
	}
	switch v.Action {
	case HostSettings:
		if v.Settings == nil {
			return nil, Errorf(CodeBadMessage, "Send the settings to change.")
		}
		if _, err := v.Settings.Config(); err != nil {
			return nil, err
		}
	case HostKick, HostMakeHost, HostRemoveBot, HostBotSeat:
		if v.Member == "" {
			return nil, Errorf(CodeBadMessage, "Say which member.")
		}
	case HostAddBot:
		if v.Strength == "" {
			v.Strength = StrengthNormal
		}
		if v.Strength != StrengthEasy && v.Strength != StrengthNormal {
			return nil, Errorf(CodeBadMessage, "A bot is easy or normal.")
		}
	case HostPublic, HostStart, HostRematch:
	default:
		return nil, Errorf(CodeBadMessage, "Unknown host action %q.", clip(string(v.Action), 32))
	}
	return v, nil
}

// Bot strengths on the wire.
const (
	StrengthEasy   = "easy"
	StrengthNormal = "normal"
)

// MaxMemberIDBytes bounds a member ID in a Host message.
const MaxMemberIDBytes = 32

func lobbyCode(s string) (string, error) {
	code := NormalizeCode(s)
	if !ValidCode(code) {
		return "", Errorf(CodeUnknownLobby, "A lobby code is %d letters and digits, like K7QXM2.", CodeLength)
	}
	return code, nil
}

// CleanChat trims a chat line and checks it: 1 to MaxChatRunes characters,
// no control characters but newlines.
func CleanChat(s string) (string, error) {
	t := strings.TrimSpace(s)
	if t == "" || !utf8.ValidString(t) || utf8.RuneCountInString(t) > MaxChatRunes {
		return "", Errorf(CodeBadChat, "A chat line is 1 to %d characters.", MaxChatRunes)
	}
	for _, r := range t {
		if (unicode.IsControl(r) && r != '\n') || unicode.Is(unicode.Cf, r) {
			return "", Errorf(CodeBadChat, "Chat lines cannot contain control characters.")
		}
	}
	return t, nil
}

// TokenLength is the length of a reconnect token: 32 random bytes (256
// bits), base64url without padding.
const TokenLength = 43

// ValidToken reports whether s is shaped like a token: TokenLength
// characters of the base64url alphabet.
func ValidToken(s string) bool {
	if len(s) != TokenLength {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// NormalizeCode upper-cases a lobby code and drops spaces and dashes.
func NormalizeCode(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	return codeSeparators.Replace(s)
}

var codeSeparators = strings.NewReplacer(" ", "", "-", "")

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
