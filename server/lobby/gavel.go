package lobby

import (
	"crypto/subtle"
	"fmt"
	"strconv"
	"strings"
	"time"

	"congress/game"
	"congress/protocol"
)

// The gavel and the seats of the absent: a host away for the lobby's
// host_away_seconds hands the gavel to the next delegate present; a seat
// a bot played is handed back with an account of what the bot did in it;
// a kicked member's pass is barred for good. Each change is a record,
// and each is told to the lobby in words (Notice), so that no seat
// changes hands unannounced.

// Deputy is the stretch of the game's log in which a bot played a human's
// seat: from the log's length when it sat down to its length when it
// stood up again (Until -1 while it plays on).
type Deputy struct {
	From, Until int
}

// deputize notes a bot sitting down in mem's seat (bot) or standing up.
// A second stand-in before the delegate is back widens the first's
// stretch: the delegate hears of all of it at once.
func (m *Match) deputize(mem *Member, bot bool) {
	switch {
	case bot && mem.Deputy == nil:
		mem.Deputy = &Deputy{From: m.Game.LogLen(), Until: -1}
	case bot:
		mem.Deputy.Until = -1
	case mem.Deputy != nil:
		mem.Deputy.Until = m.Game.LogLen()
	}
}

// withDefaults fills what a log written before a setting existed left
// out: host_away_seconds is the default.
func (s *Settings) withDefaults() Settings {
	out := *s
	if out.HostAwaySeconds == 0 {
		out.HostAwaySeconds = protocol.DefaultHostAwaySeconds
	}
	return out
}

// HostAway is how long the host may be away before the gavel passes.
func (s Settings) HostAway() time.Duration {
	return time.Duration(s.withDefaults().HostAwaySeconds) * time.Second
}

// bar keeps a kicked member's pass, which opens nothing from now on.
func (s *State) bar(m *Member) {
	if m.TokenHash != nil {
		s.Kicked = append(s.Kicked, m.TokenHash)
	}
}

// KickedMessage is what the kicked are told, at the kick and whenever
// their pass comes back.
const KickedMessage = "The host has removed you from this lobby. Your pass, and any new name from this browser, will not be seated here again; you may still watch from the gallery."

// Barred refuses a pass (the SHA-256 of a token) the host kicked out of
// the lobby: a resume with it, or a join from the browser that held it.
func (s *State) Barred(tokenHash []byte) error {
	barred := 0
	for _, h := range s.Kicked {
		barred |= subtle.ConstantTimeCompare(h, tokenHash)
	}
	if barred == 1 {
		return protocol.Errorf(protocol.CodeKicked, "%s", KickedMessage)
	}
	return nil
}

// applyGavel applies the records of this file.
func (s *State) applyGavel(rec Record) error {
	m := s.Member(rec.Member)
	switch rec.Kind {
	case RecGavelPassed:
		if m == nil || m.Bot || m.Gone {
			return fmt.Errorf("gavel_passed: no human member %q", rec.Member)
		}
		if old := s.Member(rec.From); old != nil && old != m {
			old.LostGavel = true
		}
		s.Host, m.LostGavel = m.ID, false
	case RecTold:
		if m == nil {
			return fmt.Errorf("told: no member %q", rec.Member)
		}
		m.LostGavel, m.Deputy = false, nil
	}
	return nil
}

// inGame reports whether a game is running or has just ended: the seats
// stand until the rematch.
func (s *State) inGame() bool { return s.Match != nil && s.Phase != Open }

// GavelHeir is who takes the gavel from an absent host: the next human
// present after the host in seat order during a game (and after it, until
// the rematch), in joining order between games; nil if nobody is here.
func (s *State) GavelHeir(here func(member string) bool) *Member {
	may := func(m *Member) bool { return m.Human() && !m.Gone && m.ID != s.Host && here(m.ID) }
	if s.inGame() {
		n := s.Match.Game.Seats()
		from := 0
		if h := s.Member(s.Host); h != nil && h.Seat != game.NoSeat {
			from = h.Seat + 1
		}
		for k := range n {
			seat := (from + k) % n
			for _, m := range s.Members {
				if m.Seat == seat && may(m) {
					return m
				}
			}
		}
	}
	at := 0
	for i, m := range s.Members {
		if m.ID == s.Host {
			at = i + 1
		}
	}
	for k := range s.Members {
		if m := s.Members[(at+k)%len(s.Members)]; may(m) {
			return m
		}
	}
	return nil
}

