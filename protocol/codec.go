package protocol

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"
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
	CodeBadMessage     Code = "bad_message"          // not valid JSON, or a field is wrong
	CodeUnknownType    Code = "unknown_type"         // no such message type
	CodeVersion        Code = "bad_version"          // the client speaks another protocol version
	CodeNotIdentified  Code = "not_identified"       // the first message must be join, resume or watch
	CodeAlreadyIn      Code = "already_in"           // join/resume/watch sent twice on one connection
	CodeUnknownLobby   Code = "unknown_lobby"        // no lobby with that code
	CodeLobbyDamaged   Code = "lobby_damaged"        // the lobby's log is damaged: it cannot open again
	CodeBadToken       Code = "bad_token"            // the token does not open any place (stale, or another lobby's)
	CodeBadName        Code = "bad_name"             // empty, too long, or control characters
	CodeNameTaken      Code = "name_taken"           // another member has that name
	CodeLobbyFull      Code = "lobby_full"           // 12 delegates already
	CodeGalleryFull    Code = "gallery_full"         // the spectator cap is reached
	CodeGameStarted    Code = "game_started"         // new delegates cannot join a running game
	CodeNotHost        Code = "not_host"             // only the host may do that
	CodeNotSeated      Code = "not_seated"           // spectators cannot act
	CodeNoGame         Code = "no_game"              // no game is running
	CodeChannelClosed  Code = "channel_closed"       // you may not write to that channel now
	CodeBadChat        Code = "bad_chat"             // empty or too long
	CodeRateLimited    Code = "rate_limited"         // too many messages; slow down
	CodeChatFull       Code = "chat_full"            // this speaker has said their share of lines for this game
	CodeTooManyChanges Code = "too_many_changes"     // the host has changed the lobby as often as it may in this game
	CodeCannotStart    Code = "cannot_start"         // start refused (see message)
	CodeUnknownMember  Code = "unknown_member"       // no such member in this lobby
	CodeLobbyCap       Code = "too_many_lobbies"     // this address opened too many lobbies
	CodeServerBusy     Code = "server_busy"          // the server cannot take this now (e.g. it could not save it)
	CodeStoreWaiting   Code = "store_waiting"        // not a refusal: the log is not answering, the last request waits for it
	CodeNotAbsent      Code = "not_absent"           // only an absent delegate's seat can go to a bot
	CodeTooManyConns   Code = "too_many_connections" // this address has too many connections open
	CodeNotFound       Code = "not_found"            // HTTP: no such page or resource
	CodeKicked         Code = "kicked"               // Closing: the host removed you; join and resume: the host removed this pass from the lobby
	CodeReplaced       Code = "replaced"             // Closing: your place was opened on another connection
	CodeReconnect      Code = "reconnect"            // Closing: the server is restarting or handing over; reconnect
	CodeTooSlow        Code = "too_slow"             // Closing: the connection could not keep up
	CodeLobbyClosed    Code = "lobby_closed"         // Closing: the lobby was closed
	CodeNotSpectator   Code = "not_spectator"        // only a spectator knocks
	CodeSeatHeld       Code = "seat_held"            // sit: a delegate holds that seat; only a seat a bot plays is open
	CodeSeatTaken      Code = "seat_taken"           // resume: the host gave your seat to a new delegate while a bot played it
	CodeMoved          Code = "moved"                // Closing: your seat moved to another device by its move link
	CodeBadMove        Code = "bad_move"             // resume: the move link has expired or was used already
	CodeSawRoles       Code = "saw_roles"            // sit: an admitted spectator has seen every role of this game; the next game only
	CodeTooBig         Code = "message_too_big"      // close status 1009: a message beyond MaxMessageBytes
	CodeHandshake      Code = "handshake"            // the WebSocket handshake was refused (a foreign origin)
	CodeNoReview       Code = "no_review"            // no review is under way: the host starts one after the game
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

