package congress_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// section is one heading of a rules document and what follows it up to
// the next: the heading's level, its numbers (every run of digits, in
// order) and its table rows.
type section struct {
	level   int
	title   string
	numbers []string
	rows    int
}

var digits = regexp.MustCompile(`\d+`)

// sections reads a rules document into its sections.
func sections(t *testing.T, path string) []section {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var out []section
	for _, line := range strings.Split(string(b), "\n") {
		if h := strings.TrimLeft(line, "#"); h != line && strings.HasPrefix(h, " ") {
			out = append(out, section{level: len(line) - len(h), title: strings.TrimSpace(h)})
			continue
		}
		if len(out) == 0 {
			continue
		}
		s := &out[len(out)-1]
		if strings.HasPrefix(line, "|") && !strings.HasPrefix(line, "|---") {
			s.rows++
		}
		s.numbers = append(s.numbers, digits.FindAllString(line, -1)...)
	}
	return out
}

// TestRulesInRussianFollowEnglish holds docs/RULES.ru.md to docs/RULES.md:
// the same headings in the same order, the same table rows in each
// section, and, in the tables and the worked examples (where every
// number is a fact of the game: a count, a score, a timer), the same
// numbers in the same order. The prose around them may say a number in
// words or as a Roman XVII, as Russian does.
func TestRulesInRussianFollowEnglish(t *testing.T) {
	en, ru := sections(t, "docs/RULES.md"), sections(t, "docs/RULES.ru.md")
	require.Len(t, ru, len(en), "the Russian rules have the English rules' headings")
	facts := map[string]bool{"Who is at the Congress": true, "A worked session": true, "A worked Last Shot": true, "Settings the host can change": true}
	seen := 0
	for i := range en {
		assert.Equal(t, en[i].level, ru[i].level, "%q and %q: the same level", en[i].title, ru[i].title)
		assert.Equal(t, en[i].rows, ru[i].rows, "%q and %q: the same table rows", en[i].title, ru[i].title)
		if facts[en[i].title] {
			seen++
			assert.Equal(t, en[i].numbers, ru[i].numbers, "%q and %q: the same numbers", en[i].title, ru[i].title)
		}
	}
	assert.Equal(t, len(facts), seen, "every section of facts is in the English rules")
}
