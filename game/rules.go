package game

import (
	"fmt"
	"slices"
	"time"
)

// check decides whether c is allowed now, without changing anything.
func (g *Game) check(c Command) error {
	if c.Kind < CmdDenounce || c.Kind > CmdResume {
		return refuse(CodeBadCommand, "That is not something a delegate can do.")
	}
	if g.phase == PhaseOver {
		return refuse(CodeGameOver, "The Congress has closed. Start a new game to play again.")
	}
	if c.Kind == CmdResume {
		if !g.paused {
			return refuse(CodeNotPaused, "The Congress is not paused.")
		}
		return nil
	}
	if g.paused {
		return refuse(CodePaused, "The Congress is paused. Wait for the host to resume it.")
	}
	if c.Kind.HostOnly() {
		return nil
	}
	if c.Seat < 0 || c.Seat >= len(g.seats) {
		return refuse(CodeUnknownSeat, "There is no such seat at this Congress.")
	}
	me := g.seats[c.Seat]
	if !me.alive && c.Kind != CmdConfess {
		return refuse(CodePurged, "You have been purged. You may only watch and talk with the other purged.")
	}
	switch c.Kind {
	case CmdDenounce:
		if err := g.inPhase(PhaseDebate, "Denunciations are made during the Debate."); err != nil {
			return err
		}
		if err := g.livingOther(c, "You cannot denounce yourself."); err != nil {
			return err
		}
		if me.denounces == c.Target {
			return refuse(CodeBadTarget, fmt.Sprintf("You already denounce %s.", g.seats[c.Target].name))
		}
	case CmdWithdraw:
		if err := g.inPhase(PhaseDebate, "Denunciations can only be withdrawn during the Debate."); err != nil {
			return err
		}
		if me.denounces == NoSeat {
			return refuse(CodeBadTarget, "You have not denounced anyone.")
		}
	case CmdReady, CmdUnready:
		if err := g.inPhase(PhaseDebate, "Ready closes the Debate; it is not the Debate now."); err != nil {
			return err
		}
		if me.ready == (c.Kind == CmdReady) {
			if me.ready {
				return refuse(CodeAlreadyActed, "You are already Ready.")
			}
			return refuse(CodeAlreadyActed, "You are not Ready.")
		}
	case CmdChairPick:
		if err := g.inPhase(PhaseAccusation, "The Chair picks only when the Accusation is tied."); err != nil {
			return err
		}
		if c.Seat != g.chair {
			return refuse(CodeNotYourTurn, "Only the Chair picks the Accused.")
		}
		if err := g.knownTarget(c); err != nil {
			return err
		}
		if !slices.Contains(g.tied, c.Target) {
			return refuse(CodeBadTarget, "Pick one of the delegates tied at the top.")
		}
	case CmdPurgeVote:
		if err := g.inPhase(PhaseVote, "The purge vote has not opened."); err != nil {
			return err
		}
		if c.Seat == g.accused {
			return refuse(CodeAccusedNoVote, "The Accused does not vote on their own purge.")
		}
		if me.voted {
			return refuse(CodeAlreadyVoted, "You have already voted.")
		}
	case CmdConfess:
		if err := g.inPhase(PhaseConfession, "Only a delegate just purged may confess."); err != nil {
			return err
		}
		if c.Seat != g.purgedAt {
			return refuse(CodeNotYourTurn, "Only the delegate just purged may confess.")
		}
		if err := g.livingOther(c, "You cannot name yourself."); err != nil {
			return err
		}
	case CmdLetter:
		if err := g.inPhase(PhaseNight, "Letters are written at night."); err != nil {
			return err
		}
		if me.role.Faction() != Plotters {
			return refuse(CodeNotYourRole, "Only Kirov's bloc writes anonymous letters.")
		}
		if err := g.nightOnce(me, c); err != nil {
			return err
		}
	case CmdInvestigate:
		if err := g.inPhase(PhaseNight, "Investigations are made at night."); err != nil {
			return err
		}
		if me.role != Investigator {
			return refuse(CodeNotYourRole, "Only the NKVD Investigator investigates.")
		}
		if err := g.nightOnce(me, c); err != nil {
			return err
		}
	case CmdStrike:
		if err := g.inPhase(PhaseFinalBallot, "Names are struck only in the Final Ballot."); err != nil {
			return err
		}
		if me.acted {
			return refuse(CodeAlreadyVoted, "You have already struck a name.")
		}
		if err := g.livingOther(c, "You cannot strike your own name."); err != nil {
			return err
		}
	}
	return nil
}

func (g *Game) inPhase(p Phase, msg string) error {
	if g.phase != p {
		return refuse(CodeWrongPhase, msg)
	}
	return nil
}

