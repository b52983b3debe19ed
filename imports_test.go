package congress_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// room is what one package may import (docs/ARCHITECTURE.md, "The
// rooms"). Imports of the standard library are allowed unless std is
// false; any import of this module or another module must be listed, by
// path prefix.
type room struct {
	std     bool
	allowed []string
	// only names imports a package may make in some files alone: the
	// path prefix, and the files (by base name) that may.
	only map[string][]string
	// noIO forbids goroutines and the standard library's I/O.
	noIO bool
}

var rooms = map[string]room{
	"game":              {std: true, noIO: true},
	"protocol":          {std: true, allowed: []string{"congress/game", "github.com/mtibben/confusables", "golang.org/x/text/"}},
	"protocol/wsclient": {std: true, allowed: []string{"congress/protocol", "github.com/coder/websocket"}},
	"server/lobby": {
		std: true, noIO: true,
		allowed: []string{"congress/game", "congress/protocol"},
	},
	"server/store": {
		std:     true,
		allowed: []string{"congress/server/lobby", "github.com/nats-io/"},
	},
	"server/voice":          {std: true, allowed: []string{"github.com/pion/", "github.com/prometheus/"}},
	"server/store/natstest": {std: true, allowed: []string{"github.com/nats-io/", "github.com/stretchr/testify/"}},
	"server": {
		std: true,
		allowed: []string{
			"congress/game", "congress/protocol", "congress/client", "congress/bot", "congress/server/lobby",
			"congress/server/voice",
			"github.com/coder/websocket", "github.com/google/uuid", "github.com/labstack/echo/v4", "golang.org/x/time/rate",
			"github.com/prometheus/",
		},
		// Cluster mode is a room of its own, which the server makes and
		// gives its ports to in one file; the server reaches the store
		// only through the core's ports, and NATS never.
		only: map[string][]string{
			"congress/server/cluster":    {"clusterports.go"},
			"github.com/skip2/go-qrcode": {"invite.go"},
		},
	},
	// Cluster mode: leases, summaries and relayed sessions through the
	// store's typed calls; the server's lobbies and connections through
	// the ports it defines (ports.go), never the server itself.
	"server/cluster": {
		std:     true,
		allowed: []string{"congress/protocol", "congress/server/lobby", "congress/server/store"},
	},
	"client":       {std: true},
	"bot":          {std: true, allowed: []string{"congress/game", "congress/protocol"}},
	"cmd/congress": {std: true, allowed: []string{"congress/server", "congress/protocol", "congress/server/voice"}, only: map[string][]string{"congress/server/store": {"main.go"}}},
	"cmd/simulate": {std: true, allowed: []string{"congress/game", "congress/bot", "congress/protocol"}},
	"cmd/loadgen":  {std: true, allowed: []string{"congress/game", "congress/bot", "congress/protocol", "github.com/coder/websocket"}},
}

// ioPackages are the standard library's ways out of a pure package.
var ioPackages = []string{"os", "net", "net/http", "io/fs", "os/exec", "syscall", "log", "log/slog", "time/tzdata", "unsafe"}

// TestRooms: each package imports only what its room allows, and the
// pure ones start no goroutine and touch no I/O. A package the table does
// not know fails the test: a new room is named in the table and the
// architecture document together.
func TestRooms(t *testing.T) {
	seen := map[string]bool{}
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case "e2e", "testdata", "node_modules", ".git", "internal": // tests, fixtures, and build-time tools
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || filepath.Dir(path) == "." {
			return nil
		}
		pkg := filepath.ToSlash(filepath.Dir(path))
		r, ok := rooms[pkg]
		if !assert.True(t, ok, "package %s is in no room of the table", pkg) {
			return nil
		}
		seen[pkg] = true
		checkFile(t, path, r)
		return nil
	})
	require.NoError(t, err)
	for pkg := range rooms {
		assert.True(t, seen[pkg], "room %s has no package", pkg)
	}
}

func checkFile(t *testing.T, path string, r room) {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	require.NoError(t, err)
	base := filepath.Base(path)
	for _, imp := range f.Imports {
		p, err := strconv.Unquote(imp.Path.Value)
		require.NoError(t, err)
		first, _, _ := strings.Cut(p, "/")
		if !strings.Contains(first, ".") && first != "congress" {
			assert.True(t, r.std, "%s imports %s: only its own room's", path, p)
			if r.noIO {
				assert.NotContains(t, ioPackages, p, "%s is pure, and imports %s", path, p)
			}
			continue
		}
		if slices.ContainsFunc(r.allowed, func(a string) bool { return strings.HasPrefix(p, a) }) {
			continue
		}
		allowedIn := false
		for prefix, files := range r.only {
			if strings.HasPrefix(p, prefix) && slices.Contains(files, base) {
				allowedIn = true
			}
		}
		assert.True(t, allowedIn, "%s imports %s, which its room does not allow", path, p)
	}
	if r.noIO {
		ast.Inspect(f, func(n ast.Node) bool {
			if g, ok := n.(*ast.GoStmt); ok {
				t.Errorf("%s starts a goroutine: its room has none", fset.Position(g.Go))
			}
			return true
		})
	}
}