// bodies are the client messages by type.
var bodies = map[Type]reflect.Type{
	TypeJoin:   reflect.TypeFor[Join](),
	TypeResume: reflect.TypeFor[Resume](),
	TypeWatch:  reflect.TypeFor[Watch](),
	TypeAct:    reflect.TypeFor[Act](),
	TypeSay:    reflect.TypeFor[Say](),
	TypeHost:   reflect.TypeFor[Host](),
	TypeLeave:  reflect.TypeFor[Leave](),
	TypeKnock:  reflect.TypeFor[Knock](),
	TypeSit:    reflect.TypeFor[Sit](),
	TypeMove:   reflect.TypeFor[Move](),
}

// required are the fields each message must carry besides "v" and
// "type". A field missing is never taken as its zero value: seat 0, the
// public channel and request 0 are real values. The fields that only some
// commands or host actions take are required by validate.
var required = map[Type][]string{
	TypeJoin:   {"lobby", "name"},
	TypeResume: {"lobby"}, // and "token" or "move"
	TypeWatch:  {"lobby"},
	TypeAct:    {"id", "kind"},
	TypeSay:    {"id", "channel", "text"},
	TypeHost:   {"id", "action"},
	TypeLeave:  {"id"},
	TypeKnock:  {"id", "name"},
	TypeSit:    {"id", "seat", "name"},
	TypeMove:   {"id"},
}

// fieldHelp says, for a refusal naming a missing field, what goes in it.
var fieldHelp = map[string]string{
	"id":        "a number, echoed in the answer to this request",
	"lobby":     "the lobby's code, like K7QXM2",
	"name":      "the delegate's name",
	"token":     "the pass from the welcome",
	"kind":      "the command, one of the view's actions",
	"target":    "the seat the command is aimed at",
	"purge":     "true to purge, false to spare",
	"channel":   "the channel to write to",
	"text":      "the line to say",
	"action":    "what the host does",
	"member":    "the member's ID",
	"public":    "true to list the lobby publicly, false not to",
	"bot":       "true to hand the seat to a bot, false to hand it back",
	"settings":  "the whole settings",
	"spectator": "the spectator's gallery ID, from the lobby's knocks",
	"seat":      "the seat asked for, from the lobby's open seats, or -1 for the next game",
}

func missing(field string) *Error {
	return Errorf(CodeBadMessage, "This message needs %q: %s.", field, fieldHelp[field])
}

// fields is a message's fields as sent: each key exactly once.
type fields map[string]json.RawMessage

func (f fields) has(name string) bool { _, ok := f[name]; return ok }

// Decode parses one client message and validates every field. It never
// panics. Keys match exactly (no other case, no key twice, no unknown
// key, at any depth), and a required field must be present. A refusal is
// an *Error: CodeBadMessage (not JSON, a missing, unknown or ill-typed
// field, a value out of range), game.CodeBadCommand (no such command),
// CodeUnknownType, CodeVersion, or the code of the field at fault
// (CodeBadName, CodeBadChat, CodeUnknownLobby, CodeBadToken,
// game.CodeConfig).
func Decode(data []byte) (Client, error) {
	if len(data) > MaxMessageBytes {
		return nil, Errorf(CodeBadMessage, "That message is too long.")
	}
	if !utf8.Valid(data) {
		return nil, Errorf(CodeBadMessage, "That message is not valid UTF-8 text.")
	}
	top, err := members(data, true)
	if err != nil {
		return nil, err
	}
	var env envelope
	if raw, ok := top["type"]; ok {
		t, ok := stringOf(raw)
		if !ok {
			return nil, Errorf(CodeBadMessage, "The field \"type\" is a string, like \"act\".")
		}
		env.Type = Type(t)
	}
	body, ok := bodies[env.Type]
	if !ok {
		return nil, Errorf(CodeUnknownType, "Unknown message type %q.", clip(string(env.Type), 32))
	}
	if raw, ok := top["v"]; !ok || (string(raw) != versionText && (json.Unmarshal(raw, &env.V) != nil || env.V != Version)) {
		return nil, Errorf(CodeVersion, "This client speaks another protocol than the server's (version %d). Reload the page.", Version)
	}
	if err := checkKeys(top, envelopeFields, body); err != nil {
		return nil, err
	}
	for _, name := range required[env.Type] {
		if !top.has(name) {
			return nil, missing(name)
		}
	}
	if err := checkNames(top, body); err != nil {
		return nil, err
	}
	dst := reflect.New(body)
	if err := json.Unmarshal(data, dst.Interface()); err != nil {
		return nil, valueError(err)
	}
	msg := dst.Elem().Interface().(Client)
	if !validKey(RequestKey(msg)) {
		return nil, Errorf(CodeBadMessage, "A request key is 1 to %d letters, digits, '-' or '_'.", MaxKeyBytes)
	}
	return validate(msg, top)
}