func (g *Game) knownTarget(c Command) error {
	if c.Target < 0 || c.Target >= len(g.seats) {
		return refuse(CodeUnknownSeat, "There is no such delegate at this Congress.")
	}
	return nil
}

// livingOther accepts a target that is a living delegate other than the actor.
func (g *Game) livingOther(c Command, selfMsg string) error {
	if err := g.knownTarget(c); err != nil {
		return err
	}
	if c.Target == c.Seat {
		return refuse(CodeBadTarget, selfMsg)
	}
	if !g.seats[c.Target].alive {
		return refuse(CodeBadTarget, fmt.Sprintf("%s has been purged.", g.seats[c.Target].name))
	}
	return nil
}

func (g *Game) nightOnce(me seat, c Command) error {
	if me.acted {
		return refuse(CodeAlreadyActed, "You have already made your choice tonight.")
	}
	return g.livingOther(c, "Choose another delegate.")
}

// apply mutates the game for a command that check accepted.
func (g *Game) apply(c Command, now time.Time) {
	ev := func(k EventKind, a audience) {
		g.emit(Event{Kind: k, At: now, Seat: c.Seat, Target: c.Target, Purge: c.Purge, audience: a})
	}
	var me *seat
	if !c.Kind.HostOnly() {
		me = &g.seats[c.Seat]
	}
	switch c.Kind {
	case CmdDenounce:
		me.denounces = c.Target
		ev(EvDenounced, toAll)
	case CmdWithdraw:
		c.Target = me.denounces
		me.denounces = NoSeat
		ev(EvWithdrew, toAll)
	case CmdReady:
		me.ready = true
		c.Target = NoSeat
		ev(EvReady, toAll)
		if g.allDone(g.Alive, func(s seat) bool { return s.ready }) {
			g.closeDebate(now)
		}
	case CmdUnready:
		me.ready = false
		c.Target = NoSeat
		ev(EvUnready, toAll)
	case CmdChairPick:
		g.accuse(c.Target, c.Seat, false, now)
	case CmdPurgeVote:
		me.voted, me.vote = true, c.Purge
		g.emit(Event{Kind: EvVoted, At: now, Seat: c.Seat, Target: g.accused})
		g.emit(Event{Kind: EvVoteCast, At: now, Seat: c.Seat, Target: g.accused, Purge: c.Purge, audience: toSeat})
		if g.allDone(g.isVoter, func(s seat) bool { return s.voted }) {
			g.countVote(now)
		}
	case CmdConfess:
		g.pending = append(g.pending, Denunciation{Target: c.Target, Source: FromConfession, By: c.Seat})
		ev(EvConfessed, toAll)
		g.openNight(now)
	case CmdLetter:
		me.acted, me.choice = true, c.Target
		ev(EvLetterProposed, toPlotters)
		g.maybeCloseNight(now)
	case CmdInvestigate:
		me.acted, me.choice = true, c.Target
		f := g.seats[c.Target].role.Faction()
		g.investigations = append(g.investigations, Investigation{Session: g.session, Target: c.Target, Faction: f})
		g.emit(Event{Kind: EvInvestigated, At: now, Seat: c.Seat, Target: c.Target, Faction: f, audience: toSeat})
		g.maybeCloseNight(now)
	case CmdStrike:
		me.acted, me.choice = true, c.Target
		g.emit(Event{Kind: EvStruck, At: now, Seat: c.Seat, Target: NoSeat})
		g.emit(Event{Kind: EvStrikeCast, At: now, Seat: c.Seat, Target: c.Target, audience: toSeat})
		if g.allDone(g.Alive, func(s seat) bool { return s.acted }) {
			g.countFinal(now)
		}
	case CmdEndPhase:
		g.emit(Event{Kind: EvPhaseEnded, At: now, Seat: NoSeat, Target: NoSeat})
		g.timeout(now)
	case CmdPause:
		g.paused, g.pausedAt = true, now
		g.emit(Event{Kind: EvPaused, At: now, Seat: NoSeat, Target: NoSeat})
	case CmdResume:
		g.paused = false
		if now.After(g.pausedAt) {
			g.deadline = g.deadline.Add(now.Sub(g.pausedAt))
		}
		g.emit(Event{Kind: EvResumed, At: now, Seat: NoSeat, Target: NoSeat})
	}
}

func (g *Game) isVoter(i int) bool { return g.seats[i].alive && i != g.accused }

func (g *Game) maybeCloseNight(now time.Time) {
	if g.allDone(g.hasNightAction, func(s seat) bool { return s.acted }) {
		g.closeNight(now)
	}
}
