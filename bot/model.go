package bot

import "math"

// model is a bot's belief about who the Plotters are, built from public
// evidence only.
//
// Every piece of evidence is the likelihood of something a delegate did
// (a mark, a vote, a confession, a letter) given whether the delegates
// involved are Plotters. With x_i = 1 for a Plotter, the log-likelihood of
// a fact about two seats a and b is a table f(x_a, x_b), which is exactly
//
//	f(0,0) + u*x_a + v*x_b + w*x_a*x_b
//
// so all the evidence of a game adds up to one linear term per seat (u) and
// one interaction per pair (w): cheap to record, whatever the number of
// facts. solve turns that into P(seat is a Plotter) by mean-field
// iteration, with the bloc size as a constraint. Enumerating every possible
// bloc would be exact but costs hundreds of times more, and the simulator
// plays many thousands of games.
//
// The likelihoods describe how the Normal bots of both camps play (see
// loyalist.go and plotter.go), softened so that humans who play otherwise
// do not make the model certain of anything.
//
// Mean-field has a blind spot where the bloc is a large share of the table
// (3 of 8, 4 of 10 or 11, 5 of 12): a Debate in which the Congress splits
// into two camps, each marking one delegate together, or in which all mark
// the same one, makes the marked delegate look loyal (at 8 seats with 3
// Plotters, 5 delegates marking Kirov and the 3 Plotters marking one of
// them leave Kirov at 0.32, where summing over every bloc gives 0.99; more
// rounds make it worse). A Loyalist therefore stands by its own mark in
// the purge vote (see loyalist.go).
type model struct {
	n, p int
	ev   evidence

	mark, confess, purge, spare, sameTarget, otherTarget pairTable
	letter, notKirov                                     float64
}

// evidence is the sum of every fact recorded so far.
type evidence struct {
	n   int
	u   []float64 // per seat
	w   []float64 // per pair, n*n, symmetric
	ver int       // bumped by every fact, so solutions can be cached
}

func newEvidence(n int) evidence {
	return evidence{n: n, u: make([]float64, n), w: make([]float64, n*n)}
}

// pairTable is a likelihood table f(x_a, x_b) in the form above; the
// constant f(0,0) is dropped since only differences matter.
type pairTable struct{ u, v, w float64 }

// likelihoods builds a pairTable from the four probabilities of the fact
// when a and b are (Loyalist, Loyalist), (Loyalist, Plotter),
// (Plotter, Loyalist) and (Plotter, Plotter).
func likelihoods(ll, lp, pl, pp float64) pairTable {
	f00, f01, f10, f11 := math.Log(ll), math.Log(lp), math.Log(pl), math.Log(pp)
	return pairTable{u: f10 - f00, v: f01 - f00, w: f11 - f10 - f01 + f00}
}

// Behaviour assumed by the likelihoods.
const (
	plotterHitsPlotter = 0.1  // a Plotter marks, names or purges one of the bloc
	loyalistAim        = 1.6  // how much likelier a Loyalist marks a Plotter than a Loyalist
	confessorAim       = 2.5  // the same for a purged Loyalist's confession
	blocTogether       = 0.45 // two Plotters mark the same delegate
	loyalistsTogether  = 0.35 // two Loyalists mark the same delegate
	mixedTogether      = 0.2  // a Plotter and a Loyalist mark the same delegate
	letterOnPlotter    = 0.03 // the bloc writes a letter against one of its own
	blocPurgesLoyalist = 0.7  // a Plotter of a bloc of two under an Investigator votes Purge on an accused Loyalist
	bareBlocPurges     = 0.9  // the same in any other bloc (plotter.go: it covers with its own)
	kirovTell          = 0.9  // how surely a Plotter's act against a delegate clears him of being Kirov
)

// newModel is the model of a table of n with a bloc of p; inv is whether
// an Investigator sits, for a bloc of two plays otherwise under one.
func newModel(n, p int, inv bool) *model {
	m := &model{n: n, p: p, ev: newEvidence(n)}
	others := float64(max(p-1, 1))
	loyal := float64(n - p)
	aim := func(rho float64) pairTable {
		z := rho*float64(p) + loyal - 1 // a Loyalist chooses among n-1 others
		return likelihoods(1/z, rho/z, (1-plotterHitsPlotter)/loyal, plotterHitsPlotter/others)
	}
	m.mark = aim(loyalistAim)
	m.confess = aim(confessorAim)
	bpl := blocPurgesLoyalist
	if p > 2 || !inv {
		bpl = bareBlocPurges
	}
	m.purge = likelihoods(0.35, 0.6, bpl, plotterHitsPlotter)
	m.spare = likelihoods(0.65, 0.4, 1-bpl, 1-plotterHitsPlotter)
	m.sameTarget = likelihoods(loyalistsTogether, mixedTogether, mixedTogether, blocTogether)
	m.otherTarget = likelihoods(1-loyalistsTogether, 1-mixedTogether, 1-mixedTogether, 1-blocTogether)
	m.letter = math.Log(letterOnPlotter)
	if p > 1 {
		m.notKirov = math.Log(float64(p-1) / float64(p))
	}
	return m
}

