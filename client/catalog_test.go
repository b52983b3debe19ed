package client

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/game"
)

// pluralForms are the CLDR plural categories each language's integers
// need: English one/other, Russian one/few/many (and other for fractions).
var pluralForms = map[string][]string{
	"en": {"one", "other"},
	"ru": {"few", "many", "one", "other"},
}

var placeholder = regexp.MustCompile(`\{(\w+)\}`)

// entry is one key's words in one language: its forms (one form, "", for
// a plain string) and the placeholders of all of them.
type entry struct {
	forms        map[string]string
	placeholders []string
}

func readEntries(t *testing.T, lang string) map[string]entry {
	cat, err := ReadCatalog(mustSub(web, "web"), lang)
	require.NoError(t, err)
	out := map[string]entry{}
	for k, raw := range cat {
		e := entry{forms: map[string]string{}}
		var s string
		if json.Unmarshal(raw, &s) == nil {
			e.forms[""] = s
		} else {
			require.NoError(t, json.Unmarshal(raw, &e.forms), "%s %s: a value is a string or an object of plural forms", lang, k)
		}
		seen := map[string]bool{}
		for form, text := range e.forms {
			assert.NotEmpty(t, strings.TrimSpace(text), "%s %s %s is empty", lang, k, form)
			for _, m := range placeholder.FindAllStringSubmatch(text, -1) {
				seen[m[1]] = true
			}
		}
		for p := range seen {
			e.placeholders = append(e.placeholders, p)
		}
		sort.Strings(e.placeholders)
		out[k] = e
	}
	return out
}

func TestCatalogsAgree(t *testing.T) {
	require.Equal(t, "en", Languages[0])
	require.Contains(t, Languages, "ru")
	en := readEntries(t, "en")
	require.NotEmpty(t, en)
	for _, lang := range Languages {
		forms, ok := pluralForms[lang]
		require.True(t, ok, "no plural forms listed for %s", lang)
		cat := readEntries(t, lang)
		for k, e := range cat {
			ref, ok := en[k]
			if !assert.True(t, ok, "%s has %s, English does not", lang, k) {
				continue
			}
			assert.Equal(t, ref.placeholders, e.placeholders, "%s %s: placeholders differ from English", lang, k)
			_, plain := e.forms[""]
			_, refPlain := ref.forms[""]
			assert.Equal(t, refPlain, plain, "%s %s: a plural in one language and not in the other", lang, k)
			if !plain {
				var got []string
				for f := range e.forms {
					got = append(got, f)
				}
				sort.Strings(got)
				assert.Equal(t, forms, got, "%s %s: the plural forms of %s", lang, k, lang)
				assert.Contains(t, e.placeholders, "n", "%s %s: a plural is chosen by {n}", lang, k)
			}
		}
		for k := range en {
			assert.Contains(t, cat, k, "%s lacks %s", lang, k)
		}
	}
}

var (
	// A key given to t, or a prefix given to tk/tkOr, as a literal.
	calledKey    = regexp.MustCompile(`\bt\(\s*["'\x60]([a-z][\w]*(?:\.[\w-]+)+)["'\x60]`)
	calledPrefix = regexp.MustCompile(`\b(?:tk|tkOr|fromEnglish)\(\s*["'\x60]([a-z][\w]*(?:\.[\w-]+)*)["'\x60]`)
	literal      = regexp.MustCompile(`["'\x60]([a-z][\w]*(?:\.[\w-]+)+)["'\x60]`)
)

// clientSources are the client's scripts and pages, comments kept.
func clientSources(t *testing.T) map[string]string {
	out := map[string]string{}
	root := mustSub(web, "web")
	require.NoError(t, fs.WalkDir(root, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasSuffix(p, ".js") || strings.HasSuffix(p, ".html")) {
			return err
		}
		b, err := fs.ReadFile(root, p)
		out[p] = string(b)
		return err
	}))
	return out
}

// TestCatalogKeysUsed fails on a key the scripts ask for that no catalog
// has, and on a key no script asks for. A key is used when a script
// names it in a string, or names its prefix to tk or tkOr.
func TestCatalogKeysUsed(t *testing.T) {
	en := readEntries(t, "en")
	used := map[string]bool{}
	var prefixes []string
	for name, src := range clientSources(t) {
		for _, m := range calledKey.FindAllStringSubmatch(src, -1) {
			assert.Contains(t, en, m[1], "%s asks for %s, which no catalog has", name, m[1])
		}
		for _, m := range calledPrefix.FindAllStringSubmatch(src, -1) {
			prefixes = append(prefixes, m[1]+".")
		}
		for _, m := range literal.FindAllStringSubmatch(src, -1) {
			used[m[1]] = true
		}
	}
	for _, p := range prefixes {
		found := false
		for k := range en {
			if strings.HasPrefix(k, p) {
				found, used[k] = true, true
			}
		}
		assert.True(t, found, "no key begins with the prefix %q given to tk", p)
	}
	var unused []string
	for k := range en {
		if !used[k] {
			unused = append(unused, k)
		}
	}
	sort.Strings(unused)
	assert.Empty(t, unused, "keys no script uses")
}

// englishWords reads as an English phrase: a capital word and another
// word after it ("The Congress", "Take a seat").
var englishWords = regexp.MustCompile(`\b[A-Z][a-z]+[ ,.'][^\n]*[a-z]{2,}`)

// htmlWords is an English phrase between a page's tags or in its
// attributes.
var htmlWords = regexp.MustCompile(`[>"][^"<>]*\b[A-Z][a-z]+[ ,.][^"<>]*[a-z]{2,}[^"<>]*["<]`)

