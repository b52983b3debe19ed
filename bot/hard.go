package bot

import "congress/game"

// habit is one way Hard plays differently from Normal. Each was kept at
// a count, for a camp, only where it raised that camp's win rate against
// Normal bots of the other camp, with the base game and with the count's
// recommended set (docs/BALANCE.md, "Hard against Normal").
type habit uint16

const (
	// concealFinds: the Investigator marks, picks and votes by the
	// Congress's suspicion, not its own finds (a bloc that sees the
	// Investigator strike true removes him), but never votes to purge a
	// Loyalist it found, and confesses on what it knows.
	concealFinds habit = 1 << iota
	// riskierPurge: where a wrong purge could hand the Plotters parity,
	// a Loyalist votes Purge from a suspicion of 0.7, not 0.8.
	riskierPurge
	// kirovFirst: a Loyalist weighs the chance of being Kirov as much as
	// that of being a Plotter when choosing whom to act against.
	kirovFirst

	// spareFellow: the bloc spares a fellow member the Congress has not
	// convicted, where Normal's spares him by half its votes.
	spareFellow
	// noKirovCover: no cover mark goes to Kirov.
	noKirovCover
	// coverOnLoyalists: the bloc's cover marks fall on Loyalists only.
	coverOnLoyalists
	// purgeEveryLoyalist: a bloc of two votes Purge on every accused
	// Loyalist, as Normal's of three or more does.
	purgeEveryLoyalist
	// purgeBySuspicion: a bloc of three or more votes Purge on an
	// accused Loyalist only as a bloc of two does, when the Congress
	// suspects him (the Loyalists' model expects it to purge every one).
	purgeBySuspicion
	// carefulPurge: the bloc votes Purge on a Loyalist from a public
	// suspicion of 0.6, not 0.5, and of 0.7, not 0.8, where its votes and
	// one Loyalist's would carry it.
	carefulPurge
)

// hardHabits is, by count of delegates, Hard's habits as a Loyalist and
// as a Plotter.
var hardHabits = [game.MaxSeats + 1][2]habit{
	5:  {riskierPurge | kirovFirst, spareFellow | noKirovCover},
	6:  {concealFinds | riskierPurge, purgeEveryLoyalist},
	7:  {concealFinds | riskierPurge | kirovFirst, carefulPurge},
	8:  {concealFinds | riskierPurge, purgeBySuspicion | spareFellow},
	9:  {concealFinds, purgeBySuspicion | spareFellow},
	10: {concealFinds, purgeBySuspicion | coverOnLoyalists},
	11: {concealFinds, purgeBySuspicion | spareFellow},
	12: {concealFinds, purgeBySuspicion | coverOnLoyalists},
}

// normalMix is, by count of delegates, a habit of Hard's that Normal's
// Loyalists play in a share of games, drawn once a game, so that from
// one game the bloc cannot tell what the other games' Investigator does
// with his finds. At nine seats the Investigator who always concealed
// would give the Loyalists 58% of games, one who never did 44%; one who
// does in one game in four, 48% (docs/BALANCE.md, "The round of 5
// December, later").
var normalMix = [game.MaxSeats + 1]struct {
	hab   habit
	share float64
}{
	9: {concealFinds, 0.25},
}

// habits is this bot's habits at the table of v: Hard's, or, for a
// Normal Loyalist, the count's mixed habit in the games it is drawn.
func (b *Bot) habits(v game.View) habit {
	n := len(v.Seats)
	if b.strength == Easy || v.You == nil || n < game.MinSeats || n > game.MaxSeats {
		return 0
	}
	camp := 0
	if v.You.Faction == game.Plotters {
		camp = 1
	}
	if b.strength == Hard {
		return hardHabits[n][camp]
	}
	mix := normalMix[n]
	if camp != 0 || mix.hab == 0 {
		return 0
	}
	if b.mixed == 0 {
		b.mixed = -1
		if b.rng.Float64() < mix.share {
			b.mixed = 1
		}
	}
	if b.mixed > 0 {
		return mix.hab
	}
	return 0
}