// DecodeBody reads an HTTP API body (CreateLobby) into dst, a pointer to
// a struct, as strictly as Decode reads a message: one JSON object, keys
// exactly as the struct's JSON names at every depth, each once. It
// checks no value: that is the caller's. A refusal is CodeBadMessage.
func DecodeBody(data []byte, dst any) error {
	if !utf8.Valid(data) {
		return Errorf(CodeBadMessage, "The request body is not valid UTF-8 text.")
	}
	top, err := members(data, true)
	if err != nil {
		return err
	}
	if err := checkKeys(top, nil, reflect.TypeOf(dst).Elem()); err != nil {
		return err
	}
	if err := json.Unmarshal(data, dst); err != nil {
		return valueError(err)
	}
	return nil
}

// members reads a JSON object's members: anything but one object, or a
// key given twice, is refused. Top says the object is the whole message,
// with nothing after it.
func members(data []byte, top bool) (fields, error) {
	// Most messages are well formed: one pass of encoding/json reads
	// them, and counting the members tells whether a key came twice. The
	// token by token reading below is for the others, to say what is
	// wrong with them.
	var f fields
	if json.Unmarshal(data, &f) == nil && f != nil && len(f) == topMembers(data) {
		return f, nil
	}
	return membersSlowly(data, top)
}

// topMembers counts the members of the JSON object data is (valid JSON):
// the colons outside strings at its first depth.
func topMembers(data []byte) int {
	n, depth, inString := 0, 0, false
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch {
		case inString:
			if c == '\\' {
				i++
			} else if c == '"' {
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			depth--
		case c == ':' && depth == 1:
			n++
		}
	}
	return n
}

func membersSlowly(data []byte, top bool) (fields, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		if top {
			return nil, Errorf(CodeBadMessage, "That message is not a JSON object.")
		}
		return nil, nil // not an object: the decoder says what is wrong with it
	}
	f := fields{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, Errorf(CodeBadMessage, "That message is not valid JSON.")
		}
		key, _ := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, Errorf(CodeBadMessage, "That message is not valid JSON.")
		}
		if f.has(key) {
			return nil, Errorf(CodeBadMessage, "The field %q is given twice.", clip(key, 32))
		}
		f[key] = raw
	}
	if _, err := dec.Token(); err != nil {
		return nil, Errorf(CodeBadMessage, "That message is not valid JSON.")
	}
	if _, err := dec.Token(); top && err != io.EOF {
		return nil, Errorf(CodeBadMessage, "Send one JSON object per message.")
	}
	return f, nil
}

var envelopeFields = wireNames(reflect.TypeFor[envelope]())

// checkKeys refuses a key that is no field of the known ones or of t,
// exactly as spelled, and checks the keys of objects nested in t's fields
// the same way. (encoding/json matches keys ignoring case, so "TYPE"
// would pass for "type" without this.)
func checkKeys(f fields, known map[string]reflect.Type, t reflect.Type) error {
	names := wireNames(t)
	for key, raw := range f {
		ft, ok := names[key]
		if !ok {
			if _, ok = known[key]; !ok {
				return unknownField(key, names)
			}
			continue
		}
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if ft.Kind() != reflect.Struct || ft == reflect.TypeFor[time.Time]() {
			continue
		}
		inner, err := members(raw, false)
		if err != nil {
			return err
		}
		if err := checkKeys(inner, nil, ft); err != nil {
			return err
		}
	}
	return nil
}

func unknownField(key string, names map[string]reflect.Type) *Error {
	for name := range names {
		if strings.EqualFold(name, key) {
			return Errorf(CodeBadMessage, "Field names are lower case: %q, not %q.", name, clip(key, 32))
		}
	}
	return Errorf(CodeBadMessage, "This message has no field %q.", clip(key, 32))
}

