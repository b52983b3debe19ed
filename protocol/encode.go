package protocol

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"congress/game"
)

// The messages sent most (Game after every change of a game, to every
// connection; Ack and Error answering every request) are written by hand
// here rather than by encoding/json's reflection, which cost a fifth of
// the server's CPU under load. The output is byte for byte what
// encoding/json writes (tests compare the two over random values).
//
// If a type written here gains, loses or changes a field, the hand-written
// encoder no longer matches it: handEncoded is then false, every message
// goes through encoding/json (correct, only slower), and
// TestHandEncoderCoversTypes fails until this file is brought up to date.

// Encode renders a server message with its type. Encoding a message of
// this package cannot fail; a failure is a programming error and panics.
func Encode(t Type, body any) []byte {
	if handEncoded {
		switch b := body.(type) {
		case Game:
			return appendGameMessage(make([]byte, 0, 2048), t, &b)
		case *Game:
			return appendGameMessage(make([]byte, 0, 2048), t, b)
		case Ack:
			out := appendHead(make([]byte, 0, 48), t)
			out = append(out, `,"id":`...)
			out = strconv.AppendInt(out, b.ID, 10)
			return append(out, '}')
		case Refused:
			out := appendHead(make([]byte, 0, 64+len(b.Message)), t)
			out = append(out, `,"id":`...)
			out = strconv.AppendInt(out, b.ID, 10)
			out = append(out, `,"code":`...)
			out = appendString(out, string(b.Code))
			out = append(out, `,"message":`...)
			out = appendString(out, b.Message)
			return append(out, '}')
		}
	}
	return encodeReflect(t, body)
}

// encodeReflect is Encode through encoding/json: every message but the
// hand-written ones.
func encodeReflect(t Type, body any) []byte {
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

// appendHead writes `{"type":t,"v":Version` (the object left open).
func appendHead(b []byte, t Type) []byte {
	b = append(b, `{"type":`...)
	b = appendString(b, string(t))
	b = append(b, `,"v":`...)
	return strconv.AppendInt(b, Version, 10)
}

func appendGameMessage(b []byte, t Type, g *Game) []byte {
	b = appendHead(b, t)
	b = append(b, `,"view":`...)
	b = appendView(b, &g.View)
	b = append(b, `,"log":`...)
	if g.Log == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range g.Log {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendEvent(b, &g.Log[i])
		}
		b = append(b, ']')
	}
	b = append(b, `,"now":`...)
	b = appendTime(b, g.Now)
	return append(b, '}')
}