// literals are a script's string literals with their line numbers,
// comments skipped, and a template's ${…} read as code (its strings
// are literals of their own) and left out of its text.
func literals(src string) (texts []string, lines []int) {
	line := 1
	var code func(i int, closing byte) int
	str := func(i int, q byte) int {
		var b strings.Builder
		at := line
		for i < len(src) && src[i] != q {
			switch {
			case src[i] == '\\' && i+1 < len(src):
				i += 2
				continue
			case q == '`' && src[i] == '$' && i+1 < len(src) && src[i+1] == '{':
				b.WriteString("X")
				i = code(i+2, '}')
				continue
			case src[i] == '\n':
				line++
			}
			b.WriteByte(src[i])
			i++
		}
		texts, lines = append(texts, b.String()), append(lines, at)
		return i + 1
	}
	code = func(i int, closing byte) int {
		depth := 0
		for i < len(src) {
			c := src[i]
			switch {
			case c == '\n':
				line++
			case c == '/' && i+1 < len(src) && src[i+1] == '/':
				for i < len(src) && src[i] != '\n' {
					i++
				}
				continue
			case c == '/' && i+1 < len(src) && src[i+1] == '*':
				end := strings.Index(src[i+2:], "*/")
				if end < 0 {
					return len(src)
				}
				line += strings.Count(src[i:i+2+end], "\n")
				i += end + 4
				continue
			case c == '"' || c == '\'' || c == '`':
				i = str(i+1, c)
				continue
			case c == '{':
				depth++
			case c == '}':
				if depth == 0 && closing == '}' {
					return i + 1
				}
				depth--
			}
			i++
		}
		return i
	}
	code(0, 0)
	return texts, lines
}

// TestNoWordsOutsideTheCatalogs fails on a phrase written into a script
// or page instead of a catalog. A line that must keep a phrase (a
// language's own name, the page's words for a browser without scripts)
// says "i18n-ok".
func TestNoWordsOutsideTheCatalogs(t *testing.T) {
	for name, src := range clientSources(t) {
		all := strings.Split(src, "\n")
		if strings.HasSuffix(name, ".html") {
			for i, line := range all {
				if !strings.Contains(line, "i18n-ok") && !strings.HasPrefix(strings.TrimSpace(line), "<!--") {
					assert.False(t, htmlWords.MatchString(line), "%s:%d holds words outside the catalogs: %s", name, i+1, strings.TrimSpace(line))
				}
			}
			continue
		}
		texts, lines := literals(src)
		for i, text := range texts {
			if englishWords.MatchString(text) && !strings.Contains(all[lines[i]-1], "i18n-ok") {
				assert.Fail(t, "words outside the catalogs", "%s:%d holds words outside the catalogs: %q", name, lines[i], text)
			}
		}
	}
}

// TestMuteReasonsInTheCatalog: the voice's mute reasons come from the
// engine in English, one of a fixed set; each has its words in the
// catalog, or a player would read it in English.
func TestMuteReasonsInTheCatalog(t *testing.T) {
	en := readEntries(t, "en")
	have := map[string]bool{}
	for k, e := range en {
		if strings.HasPrefix(k, "voice.mute.") {
			have[e.forms[""]] = true
		}
	}
	for _, reason := range []string{game.MutedNight, game.MutedVote, game.MutedFinal, game.MutedDefence,
		game.MutedConfession, game.MutedLastShot, game.MutedPurged, game.MutedSpectator} {
		assert.True(t, have[reason], "no voice.mute key for %q", reason)
	}
}

// constantsOf are the string values of the constants of type typ
// declared in the package at dir.
func constantsOf(t *testing.T, dir, typ string) []string {
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, dir, func(fi fs.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, 0)
	require.NoError(t, err)
	var out []string
	for _, pkg := range pkgs {
		for _, f := range pkg.Files {
			for _, d := range f.Decls {
				gd, ok := d.(*ast.GenDecl)
				if !ok || gd.Tok != token.CONST {
					continue
				}
				for _, spec := range gd.Specs {
					vs := spec.(*ast.ValueSpec)
					if len(vs.Values) != 1 {
						continue
					}
					lit, ok := vs.Values[0].(*ast.BasicLit)
					if !ok || lit.Kind != token.STRING || !isType(vs.Type, typ) {
						continue
					}
					s, err := strconv.Unquote(lit.Value)
					require.NoError(t, err)
					out = append(out, s)
				}
			}
		}
	}
	require.NotEmpty(t, out, "no %s constants in %s", typ, dir)
	return out
}

// isType reports whether e names typ, bare (Code) or from a package
// (game.Code).
func isType(e ast.Expr, typ string) bool {
	switch x := e.(type) {
	case *ast.Ident:
		return x.Name == typ
	case *ast.SelectorExpr:
		return x.Sel.Name == typ
	}
	return false
}

// TestEveryRefusalInTheCatalog: every code the engine and the server can
// refuse with, and every reason of a refusal, has its words in the
// catalogs, so no page shows the server's English in another language.
func TestEveryRefusalInTheCatalog(t *testing.T) {
	en := readEntries(t, "en")
	for _, dir := range []string{"../game", "../protocol"} {
		for _, code := range constantsOf(t, dir, "Code") {
			assert.Contains(t, en, "errors."+code, "the refusal code %s (%s)", code, dir)
		}
		for _, reason := range constantsOf(t, dir, "Reason") {
			assert.Contains(t, en, "errors.reason."+reason, "the refusal reason %s (%s)", reason, dir)
		}
	}
	for _, timer := range []string{"debate", "chair_pick", "defence", "vote", "confession", "night", "final_ballot", "last_shot"} {
		assert.Contains(t, en, "errors.timer."+timer)
	}
}