// pair records a fact about seats a and b.
func (e *evidence) pair(a, b int, t pairTable) {
	if a == b {
		return
	}
	e.u[a] += t.u
	e.u[b] += t.v
	e.w[a*e.n+b] += t.w
	e.w[b*e.n+a] += t.w
	e.ver++
}

// unary records a fact about one seat: lp is log P(fact | Plotter) minus
// log P(fact | Loyalist).
func (e *evidence) unary(a int, lp float64) {
	e.u[a] += lp
	e.ver++
}

// marks records one Debate's marks (target by seat, noSeat for none): each
// mark, and for each two delegates who marked, whether they marked the
// same delegate, as the bloc tends to.
func (e *evidence) marks(marks []int, m *model) {
	for a, t := range marks {
		if t == noSeat {
			continue
		}
		e.pair(a, t, m.mark)
		for c := a + 1; c < len(marks); c++ {
			switch marks[c] {
			case noSeat:
			case t:
				e.pair(a, c, m.sameTarget)
			default:
				e.pair(a, c, m.otherTarget)
			}
		}
	}
}

// Known factions pinned by solve.
const (
	unknown  int8 = -1
	loyalKnw int8 = 0
	plotKnw  int8 = 1
)

// meanFieldRounds is enough for the ranking of suspects to settle; more
// rounds change the third decimal.
const meanFieldRounds = 3

// solver holds scratch space so that solving allocates nothing.
type solver struct {
	z    []float64
	free []int // the seats not pinned by fixed
}

// solve writes P(seat is a Plotter) for every seat into out. fixed pins
// seats whose faction the bot knows. alive and the parity rule bound the
// living Plotters: were there as many as Loyalists, the game would be over.
func (s *solver) solve(e *evidence, p int, fixed []int8, alive []bool, out []float64) {
	s.solveFrom(e, nil, p, fixed, alive, out, nil, meanFieldRounds)
}

// solveFrom is solve with the free seats starting from from (the public
// solution, say) instead of the prior, for the given number of rounds;
// extra, when not nil, adds one private term per seat to the evidence
// (an NKVD report that may be false).
func (s *solver) solveFrom(e *evidence, extra []float64, p int, fixed []int8, alive []bool, out, from []float64, rounds int) {
	n, u, w := e.n, e.u, e.w
	if cap(s.z) < n {
		s.z, s.free = make([]float64, n), make([]int, 0, n)
	}
	free, target := s.free[:0], float64(p)
	for i := range n {
		switch fixed[i] {
		case plotKnw:
			out[i] = 1
			target--
		case loyalKnw:
			out[i] = 0
		default:
			free = append(free, i)
		}
	}
	prior := 0.0
	if len(free) > 0 {
		prior = min(max(target/float64(len(free)), 0), 1)
	}
	for _, i := range free {
		out[i] = prior
		if from != nil {
			out[i] = from[i]
		}
	}
	if len(free) == 0 || prior == 0 || prior == 1 {
		return
	}
	// With z[k] = exp(-x) for free seat k's evidence x,
	// sigmoid(b+x) = 1/(1+exp(-b)*z[k]): one exponential per seat per
	// round, whatever the Newton steps.
	z := s.z[:len(free)]
	bias := math.Log(prior / (1 - prior))
	for range rounds {
		for k, i := range free {
			acc := u[i]
			if extra != nil {
				acc += extra[i]
			}
			row := w[i*n : i*n+n]
			for j, pj := range out[:n] {
				acc += row[j] * pj
			}
			z[k] = math.Exp(-max(min(acc, 30), -30))
		}
		bias = fitBias(z, target, bias)
		eb := math.Exp(-bias)
		for k, i := range free {
			out[i] = 0.5*out[i] + 0.5/(1+eb*z[k])
		}
	}
	// Parity: living Plotters are fewer than living Loyalists.
	var living, livingP float64
	for i := range n {
		if alive[i] {
			living++
			livingP += out[i]
		}
	}
	if limit := math.Ceil(living/2) - 1; livingP > limit && livingP > 0 {
		scale := limit / livingP
		for _, i := range free {
			if alive[i] {
				out[i] *= scale
			}
		}
	}
}

// fitBias finds b with sum over the free seats of sigmoid(b+x) = target,
// by Newton steps from the previous b; e holds exp(-x) for each.
func fitBias(e []float64, target, b float64) float64 {
	for range 6 {
		eb := math.Exp(-b)
		var f, df float64
		for _, ei := range e {
			s := 1 / (1 + eb*ei)
			f += s
			df += s * (1 - s)
		}
		f -= target
		if df < 1e-9 {
			break
		}
		step := max(min(f/df, 4), -4)
		b -= step
		if math.Abs(step) < 1e-3 {
			break
		}
	}
	return b
}
