package main

import (
	"os"
	"testing"

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
