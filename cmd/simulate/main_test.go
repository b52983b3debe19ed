package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseSeats(t *testing.T) {
	tests := []struct {
		in      string
		want    []int
		wantErr bool
	}{
		{in: "5-12", want: []int{5, 6, 7, 8, 9, 10, 11, 12}},
		{in: "10", want: []int{10}},
		{in: "5,7, 10", want: []int{5, 7, 10}},
		{in: "5-6,12", want: []int{5, 6, 12}},
		{in: "4-6", wantErr: true},
		{in: "13", wantErr: true},
		{in: "8-6", wantErr: true},
		{in: "x", wantErr: true},
		{in: "", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseSeats(tt.in)
			if tt.wantErr {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestWilson(t *testing.T) {
	tests := []struct {
		k, n   int
		lo, hi float64
	}{
		{k: 50, n: 100, lo: 0.4038, hi: 0.5962},
		{k: 0, n: 10, lo: 0, hi: 0.2775},
		{k: 10, n: 10, lo: 0.7225, hi: 1},
		{k: 0, n: 0, lo: 0, hi: 1},
	}
	for _, tt := range tests {
		lo, hi := wilson(tt.k, tt.n)
		assert.InDelta(t, tt.lo, lo, 1e-4, "%d/%d", tt.k, tt.n)
		assert.InDelta(t, tt.hi, hi, 1e-4, "%d/%d", tt.k, tt.n)
	}
}

func TestRun(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run([]string{"-games", "20", "-seats", "5,10", "-plotters", "easy", "-config", `{"sessions":4}`}, &out))
	s := out.String()
	assert.Contains(t, s, "Loyalists normal, Plotters easy")
	assert.Contains(t, s, "kirov_elected")
	assert.Contains(t, s, "complete 10-seat games per second")

	out.Reset()
	require.NoError(t, run([]string{"-games", "20", "-seats", "6,10", "-roles", "base,koba+nikolaev,all"}, &out))
	s = out.String()
	assert.Contains(t, s, "roles base\n")
	assert.Contains(t, s, "roles koba+nikolaev\n")
	assert.Contains(t, s, "koba_shot")
	assert.Contains(t, s, "bukharin+tukhachevsky\n", "six seats take of all the roles those that fit")

	tests := [][]string{
		{"-roles", "kirov"},
		{"-roles", "beria"},
		{"-roles", "nikolaev"},
		{"-games", "0"},
		{"-seats", "3"},
		{"-loyalists", "grandmaster"},
		{"-config", `{"plotters":9}`},
		{"-config", `{nope`},
		{"extra"},
	}
	for _, args := range tests {
		assert.Error(t, run(args, &bytes.Buffer{}), "%v", args)
	}
}
