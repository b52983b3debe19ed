// tv.js: /l/{code}/tv, the public floor of a lobby in large type, for a
// television in the room or a stream overlay. It watches as an ordinary
// spectator who never knocks, so the server sends it the gallery's
// public stream: no role, no secret line (the delayed stream that shows
// the roles goes only to spectators the host admitted by name). It
// shows no chat, and sends nothing but its watch.

import { h, replace, clock } from "./dom.js";
import { Connection } from "./net.js";
import { Session } from "./session.js";
import { sentence, namer } from "./log.js";
import { PHASE, REASON, FACTION, ROLE } from "./words.js";
import { normalizeCode } from "./landing.js";
import { t } from "./i18n.js";
import { errorText } from "./errors.js";

// How many of the last lines of the minutes stay on screen.
const TAIL = 5;
// The QR code's size in pixels, drawn by the server.
const QR_SIZE = 320;

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/;

// code is the lobby of /l/{code}/tv.
export function code(path) {
  const m = path.match(/^\/l\/([^/]+)\/tv\/?$/);
  return m ? normalizeCode(decodeURIComponent(m[1])) : "";
}

// joinLink is the link a phone in the room opens to take a seat: the
// lobby's own, or, on a page opened at a loopback address, the same path
// on this machine's first network address (GET /api/addresses).
async function joinLink(lobby) {
  const own = new URL(lobby.link || `/l/${lobby.code}`, location.origin);
  if (!LOOPBACK.test(location.hostname)) return own.href;
  try {
    const res = await fetch("/api/addresses");
    const a = res.ok ? await res.json() : null;
    const first = a && a.addresses && a.addresses[0];
    if (first) return new URL(own.pathname, first).href;
  } catch { /* keep the loopback link */ }
  return own.href;
}