// wireNames are the JSON names of t's fields, those of embedded structs
// included, with their types.
func wireNames(t reflect.Type) map[string]reflect.Type {
	if names, ok := wireNameCache.Load(t); ok {
		return names.(map[string]reflect.Type)
	}
	names := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			maps.Copy(names, wireNames(f.Type))
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		names[name] = f.Type
	}
	wireNameCache.Store(t, names)
	return names
}

var wireNameCache sync.Map // reflect.Type → map[string]reflect.Type

// valueError is the refusal of a field whose value does not fit it.
func valueError(err error) *Error {
	var refused *Error // a value's own refusal, in words for a player (the roles)
	if errors.As(err, &refused) {
		return refused
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return Errorf(CodeBadMessage, "The field %q takes %s; this one is a JSON %s.", clip(te.Field, 40), jsonKind(te.Type), clip(te.Value, 20))
	}
	return Errorf(CodeBadMessage, "A field of that message has a value it cannot take.")
}

// checkNames refuses a name that is no value of its field: a command,
// a channel. (The enums' own errors are Go's words, not a player's.)
func checkNames(f fields, t reflect.Type) error {
	for _, key := range nameFields[t] {
		ft := wireNames(t)[key]
		raw, ok := f[key]
		if !ok {
			continue
		}
		name, ok := stringOf(raw)
		if !ok {
			continue // not a string: the decoder refuses its type
		}
		if reflect.New(ft).Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(name)) == nil {
			continue
		}
		switch ft {
		case reflect.TypeFor[game.CommandKind]():
			return Errorf(game.CodeBadCommand, "There is no command %q. Send one of the view's actions.", clip(name, 32))
		case reflect.TypeFor[game.Channel]():
			return Errorf(CodeBadMessage, "There is no channel %q. Write to one of %s.", clip(name, 32), channelNames)
		}
		return Errorf(CodeBadMessage, "The field %q cannot be %q.", key, clip(name, 32))
	}
	return nil
}

var textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()

// nameFields are, for each message, its fields whose values are names
// (a command, a channel): those checkNames reads.
var nameFields = func() map[reflect.Type][]string {
	out := map[reflect.Type][]string{}
	for _, t := range bodies {
		for key, ft := range wireNames(t) {
			if reflect.PointerTo(ft).Implements(textUnmarshaler) {
				out[t] = append(out[t], key)
			}
		}
	}
	return out
}()

var versionText = strconv.Itoa(Version)

// stringOf is the JSON string raw holds, if it is one: as written when
// it has no escapes (the names of types, commands and channels have
// none), else through encoding/json.
func stringOf(raw []byte) (string, bool) {
	if len(raw) >= 2 && raw[0] == '"' && raw[len(raw)-1] == '"' && !bytes.ContainsAny(raw[1:len(raw)-1], "\\\"") {
		return string(raw[1 : len(raw)-1]), true
	}
	var s string
	return s, json.Unmarshal(raw, &s) == nil
}

// channelNames lists the channels for a refusal: "public, plotters, …".
var channelNames = func() string {
	names := make([]string, len(game.Channels))
	for i, ch := range game.Channels {
		names[i] = ch.String()
	}
	return strings.Join(names, ", ")
}()

// jsonKind names the JSON value a Go type takes, for a refusal.
func jsonKind(t reflect.Type) string {
	if reflect.PointerTo(t).Implements(textUnmarshaler) {
		return "a name, as a string"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "a whole number"
	case reflect.Struct, reflect.Pointer:
		return "an object"
	}
	return "another kind of value"
}

