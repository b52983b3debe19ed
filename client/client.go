// Package client is the thin browser client: plain HTML, CSS and ES
// modules under web/, no build step, embedded in the binary.
package client

import (
	"embed"
	"io/fs"
)

//go:embed all:web
var web embed.FS

// FS is the client's files, rooted at web/ (index.html at its top).
var FS fs.FS = mustSub(web, "web")

func mustSub(f fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		panic(err)
	}
	return sub
}
