package game

// Code is a stable, machine-readable refusal code. Codes never change
// meaning; clients may switch on them.
type Code string

// Refusal codes of the rules engine.
const (
	CodeConfig        Code = "invalid_config"   // a setting is out of range
	CodeSeats         Code = "wrong_seat_count" // not 5 to 12 delegates
	CodeBadCommand    Code = "bad_command"      // unknown command kind
	CodeWrongPhase    Code = "wrong_phase"      // not allowed in this phase
	CodeUnknownSeat   Code = "unknown_seat"     // no such seat, as actor or target
	CodePurged        Code = "purged"           // the actor has been purged
	CodeBadTarget     Code = "invalid_target"   // target purged, self, or not eligible
	CodeNotYourRole   Code = "not_your_role"    // the actor's role has no such action
	CodeNotYourTurn   Code = "not_your_turn"    // someone else's action (the Chair's pick, the Accused's confession)
	CodeAlreadyVoted  Code = "already_voted"    // a second vote or strike
	CodeAlreadyActed  Code = "already_acted"    // a second night action or confession
	CodeGameOver      Code = "game_over"        // the game has ended
	CodePaused        Code = "paused"           // the game is paused
	CodeNotPaused     Code = "not_paused"       // resume without a pause
	CodeAccusedNoVote Code = "accused_cannot_vote"
	CodeUsed          Code = "already_used" // a once-a-game action already spent
)

// Error is a refusal. Message is safe to show a player: short, in the
// game's words, and saying what to do next where there is something to do.
type Error struct {
	Code    Code   `json:"code"`
	Message string `json:"message"`
	// Field names the setting (its JSON key) a configuration refusal is
	// about, when it is about one.
	Field string `json:"field,omitempty"`
	// Reason says which refusal of its code this is (one of the Reason
	// constants), and Params the names and numbers in it, so that a
	// client can say it in its own words; Message is the engine's.
	Reason Reason            `json:"reason,omitempty"`
	Params map[string]string `json:"params,omitempty"`
}

// Reason is which refusal of its code an Error is: a code such as
// invalid_config covers many, each with its own words.
type Reason string

// The reasons of configuration refusals, with the params each carries.
const (
	ReasonTimerRange      Reason = "timer_range"     // timer (debate, chair_pick, defence, vote, confession, night, final_ballot, last_shot)
	ReasonDelayRange      Reason = "delay_range"     // the spectators' delay
	ReasonThresholdRange  Reason = "threshold_range" // max
	ReasonPlottersRange   Reason = "plotters_range"  // max
	ReasonSessionsRange   Reason = "sessions_range"  // max
	ReasonRevealUnknown   Reason = "reveal_unknown"  //
	ReasonChatUnknown     Reason = "plotter_chat_unknown"
	ReasonSeatCount       Reason = "seat_count"        // min, max, n (seated)
	ReasonBlocMajority    Reason = "bloc_majority"     // seats, max (the bloc must be smaller than max)
	ReasonThresholdAtMost Reason = "threshold_at_most" // seats, max
	ReasonRoleUnknown     Reason = "role_unknown"      // name ("" for a role set out of range)
	ReasonRoleNeedsNKVD   Reason = "role_needs_nkvd"   // role
	ReasonRoleNeeds       Reason = "role_needs"        // role, needs
	ReasonBlocRolesFull   Reason = "bloc_roles_full"   // seats, free, n (roles)
	ReasonLoyalRolesFull  Reason = "loyal_roles_full"  // seats, free, n (roles)
)

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

func refuse(code Code, msg string) error { return &Error{Code: code, Message: msg} }
