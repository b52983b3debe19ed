// app.js: the router and the room. "/" is the front page; "/l/{code}"
// is a lobby (with "?watch" for the gallery). A room holds one
// connection and one session and shows the screen the lobby's state
// calls for: the lobby, the game, the end, the replay, or the host's
// review together of the last match.

import { h, replace, announce } from "./dom.js";
import "./language.js";
import { t, tkOr } from "./i18n.js";
import { errorText } from "./errors.js";
import { namer, sentence } from "./log.js";
import { streaming, onStreaming } from "./streamer.js";
import { Connection, tokens, barred, prefs } from "./net.js";
import { Session } from "./session.js";
import { Chat } from "./chat.js";
import { Voice } from "./voice.js";
import * as landing from "./landing.js";
import * as api from "./api.js";
import * as lobbyScreen from "./lobby.js";
import * as gameScreen from "./game.js";
import * as endScreen from "./end.js";
import * as lastShotScreen from "./lastshot.js";
import * as replayScreen from "./replay.js";
import * as reviewScreen from "./review.js";

const root = document.getElementById("app");
const connBadge = document.getElementById("conn");
const lostBanner = document.getElementById("reconnecting");

let room = null;
let page = null; // the mounted non-room page (landing), to unmount

function route() {
  const m = location.pathname.match(/^\/l\/([^/]+)\/?$/);
  if (!m) return null;
  const params = new URLSearchParams(location.search);
  return { code: landing.normalizeCode(decodeURIComponent(m[1])), watch: params.has("watch") || params.has("spectate"), move: params.get("move") || "" };
}

function leavePage() {
  if (room) { room.close(); room = null; }
  if (page) { page.unmount(); page = null; }
  connBadge.hidden = true;
  lostBanner.hidden = true;
}

// wordPage puts the page's own words (its masthead, skip link and
// footer, written in English for a browser without scripts) in this
// language.
function wordPage() {
  const set = (sel, text) => { const el = document.querySelector(sel); if (el) el.textContent = text; };
  const meta = document.querySelector('meta[name="description"]');
  if (meta) meta.content = t("app.description");
  set("a.skip", t("app.skip"));
  set(".brand-name", t("app.brand"));
  set(".brand-sub", t("app.brand_sub"));
  set("body > footer", t("app.footer"));
}
wordPage();

function start() {
  leavePage();
  const r = route();
  const matchID = new URLSearchParams(location.search).get("match");
  if (!r && matchID) {
    showMatch(matchID);
    return;
  }
  if (!r) {
    document.title = t("app.title");
    page = landing.mount(root, go, (id) => { history.pushState(null, "", "/?match=" + encodeURIComponent(id)); start(); });
    return;
  }
  enter(r.code, { watch: r.watch, move: r.move });
}

// go navigates to a lobby: to take a seat (name), watch, or, with
// neither, to its door.
function go(code, opts = {}) {
  history.pushState(null, "", "/l/" + code + (opts.watch ? "?watch" : ""));
  leavePage();
  enter(code, opts);
}

function enter(code, opts) {
  document.title = t("app.title_with", { what: lobbyTitle(code) });
  // The lobby's creator arrives with the pass POST /api/lobbies gave.
  if (opts.created && opts.created.token) tokens.set(code, opts.created.token);
  const token = tokens.get(code);
  if (!token && !opts.watch && !opts.name && !opts.move) {
    landing.door(root, code, go);
    return;
  }
  room = new Room(code, opts);
}

addEventListener("popstate", start);

// lobbyTitle names a lobby in the tab's title: by its code, unless on a
// stream.
function lobbyTitle(code) {
  return streaming() ? t("app.lobby") : t("app.lobby_code", { code });
}

// Streamer mode changes what every screen may show: each draws again.
onStreaming(() => { if (room) room.restream(); });

