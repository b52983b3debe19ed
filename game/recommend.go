package game

// recommended is, for each count of delegates, the set of Congress roles
// the project recommends: among the sets a table of that count deals
// whole, the one whose win rates cmd/simulate measured nearest to even
// with Normal bots in both camps and the default settings
// (docs/BALANCE.md, "The recommended sets").
var recommended = [MaxSeats + 1]RoleSet{
	5:  0,
	6:  0,
	7:  0,
	8:  0,
	9:  0,
	10: 0,
	11: 0,
	12: 0,
}

// RecommendedRoles is the set of Congress roles recommended for this
// many delegates, with the default settings (the Investigator on, the
// table's bloc); the empty set outside 5 to 12. A lobby offers it, and
// the simulator measures it.
func RecommendedRoles(seats int) RoleSet {
	if seats < MinSeats || seats > MaxSeats {
		return 0
	}
	return recommended[seats]
}
