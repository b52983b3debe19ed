package main

import (
	"os"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGeneratedCodeIsCurrent: protocol/encode_gen.go and
// cmd/loadgen/events_gen.go are what wiregen writes from the types as
// they are now. When this fails, a type a server message carries
// changed: run go generate ./protocol ./cmd/loadgen.
func TestGeneratedCodeIsCurrent(t *testing.T) {
	for _, tt := range []struct {
		file string
		gen  func() ([]byte, error)
	}{
		{"../../encode_gen.go", generate},
		{"../../../cmd/loadgen/events_gen.go", generateScanner},
	} {
		t.Run(tt.file, func(t *testing.T) {
			want, err := tt.gen()
			require.NoError(t, err)
			got, err := os.ReadFile(tt.file)
			require.NoError(t, err)
			require.True(t, string(want) == string(got), "%s is out of date: run go generate ./protocol ./cmd/loadgen", tt.file)
		})
	}
}

type embedded struct{ A int }

type withEmbedded struct {
	embedded
	B int `json:"b"`
}

type withOmitzero struct {
	A int `json:"a,omitzero"`
}

type withString struct {
	A int `json:"a,string"`
}

type withOddKey struct {
	A int `json:"a b"`
}

// TestUnsupportedFieldsStopGeneration: what the generated code would not
// write as encoding/json does stops wiregen with the field's name.
func TestUnsupportedFieldsStopGeneration(t *testing.T) {
	for _, tt := range []struct {
		typ  reflect.Type
		want string
	}{
		{reflect.TypeFor[withEmbedded](), "embedded"},
		{reflect.TypeFor[withOmitzero](), `withOmitzero.A: option "omitzero"`},
		{reflect.TypeFor[withString](), `withString.A: option "string"`},
		{reflect.TypeFor[withOddKey](), `withOddKey.A: key "a b"`},
	} {
		t.Run(tt.typ.Name(), func(t *testing.T) {
			g := &gen{names: map[string]reflect.Type{}, imports: map[string]bool{}}
			assert.ErrorContains(t, g.structFuncs(tt.typ), tt.want)
			s := &scanGen{names: map[string]reflect.Type{}, imports: map[string]bool{}}
			if tt.want == "embedded" {
				assert.ErrorContains(t, s.structFunc(tt.typ), tt.want)
			}
		})
	}
}
