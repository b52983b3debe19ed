package protocol

import (
	"reflect"

	"congress/game"
)

// Review together (README.md, "Review together"): after a game the host
// leads everyone in the lobby, delegates and spectators, through the
// match's replay (GET /api/matches/{id}/replay), and each follows the
// host's step and point of view. The review is the lobby's presentation,
// not its history: it is held in the lobby's memory, never journaled,
// and a restart ends it.

// Review message types.
const (
	TypeReview    Type = "review"    // client: the host starts the review, moves it, or ends it
	TypeReviewing Type = "reviewing" // server: the review as it stands, on every change
)

// ReviewAction is what the host does with the review.
type ReviewAction string

// Review actions.
const (
	ReviewStart ReviewAction = "start" // Step, Viewer: open the review of the last match there
	ReviewStep  ReviewAction = "step"  // Step, Viewer: move everyone there
	ReviewEnd   ReviewAction = "end"   // close the review for everyone
)

// Review is the host's move in the review. Step is a replay step's
// Index (-1 for the deal) and Viewer a replay's point of view ("all",
// "gallery" or a seat number): after the game the whole log is public,
// so any of them may be shown to everyone.
type Review struct {
	ID     int64        `json:"id"`
	Key    string       `json:"key,omitempty"`
	Action ReviewAction `json:"action"`
	Step   int          `json:"step"`
	Viewer string       `json:"viewer"`
}

func (Review) clientType() Type { return TypeReview }

// Reviewing is the review as everyone in the lobby follows it. Active
// false (and nothing else) says there is none: the host ended it, called
// the rematch or handed on the gavel. Host is the member who leads it,
// Name theirs, Match the match reviewed.
type Reviewing struct {
	Active bool   `json:"active"`
	Host   string `json:"host,omitempty"`
	Name   string `json:"name,omitempty"`
	Match  string `json:"match,omitempty"`
	Step   int    `json:"step"`
	Viewer string `json:"viewer,omitempty"`
}

// MaxReviewStep bounds a review's step before the lobby checks it
// against its match.
const MaxReviewStep = 1 << 20

// reviewFields are the fields each review action takes besides "id" and
// "action"; all of them are required.
var reviewFields = map[ReviewAction][]string{
	ReviewStart: {"step", "viewer"},
	ReviewStep:  {"step", "viewer"},
	ReviewEnd:   {},
}

func init() {
	bodies[TypeReview] = reflect.TypeFor[Review]()
	required[TypeReview] = []string{"id", "action"}
	fieldHelp["step"] = "the replay step's index, -1 for the deal"
	fieldHelp["viewer"] = "the point of view: all, gallery or a seat number"
}

// validateReview checks a review message's fields: the match's own
// bounds (its steps, its seats) are the lobby's to check.
func validateReview(v Review, f fields) (Client, error) {
	takes, ok := reviewFields[v.Action]
	if !ok {
		return nil, Errorf(CodeBadMessage, "A review is started, stepped or ended, not %q.", clip(string(v.Action), 32))
	}
	for _, name := range takes {
		if !f.has(name) {
			return nil, missing(name)
		}
	}
	if v.Action == ReviewEnd {
		return v, nil
	}
	if v.Step < -1 || v.Step > MaxReviewStep {
		return nil, Errorf(CodeBadMessage, "A review's step is a replay step's index, from -1 (the deal).")
	}
	if _, err := ReplayViewer(v.Viewer, game.MaxSeats); err != nil {
		return nil, Errorf(CodeBadMessage, "A review's point of view is all, gallery or a seat number.")
	}
	return v, nil
}
