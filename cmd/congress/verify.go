package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"congress/protocol"
)

// verify is `congress verify MATCH.json`: it checks a finished match's
// file (GET /api/matches/{id}/file) against the engine, and prints what
// it checked. It returns the exit status: 0 if the file verifies, 1 if it
// does not (the first mismatch is named), 2 if it cannot be read.
func verify(args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(stderr, "usage: congress verify MATCH.json")
		fmt.Fprintln(stderr, "Checks that the match's seed is the one committed to at its deal, and that the engine, playing the file's steps from that seed, makes exactly its deal, every event of its log and its ending.")
		return 2
	}
	b, err := os.ReadFile(args[0])
	if err != nil {
		fmt.Fprintln(stderr, "congress verify:", err)
		return 2
	}
	var f protocol.MatchFile
	if err := json.Unmarshal(b, &f); err != nil {
		fmt.Fprintf(stderr, "congress verify: %s is not a match file: %v\n", args[0], err)
		return 2
	}
	fmt.Fprintf(stdout, "match %s (lobby %s), %d delegates, format %d\n", f.ID, f.Lobby, len(f.Names), f.Format)
	checked, err := protocol.Verify(&f)
	for _, c := range checked.Checks {
		fmt.Fprintln(stdout, "ok  ", c)
	}
	if err != nil {
		fmt.Fprintln(stdout, "FAIL", err)
		fmt.Fprintln(stderr, "congress verify: the file does not verify:", err)
		return 1
	}
	fmt.Fprintln(stdout, "verified: the deal was the committed seed's, and every event followed from the players' commands")
	return 0
}