// GavelDue is the record that passes the gavel from a host away since
// awaySince, once the lobby's host_away_seconds have run, to the heir
// present (GavelHeir); false before then, or with nobody to take it.
func (s *State) GavelDue(awaySince time.Time, env Env) (Record, bool) {
	if s.Closed || s.Host == "" || awaySince.IsZero() || env.Now.Before(awaySince.Add(s.Settings.HostAway())) {
		return Record{}, false
	}
	heir := s.GavelHeir(env.Here)
	if heir == nil {
		return Record{}, false
	}
	return Record{Kind: RecGavelPassed, At: env.Now, Member: heir.ID, From: s.Host}, true
}

// Announcement is what the lobby is told, in words, of an applied
// record that changes who holds the gavel or who plays a seat; false for
// any other. here says who is connected. It never names a role.
func (s *State) Announcement(rec Record, here func(member string) bool) (protocol.Notice, bool) {
	m := s.Member(rec.Member)
	if m == nil {
		return protocol.Notice{}, false
	}
	n := protocol.Notice{Member: m.ID}
	switch rec.Kind {
	case RecGavelPassed:
		n.Kind, n.Message = protocol.NoticeGavel, fmt.Sprintf("The gavel passes to %s: %s is away.", m.Name, s.nameOf(rec.From))
		n.Event, n.Params = protocol.NoticeGavelPassed, map[string]string{"name": m.Name, "from": s.nameOf(rec.From)}
	case RecHostChanged:
		n.Kind, n.Message = protocol.NoticeGavel, fmt.Sprintf("%s now holds the gavel.", m.Name)
		n.Event = protocol.NoticeHostChanged
	case RecBotSeat:
		n.Kind = protocol.NoticeSeat
		switch {
		case rec.Bot && here(m.ID):
			n.Event, n.Message = protocol.NoticeBotPlays, fmt.Sprintf("A bot now plays %s's seat.", m.Name)
		case rec.Bot:
			n.Event, n.Message = protocol.NoticeBotPlaysAway, fmt.Sprintf("A bot now plays %s's seat: %s is away.", m.Name, m.Name)
		case here(m.ID):
			n.Event, n.Message = protocol.NoticeBack, fmt.Sprintf("%s is back and plays their own seat again.", m.Name)
		default:
			n.Event, n.Message = protocol.NoticeBotLeaves, fmt.Sprintf("The bot leaves %s's seat, which waits for %s.", m.Name, m.Name)
		}
	case RecSeatTaken:
		n.Kind = protocol.NoticeSeat
		n.Message = fmt.Sprintf("A new delegate takes seat %d: %s sits there from now on.", m.Seat+1, m.Name)
		n.Event, n.Params = protocol.NoticeSeatTaken, map[string]string{"name": m.Name, "seat": strconv.Itoa(m.Seat + 1)}
	case RecKicked:
		// Between games the kicked are gone from the lobby, which the
		// lobby's members say; during a game their seat stays.
		if !m.Gone {
			return protocol.Notice{}, false
		}
		n.Kind = protocol.NoticeKicked
		n.Message = fmt.Sprintf("The host has removed %s from the Congress. A bot plays the seat to the end; its file stays sealed.", m.Name)
		n.Event = protocol.NoticeRemoved
	default:
		return protocol.Notice{}, false
	}
	if n.Params == nil {
		n.Params = map[string]string{"name": m.Name}
	}
	return n, true
}

// nameOf is a member's name, or "the host" for one no longer known.
func (s *State) nameOf(id string) string {
	if m := s.Member(id); m != nil {
		return m.Name
	}
	return "the host"
}

