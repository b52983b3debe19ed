package game

import (
	"fmt"
	"slices"
	"time"
)

// refusal is a refused command before it becomes an *Error. check returns
// it by value and leaves building the message to Apply, so that View can
// ask the rules what a delegate may do without allocating. The zero
// refusal, refusal{}, allows.
type refusal struct {
	code Code   // "" when the command is allowed
	msg  string // for the player; %s stands for the name of seat name
	name int
}

func no(code Code, msg string) refusal { return refusal{code: code, msg: msg, name: NoSeat} }

// noAbout is a refusal whose message names a delegate.
func noAbout(code Code, msg string, seat int) refusal {
	return refusal{code: code, msg: msg, name: seat}
}

func (r refusal) err(g *Game) error {
	msg := r.msg
	if r.name != NoSeat {
		msg = fmt.Sprintf(msg, g.seats[r.name].name)
	}
	return refuse(r.code, msg)
}

// check decides whether c is allowed now, without changing anything.
func (g *Game) check(c Command) refusal {
	if c.Kind < CmdDenounce || c.Kind > lastCommand {
		return no(CodeBadCommand, "That is not something a delegate can do.")
	}
	if g.phase == PhaseOver {
		return no(CodeGameOver, "The Congress has closed. Start a new game to play again.")
	}
	if c.Kind == CmdResume {
		if !g.paused {
			return no(CodeNotPaused, "The Congress is not paused.")
		}
		return refusal{}
	}
	if g.paused {
		return no(CodePaused, "The Congress is paused. Wait for the host to resume it.")
	}
	if c.Kind.HostOnly() {
		return refusal{}
	}
	if c.Seat < 0 || c.Seat >= len(g.seats) {
		return no(CodeUnknownSeat, "There is no such seat at this Congress.")
	}
	return g.checkSeat(c)
}

// checkSeat is the rest of check for a delegate's command, once the game
// is running and not paused and c.Seat is a seat: what the rules ask of
// the actor and the moment, then, for a kind aimed at a seat, of the
// target. View asks the two parts apart, the first once for every target.
func (g *Game) checkSeat(c Command) refusal {
	if r := g.checkActor(c); r.code != "" || !c.Kind.TakesTarget() {
		return r
	}
	return g.checkTarget(c)
}

