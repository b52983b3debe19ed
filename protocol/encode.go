package protocol

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The server's messages are written by code generated from their types
// (encode_gen.go, by wiregen: go generate ./protocol) rather than by
// encoding/json's reflection, which cost a fifth of the server's CPU under
// load. The output is byte for byte what encoding/json writes (tests
// compare the two over random values); TestGeneratedCodeIsCurrent
// fails when a type changed and the file was not generated again.

//go:generate go run -tags wiregen ./internal/wiregen encoder encode_gen.go

// Encode renders a server message with its type. Encoding a message of
// this package cannot fail; a failure is a programming error and panics.
func Encode(t Type, body any) []byte {
	if b, ok := encodeGenerated(nil, t, body); ok {
		return b
	}
	return encodeReflect(t, body)
}

// AppendEncode is Encode into the end of b: a sender that writes a
// message at once, and copies it only if it must keep it, encodes each
// one into the same buffer.
func AppendEncode(b []byte, t Type, body any) []byte {
	if b == nil {
		return Encode(t, body)
	}
	if out, ok := encodeGenerated(b, t, body); ok {
		return out
	}
	return append(b, encodeReflect(t, body)...)
}

// orMake is b, or a new buffer of capacity n if b is nil.
func orMake(b []byte, n int) []byte {
	if b == nil {
		return make([]byte, 0, n)
	}
	return b
}

// encodeReflect is Encode through encoding/json: every message the
// generated encoder does not know.
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

// closeObject turns the fields written from start on, each after a
// comma, into an object.
func closeObject(b []byte, start int) []byte {
	if len(b) == start {
		return append(b, '{', '}')
	}
	b[start] = '{'
	return append(b, '}')
}

// appendMarshal writes v through encoding/json: the few values the
// generated encoder leaves to it.
func appendMarshal(b []byte, v any) []byte {
	out, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("protocol: encoding %T: %v", v, err))
	}
	return append(b, out...)
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
