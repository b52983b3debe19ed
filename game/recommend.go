package game

// recommended is, for each count of delegates, the set of Congress roles
// the project recommends: among the sets cmd/simulate measured with
// Normal bots in both camps and the default settings, the one nearest to
// even, or, within a point of it, the one with the most roles
// (docs/BALANCE.md, "The recommended sets").
var recommended = [MaxSeats + 1]RoleSet{
	5:  0, // no role is dealt below 6
	6:  Roles(Tukhachevsky),
	7:  Roles(Bukharin, Tukhachevsky),
	8:  Roles(Zinoviev, Tukhachevsky),
	9:  Roles(Bukharin, Tukhachevsky),
	10: Roles(Tukhachevsky),
	11: Roles(Tukhachevsky),
	12: Roles(Tukhachevsky),
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
