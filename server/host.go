package server

import (
	"fmt"

	"github.com/coder/websocket"

	"congress/game"
	"congress/protocol"
)

// host handles a host's lobby action. Every check comes before the
// record, so a refused action changes nothing.
func (l *lobby) host(c *conn, h protocol.Host) error {
	me := l.memberOf(c)
	if me == nil || l.st.host != me.id {
		return protocol.Errorf(protocol.CodeNotHost, "Only the host may do that.")
	}
	st := l.st
	now := l.now()
	if err := l.roomForChanges(h.Action); err != nil {
		return err
	}
	switch h.Action {
	case protocol.HostSettings:
		if st.playing() {
			return protocol.Errorf(protocol.CodeGameStarted, "Settings change between games.")
		}
		s := *h.Settings
		return l.commit(Record{Kind: RecSettings, At: now, Settings: &s})

	case protocol.HostPublic:
		return l.commit(Record{Kind: RecPublic, At: now, Public: h.Public})

	case protocol.HostKick:
		target, err := l.other(me, h.Member, "You cannot kick yourself.")
		if err != nil {
			return err
		}
		if target.bot {
			return l.removeBot(target)
		}
		if st.playing() && target.seat != game.NoSeat && !target.botPlays {
			// The kicked delegate's seat goes on, played by a bot.
			if err := l.commit(Record{Kind: RecBotSeat, At: now, Member: target.id, Bot: true, Strength: protocol.StrengthNormal, Seed: randomSeed()}); err != nil {
				return err
			}
		}
		if err := l.commit(Record{Kind: RecKicked, At: now, Member: target.id}); err != nil {
			return err
		}
		if kc := l.members[target.id]; kc != nil {
			delete(l.members, target.id)
			kc.close(protocol.CodeKicked, "The host removed you from the lobby.", websocket.StatusNormalClosure, true)
		}
		l.noteEmpty()
		return nil

	case protocol.HostMakeHost:
		target, err := l.other(me, h.Member, "You are the host already.")
		if err != nil {
			return err
		}
		if target.bot {
			return protocol.Errorf(protocol.CodeUnknownMember, "A bot cannot be the host.")
		}
		return l.commit(Record{Kind: RecHostChanged, At: now, Member: target.id})

	case protocol.HostAddBot:
		if st.playing() {
			return protocol.Errorf(protocol.CodeGameStarted, "Bots join between games.")
		}
		if st.seated() >= game.MaxSeats {
			return protocol.Errorf(protocol.CodeLobbyFull, "This lobby has its %d delegates already.", game.MaxSeats)
		}
		if err := l.roomForMembers(); err != nil {
			return err
		}
		id := fmt.Sprintf("d%d", max(st.nextID, 1))
		return l.commit(Record{Kind: RecBotAdded, At: now, Member: id, Name: l.botName(), Strength: h.Strength, Seed: randomSeed()})

	case protocol.HostRemoveBot:
		target := st.member(h.Member)
		if target == nil || !target.bot {
			return protocol.Errorf(protocol.CodeUnknownMember, "There is no such bot in this lobby.")
		}
		return l.removeBot(target)

	case protocol.HostBotSeat:
		if !st.playing() {
			return protocol.Errorf(protocol.CodeNoGame, "Seats are handed to bots during a game.")
		}
		target := st.member(h.Member)
		if target == nil || target.gone || target.bot || target.seat == game.NoSeat {
			return protocol.Errorf(protocol.CodeUnknownMember, "There is no such delegate at this table.")
		}
		if target.botPlays == h.Bot {
			return nil
		}
		if h.Bot && l.members[target.id] != nil {
			return protocol.Errorf(protocol.CodeNotAbsent, "%s is here: only an absent delegate's seat can go to a bot.", target.name)
		}
		rec := Record{Kind: RecBotSeat, At: now, Member: target.id, Bot: h.Bot}
		if h.Bot {
			rec.Strength, rec.Seed = protocol.StrengthNormal, randomSeed()
		}
		return l.commit(rec)

	case protocol.HostStart:
		switch st.phase {
		case protocol.LobbyPlaying:
			return protocol.Errorf(protocol.CodeGameStarted, "The game is already running.")
		case protocol.LobbyOver:
			return protocol.Errorf(protocol.CodeCannotStart, "Call a rematch first.")
		}
		if block := l.startBlock(); block != "" {
			return protocol.Errorf(protocol.CodeCannotStart, "%s", block)
		}
		var players []string
		for _, m := range st.members {
			players = append(players, m.id)
		}
		seed := randomMatchSeed()
		return l.commit(Record{Kind: RecStarted, At: now, Match: newMatchID(), MatchSeed: &seed, Players: players})

	case protocol.HostRematch:
		if st.phase != protocol.LobbyOver {
			return protocol.Errorf(protocol.CodeNoGame, "A rematch follows a finished game.")
		}
		if err := l.commit(Record{Kind: RecRematch, At: now}); err != nil {
			return err
		}
		l.compact()
		return nil

	case protocol.HostAdmit, protocol.HostDeny:
		return l.admit(h.Spectator, h.Action == protocol.HostAdmit)
	}
	return protocol.Errorf(protocol.CodeBadMessage, "Unknown host action.")
}

// other is the member id names, if it is someone other than me.
func (l *lobby) other(me *member, id, selfMsg string) (*member, error) {
	target := l.st.member(id)
	if target == nil || target.gone {
		return nil, protocol.Errorf(protocol.CodeUnknownMember, "There is no such member in this lobby.")
	}
	if target == me {
		return nil, protocol.Errorf(protocol.CodeBadMessage, "%s", selfMsg)
	}
	return target, nil
}

func (l *lobby) removeBot(target *member) error {
	if l.st.playing() {
		return protocol.Errorf(protocol.CodeGameStarted, "Bots leave between games; hand the seat back instead.")
	}
	return l.commit(Record{Kind: RecBotRemoved, At: l.now(), Member: target.id})
}

// startBlock says, in words for the host, why a game cannot start now.
func (l *lobby) startBlock() string {
	st := l.st
	if st.phase != protocol.LobbyOpen {
		return "Call a rematch first."
	}
	cfg, err := st.settings.Config()
	if err == nil {
		err = cfg.ValidateSeats(st.seated())
	}
	if e, ok := errorOf(err); ok {
		return e.Message
	}
	if err != nil {
		return "These settings cannot make a game."
	}
	return ""
}

// botNames are delegates of the XVII Congress, for the bots to sit as:
// none who is a role of the game (Stalin, Kirov).
var botNames = []string{
	"Postyshev", "Kosior", "Eikhe", "Rudzutak", "Chubar", "Kuibyshev", "Kalinin", "Mikoyan",
	"Zhdanov", "Voroshilov", "Sheboldaev", "Vareikis", "Kabakov", "Rumyantsev", "Gamarnik", "Yakir",
	"Pyatakov", "Bubnov", "Krupskaya", "Yenukidze",
}

// botName is the first name of botNames nobody in the lobby goes by
// (nor one that looks like it), then "Comrade N".
func (l *lobby) botName() string {
	for _, name := range botNames {
		if _, taken := l.st.nameTaken(name); !taken {
			return name
		}
	}
	for n := 1; ; n++ {
		name := fmt.Sprintf("Comrade %d", n)
		if _, taken := l.st.nameTaken(name); !taken {
			return name
		}
	}
}
