package protocol

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCleanName(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string // "" when refused with CodeBadName
	}{
		{"plain", "Anna", "Anna"},
		{"trimmed", "  Anna  ", "Anna"},
		{"inner spaces collapse", "Anna   Petrovna", "Anna Petrovna"},
		{"no-break space is a space", "Anna\u00a0K", "Anna K"},
		{"full width folds", "Ｂｏｒｉｓ", "Boris"},
		{"Cyrillic", "Борис", "Борис"},
		{"accented", "José", "José"},
		{"emoji", "Lev 🌈", "Lev 🌈"},
		{"emoji with skin tone", "👍🏽", "👍🏽"},
		{"emoji presentation", "❤️ Olga", "❤️ Olga"},
		{"emoji ZWJ family", "👨‍👩‍👧", "👨‍👩‍👧"},
		{"emoji ZWJ flag", "🏳️‍🌈 Katya", "🏳️‍🌈 Katya"},

		{"empty", "", ""},
		{"spaces", "   ", ""},
		{"Hangul filler", "\u3164", ""},
		{"halfwidth Hangul filler", "\uffa0", ""},
		{"braille blank", "\u2800", ""},
		{"braille blanks", "\u2800\u2800 \u2800", ""},
		{"combining marks only", "\u0301\u0302", ""},
		{"line separator", "An\u2028na", ""},
		{"paragraph separator", "An\u2029na", ""},
		{"zero width space", "An\u200bna", ""},
		{"zero width joiner between letters", "An\u200dna", ""},
		{"variation selector after a letter", "An\ufe0fna", ""},
		{"bidi override", "\u202eAnna", ""},
		{"control", "Bo\u0007ris", ""},
		{"newline", "Bo\nris", ""},
		{"too long", strings.Repeat("я", MaxNameRunes+1), ""},
		{"invalid UTF-8", "An\xffna", ""},
		{"invalid UTF-8 as decoded", "An\ufffdna", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CleanName(tt.in)
			if tt.want == "" {
				require.Error(t, err, "accepted as %q", got)
				e, ok := err.(*Error)
				require.True(t, ok)
				assert.Equal(t, CodeBadName, e.Code)
				assert.NotEmpty(t, e.Message)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			again, err := CleanName(got)
			require.NoError(t, err)
			assert.Equal(t, got, again, "a clean name is clean")
		})
	}
}

func TestConfusable(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"Opener", "Opener", true},
		{"Boris", "bORIS", true},
		{"Opener", "\u041epener", true}, // Cyrillic О
		{"Bot 9", "\u0412\u043et 9", true},
		{"Clara", "CIara", true},
		{"Ivan", "lvan", true},
		{"Bot 1", "Bot l", true},
		{"Anna", "Аnnа", true},
		{"👨‍👩‍👧", "👨👩👧", true},
		{"Anna", "Boris", false},
		{"Bot 1", "Bot 2", false},
		{"Lev", "Leva", false},
		{"Борис", "Boris", false},
	}
	for _, tt := range tests {
		t.Run(tt.a+"/"+tt.b, func(t *testing.T) {
			a, err := CleanName(tt.a)
			require.NoError(t, err)
			b, err := CleanName(tt.b)
			require.NoError(t, err)
			assert.Equal(t, tt.want, Confusable(a, b))
			assert.Equal(t, tt.want, Confusable(b, a))
		})
	}
}