func appendView(b []byte, v *game.View) []byte {
	b = append(b, `{"session":`...)
	b = strconv.AppendInt(b, int64(v.Session), 10)
	b = append(b, `,"sessions":`...)
	b = strconv.AppendInt(b, int64(v.Sessions), 10)
	b = append(b, `,"phase":`...)
	b = appendEnum(b, v.Phase)
	b = append(b, `,"paused":`...)
	b = strconv.AppendBool(b, v.Paused)
	b = append(b, `,"deadline":`...)
	b = appendTime(b, v.Deadline)
	b = append(b, `,"chair":`...)
	b = strconv.AppendInt(b, int64(v.Chair), 10)
	b = append(b, `,"accused":`...)
	b = strconv.AppendInt(b, int64(v.Accused), 10)
	if len(v.Tied) > 0 {
		b = append(b, `,"tied":`...)
		b = appendInts(b, v.Tied)
	}
	b = append(b, `,"plotters":`...)
	b = strconv.AppendInt(b, int64(v.Plotters), 10)
	b = append(b, `,"investigator":`...)
	b = strconv.AppendBool(b, v.Investigator)
	b = append(b, `,"rules":`...)
	b = appendRules(b, v.Rules)
	b = append(b, `,"seats":`...)
	if v.Seats == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range v.Seats {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendSeat(b, &v.Seats[i])
		}
		b = append(b, ']')
	}
	b = append(b, `,"denunciations":`...)
	if v.Denunciations == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, d := range v.Denunciations {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"target":`...)
			b = strconv.AppendInt(b, int64(d.Target), 10)
			b = append(b, `,"source":`...)
			b = appendEnum(b, d.Source)
			b = append(b, `,"by":`...)
			b = strconv.AppendInt(b, int64(d.By), 10)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	if v.Ballot != nil {
		b = append(b, `,"ballot":{"accused":`...)
		b = strconv.AppendInt(b, int64(v.Ballot.Accused), 10)
		b = append(b, `,"purge":`...)
		b = strconv.AppendInt(b, int64(v.Ballot.Purge), 10)
		b = append(b, `,"spare":`...)
		b = strconv.AppendInt(b, int64(v.Ballot.Spare), 10)
		if len(v.Ballot.Votes) > 0 {
			b = append(b, `,"votes":`...)
			b = appendVotes(b, v.Ballot.Votes)
		}
		b = append(b, `,"purged":`...)
		b = strconv.AppendBool(b, v.Ballot.Purged)
		b = append(b, '}')
	}
	if len(v.FinalCount) > 0 {
		b = append(b, `,"final_count":`...)
		b = appendInts(b, v.FinalCount)
	}
	if v.Winner != 0 {
		b = append(b, `,"winner":`...)
		b = appendEnum(b, v.Winner)
	}
	if v.Reason != 0 {
		b = append(b, `,"reason":`...)
		b = appendEnum(b, v.Reason)
	}
	if v.You != nil {
		b = append(b, `,"you":`...)
		b = appendYou(b, v.You)
	}
	b = append(b, `,"actions":`...)
	b = appendActions(b, v.Actions)
	b = append(b, `,"host_actions":`...)
	b = appendActions(b, v.HostActions)
	b = append(b, `,"write":`...)
	b = appendEnums(b, v.Write)
	b = append(b, `,"read":`...)
	b = appendEnums(b, v.Read)
	return append(b, '}')
}

func appendRules(b []byte, r *game.Rules) []byte {
	if r == nil {
		return append(b, "null"...)
	}
	b = append(b, `{"threshold":`...)
	b = strconv.AppendInt(b, int64(r.Threshold), 10)
	b = append(b, `,"ballot":`...)
	b = appendEnum(b, r.Ballot)
	b = append(b, `,"reveal":`...)
	b = appendEnum(b, r.Reveal)
	b = append(b, `,"plotter_chat":`...)
	b = appendEnum(b, r.PlotterChat)
	b = append(b, `,"purged_see_roles":`...)
	b = strconv.AppendBool(b, r.PurgedSeeRoles)
	b = append(b, `,"spectators_see_roles":`...)
	b = strconv.AppendBool(b, r.SpectatorsSeeRoles)
	b = append(b, `,"roles":`...)
	if r.Roles == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, rc := range r.Roles {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"role":`...)
			b = appendEnum(b, rc.Role)
			b = append(b, `,"count":`...)
			b = strconv.AppendInt(b, int64(rc.Count), 10)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

// appendActions writes a view's actions, null when nil as encoding/json
// does.
func appendActions(b []byte, actions []game.Action) []byte {
	if actions == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i := range actions {
		a := &actions[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"kind":`...)
		b = appendEnum(b, a.Kind)
		if len(a.Targets) > 0 {
			b = append(b, `,"targets":`...)
			b = appendInts(b, a.Targets)
		}
		if len(a.Purge) > 0 {
			b = append(b, `,"purge":[`...)
			for j, p := range a.Purge {
				if j > 0 {
					b = append(b, ',')
				}
				b = strconv.AppendBool(b, p)
			}
			b = append(b, ']')
		}
		b = append(b, '}')
	}
	return append(b, ']')
}

func appendSeat(b []byte, s *game.SeatView) []byte {
	b = append(b, `{"seat":`...)
	b = strconv.AppendInt(b, int64(s.Seat), 10)
	b = append(b, `,"name":`...)
	b = appendString(b, s.Name)
	b = append(b, `,"alive":`...)
	b = strconv.AppendBool(b, s.Alive)
	if s.Ready {
		b = append(b, `,"ready":true`...)
	}
	if s.Voted {
		b = append(b, `,"voted":true`...)
	}
	b = append(b, `,"denounces":`...)
	b = strconv.AppendInt(b, int64(s.Denounces), 10)
	if s.Faction != 0 {
		b = append(b, `,"faction":`...)
		b = appendEnum(b, s.Faction)
	}
	if s.Role != 0 {
		b = append(b, `,"role":`...)
		b = appendEnum(b, s.Role)
	}
	return append(b, '}')
}

func appendYou(b []byte, y *game.You) []byte {
	b = append(b, `{"seat":`...)
	b = strconv.AppendInt(b, int64(y.Seat), 10)
	b = append(b, `,"role":`...)
	b = appendEnum(b, y.Role)
	b = append(b, `,"faction":`...)
	b = appendEnum(b, y.Faction)
	b = append(b, `,"alive":`...)
	b = strconv.AppendBool(b, y.Alive)
	if y.Vote != nil {
		b = append(b, `,"vote":`...)
		b = strconv.AppendBool(b, *y.Vote)
	}
	b = append(b, `,"choice":`...)
	b = strconv.AppendInt(b, int64(y.Choice), 10)
	if len(y.Investigations) > 0 {
		b = append(b, `,"investigations":[`...)
		for i, inv := range y.Investigations {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"session":`...)
			b = strconv.AppendInt(b, int64(inv.Session), 10)
			b = append(b, `,"target":`...)
			b = strconv.AppendInt(b, int64(inv.Target), 10)
			b = append(b, `,"faction":`...)
			b = appendEnum(b, inv.Faction)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	if len(y.Bloc) > 0 {
		b = append(b, `,"bloc":`...)
		b = appendInts(b, y.Bloc)
	}
	if y.Kirov != nil {
		b = append(b, `,"kirov":`...)
		b = strconv.AppendInt(b, int64(*y.Kirov), 10)
	}
	if len(y.Proposals) > 0 {
		b = append(b, `,"proposals":[`...)
		for i, p := range y.Proposals {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"seat":`...)
			b = strconv.AppendInt(b, int64(p.Seat), 10)
			b = append(b, `,"target":`...)
			b = strconv.AppendInt(b, int64(p.Target), 10)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

func appendEvent(b []byte, e *game.Event) []byte {
	b = append(b, `{"kind":`...)
	b = appendEnum(b, e.Kind)
	b = append(b, `,"at":`...)
	b = appendTime(b, e.At)
	b = append(b, `,"session":`...)
	b = strconv.AppendInt(b, int64(e.Session), 10)
	b = append(b, `,"phase":`...)
	b = appendEnum(b, e.Phase)
	b = append(b, `,"seat":`...)
	b = strconv.AppendInt(b, int64(e.Seat), 10)
	b = append(b, `,"target":`...)
	b = strconv.AppendInt(b, int64(e.Target), 10)
	if len(e.Seats) > 0 {
		b = append(b, `,"seats":`...)
		b = appendInts(b, e.Seats)
	}
	if len(e.Names) > 0 {
		b = append(b, `,"names":[`...)
		for i, n := range e.Names {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, n)
		}
		b = append(b, ']')
	}
	if e.Count != 0 {
		b = append(b, `,"count":`...)
		b = strconv.AppendInt(b, int64(e.Count), 10)
	}
	if e.Drawn {
		b = append(b, `,"drawn":true`...)
	}
	if e.Purge {
		b = append(b, `,"purge":true`...)
	}
	if e.Source != 0 {
		b = append(b, `,"source":`...)
		b = appendEnum(b, e.Source)
	}
	if e.PurgeCount != 0 {
		b = append(b, `,"purge_count":`...)
		b = strconv.AppendInt(b, int64(e.PurgeCount), 10)
	}
	if e.SpareCount != 0 {
		b = append(b, `,"spare_count":`...)
		b = strconv.AppendInt(b, int64(e.SpareCount), 10)
	}
	if len(e.Votes) > 0 {
		b = append(b, `,"votes":`...)
		b = appendVotes(b, e.Votes)
	}
	if len(e.Strikes) > 0 {
		b = append(b, `,"strikes":`...)
		b = appendInts(b, e.Strikes)
	}
	if e.Faction != 0 {
		b = append(b, `,"faction":`...)
		b = appendEnum(b, e.Faction)
	}
	if e.Role != 0 {
		b = append(b, `,"role":`...)
		b = appendEnum(b, e.Role)
	}
	if e.Winner != 0 {
		b = append(b, `,"winner":`...)
		b = appendEnum(b, e.Winner)
	}
	if e.Reason != 0 {
		b = append(b, `,"reason":`...)
		b = appendEnum(b, e.Reason)
	}
	if len(e.Roles) > 0 {
		b = append(b, `,"roles":`...)
		b = appendEnums(b, e.Roles)
	}
	if e.Commitment != "" {
		b = append(b, `,"commitment":`...)
		b = appendString(b, e.Commitment)
	}
	if e.Seed != "" {
		b = append(b, `,"seed":`...)
		b = appendString(b, e.Seed)
	}
	return append(b, '}')
}

func appendVotes(b []byte, votes []game.SeatVote) []byte {
	b = append(b, '[')
	for i, v := range votes {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"seat":`...)
		b = strconv.AppendInt(b, int64(v.Seat), 10)
		b = append(b, `,"purge":`...)
		b = strconv.AppendBool(b, v.Purge)
		b = append(b, '}')
	}
	return append(b, ']')
}

// appendInts writes a non-nil []int (an omitted one is never written).
func appendInts(b []byte, s []int) []byte {
	b = append(b, '[')
	for i, n := range s {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(n), 10)
	}
	return append(b, ']')
}

// enum is the game's enums: each encodes as its name (MarshalText), and
// String gives the same name without allocating for a valid value.
type enum interface {
	~int
	String() string
	MarshalText() ([]byte, error)
}

func appendEnum[E enum](b []byte, e E) []byte {
	s := e.String()
	if strings.IndexByte(s, '(') >= 0 {
		// Not a name: an invalid value, which encoding/json refuses too.
		_, err := e.MarshalText()
		panic(fmt.Sprintf("protocol: encoding %T %d: %v", e, int(e), err))
	}
	return appendString(b, s)
}

// appendEnums writes a slice of enums, null when nil as encoding/json does.
func appendEnums[E enum](b []byte, s []E) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, e := range s {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendEnum(b, e)
	}
	return append(b, ']')
}

// appendTime writes t as time.Time.MarshalJSON does.
func appendTime(b []byte, t time.Time) []byte {
	if y := t.Year(); y < 0 || y > 9999 {
		_, err := t.MarshalJSON()
		panic(fmt.Sprintf("protocol: encoding a time: %v", err))
	}
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"')
}

// appendString writes s as a JSON string exactly as encoding/json does
// (HTML characters, U+2028 and U+2029 escaped; invalid UTF-8 replaced).
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// handWritten lists every type the encoder above writes by hand, with its
// fields as it knows them: name, JSON tag and Go type.
var handWritten = map[reflect.Type]string{
	reflect.TypeFor[Game]():    "View view game.View; Log log []game.Event; Now now time.Time",
	reflect.TypeFor[Ack]():     "ID id int64",
	reflect.TypeFor[Refused](): "ID id int64; Code code game.Code; Message message string",
	reflect.TypeFor[game.View](): "Session session int; Sessions sessions int; Phase phase game.Phase; Paused paused bool; " +
		"Deadline deadline time.Time; Chair chair int; Accused accused int; Tied tied,omitempty []int; " +
		"Plotters plotters int; Investigator investigator bool; Rules rules *game.Rules; Seats seats []game.SeatView; " +
		"Denunciations denunciations []game.Denunciation; Ballot ballot,omitempty *game.Ballot; " +
		"FinalCount final_count,omitempty []int; Winner winner,omitempty game.Faction; " +
		"Reason reason,omitempty game.WinReason; You you,omitempty *game.You; Actions actions []game.Action; " +
		"HostActions host_actions []game.Action; Write write []game.Channel; Read read []game.Channel",
	reflect.TypeFor[game.Rules](): "Threshold threshold int; Ballot ballot game.BallotKind; Reveal reveal game.Reveal; " +
		"PlotterChat plotter_chat game.PlotterChat; PurgedSeeRoles purged_see_roles bool; " +
		"SpectatorsSeeRoles spectators_see_roles bool; Roles roles []game.RoleCount",
	reflect.TypeFor[game.RoleCount](): "Role role game.Role; Count count int",
	reflect.TypeFor[game.Action]():    "Kind kind game.CommandKind; Targets targets,omitempty []int; Purge purge,omitempty []bool",
	reflect.TypeFor[game.SeatView](): "Seat seat int; Name name string; Alive alive bool; Ready ready,omitempty bool; " +
		"Voted voted,omitempty bool; Denounces denounces int; Faction faction,omitempty game.Faction; Role role,omitempty game.Role",
	reflect.TypeFor[game.Denunciation](): "Target target int; Source source game.Source; By by int",
	reflect.TypeFor[game.Ballot]():       "Accused accused int; Purge purge int; Spare spare int; Votes votes,omitempty []game.SeatVote; Purged purged bool",
	reflect.TypeFor[game.SeatVote]():     "Seat seat int; Purge purge bool",
	reflect.TypeFor[game.You](): "Seat seat int; Role role game.Role; Faction faction game.Faction; Alive alive bool; " +
		"Vote vote,omitempty *bool; Choice choice int; Investigations investigations,omitempty []game.Investigation; " +
		"Bloc bloc,omitempty []int; Kirov kirov,omitempty *int; Proposals proposals,omitempty []game.Proposal",
	reflect.TypeFor[game.Investigation](): "Session session int; Target target int; Faction faction game.Faction",
	reflect.TypeFor[game.Proposal]():      "Seat seat int; Target target int",
	reflect.TypeFor[game.Event](): "Kind kind game.EventKind; At at time.Time; Session session int; Phase phase game.Phase; " +
		"Seat seat int; Target target int; Seats seats,omitempty []int; Names names,omitempty []string; " +
		"Count count,omitempty int; Drawn drawn,omitempty bool; Purge purge,omitempty bool; " +
		"Source source,omitempty game.Source; PurgeCount purge_count,omitempty int; SpareCount spare_count,omitempty int; " +
		"Votes votes,omitempty []game.SeatVote; Strikes strikes,omitempty []int; Faction faction,omitempty game.Faction; " +
		"Role role,omitempty game.Role; Winner winner,omitempty game.Faction; Reason reason,omitempty game.WinReason; " +
		"Roles roles,omitempty []game.Role; Commitment commitment,omitempty string; Seed seed,omitempty string",
}

// wireFields describes t's exported fields as handWritten does.
func wireFields(t reflect.Type) string {
	var parts []string
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		parts = append(parts, f.Name+" "+f.Tag.Get("json")+" "+f.Type.String())
	}
	return strings.Join(parts, "; ")
}

// handEncoded says every hand-written type is as the encoder knows it.
var handEncoded = func() bool {
	for t, want := range handWritten {
		if wireFields(t) != want {
			return false
		}
	}
	return true
}()