// validate checks every field of a decoded message and returns it
// normalised (codes upper-cased, names and chat trimmed). f holds the
// fields as sent, for those required only by some commands or actions.
func validate(m Client, f fields) (Client, error) {
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
		if f.has("former") && !ValidToken(v.Former) {
			return nil, Errorf(CodeBadMessage, "\"former\" is a pass this lobby gave, as the welcome carried it.")
		}
		v.Lobby, v.Name = code, name
		return v, nil
	case Watch:
		code, err := lobbyCode(v.Lobby)
		if err != nil {
			return nil, err
		}
		v.Lobby = code
		if f.has("name") {
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
		switch {
		case v.Token == "" && v.Move == "":
			return nil, missing("token")
		case v.Move != "" && v.Token != "":
			return nil, Errorf(CodeBadMessage, "Resume with the pass or with a move link, not both.")
		case v.Move != "" && !ValidToken(v.Move):
			return nil, Errorf(CodeBadMove, "This move link is not valid. On the first device, choose Move to another device again.")
		case v.Move == "" && !ValidToken(v.Token):
			return nil, Errorf(CodeBadToken, "That pass is not valid. Join the lobby again with its code.")
		}
		v.Lobby = code
		return v, nil
	case Act:
		// Which fields a command takes is the game's to say.
		if v.Kind.TakesTarget() {
			if !f.has("target") {
				return nil, missing("target")
			}
			if v.Target < game.NoSeat || v.Target >= game.MaxSeats {
				return nil, Errorf(CodeBadMessage, "A target is a seat number from 0 to %d.", game.MaxSeats-1)
			}
		}
		if v.Kind.TakesPurge() && !f.has("purge") {
			return nil, missing("purge")
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
		return validateHost(v, f)
	case Leave:
		return v, nil
	case Knock:
		name, err := CleanName(v.Name)
		if err != nil {
			return nil, err
		}
		v.Name = name
		return v, nil
	case Sit:
		name, err := CleanName(v.Name)
		if err != nil {
			return nil, err
		}
		if v.Seat < NextGame || v.Seat >= game.MaxSeats {
			return nil, Errorf(CodeBadMessage, "A seat is a number from 0 to %d, or -1 for the next game.", game.MaxSeats-1)
		}
		if f.has("former") && !ValidToken(v.Former) {
			return nil, Errorf(CodeBadMessage, "\"former\" is a pass this lobby gave, as the welcome carried it.")
		}
		v.Name = name
		return v, nil
	case Move:
		return v, nil
	case Review:
		return validateReview(v, f)
	}
	return validateVoice(m)
}

// hostFields are the fields each host action takes, besides "id" and
// "action"; all of them are required.
var hostFields = map[HostAction][]string{
	HostSettings:  {"settings"},
	HostPublic:    {"public"},
	HostKick:      {"member"},
	HostMakeHost:  {"member"},
	HostAddBot:    {}, // "strength" is optional: normal by default
	HostRemoveBot: {"member"},
	HostBotSeat:   {"member", "bot"},
	HostStart:     {},
	HostRematch:   {},
	HostAdmit:     {"spectator"},
	HostDeny:      {"spectator"},
	HostSitAdmit:  {"spectator"},
	HostSitDeny:   {"spectator"},
}

func validateHost(v Host, f fields) (Client, error) {
	takes, ok := hostFields[v.Action]
	if !ok {
		return nil, Errorf(CodeBadMessage, "Unknown host action %q.", clip(string(v.Action), 32))
	}
	for _, name := range takes {
		if !f.has(name) {
			return nil, missing(name)
		}
	}
	if len(v.Member) > MaxMemberIDBytes || len(v.Spectator) > MaxMemberIDBytes {
		return nil, Errorf(CodeUnknownMember, "There is no such member in this lobby.")
	}
	switch v.Action {
	case HostSettings:
		if v.Settings == nil {
			return nil, missing("settings")
		}
		// The orders go whole: a setting left out would be taken as 0.
		inner, _ := members(f["settings"], false)
		for name := range wireNames(reflect.TypeFor[Settings]()) {
			if !inner.has(name) {
				return nil, Errorf(CodeBadMessage, "The settings need %q: send every setting, changed or not.", name)
			}
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
		if v.Strength != StrengthEasy && v.Strength != StrengthNormal && v.Strength != StrengthHard {
			return nil, Errorf(CodeBadMessage, "A bot is easy, normal or hard.")
		}
	}
	return v, nil
}

// Bot strengths on the wire.
const (
	StrengthEasy   = "easy"
	StrengthNormal = "normal"
	StrengthHard   = "hard"
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