// showMatch is the replay of a finished match from the match history.
function showMatch(id) {
  document.title = t("app.title_with", { what: t("app.replay") });
  replace(root, h("p", { class: "muted", role: "status", text: t("app.fetching") }));
  const back = () => { history.pushState(null, "", "/"); start(); };
  api.match(id).then((file) => {
    const q = new URLSearchParams(location.search);
    page = replayScreen.mount(root, { matchId: file.id || id, onClose: back, closeLabel: t("app.to_front"), viewer: q.get("viewer"), step: q.get("step"), share: true });
  }, (err) => {
    replace(root, h("section", { class: "panel red" },
      h("h2", { text: t("app.no_file") }),
      h("p", { text: errorText(err) }),
      h("a", { class: "button", href: "/", text: t("app.to_front") })));
  });
}

// Why a join or resume can be refused before the welcome, in the door's words.
const DOOR_CODES = new Set(["bad_token", "kicked", "unknown_lobby", "lobby_damaged", "name_taken", "bad_name", "lobby_full", "game_started", "gallery_full", "bad_version", "seat_taken", "bad_move"]);

// NEWS_KEPT is how many of the lobby's notices stay on screen at once.
const NEWS_KEPT = 3;

class Room {
  constructor(code, { name = "", watch = false, move = "", next = false }) {
    this.code = code;
    this.name = name;
    this.watch = watch;
    this.move = move; // the code of a move link this browser came by, until it is used
    this.next = next; // ask, once watching, for a place in the next game
    this.replaying = false;
    this.leftReview = false; // this page stepped out of the review together
    this.kind = "";
    this.screen = null;
    this.session = new Session(code, watch);
    this.notice = h("div", { id: "room-notice" });
    this.news = h("div", { id: "room-news" });
    this.newsItems = [];
    this.body = h("div", { id: "screen" });
    replace(root, this.notice, this.news, this.body, h("p", { class: "muted", role: "status", text: t("app.connecting") }));
    this.conn = new Connection({
      hello: () => this.hello(),
      onMessage: (m) => this.receive(m),
      onStatus: (st) => this.status(st),
    });
    this.chat = new Chat(this.session, (m) => this.conn.request(m), () => this.conn.status.state === "open");
    this.voice = new Voice((m) => this.conn.request(m));
    this.session.subscribe((what) => this.show(what));
    this.conn.start();
    this.watchdog = setInterval(() => this.checkStale(), 1000);
  }

  // checkStale catches up when a phase's deadline is well past and no
  // news has come: a view the server did not refresh (a phase that opens
  // without a log line) or a message lost on the way. Once per deadline.
  checkStale() {
    const s = this.session;
    const left = s.remaining();
    if (left === null || left > -2.5 || this.conn.status.state !== "open") return;
    if (this.staleFor === s.view.deadline) return;
    this.staleFor = s.view.deadline;
    this.conn.resync();
  }

  hello() {
    // A spectator simply watches again; a delegate resumes with the pass.
    if (this.watch) return this.name ? { type: "watch", lobby: this.code, name: this.name } : { type: "watch", lobby: this.code };
    // A move link opens the seat once, whatever pass this browser holds.
    if (this.move) return { type: "resume", lobby: this.code, move: this.move };
    const token = tokens.get(this.code);
    if (token) return { type: "resume", lobby: this.code, token };
    // A browser the host kicked out says so: a new name does not seat it.
    const former = barred.get(this.code);
    return former ? { type: "join", lobby: this.code, name: this.name, former } : { type: "join", lobby: this.code, name: this.name };
  }