// checkActor is what checkSeat asks whatever the target: the phase, and
// whether this delegate may act in it now.
func (g *Game) checkActor(c Command) refusal {
	me := &g.seats[c.Seat]
	if !me.alive && c.Kind != CmdConfess && c.Kind != CmdShoot {
		return no(CodePurged, "You have been purged. You may only watch and talk with the other purged.")
	}
	switch c.Kind {
	case CmdDenounce:
		if g.phase != PhaseDebate {
			return no(CodeWrongPhase, "Denunciations are made during the Debate.")
		}
	case CmdWithdraw:
		if g.phase != PhaseDebate {
			return no(CodeWrongPhase, "Denunciations can only be withdrawn during the Debate.")
		}
		if me.denounces == NoSeat {
			return no(CodeBadTarget, "You have not denounced anyone.")
		}
	case CmdReady, CmdUnready:
		if g.phase != PhaseDebate {
			return no(CodeWrongPhase, "Ready closes the Debate; it is not the Debate now.")
		}
		if me.ready == (c.Kind == CmdReady) {
			if me.ready {
				return no(CodeAlreadyActed, "You are already Ready.")
			}
			return no(CodeAlreadyActed, "You are not Ready.")
		}
	case CmdChairPick:
		if g.phase != PhaseAccusation {
			return no(CodeWrongPhase, "The Chair picks only when the Accusation is tied.")
		}
		if c.Seat != g.chair {
			return no(CodeNotYourTurn, "Only the Chair picks the Accused.")
		}
	case CmdPurgeVote:
		if g.phase != PhaseVote {
			return no(CodeWrongPhase, "The purge vote has not opened.")
		}
		if c.Seat == g.accused {
			return no(CodeAccusedNoVote, "The Accused does not vote on their own purge.")
		}
		if me.voted {
			return no(CodeAlreadyVoted, "You have already voted.")
		}
	case CmdConfess:
		if g.phase != PhaseConfession {
			return no(CodeWrongPhase, "Only a delegate just purged may confess.")
		}
		if c.Seat != g.purgedAt {
			return no(CodeNotYourTurn, "Only the delegate just purged may confess.")
		}
	case CmdLetter:
		if g.phase != PhaseNight {
			return no(CodeWrongPhase, "Letters are written at night.")
		}
		if me.role.Faction() != Plotters {
			return no(CodeNotYourRole, "Only Kirov's bloc writes anonymous letters.")
		}
		return nightOnce(me)
	case CmdInvestigate:
		if g.phase != PhaseNight {
			return no(CodeWrongPhase, "Investigations are made at night.")
		}
		if me.role != Investigator {
			return no(CodeNotYourRole, "Only the NKVD Investigator investigates.")
		}
		return nightOnce(me)
	case CmdStrike:
		if g.phase != PhaseFinalBallot {
			return no(CodeWrongPhase, "Names are struck only in the Final Ballot.")
		}
		if me.acted {
			return no(CodeAlreadyVoted, "You have already struck a name.")
		}
	case CmdFalsify:
		if g.phase != PhaseNight {
			return no(CodeWrongPhase, "The NKVD's reports are falsified at night.")
		}
		if me.role != Yagoda {
			return no(CodeNotYourRole, "Only Yagoda, chief of the NKVD, can falsify a report.")
		}
		if g.falsified == g.session {
			return no(CodeUsed, "Tonight's report is already falsified.")
		}
		if g.falsified != 0 {
			return no(CodeUsed, "You have already falsified a report; it can be done once.")
		}
	case CmdShoot:
		if g.phase != PhaseLastShot {
			return no(CodeWrongPhase, "The Last Shot comes only when the Loyalists have won.")
		}
		if me.role != Nikolaev {
			return no(CodeNotYourRole, "Only Nikolaev, the bloc's gunman, fires the Last Shot.")
		}
	}
	return refusal{}
}

// checkTarget is what checkSeat asks of the target of a kind aimed at a
// seat, once checkActor has allowed the actor: a delegate of this
// Congress (or, for a confession, nobody); for the Chair's pick, one of
// the tied; for the Last Shot, a Loyalist, living or purged; for every
// other kind, a living delegate other than the actor, and for a
// denunciation not the one already denounced. (View asks it of every
// seat: one call each.)
func (g *Game) checkTarget(c Command) refusal {
	switch {
	case c.Kind == CmdConfess && c.Target == NoSeat:
		// The purged delegate leaves without a word.
	case c.Target < 0 || c.Target >= len(g.seats):
		return no(CodeUnknownSeat, "There is no such delegate at this Congress.")
	case c.Kind == CmdChairPick:
		if !slices.Contains(g.tied, c.Target) {
			return no(CodeBadTarget, "Pick one of the delegates tied at the top.")
		}
	case c.Kind == CmdShoot:
		if g.seats[c.Target].role.Faction() == Plotters {
			return noAbout(CodeBadTarget, "%s is of the bloc. Name a Loyalist.", c.Target)
		}
	case c.Target == c.Seat:
		return no(CodeBadTarget, selfTarget[c.Kind])
	case !g.seats[c.Target].alive:
		return noAbout(CodeBadTarget, "%s has been purged.", c.Target)
	case c.Kind == CmdDenounce && g.seats[c.Seat].denounces == c.Target:
		return noAbout(CodeBadTarget, "You already denounce %s.", c.Target)
	}
	return refusal{}
}

// selfTarget is the refusal of a command aimed at its own delegate.
var selfTarget = [...]string{
	CmdDenounce:    "You cannot denounce yourself.",
	CmdConfess:     "You cannot name yourself.",
	CmdLetter:      "Choose another delegate.",
	CmdInvestigate: "Choose another delegate.",
	CmdStrike:      "You cannot strike your own name.",
}

