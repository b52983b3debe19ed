package protocol

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mtibben/confusables"
	"golang.org/x/text/secure/precis"
	"golang.org/x/text/unicode/norm"
)

// A delegate's name is held to the PRECIS Nickname profile (RFC 8266):
// spaces mapped, trimmed and collapsed, compatibility forms folded
// (NFKC), and control, invisible and unassigned characters refused. Two
// names in one lobby must not be confusable (Unicode TR39 skeletons,
// with and without case): "Оpener" in Cyrillic cannot sit beside the
// Latin "Opener", nor "Воt 9" beside the bot.
//
// PRECIS refuses the two invisible joiners that emoji sequences are made
// of (ZERO WIDTH JOINER, VARIATION SELECTOR-16), so 👨‍👩‍👧 and ❤️ would
// be lost. They are taken out where they glue an emoji, the rest is held
// to the profile, and they are put back.

// nameForm is the Nickname profile without its space rule, applied to
// the runs of a name between emoji joiners; CleanName applies the space
// rule to the whole.
var nameForm = precis.NewFreeform(precis.Norm(norm.NFKC))

const (
	zwj  = '\u200d'
	vs16 = '\ufe0f'
)

// isEmoji is a rune an emoji joiner may follow: a pictographic symbol or
// a skin-tone modifier.
func isEmoji(r rune) bool { return unicode.In(r, unicode.So, unicode.Sk) }

// emojiRuns splits s at its emoji joiners: a VS16 after an emoji, a ZWJ
// between an emoji (or a VS16 after one) and another emoji. glue[i] sits
// between runs[i] and runs[i+1].
func emojiRuns(s string) (runs []string, glue []rune) {
	start := 0
	prev := rune(-1)
	for i, r := range s {
		joins := false
		switch r {
		case vs16:
			joins = isEmoji(prev)
		case zwj:
			next, _ := utf8.DecodeRuneInString(s[i+utf8.RuneLen(r):])
			joins = (isEmoji(prev) || prev == vs16) && isEmoji(next)
		}
		if joins {
			runs, glue = append(runs, s[start:i]), append(glue, r)
			start = i + utf8.RuneLen(r)
		}
		prev = r
	}
	return append(runs, s[start:]), glue
}

// withoutJoiners is s without its emoji joiners.
func withoutJoiners(s string) string {
	runs, _ := emojiRuns(s)
	return strings.Join(runs, "")
}

// CleanName is the one check of a delegate's or spectator's name, for the
// WebSocket and the HTTP API alike: it returns the name as the lobby will
// show it (PRECIS Nickname, spaces trimmed and collapsed) with 1 to
// MaxNameRunes characters, at least one of them visible, or refuses it
// with CodeBadName.
func CleanName(s string) (string, error) {
	// U+FFFD is what a decoder makes of text that was not valid UTF-8:
	// refused as the invalid text it stands for, wherever it was decoded.
	if !utf8.ValidString(s) || strings.ContainsRune(s, utf8.RuneError) {
		return "", Errorf(CodeBadName, "That name is not valid text. Type it again.")
	}
	s = strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Zs, r) {
			return ' '
		}
		return r
	}, s)
	runs, glue := emojiRuns(s)
	var b strings.Builder
	for i, run := range runs {
		if run != "" {
			clean, err := nameForm.String(run)
			if err != nil {
				return "", Errorf(CodeBadName, "A name cannot contain control, invisible or unusual characters. Use letters, digits, punctuation or emoji.")
			}
			b.WriteString(clean)
		}
		if i < len(glue) {
			b.WriteRune(glue[i])
		}
	}
	name := strings.Join(strings.Fields(b.String()), " ")
	n := utf8.RuneCountInString(name)
	if n == 0 || n > MaxNameRunes {
		return "", Errorf(CodeBadName, "A delegate's name is 1 to %d characters.", MaxNameRunes)
	}
	// The whole, joiners aside, must be a nickname as it stands: this
	// catches what only shows across runs.
	plain := withoutJoiners(name)
	if again, err := precis.Nickname.String(plain); err != nil || again != plain {
		return "", Errorf(CodeBadName, "A name cannot contain control, invisible or unusual characters. Use letters, digits, punctuation or emoji.")
	}
	if !visible(plain) {
		return "", Errorf(CodeBadName, "That name would not show. Use letters, digits or emoji.")
	}
	return name, nil
}

// visible reports whether a name has a character that shows on its own:
// a letter, digit, punctuation mark or symbol that is not one of the
// blank-looking ones (a name of combining marks alone, or of U+2800 or
// a Hangul filler, shows as nothing).
func visible(s string) bool {
	for _, r := range s {
		if unicode.In(r, unicode.L, unicode.N, unicode.P, unicode.S) &&
			!unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r) && r != '\u2800' {
			return true
		}
	}
	return false
}

// Confusable reports whether two cleaned names could be taken for one
// another: the same ignoring case, or letter for letter alike (their
// TR39 skeletons match, as written or in lower case). A lobby refuses a
// name confusable with any other member's, bots' included.
func Confusable(a, b string) bool {
	ka, kb := nameKeys(a), nameKeys(b)
	return ka[0] == kb[0] || ka[1] == kb[1]
}

// nameKeys are a name's skeletons as written and case-folded.
func nameKeys(s string) [2]string {
	s = withoutJoiners(s)
	folded, err := precis.Nickname.CompareKey(s)
	if err != nil {
		folded = strings.ToLower(s)
	}
	return [2]string{confusables.Skeleton(s), confusables.Skeleton(folded)}
}