  receive(msg) {
    if (this.voice.receive(msg)) return;
    if (msg.type === "welcome" && msg.token && !msg.spectator) tokens.set(this.code, msg.token);
    if (msg.type === "welcome" && !msg.spectator && (this.watch || this.move)) {
      // Seated from the gallery, or moved here: from now on this
      // browser comes back with its own pass, at the lobby's plain link.
      this.watch = false;
      this.move = "";
      history.replaceState(null, "", "/l/" + this.code);
    }
    if (msg.type === "welcome" && msg.spectator && this.next) {
      this.next = false;
      this.conn.request({ type: "sit", seat: -1, name: this.name }).catch((err) => this.say(errorText(err), true));
    }
    if (msg.type === "move_link") { this.session.moveLink = msg; this.session.changed("move"); return; }
    if (msg.type === "welcome" && this.noticeFor === "reconnect") this.say("");
    if (msg.type === "welcome" && msg.spectator && !this.name) this.askName();
    if (msg.type === "error" && !this.session.lobby && msg.code === "bad_move") {
      this.move = "";
      history.replaceState(null, "", "/l/" + this.code);
    }
    if (msg.type === "error" && !this.session.lobby && msg.code === "seat_taken") tokens.clear(this.code);
    if (msg.type === "error" && !this.session.lobby && DOOR_CODES.has(msg.code)) {
      // The hello was refused: back to the door, with the reason.
      if (msg.code === "bad_token") tokens.clear(this.code);
      if (msg.code === "kicked") this.forget();
      this.close();
      room = null;
      const why = errorText(msg);
      landing.door(root, this.code, go, why);
      return;
    }
    if (msg.type === "error" && msg.code === "store_waiting") {
      // Not a refusal: the records are slow, and the move waits for them.
      this.say(errorText(msg));
      this.noticeFor = "store";
      return;
    }
    if (this.noticeFor === "store" && (msg.type === "ack" || msg.type === "game" || msg.type === "chat")) this.say("");
    if (msg.type === "error" && !msg.id) { this.say(errorText(msg), true); return; }
    if (msg.type === "closing") { this.closing(msg); return; }
    if (msg.type === "notice") { this.tell(msg); return; }
    // A request to sit is the connection's: a spectator welcomed again
    // (a reconnect) asks again for what it had asked.
    const s = this.session;
    const asked = msg.type === "welcome" && msg.spectator && s.lobby && (s.lobby.sits || []).find((x) => x.id === s.gallery);
    s.apply(msg);
    if (asked) this.conn.request({ type: "sit", seat: asked.seat, name: asked.name }).catch((err) => this.say(errorText(err), true));
  }

  // tell shows one of the lobby's notices (the gavel, a seat, a kick) and
  // says it to screen readers; what happened while one was away stays
  // until dismissed, the rest give way to the newer.
  tell(n) {
    // A notice the server names an event for is said in the page's
    // words; the server's own words stand for one this page does not know.
    const said = n.event === "while_away" ? this.awayText(n) : n.event ? tkOr("app.notice", n.event, n.message, n.params) : n.message;
    const item = h("p", { class: ["notice", "news", n.kind === "while_away" && "away"], role: "status", data: { notice: n.kind, member: n.member || null } },
      said, " ",
      h("button", { type: "button", class: "small", onclick: () => { this.newsItems = this.newsItems.filter((x) => x !== item); item.remove(); }, text: t("app.dismiss") }));
    this.newsItems.push(item);
    while (this.newsItems.length > NEWS_KEPT) {
      const i = this.newsItems.findIndex((x) => !x.classList.contains("away"));
      this.newsItems.splice(i < 0 ? 0 : i, 1);
    }
    replace(this.news, this.newsItems);
    announce(said, n.kind === "while_away");
  }

  // awayText is what happened while this delegate was away, in the
  // page's words: the gavel passing, and each move the deputy made in
  // the seat as the log tells it, "you" being the seat.
  awayText(n) {
    const p = n.params || {};
    const parts = [];
    if (p.gavel) parts.push(p.name ? t("app.notice.away_gavel", { name: p.name }) : t("app.notice.away_gavel_on"));
    if (p.deputy) {
      const view = this.session.view;
      if (!view || !view.you) return n.message;
      const name = namer(view.seats.map((s) => s.name));
      const deeds = (n.deeds || []).map((e) => sentence(e, name, view.you.seat)).filter(Boolean);
      const first = parts.length === 0;
      if (deeds.length) parts.push(t(first ? "app.notice.away_deputy_first" : "app.notice.away_deputy") + " " + deeds.join(" "));
      else parts.push(t(first ? "app.notice.away_still_first" : "app.notice.away_still"));
    }
    return parts.length ? parts.join(" ") : n.message;
  }

