// Package client is the thin browser client: plain HTML, CSS and ES
// modules under web/, no build step, embedded in the binary.
//
// The words the client shows live in catalogs, one directory per
// language under web/lang/ and one JSON file per screen in it. FS serves
// each language's catalogs merged into one file, lang/<language>.json,
// so that a page loads its words in one request.
package client

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"
)

//go:embed all:web
var web embed.FS

// FS is the client's files, rooted at web/ (index.html at its top), with
// lang/<language>.json for each catalog directory.
var FS fs.FS = mustCatalogs(mustSub(web, "web"))

// Languages are the languages with a catalog, English first.
var Languages = mustLanguages(mustSub(web, "web"))

func mustSub(f fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		panic(err)
	}
	return sub
}

func mustLanguages(root fs.FS) []string {
	dirs, err := fs.ReadDir(root, "lang")
	if err != nil {
		panic(err)
	}
	var langs []string
	for _, d := range dirs {
		if d.IsDir() {
			langs = append(langs, d.Name())
		}
	}
	sort.Slice(langs, func(i, j int) bool { return langs[i] == "en" || (langs[j] != "en" && langs[i] < langs[j]) })
	return langs
}

// Catalog is one language's words: a key ("game.phase.night") to either
// a string or, for a plural, an object of CLDR plural forms ("one",
// "few", "many", "other") to strings.
type Catalog map[string]json.RawMessage

// ReadCatalog merges the files of web/lang/<lang>/. Each file's keys must
// begin with its name ("game.json" holds "game.…"), and no key may be in
// two files.
func ReadCatalog(root fs.FS, lang string) (Catalog, error) {
	files, err := fs.Glob(root, "lang/"+lang+"/*.json")
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("client: no catalog for %q", lang)
	}
	cat := Catalog{}
	for _, name := range files {
		b, err := fs.ReadFile(root, name)
		if err != nil {
			return nil, err
		}
		var part Catalog
		dec := json.NewDecoder(bytes.NewReader(b))
		if err := dec.Decode(&part); err != nil {
			return nil, fmt.Errorf("client: %s: %w", name, err)
		}
		area := strings.TrimSuffix(path.Base(name), ".json") + "."
		for k, v := range part {
			if !strings.HasPrefix(k, area) {
				return nil, fmt.Errorf("client: %s: key %q does not begin with %q", name, k, area)
			}
			cat[k] = v
		}
	}
	return cat, nil
}

func mustCatalogs(root fs.FS) fs.FS {
	merged := map[string][]byte{}
	for _, lang := range mustLanguages(root) {
		cat, err := ReadCatalog(root, lang)
		if err != nil {
			panic(err)
		}
		b, err := json.Marshal(cat)
		if err != nil {
			panic(err)
		}
		merged["lang/"+lang+".json"] = b
	}
	return overlay{root, merged}
}

// overlay is an FS with a few files made in memory on top.
type overlay struct {
	fs.FS
	files map[string][]byte
}

func (o overlay) Open(name string) (fs.File, error) {
	if b, ok := o.files[name]; ok {
		return &memFile{Reader: bytes.NewReader(b), name: path.Base(name), size: int64(len(b))}, nil
	}
	return o.FS.Open(name)
}

func (o overlay) Stat(name string) (fs.FileInfo, error) {
	if b, ok := o.files[name]; ok {
		return memInfo{name: path.Base(name), size: int64(len(b))}, nil
	}
	return fs.Stat(o.FS, name)
}

type memFile struct {
	*bytes.Reader
	name string
	size int64
}

func (f *memFile) Stat() (fs.FileInfo, error) { return memInfo{f.name, f.size}, nil }
func (f *memFile) Close() error               { return nil }

var _ io.ReadSeeker = (*memFile)(nil)

type memInfo struct {
	name string
	size int64
}

func (i memInfo) Name() string       { return i.name }
func (i memInfo) Size() int64        { return i.size }
func (i memInfo) Mode() fs.FileMode  { return 0o444 }
func (i memInfo) ModTime() time.Time { return time.Time{} }
func (i memInfo) IsDir() bool        { return false }
func (i memInfo) Sys() any           { return nil }
