package protocol

import (
	"encoding"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"congress/game"
)

// TestEncodeMatchesEncodingJSON: the generated encoder writes, byte for
// byte, what encoding/json writes, for every message it knows, over
// random values of every field (nil and empty slices, absent pointers,
// every enum, strings that need escaping, times in other zones).
func TestEncodeMatchesEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	bodies := []struct {
		t    Type
		body func() any
	}{
		{TypeGame, func() any { return new(Game) }},
		{TypeAck, func() any { return new(Ack) }},
		{TypeError, func() any { return new(Refused) }},
		{TypeChat, func() any { return new(ChatLine) }},
		{TypeLobby, func() any { return new(Lobby) }},
		{TypeWelcome, func() any { return new(Welcome) }},
		{TypeClosing, func() any { return new(Closing) }},
	}
	var buf []byte
	for _, b := range bodies {
		p := b.body()
		_, ok := encodeGenerated(nil, b.t, p)
		require.True(t, ok, "%T is not generated", p)
		for i := range 1500 {
			p := b.body()
			fill(rng, reflect.ValueOf(p).Elem(), 0)
			v := reflect.ValueOf(p).Elem().Interface()
			want := encodeReflect(b.t, v)
			require.Equal(t, string(want), string(Encode(b.t, v)), "random %T %d", v, i)
			require.Equal(t, string(want), string(Encode(b.t, p)), "random %T %d", p, i)
			// Appended after what a reused buffer already holds.
			buf = AppendEncode(append(buf[:0], "prefix"...), b.t, v)
			require.Equal(t, "prefix"+string(want), string(buf), "appended %T %d", v, i)
		}
	}
}

// TestEncodeRealGame: a whole game's messages, as a seat and a spectator
// see them, encode the same both ways.
func TestEncodeRealGame(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 123456789, time.UTC)
	g, _, err := game.New(game.DefaultConfig(), []string{"Anna", "Boris <b>", "Clara & co", "Dmitri \"D\"", "Elena\u2028", "Fyodor", "Galina"}, 7, now)
	require.NoError(t, err)
	for step := 0; step < 400 && !g.Over(); step++ {
		for _, v := range []game.Viewer{game.Spectator, game.SeatViewer(step % 7)} {
			evs, _ := g.Log(v, 0)
			m := Game{View: g.View(v), Log: evs, Now: now}
			out := Encode(TypeGame, m)
			require.Equal(t, string(encodeReflect(TypeGame, m)), string(out))
			// A list is [] when empty, never null (protocol/README.md).
			require.NotContains(t, string(out), "null")
		}
		now = now.Add(1500 * time.Millisecond)
		g.Advance(now)
	}
}

// FuzzAppendString: strings are escaped as encoding/json escapes them.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", "<script>&", "\"\\\b\f\n\r\t\x00\x1f\x7f", "\u2028\u2029", "\xff\xfe", "я думаю", "\xed\xa0\x80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := encodeReflect(TypeError, Refused{Message: s})
		got := Encode(TypeError, Refused{Message: s})
		if string(got) != string(want) {
			t.Fatalf("%q: got %s, want %s", s, got, want)
		}
	})
}

var tricky = []string{"", "Anna", "<b>&amp;</b>", "quote \" back \\ slash", "tab\tnew\nline\r\x00\x1f\x7f",
	"\u2028\u2029", "bad \xff utf8 \xc3", "Ёлка 🎄", "\xed\xa0\x80"}

var textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()

// fill sets v to random values: enums to valid ones, slices nil, empty
// or short, pointers absent or set.
func fill(rng *rand.Rand, v reflect.Value, depth int) {
	t := v.Type()
	if t == reflect.TypeFor[time.Time]() {
		switch rng.IntN(4) {
		case 0: // zero
		case 1:
			v.Set(reflect.ValueOf(time.Unix(rng.Int64N(4e9), 0).UTC()))
		case 2:
			v.Set(reflect.ValueOf(time.Unix(rng.Int64N(4e9), rng.Int64N(1e9)).UTC()))
		default:
			zone := time.FixedZone("X", (rng.IntN(48)-24)*1800)
			v.Set(reflect.ValueOf(time.Unix(rng.Int64N(4e9), rng.Int64N(1e9)).In(zone)))
		}
		return
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int64:
		if t.Implements(textMarshaler) {
			for {
				n := rng.Int64N(40)
				if rng.IntN(3) == 0 {
					n = 0
				}
				v.SetInt(n)
				if _, err := v.Interface().(encoding.TextMarshaler).MarshalText(); err == nil {
					return
				}
			}
		}
		switch rng.IntN(4) {
		case 0:
			v.SetInt(0)
		case 1:
			v.SetInt(-1)
		case 2:
			v.SetInt(rng.Int64N(13))
		default:
			v.SetInt(rng.Int64() - rng.Int64())
		}
	case reflect.Uint16: // a set of bits (game.RoleSet)
		v.SetUint(rng.Uint64N(1 << 16))
	case reflect.Bool:
		v.SetBool(rng.IntN(2) == 0)
	case reflect.String:
		v.SetString(tricky[rng.IntN(len(tricky))])
	case reflect.Pointer:
		if depth > 4 || rng.IntN(3) == 0 {
			return
		}
		p := reflect.New(t.Elem())
		fill(rng, p.Elem(), depth+1)
		v.Set(p)
	case reflect.Slice:
		switch n := rng.IntN(5); {
		case n == 0 || depth > 4:
			return // nil
		default:
			s := reflect.MakeSlice(t, n-1, n-1)
			for i := range s.Len() {
				fill(rng, s.Index(i), depth+1)
			}
			v.Set(s)
		}
	case reflect.Map:
		if n := rng.IntN(4); n > 0 && depth <= 4 {
			m := reflect.MakeMapWithSize(t, n)
			for range n {
				k, e := reflect.New(t.Key()).Elem(), reflect.New(t.Elem()).Elem()
				fill(rng, k, depth+1)
				fill(rng, e, depth+1)
				m.SetMapIndex(k, e)
			}
			v.Set(m)
		}
	case reflect.Struct:
		for i := range t.NumField() {
			if t.Field(i).IsExported() {
				fill(rng, v.Field(i), depth+1)
			}
		}
	default:
		panic("fill: " + t.String())
	}
}

func BenchmarkEncodeGame(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	var g Game
	for len(Encode(TypeGame, g)) < 1200 {
		g = Game{}
		fill(rng, reflect.ValueOf(&g).Elem(), 0)
	}
	benchEncoders(b, g)
}

func BenchmarkEncodeRealGame(b *testing.B) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 123456789, time.UTC)
	g, _, err := game.New(game.DefaultConfig(), []string{"Anna", "Boris", "Clara", "Dmitri", "Elena", "Fyodor", "Galina", "Hanna", "Igor", "Jana"}, 7, now)
	require.NoError(b, err)
	evs, _ := g.Log(game.SeatViewer(1), 0)
	m := Game{View: g.View(game.SeatViewer(1)), Log: evs, Now: now}
	b.Logf("%d bytes", len(Encode(TypeGame, m)))
	benchEncoders(b, m)
}

// benchEncoders measures the generated encoder against encoding/json on m.
func benchEncoders(b *testing.B, m Game) {
	b.Run("generated", func(b *testing.B) {
		for range b.N {
			Encode(TypeGame, m)
		}
	})
	b.Run("encoding/json", func(b *testing.B) {
		for range b.N {
			encodeReflect(TypeGame, m)
		}
	})
}
