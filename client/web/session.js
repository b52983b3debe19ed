// session.js: what this browser knows of one lobby, built only from the
// server's messages (welcome, lobby, game, chat). Screens read it; only
// apply() changes it.

export class Session {
  constructor(code, watching) {
    this.code = code;
    this.watching = watching; // came in through the spectators' link
    this.me = "";             // member ID ("" for an anonymous spectator)
    this.spectator = watching;
    this.gallery = "";        // a spectator's gallery ID, as the lobby's knocks name it
    this.lobby = null;
    this.view = null;         // game.View for this viewer, or null before a game
    this.log = [];            // game.Event lines this viewer may see
    this.chat = [];           // protocol.ChatLine
    this.offset = 0;          // server clock minus our clock, in ms
    this.match = "";          // the match the log belongs to
    this.lobbyAt = 0;         // when the last lobby came (Date.now()), for the away times it carries
    this.review = null;       // the review together under way (protocol.Reviewing), or null
    this.listeners = new Set();
  }

  subscribe(fn) { this.listeners.add(fn); return () => this.listeners.delete(fn); }

  changed(what) {
    this.seatNames();
    for (const fn of this.listeners) fn(what, this);
  }

  // seatNames puts at each seat of the view the name of the member who
  // holds it now: a new delegate who took a bot's seat sits under their
  // own name from then on (the minutes keep the names of the deal).
  seatNames() {
    if (!this.view || !this.lobby || !this.view.seats) return;
    for (const m of this.lobby.members || []) {
      const seat = this.view.seats[m.seat];
      if (seat && !m.bot && seat.name !== m.name) seat.name = m.name;
    }
  }

  // apply folds one server message into the session and reports what
  // changed to the subscribers.
  apply(msg) {
    switch (msg.type) {
    case "welcome":
      this.me = msg.you || "";
      this.spectator = !!msg.spectator;
      this.gallery = msg.gallery || "";
      this.channels = { read: msg.read || [], write: msg.write || [] }; // between games
      this.lobby = msg.lobby;
      this.lobbyAt = Date.now();
      this.chat = msg.chat || [];
      this.view = null;
      this.log = [];
      this.match = msg.lobby && msg.lobby.match || "";
      this.review = msg.review && msg.review.active ? msg.review : null;
      if (msg.game) this.applyGame(msg.game, true);
      this.changed("welcome");
      return;
    case "lobby":
      // Only the lobby's fields travel (protocol.Lobby); a message that
      // wraps it under "lobby" is accepted too.
      this.lobby = msg.lobby || strip(msg);
      this.lobbyAt = Date.now();
      if (this.lobby.match && this.lobby.match !== this.match) {
        // A rematch: the old game's view and log belong to the last match.
        if (this.lobby.state === "open") { this.view = null; this.log = []; }
        this.match = this.lobby.match;
      }
      if (this.lobby.state === "open" && this.view && this.view.phase === "over") {
        this.view = null;
        this.log = [];
      }
      this.changed("lobby");
      return;
    case "game":
      this.applyGame(msg.game || strip(msg), false);
      this.changed("game");
      return;
    case "reviewing": {
      const r = strip(msg);
      this.review = r.active ? r : null;
      this.changed("review");
      return;
    }
    case "chat": {
      const line = msg.line || strip(msg);
      this.chat.push(line);
      if (this.chat.length > 500) this.chat.splice(0, this.chat.length - 500);
      this.changed("chat");
      return;
    }
    }
  }

  applyGame(g, whole) {
    const lines = g.log || [];
    const start = lines.findIndex((e) => e.kind === "game_started");
    if (whole || start >= 0) this.log = lines.slice(Math.max(0, start));
    else this.log.push(...lines);
    this.view = g.view;
    if (g.now) this.offset = Date.parse(g.now) - Date.now();
  }

  // serverNow is the server's clock as best we know it.
  serverNow() { return Date.now() + this.offset; }

  // remaining is the seconds left before the phase's deadline, or null
  // when the clock is stopped (paused, over).
  remaining() {
    const v = this.view;
    if (!v || !v.deadline || v.paused || v.phase === "over") return null;
    const d = Date.parse(v.deadline);
    if (!(d > Date.UTC(2000, 0, 1))) return null;
    return (d - this.serverNow()) / 1000;
  }

  get seat() { return this.view && this.view.you ? this.view.you.seat : -1; }
  get isHost() { return !!this.lobby && !!this.me && this.lobby.host === this.me; }
  get member() { return this.lobby ? this.lobby.members.find((m) => m.id === this.me) : undefined; }
  get over() { return !!this.view && this.view.phase === "over"; }
  // admitted reports whether the host has admitted this spectator.
  get admitted() {
    const k = this.lobby && (this.lobby.knocks || []).find((x) => x.id === this.gallery);
    return !!(this.spectator && k && k.admitted);
  }

  // name names seat i of the current game.
  name(i) {
    const s = this.view && this.view.seats[i];
    return s ? s.name : "nobody";
  }

  // awayFrom is when (Date.now() time) a human member who is not
  // connected went away, by the lobby's count; 0 for the connected and
  // for bots.
  awayFrom(m) {
    if (!m || m.bot || m.connected) return 0;
    return this.lobbyAt - (m.away_seconds || 0) * 1000;
  }

  // memberAt is the lobby member sitting at seat i.
  memberAt(i) {
    return this.lobby ? this.lobby.members.find((m) => m.seat === i) : undefined;
  }
}

function strip(msg) {
  const { type, v, ...rest } = msg;
  return rest;
}