func nightOnce(me *seat) refusal {
	if me.acted {
		return no(CodeAlreadyActed, "You have already made your choice tonight.")
	}
	return refusal{}
}

// apply mutates the game for a command that check accepted. Its first
// event is the one that logs it (see logged).
func (g *Game) apply(c Command, now time.Time) {
	l := logged[c.Kind]
	e := Event{Kind: l.kind, At: now, Seat: c.Seat, Target: NoSeat, audience: l.to}
	if l.aimed {
		e.Target = c.Target
	}
	var me *seat
	if c.Kind.HostOnly() {
		e.Seat = NoSeat
	} else {
		me = &g.seats[c.Seat]
		// A delegate's public line carries Purge as sent, which only the
		// vote reads: the log keeps what was asked.
		e.Purge = c.Purge
	}
	switch c.Kind {
	case CmdDenounce:
		me.denounces = c.Target
		g.emit(e)
	case CmdWithdraw:
		e.Target = me.denounces
		me.denounces = NoSeat
		g.emit(e)
	case CmdReady:
		me.ready = true
		g.emit(e)
		if g.allDone(g.Alive, func(s *seat) bool { return s.ready }) {
			g.closeDebate(now)
		}
	case CmdUnready:
		me.ready = false
		g.emit(e)
	case CmdChairPick:
		g.accuse(c.Target, c.Seat, false, now)
	case CmdPurgeVote:
		me.voted, me.vote = true, c.Purge
		e.Target, e.Purge = g.accused, false // how is the voter's secret
		g.emit(e)
		g.emit(Event{Kind: EvVoteCast, At: now, Seat: c.Seat, Target: g.accused, Purge: c.Purge, audience: toSeat})
		if g.allDone(g.isVoter, func(s *seat) bool { return s.voted }) {
			g.countVote(now)
		}
	case CmdConfess:
		if c.Target != NoSeat {
			g.pending = append(g.pending, Denunciation{Target: c.Target, Source: FromConfession, By: c.Seat})
		}
		g.emit(e)
		g.openNight(now)
	case CmdLetter:
		me.acted, me.choice = true, c.Target
		g.emit(e)
		g.maybeCloseNight(now)
	case CmdInvestigate:
		me.acted, me.choice = true, c.Target
		e.Purge = false
		if !g.reportsAtDawn() {
			f := g.report(c.Target)
			g.investigations = append(g.investigations, Investigation{Session: g.session, Target: c.Target, Faction: f})
			e.Faction = f
		}
		g.emit(e)
		g.maybeCloseNight(now)
	case CmdFalsify:
		g.falsified = g.session
		e.Purge = false
		g.emit(e)
	case CmdShoot:
		e.Purge = false
		g.emit(e)
		if g.seats[c.Target].role == Koba {
			g.end(Plotters, KobaShot, now)
		} else {
			g.end(Loyalists, g.lastReason, now)
		}
	case CmdStrike:
		me.acted, me.choice = true, c.Target
		e.Purge = false
		g.emit(e)
		g.emit(Event{Kind: EvStrikeCast, At: now, Seat: c.Seat, Target: c.Target, audience: toSeat})
		if g.allDone(g.Alive, func(s *seat) bool { return s.acted }) {
			g.countFinal(now)
		}
	case CmdEndPhase:
		g.emit(e)
		g.timeout(now)
	case CmdPause:
		g.paused, g.pausedAt = true, now
		g.emit(e)
	case CmdResume:
		g.paused = false
		if now.After(g.pausedAt) {
			g.deadline = g.deadline.Add(now.Sub(g.pausedAt))
		}
		g.emit(e)
	}
}

func (g *Game) isVoter(i int) bool { return g.seats[i].alive && i != g.accused }

func (g *Game) maybeCloseNight(now time.Time) {
	if g.allDone(g.hasNightAction, func(s *seat) bool { return s.acted }) {
		g.closeNight(now)
	}
}