  // forget drops this browser's pass to a lobby the host kicked it out
  // of, keeping it aside as the mark a later join carries.
  forget() {
    barred.set(this.code, tokens.get(this.code));
    tokens.clear(this.code);
  }

  closing(msg) {
    switch (msg.code) {
    case "kicked":
      this.forget();
      // The server's words say it; the title does not say it twice.
      this.final(t("app.kicked_title"), errorText(msg));
      return;
    case "moved":
      // The seat went to the device that opened its move link.
      tokens.clear(this.code);
      this.final(t("app.moved_title"), errorText(msg));
      return;
    case "replaced":
      this.final(t("app.replaced_title"), errorText(msg), true);
      return;
    case "lobby_closed":
      tokens.clear(this.code);
      this.final(t("app.closed_title"), errorText(msg));
      return;
    }
    this.say(errorText({ ...msg, code: msg.code || "reconnect" }));
    this.noticeFor = "reconnect";
  }

  // final ends the room with a message; again offers to take the seat back.
  final(title, detail, again = false) {
    this.close();
    replace(root, h("section", { class: "panel red" },
      h("h1", { text: title }),
      detail && h("p", { text: detail }),
      h("div", { class: "act-row" },
        again && h("button", { type: "button", class: "primary", onclick: () => { room = new Room(this.code, { watch: this.watch, name: this.name }); }, text: t("app.take_back") }),
        h("a", { class: "button", href: "/", text: t("app.to_front") }))));
    announce(title, true);
  }

  // askName lets a spectator who came by the watch link give the gallery
  // a name to be known by in its chat.
  askName() {
    const input = h("input", { type: "text", id: "gallery-name", maxlength: 24, autocomplete: "nickname", aria: { label: t("app.gallery_name") }, placeholder: t("app.gallery_name") });
    this.noticeFor = "name";
    replace(this.notice, h("form", { class: "notice gallery-name", onsubmit: (e) => {
      e.preventDefault();
      const n = input.value.trim();
      if (!n) return;
      this.name = n;
      prefs.set("name", n);
      replace(this.notice);
      this.conn.resync();
    } },
    h("span", { text: t("app.unnamed") + " " }),
    h("span", { class: "link-row" }, input, h("button", { type: "submit", class: "small", id: "gallery-name-go", text: t("app.take_name") }),
      h("button", { type: "button", class: "small", onclick: () => replace(this.notice), text: t("app.stay_unnamed") }))));
  }

  say(text, error = false) {
    this.noticeFor = "";
    replace(this.notice, text ? h("p", { class: ["notice", error && "error"], role: error ? "alert" : "status" }, text,
      " ", h("button", { type: "button", class: "small", onclick: () => replace(this.notice), text: t("app.dismiss") })) : null);
  }

  status(st) {
    connBadge.hidden = false;
    connBadge.dataset.state = st.state;
    connBadge.textContent = { open: t("app.conn_open"), connecting: t("app.conn_connecting"), reconnecting: t("app.conn_reconnecting"), closed: t("app.conn_closed") }[st.state];
    const lost = st.state === "reconnecting";
    if (lost && lostBanner.hidden) announce(t("app.lost"), true);
    if (!lost && !lostBanner.hidden && st.state === "open") announce(t("app.reconnected"));
    lostBanner.hidden = !lost;
    document.body.classList.toggle("lost", lost);
    if (lost) {
      const secs = st.retryAt ? Math.max(0, Math.round((st.retryAt - Date.now()) / 1000)) : 0;
      replace(lostBanner, h("span", {},
        (st.attempt > 1 ? (secs ? t("app.cut_attempt_next", { n: st.attempt, secs }) : t("app.cut_attempt", { n: st.attempt })) : t("app.cut")) + " "),
      " ", h("button", { type: "button", class: "small", onclick: () => this.conn.kick(), text: t("app.retry") }));
    }
    if (this.chat) this.chat.update();
  }

