package main

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestGeneratedEncoderIsCurrent: protocol/encode_gen.go is what wiregen
// writes from the types as they are now. When this fails, a type a
// server message carries changed: run go generate ./protocol.
func TestGeneratedEncoderIsCurrent(t *testing.T) {
	want, err := generate()
	require.NoError(t, err)
	got, err := os.ReadFile("../../encode_gen.go")
	require.NoError(t, err)
	require.True(t, string(want) == string(got), "protocol/encode_gen.go is out of date: run go generate ./protocol")
}