// WhileAway is what a delegate back at the lobby is told, to them alone
// and once: that the gavel passed while they were away, and what the bot
// that stood in for them chose in their seat (the game's own lines of it,
// as the seat reads them), with the told record that makes it once;
// false when there is nothing to tell.
func (s *State) WhileAway(me *Member, env Env) (Record, protocol.Notice, bool) {
	var parts []string
	n := protocol.Notice{Kind: protocol.NoticeWhileAway, Member: me.ID, Event: protocol.NoticeAway, Params: map[string]string{}}
	if me.LostGavel && s.Host != me.ID {
		n.Params["gavel"] = "passed"
		if h := s.Member(s.Host); h != nil {
			n.Params["name"] = h.Name
			parts = append(parts, fmt.Sprintf("While you were away the gavel passed to %s, who holds it now.", h.Name))
		} else {
			parts = append(parts, "While you were away the gavel passed on.")
		}
	}
	if d := me.Deputy; d != nil && s.inGame() && me.Seat != game.NoSeat {
		g := s.Match.Game
		n.Params["deputy"] = "sat"
		n.Deeds = g.Deeds(me.Seat, d.From, d.Until)
		lead := "Your deputy"
		if len(parts) == 0 {
			lead = "While you were away your deputy"
		}
		if words := deedWords(g, n.Deeds); words != "" {
			parts = append(parts, lead+" "+words+".")
		} else {
			parts = append(parts, lead+" kept your seat and made no move in your name.")
		}
	}
	if len(parts) == 0 && !me.LostGavel && me.Deputy == nil {
		return Record{}, protocol.Notice{}, false
	}
	if len(parts) == 0 {
		// Stale news (the gavel came back, the game is gone): forget it unsaid.
		return Record{Kind: RecTold, At: env.Now, Member: me.ID}, protocol.Notice{}, true
	}
	n.Message = strings.Join(parts, " ")
	return Record{Kind: RecTold, At: env.Now, Member: me.ID}, n, true
}

// maxDeedWords is how many deeds a summary spells out; the minutes
// carry the rest.
const maxDeedWords = 6

// deedWords says what a seat's deeds chose: "denounced Postyshev and
// voted Spare on Clara".
func deedWords(g *game.Game, deeds []game.Event) string {
	name := func(i int) string {
		if i < 0 || i >= g.Seats() {
			return "nobody"
		}
		return g.Name(i)
	}
	var said []string
	for _, e := range deeds {
		var w string
		switch e.Kind {
		case game.EvDenounced:
			w = "denounced " + name(e.Target)
		case game.EvWithdrew:
			w = "withdrew the denunciation of " + name(e.Target)
		case game.EvReady:
			w = "pressed Ready"
		case game.EvUnready:
			w = "took Ready back"
		case game.EvAccused:
			w = "named " + name(e.Target) + " the Accused from the Chair"
		case game.EvVoteCast:
			w = "voted Spare on " + name(e.Target)
			if e.Purge {
				w = "voted Purge on " + name(e.Target)
			}
		case game.EvConfessed:
			w = "left the hall without a word"
			if e.Target != game.NoSeat {
				w = "named " + name(e.Target) + " in your confession"
			}
		case game.EvLetterProposed:
			w = "proposed the anonymous letter against " + name(e.Target)
		case game.EvInvestigated:
			w = "had the NKVD investigate " + name(e.Target)
			switch e.Faction {
			case game.Loyalists:
				w += ": a Loyalist"
			case game.Plotters:
				w += ": a Plotter"
			}
		case game.EvStrikeCast:
			w = "struck " + name(e.Target) + " from the ballot"
		case game.EvFalsified:
			w = "falsified the night's report"
		case game.EvShot:
			w = "named " + name(e.Target) + " in the Last Shot"
		default:
			continue
		}
		said = append(said, w)
	}
	if len(said) > maxDeedWords {
		more := len(said) - maxDeedWords
		said = append(said[:maxDeedWords], fmt.Sprintf("%d more (see the minutes)", more))
		said[len(said)-1] = "made " + said[len(said)-1]
	}
	switch len(said) {
	case 0:
		return ""
	case 1:
		return said[0]
	}
	return strings.Join(said[:len(said)-1], ", ") + " and " + said[len(said)-1]
}