  ctx() {
    return {
      session: this.session,
      chat: this.chat,
      send: (m) => this.conn.request(m),
      leave: () => this.leave(),
      replay: (on = true) => { this.replaying = on; this.show("replay"); },
      leaveReview: () => { this.leftReview = true; this.show("review"); },
      joinReview: () => { this.leftReview = false; this.show("review"); },
      resync: () => this.conn.resync(),
      fresh: false,
    };
  }

  leave() {
    this.conn.request({ type: "leave" }).then(() => {
      tokens.clear(this.code);
      this.close();
      room = null;
      history.pushState(null, "", "/");
      start();
    }, (err) => this.say(errorText(err), true));
  }

  kindNow() {
    const s = this.session;
    if (!s.lobby) return "";
    // The host's review together takes everyone in the lobby along, but
    // one who stepped out of it.
    if (!s.review) this.leftReview = false;
    if (s.review && s.lobby.state === "over" && !this.leftReview) return "review";
    if (this.replaying && s.log.length) return "replay";
    if (s.view && s.view.phase === "over") return "end";
    if (s.view && s.view.phase === "last_shot") return "lastshot";
    if (s.view) return "game";
    return "lobby";
  }

  show(what) {
    const kind = this.kindNow();
    if (kind !== this.kind) {
      if (this.screen) this.screen.unmount();
      // Back from a replay or a review, the page holds all the end shows.
      const back = this.kind === "replay" || this.kind === "review";
      this.kind = kind;
      root.replaceChildren(this.notice, this.news, this.body);
      const ctx = this.ctx();
      ctx.fresh = what === "welcome" || back;
      const mod = {
        lobby: lobbyScreen, game: gameScreen, lastshot: lastShotScreen, end: endScreen,
        replay: { mount: (root) => replayScreen.mount(root, { matchId: this.session.match, onClose: () => ctx.replay(false), closeLabel: t("app.back_results") }) },
        review: reviewScreen,
      }[kind];
      this.screen = mod ? mod.mount(this.body, ctx) : null;
      // A new screen opens at its top, with focus on its first useful
      // control (or its heading, for a screen reader to start from).
      scrollTo(0, 0);
      if (this.screen && this.screen.focus) this.screen.focus();
      else {
        const heading = this.body.querySelector("h1, h2");
        if (heading) { heading.tabIndex = -1; heading.focus({ preventScroll: true }); }
      }
    } else if (this.screen) {
      this.screen.update(what);
    }
    this.title();
  }

  title() {
    const s = this.session;
    const v = s.view;
    let words = lobbyTitle(this.code);
    // The screen says whether it is your move: with the file sealed, the
    // Night is everyone's move alike.
    const turn = this.screen && this.screen.turn ? this.screen.turn() : false;
    if (v && v.phase !== "over") {
      words = t("app.title_session", { n: v.session, phase: tkOr("app.title_phase", v.phase, v.phase.replace("_", " ")) });
      if (turn) words = t("app.title_turn", { what: words });
    } else if (v) words = t("app.title_closed");
    document.title = t("app.title_with", { what: words });
  }

  // restream draws the room again for streamer mode turned on or off.
  restream() {
    this.chat.redraw();
    this.voice.render();
    if (this.screen) this.screen.update("streamer");
    this.title();
  }

  close() {
    clearInterval(this.watchdog);
    this.voice.close();
    if (this.screen) this.screen.unmount();
    this.screen = null;
    this.conn.stop();
    connBadge.hidden = true;
    lostBanner.hidden = true;
    document.body.classList.remove("lost");
  }
}

start();