export function mount(root, lobbyCode) {
  const session = new Session(lobbyCode, true);
  let link = "";     // the link to take a seat, once known
  let linkFor = "";  // the lobby it is the link of
  let qr = "";       // the address of its QR code, once drawn
  let tick = 0;

  const head = h("header", { class: "tv-head" });
  const body = h("div", { class: "tv-body" });
  const status = h("p", { class: "tv-status", id: "tv-status", role: "status", text: t("tv.connecting") });
  replace(root, head, status, body);

  const conn = new Connection({
    hello: () => ({ type: "watch", lobby: lobbyCode }),
    onMessage: (m) => {
      if (m.type === "error" && !session.lobby) { status.textContent = m.message ? errorText(m) : t("tv.cannot_watch"); return; }
      if (m.type === "closing") { status.textContent = m.message ? errorText(m) : t("tv.closed"); return; }
      session.apply(m);
    },
    onStatus: (st) => {
      if (st.state === "open") status.textContent = "";
      else if (st.state === "reconnecting") status.textContent = t("tv.reconnecting");
    },
  });
  session.subscribe(() => render());
  conn.start();
  tick = setInterval(() => drawClock(), 500);

  function render() {
    const l = session.lobby;
    if (!l) return;
    document.title = t("tv.title", { code: l.code });
    const v = session.view;
    if (l.state === "open") renderLobby(l);
    else if (!v) renderWaiting(l);
    else renderGame(l, v);
  }

  function renderLobby(l) {
    const delegates = l.members.filter((m) => !m.gone);
    replace(head,
      h("p", { class: "tv-kicker", text: t("tv.kicker") }),
      h("h1", { class: "tv-phase", id: "tv-phase", text: t("tv.gather") }),
      h("p", { class: "tv-code" }, t("tv.lobby") + " ", h("strong", { id: "tv-code", text: l.code })));
    const join = h("div", { class: "tv-join", id: "tv-join" },
      h("h2", { text: qr ? t("tv.scan") : t("tv.take_seat_at") }),
      qr ? h("img", { id: "tv-qr", src: qr, width: QR_SIZE, height: QR_SIZE, alt: t("tv.qr_alt") }) : null,
      h("p", { class: "tv-link", id: "tv-link", text: link.replace(/^https?:\/\//, "") }));
    replace(body,
      h("section", { class: "tv-gather" },
        join,
        h("div", { class: "tv-roll" },
          h("h2", { text: t("tv.seated", { n: delegates.length }) }),
          h("ol", { class: "tv-names", id: "tv-names" }, delegates.map((m) => h("li", { text: m.name }))))));
    if (linkFor !== l.code) findLink(l);
  }

  // renderWaiting is the floor between the lobby's word that the game
  // has started and the game's first message.
  function renderWaiting(l) {
    replace(head,
      h("p", { class: "tv-kicker" }, t("tv.kicker_lobby") + " ", h("strong", { id: "tv-code", text: l.code })),
      h("h1", { class: "tv-phase", id: "tv-phase", text: t("tv.convenes") }),
      h("p", { class: "tv-session", text: t("tv.doors") }));
    replace(body);
  }

  // findLink learns the link to take a seat and has the server draw its
  // QR code; the lobby is drawn again with each. A server that draws
  // none leaves the link alone on the screen.
  function findLink(l) {
    linkFor = l.code;
    joinLink(l).then((u) => {
      link = u;
      render();
      const src = `/api/qr?url=${encodeURIComponent(u)}&size=${QR_SIZE}`;
      const probe = new Image();
      probe.onload = () => { qr = src; render(); };
      probe.src = src;
    });
  }

  function renderGame(l, v) {
    const name = namer(v.seats.map((s) => s.name));
    const over = v.phase === "over";
    replace(head,
      h("p", { class: "tv-kicker" }, t("tv.kicker_lobby") + " ", h("strong", { id: "tv-code", text: l.code }),
),
      h("h1", { class: "tv-phase", id: "tv-phase", data: { phase: v.phase } }, over ? PHASE.over : PHASE[v.phase] || v.phase),
      h("p", { class: "tv-session" },
        over ? "" : v.sessions ? t("tv.session_of", { n: v.session, m: v.sessions }) : t("tv.session", { n: v.session }),
        h("span", { class: "tv-clock", id: "tv-clock" })));
    drawClock();

    const marks = v.marks || {};
    const dens = marks.denunciations ? v.denunciations || [] : [];
    const seats = h("ol", { class: ["tv-seats", v.seats.length > 8 && "many"], id: "tv-seats", aria: { label: t("tv.seats_label") } },
      v.seats.map((s, i) => {
        const against = dens.filter((d) => d.target === i);
        const chair = marks.chair && v.chair === i;
        const accused = marks.accused && v.accused === i;
        return h("li", { class: ["tv-seat", !s.alive && "purged", accused && "accused", chair && "chair"], data: { seat: i } },
          h("span", { class: "tv-num", text: `№${i + 1}` }),
          h("span", { class: "tv-name", text: s.name }),
          h("span", { class: "tv-marks" },
            chair ? h("span", { class: "tv-tag", text: t("tv.chair") }) : null,
            accused ? h("span", { class: "tv-tag red", text: t("tv.accused") }) : null,
            !s.alive ? h("span", { class: "tv-tag", text: t("tv.purged") }) : null,
            s.voted && !over ? h("span", { class: "tv-tag", text: v.phase === "final_ballot" ? t("tv.struck") : t("tv.voted") }) : null,
            // A role is on the floor only once the file is public: a
            // purged delegate's under the reveal setting, or everyone's
            // at the end. The gallery's view carries no other.
            s.role ? h("span", { class: "tv-tag role", text: ROLE[s.role] || s.role }) : null,
            // A camp alone: a file opened to its camp, or the bloc the
            // Last Shot exposes.
            !s.role && s.faction ? h("span", { class: "tv-tag role", text: FACTION[s.faction] || s.faction }) : null),
          against.length ? h("span", { class: "tv-dens", data: { count: against.length } },
            t("tv.denunciations", { n: against.length })) : null);
      }));

    const last = session.log.slice(-TAIL);
    const minutes = h("ol", { class: "tv-minutes", id: "tv-minutes", aria: { label: t("tv.minutes_label") } },
      last.map((e) => h("li", { data: { kind: e.kind }, text: sentence(e, name, -1, (i) => (v.seats[i] ? v.seats[i].faction : "")) })));

    // The count stays up from the vote to the night, with the names of
    // the voters under an open ballot, in the minutes' words.
    const counted = ["confession", "night"].includes(v.phase) && v.ballot ? session.log.findLast((e) => e.kind === "ballot") : null;
    const ballot = counted ? h("p", { class: "tv-ballot", id: "tv-ballot", text: sentence(counted, name, -1) }) : null;
    const ending = over && v.winner ? h("p", { class: "tv-ending", id: "tv-ending", text: REASON[v.reason] || t("tv.win", { camp: FACTION[v.winner] || v.winner }) }) : null;
    replace(body, ending, ballot, seats, h("section", { class: "tv-log" }, h("h2", { text: t("tv.minutes") }), minutes));
  }

  function drawClock() {
    const el = document.getElementById("tv-clock");
    if (!el) return;
    const v = session.view;
    const left = session.remaining();
    el.textContent = v && v.paused ? " · " + t("tv.paused") : left === null ? "" : " · " + clock(left);
  }

  return { unmount() { clearInterval(tick); conn.stop(); } };
}

const root = document.getElementById("tv");
const c = code(location.pathname);
if (root && c) mount(root, c);
else if (root) replace(root, h("p", { class: "tv-status", text: t("tv.no_lobby") }));
