package game

import (
	"encoding/json"
	"strings"
)

// RoleSet is a set of the Congress roles (ROLES.md): bit r for role r.
// The zero value is the base game, no optional role.
type RoleSet uint16

// OptionalRoles are the Congress roles a host may turn on, in the order
// ROLES.md gives them, for callers that iterate them.
var OptionalRoles = []Role{Koba, Nikolaev, Bukharin, Zinoviev, Tukhachevsky, Yagoda}

// optionalRoles is OptionalRoles, out of reach of a caller who edits it.
var optionalRoles = [...]Role{Koba, Nikolaev, Bukharin, Zinoviev, Tukhachevsky, Yagoda}

// optional is, for each Congress role, the fewest delegates it is dealt
// with and the role it is dealt only with (NoRole: none; Investigator:
// only when an Investigator is dealt).
var optional = [lastRole + 1]struct {
	from  int
	needs Role
}{
	Koba:         {7, NoRole},
	Nikolaev:     {7, Koba},
	Bukharin:     {6, Investigator},
	Zinoviev:     {8, Investigator},
	Tukhachevsky: {6, NoRole},
	Yagoda:       {8, Investigator},
}

// Optional reports whether r is one of the Congress roles.
func (r Role) Optional() bool { return r > Kirov && r <= lastRole }

// From is the fewest delegates an optional role is dealt with; 0 for the
// base roles.
func (r Role) From() int {
	if !r.Optional() {
		return 0
	}
	return optional[r].from
}

// Needs is the role an optional role is dealt only with: Koba for
// Nikolaev, the Investigator for the doubles and Yagoda, NoRole for the
// others and for the base roles.
func (r Role) Needs() Role {
	if !r.Optional() {
		return NoRole
	}
	return optional[r].needs
}

// Roles makes a set of roles; roles that are not optional are ignored.
func Roles(roles ...Role) RoleSet {
	var s RoleSet
	for _, r := range roles {
		if r.Optional() {
			s |= 1 << r
		}
	}
	return s
}

// AllRoles is every Congress role.
var AllRoles = Roles(optionalRoles[:]...)

// Has reports whether r is in the set.
func (s RoleSet) Has(r Role) bool { return r.Optional() && s&(1<<r) != 0 }

// List is the set's roles in the order of Role.
func (s RoleSet) List() []Role {
	var out []Role
	for r := Koba; r <= lastRole; r++ {
		if s.Has(r) {
			out = append(out, r)
		}
	}
	return out
}

func (s RoleSet) String() string {
	if s == 0 {
		return "base"
	}
	names := make([]string, 0, 6)
	for _, r := range s.List() {
		names = append(names, r.String())
	}
	return strings.Join(names, "+")
}

// MarshalJSON writes the set as a list of role names.
func (s RoleSet) MarshalJSON() ([]byte, error) {
	l := s.List()
	if l == nil {
		l = []Role{}
	}
	return json.Marshal(l)
}

// UnmarshalJSON reads a list of role names; a base role or an unknown
// name is refused, at the setting "roles".
func (s *RoleSet) UnmarshalJSON(data []byte) error {
	var names []string
	if err := json.Unmarshal(data, &names); err != nil {
		return err
	}
	var out RoleSet
	for _, name := range names {
		var r Role
		if r.UnmarshalText([]byte(name)) != nil || !r.Optional() {
			if len(name) > 20 {
				name = name[:20]
			}
			return rolesError(ReasonRoleUnknown, params("name", name), "There is no Congress role %q to turn on: the roles are %s.", name, strings.Join(roleNames[Koba:], ", "))
		}
		out |= 1 << r
	}
	*s = out
	return nil
}

// validateRoles is what Validate asks of the roles, whatever the count:
// each role's partner turned on.
func (c Config) validateRoles() error {
	if c.Roles&^AllRoles != 0 {
		return rolesError(ReasonRoleUnknown, params("name", ""), "Unknown Congress role.")
	}
	for _, r := range c.Roles.List() {
		switch needs := optional[r].needs; {
		case needs == Investigator && !c.Investigator:
			return rolesError(ReasonRoleNeedsNKVD, params("role", r), "%s needs the NKVD Investigator: turn the Investigator on, or %s off.", title(r), title(r))
		case needs != NoRole && needs != Investigator && !c.Roles.Has(needs):
			return rolesError(ReasonRoleNeeds, params("role", r, "needs", needs), "%s plays only with %s: turn %s on, or %s off.", title(r), title(needs), title(needs), title(r))
		}
	}
	return nil
}

// RolesFor is the set of Congress roles dealt with this many delegates:
// those turned on whose count has come, and whose partner is dealt.
func (c Config) RolesFor(seats int) RoleSet {
	var s RoleSet
	investigator := c.InvestigatorFor(seats)
	for _, r := range c.Roles.List() {
		if seats < optional[r].from {
			continue
		}
		switch needs := optional[r].needs; {
		case needs == Investigator && !investigator:
			continue
		case needs != NoRole && needs != Investigator && !(c.Roles.Has(needs) && seats >= optional[needs].from):
			continue
		}
		s |= 1 << r
	}
	return s
}

// fitRoles refuses a deal whose Congress roles outnumber the plain seats
// of their camp: each replaces a plain Loyalist or Plotter.
func (c Config) fitRoles(seats int) error {
	dealt := c.RolesFor(seats)
	var plotters, loyalists int
	for _, r := range dealt.List() {
		if r.Faction() == Plotters {
			plotters++
		} else {
			loyalists++
		}
	}
	plainPlotters := c.PlottersFor(seats) - 1
	plainLoyalists := seats - c.PlottersFor(seats)
	if c.InvestigatorFor(seats) {
		plainLoyalists--
	}
	if plotters > plainPlotters {
		return rolesError(ReasonBlocRolesFull, params("seats", seats, "free", plainPlotters, "n", plotters), "With %d delegates Kirov's bloc has %d other seats: too few for %d of its roles. Turn one off.", seats, plainPlotters, plotters)
	}
	if loyalists > plainLoyalists {
		return rolesError(ReasonLoyalRolesFull, params("seats", seats, "free", plainLoyalists, "n", loyalists), "With %d delegates the Loyalists have %d plain seats: too few for %d of their roles. Turn one off.", seats, plainLoyalists, loyalists)
	}
	return nil
}

// rolesError is a refusal of the roles turned on, at their setting.
func rolesError(reason Reason, p map[string]string, format string, args ...any) error {
	return configError(reason, "roles", p, format, args...)
}

// title is a role's name as a player reads it.
func title(r Role) string {
	switch r {
	case Investigator:
		return "the NKVD Investigator"
	case Tukhachevsky:
		return "Tukhachevsky"
	}
	s := r.String()
	return strings.ToUpper(s[:1]) + s[1:]
}

// FitRoles is the set of Congress roles of c that a table of this many
// delegates can take: c's roles, less (the last of OptionalRoles first)
// those that ValidateSeats refuses, each role without its partner going
// with it. With no optional role it is the empty set.
func (c Config) FitRoles(seats int) RoleSet {
	if !c.Roles.Has(Koba) {
		c.Roles &^= Roles(Nikolaev)
	}
	if !c.Investigator {
		c.Roles &^= Roles(Bukharin, Zinoviev, Yagoda)
	}
	for i := len(optionalRoles) - 1; i >= 0 && c.Roles != 0 && c.ValidateSeats(seats) != nil; i-- {
		c.Roles &^= Roles(optionalRoles[i])
		if !c.Roles.Has(Koba) {
			c.Roles &^= Roles(Nikolaev)
		}
	}
	return c.Roles
}
