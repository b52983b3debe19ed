// game.js: the Congress in session. A phase banner with a live countdown,
// your move first (exactly the actions the server allows you now), the
// table where a seat can be tapped to act on it, your file, the chat
// beside them, and the minutes.
//
// While your file is sealed nothing on the screen differs by role: the
// Night asks everyone the same, and the bloc's channel, the secret
// minutes and the night's actions wait behind the open file, which seals
// itself again when the phase changes.

import { h, replace, announce, clock } from "./dom.js";
import { PHASE, PHASE_HINT, ROLE, ACT } from "./words.js";
import { t, tkOr } from "./i18n.js";
import { errorText } from "./errors.js";
import { renderTable, tickAway } from "./table.js";
import { RoleCard } from "./rolecard.js";
import { Minutes } from "./log.js";
import { Gallery } from "./gallery.js";
import { SeatDoor, MoveSeat } from "./seats.js";
import { Signal } from "./signal.js";
import { streaming, onStreaming } from "./streamer.js";

// VERB names, on a seat of the table, what tapping it does.
const VERB = { denounce: t("game.verb_denounce"), chair_pick: t("game.verb_chair_pick"), confess: t("game.verb_confess"), letter: t("game.verb_letter"), investigate: t("game.verb_investigate"), strike: t("game.verb_strike"), shoot: t("game.verb_shoot") };

// DRAWN are the moves the floor draws with a prompt of its own; any other
// the view offers is drawn in the words of ACT.
const DRAWN = new Set(["denounce", "withdraw", "ready", "unready", "chair_pick", "purge_vote", "confess", "letter", "investigate", "strike", "falsify", "shoot"]);

// awayForBot is how long, in seconds, a delegate is away before the host
// is offered a bot for the seat: twice the wait the lobby gives an absent
// host before the gavel passes (its host_away_seconds, which the lobby
// always carries), so that a table in a hurry is offered one sooner.
const awayForBot = (lobby) => 2 * lobby.settings.host_away_seconds;

// SEALED_NIGHT is what everyone reads at night while the file is sealed.
export const SEALED_NIGHT = t("game.sealed_night");

export function mount(root, ctx) {
  const s = ctx.session;
  const banner = h("section", { class: "banner", aria: { labelledby: "phase-h" } });
  const phaseH = h("h1", { id: "phase-h" });
  const sessionLine = h("span", { class: "session" });
  const hint = h("p", { class: "hint" });
  const timer = h("span", { class: "timer", role: "timer", aria: { label: t("game.timer_label") } });
  const signal = new Signal(s);
  banner.append(h("div", { class: "phase" }, sessionLine, phaseH, hint), timer, signal.el);

  const actionsBody = h("div");
  const refusal = h("p", { class: "refusal", role: "alert", hidden: true });
  const actions = h("section", { class: "panel red actions", id: "your-move", aria: { labelledby: "act-h" } },
    h("h2", { id: "act-h", text: t("game.your_move") }), actionsBody, refusal);
  const hostBody = h("section", { class: "panel host-tools", aria: { labelledby: "gavel-h" } });

  let secrets = false;
  const card = new RoleCard((open) => { secrets = open; render(); });
  const tableBody = h("div");
  const rulesLine = h("p", { class: "rules small muted", id: "rules" });
  const tablePanel = h("section", { class: "panel table-panel", aria: { labelledby: "table-h" } },
    h("h2", { id: "table-h", text: t("game.floor_h") }), tableBody, rulesLine);

  const minutes = new Minutes();
  const logPanel = h("section", { class: "panel log-panel", aria: { labelledby: "log-h" } },
    h("h2", { id: "log-h", text: t("game.minutes_h") }), minutes.el);

  const gallery = new Gallery(ctx);
  const seatDoor = new SeatDoor(ctx);
  const moveSeat = new MoveSeat(ctx);

  // On a phone the screen is one pane at a time: the floor (your move,
  // the table, your file), the chat, or the minutes.
  let pane = "floor";
  const paneTabs = h("nav", { class: "panes", aria: { label: t("game.panes_label") } });
  const side = h("div", { class: "side" }, card.el, hostBody, seatDoor.el, ctx.chat.el, moveSeat.el, gallery.el);
  const screen = h("div", { class: "game", data: { pane } }, banner, paneTabs, actions, tablePanel, side, logPanel);
  replace(root, screen);
  ctx.chat.attached();

  function showPane(p) {
    pane = p;
    screen.dataset.pane = p;
    ctx.chat.visible(p === "chat" || !phoneLayout());
    renderPanes();
    if (p === "chat") ctx.chat.input.focus({ preventScroll: true });
    scrollTo(0, 0);
  }
  function renderPanes() {
    const unread = ctx.chat.unreadTotal();
    replace(paneTabs, [["floor", t("game.pane_floor")], ["chat", t("game.pane_chat")], ["minutes", t("game.pane_minutes")]].map(([p, label]) =>
      h("button", {
        type: "button", class: "small", data: { key: "pane-" + p, pane: p },
        aria: { pressed: p === pane ? "true" : "false" },
        onclick: () => showPane(p),
      }, label, p === "chat" && unread > 0 ? h("span", { class: "unread", aria: { label: t("game.unread", { n: unread }) }, text: String(unread) }) : null)));
  }

  // busy holds the request in flight, so a double click sends once.
  let busy = null;
  let last = { phase: "", session: 0, acts: "", paused: false };

  function act(cmd, label) {
    if (busy) return;
    busy = label;
    refusal.hidden = true;
    render();
    ctx.send({ type: "act", ...cmd }).then(() => {
      busy = null;
      render();
    }, (err) => {
      busy = null;
      showRefusal(err);
      render();
    });
  }

  function host(msg) {
    refusal.hidden = true;
    ctx.send(msg).catch(showRefusal);
  }

  function showRefusal(err) {
    refusal.textContent = err ? errorText(err) : t("game.refused");
    refusal.hidden = false;
  }

  function tick() {
    const left = s.remaining();
    const v = s.view;
    if (!v) return;
    if (left === null) {
      timer.textContent = v.paused ? t("game.adjourned") : "—";
      timer.className = "timer stopped";
      return;
    }
    timer.textContent = clock(left);
    timer.className = "timer" + (left <= 10 ? " low" : "");
    signal.tick(left, unacted(v));
  }

  // Once a second the away times count on, and the host's tools follow
  // a delegate whose absence has grown long.
  let ticks = 0;
  let longAway = "";
  function tickSecond() {
    if (++ticks % 4) return;
    tickAway(screen);
    const v = s.view;
    if (!v || !s.isHost) return;
    const now = longAwayIDs();
    if (now !== longAway) replace(hostBody, renderHost(v));
  }
  const interval = setInterval(() => { tick(); tickSecond(); }, 250);

  // shown is the view's actions as the screen may show them: with the
  // file sealed, not those the view marks secret (they would tell a
  // watcher the role).
  function shown(v) {
    return (v.actions || []).filter((x) => secrets || !x.secret);
  }

  // myActs is the kinds of move this viewer may make now, as shown.
  function myActs(v) {
    return shown(v).map((x) => x.kind);
  }

  // unacted reports whether a move waits for this delegate and they have
  // not acted in this phase: in the Debate, not yet Ready.
  function unacted(v) {
    if (!myActs(v).length && !sealedNight(v)) return false;
    return !(v.you && v.seats[v.you.seat].ready);
  }

  // sealedNight reports whether the phase could hold a secret move for
  // this delegate (the view's secret_turn) while the file is sealed: the
  // screen then asks every such delegate the same.
  function sealedNight(v) {
    return !!v.you && !!v.secret_turn && !secrets && !v.paused;
  }

  // targets are the seats a move may name, as the view lists them.
  function targets(v, kind) {
    const a = (v.actions || []).find((x) => x.kind === kind);
    return a && a.targets ? a.targets.filter((i) => i >= 0).map((i) => v.seats[i]) : [];
  }

  // offered is what a move's buttons show: its targets, and the seat
  // already named (shown chosen, not offered again).
  function offered(v, kind, chosen) {
    const list = targets(v, kind);
    if (chosen >= 0 && !list.some((x) => x.seat === chosen)) list.push(v.seats[chosen]);
    return list.sort((a, b) => a.seat - b.seat);
  }

  // silent reports whether a move may name nobody (a confession may).
  function silent(v, kind) {
    const a = (v.actions || []).find((x) => x.kind === kind);
    return !!(a && a.targets && a.targets.includes(-1));
  }

  // chosenFor is the seat this viewer already named with a move: the
  // standing denunciation, or the choice made in this phase.
  function chosenFor(v, kind) {
    if (!v.you) return -1;
    if (kind === "denounce") return v.seats[v.you.seat].denounces;
    return v.you.choice >= 0 ? v.you.choice : -1;
  }

  // gone is set once the screen is unmounted: an answer to a move that
  // comes after (the move that ended the game, say) draws nothing, for
  // the chat and the page belong to the next screen.
  let gone = false;

  function render() {
    const v = s.view;
    if (!v || gone) return;
    const phaseChanged = v.phase !== last.phase || v.session !== last.session;
    if (phaseChanged && last.phase && secrets) {
      // A new phase seals the file again: someone may be looking now.
      card.seal();
      secrets = false;
    }
    const you = v.you ? v.you.seat : -1;
    banner.className = "banner" + (v.phase === "night" ? " night" : "");
    phaseH.textContent = PHASE[v.phase] || v.phase;
    const watching = s.lobby ? s.lobby.spectators || 0 : 0;
    sessionLine.textContent = (v.phase === "final_ballot" ? t("game.election") : t("game.session_of", { n: v.session, m: v.sessions })) +
      (watching ? t("game.watching", { n: watching }) : "");
    hint.textContent = v.paused ? t("game.paused_hint") : PHASE_HINT[v.phase] || "";
    tick();
    card.update(v, galleryNote());
    replace(rulesLine, rulesText(v));
    replace(tableBody, renderTable(v, { you, member: (i) => s.memberAt(i), awayFrom: (m) => s.awayFrom(m), host: s.lobby && s.lobby.host, secrets, pick: seatPicks(v) }));
    replace(actionsBody, renderActions(v));
    if (s.isHost) {
      hostBody.hidden = false;
      replace(hostBody, renderHost(v));
    } else {
      hostBody.hidden = true;
      replace(hostBody);
    }
    minutes.update(s.log, (i) => s.name(i), you, { secrets, session: v.session, phase: v.phase });
    gallery.update();
    seatDoor.update();
    moveSeat.update();
    ctx.chat.secrets(secrets || !v.you);
    ctx.chat.visible(pane === "chat" || !phoneLayout());
    ctx.chat.update();
    renderPanes();
    signal.turn(myActs(v).length > 0 || sealedNight(v), turnWords(v));
    speak(v);
    if (phaseChanged || v.paused !== last.paused) toTop(last.phase !== "");
    last = { phase: v.phase, session: v.session, acts: myActs(v).join(","), paused: v.paused };
  }

  // toTop brings a new phase into view with focus on its first useful
  // control, unless the reader is typing in the chat.
  function toTop(moved) {
    const a = document.activeElement;
    if (a && a.closest && a.closest(".chat") && a.tagName === "INPUT") return;
    if (phoneLayout() && pane !== "floor") showPane("floor");
    scrollTo(0, 0);
    if (moved || !a || a === document.body || a === root || !screen.contains(a)) focusFirst();
  }

  function focusFirst() {
    const first = actions.querySelector("button:not([disabled])") || card.el.querySelector("button") || phaseH;
    if (first === phaseH) phaseH.tabIndex = -1;
    first.focus({ preventScroll: true });
  }

  // seatPicks tells the table which seats can be tapped, for what.
  function seatPicks(v) {
    if (!v.you || busy) return null;
    const a = new Set(myActs(v));
    if (v.paused) return null;
    if (a.has("purge_vote")) {
      return { vote: v.accused, onVote: (purge) => act({ kind: "purge_vote", purge }, purge ? "purge" : "spare") };
    }
    // The move a tap makes: the phase's own before the Debate's denunciation.
    const aimed = shown(v).filter((x) => x.targets).map((x) => x.kind);
    for (const kind of [...aimed.filter((k) => k !== "denounce"), ...aimed.filter((k) => k === "denounce")]) {
      if (!a.has(kind)) continue;
      const chosen = chosenFor(v, kind);
      return {
        kind, verb: VERB[kind] || (ACT[kind] && ACT[kind].verb) || kind, chosen,
        seats: new Set(offered(v, kind, chosen).map((x) => x.seat)),
        onPick: (seat) => act({ kind, target: seat }, kind + seat),
      };
    }
    return null;
  }

  // speak announces a new phase, and your turn, to screen readers.
  function speak(v) {
    const acts = myActs(v).join(",");
    const turn = acts || sealedNight(v);
    if (v.phase !== last.phase || v.session !== last.session) {
      refusal.hidden = true;
      let text = (v.phase !== "over" && v.phase !== "final_ballot"
        ? t("game.announce_phase_session", { phase: PHASE[v.phase], n: v.session })
        : t("game.announce_phase", { phase: PHASE[v.phase] })) + " " + (PHASE_HINT[v.phase] || "");
      if (turn) text += " " + t("game.announce_move", { move: turnWords(v) });
      announce(text);
    } else if (acts && !last.acts) {
      // Within a phase: something is asked of you that was not before.
      announce(t("game.announce_turn", { move: turnWords(v) }));
    }
  }

  function renderActions(v) {
    const a = new Set(myActs(v));
    const you = v.you;
    const out = [];
    const targetButtons = (kind, list, label, chosen = -1) => h("div", { class: "targets", role: "group", aria: { label } },
      list.map((x) => h("button", {
        type: "button",
        class: x.seat === chosen ? "chosen" : null,
        aria: { pressed: x.seat === chosen ? "true" : null, busy: busy === kind + x.seat ? "true" : null },
        data: { key: kind + "-" + x.seat, act: kind, target: x.seat },
        disabled: !!busy || x.seat === chosen,
        onclick: () => act({ kind, target: x.seat }, kind + x.seat),
      }, x.name)));
    const tapHint = () => h("p", { class: "small muted tap-hint", text: t("game.tap_hint") });

    if (!you) {
      out.push(h("p", { class: "prompt", text: t("game.gallery_prompt") }),
        h("p", { class: "muted", text: galleryNote() }));
      return out;
    }
    if (v.paused) {
      out.push(h("p", { class: "prompt", text: s.isHost
        ? t("game.paused_host")
        : t("game.paused_wait") }));
    }
    if (sealedNight(v)) {
      out.push(h("p", { class: "prompt", text: v.phase === "night" ? SEALED_NIGHT : t("game.open_to_act") }),
        h("div", { class: "act-row" }, streaming()
          ? card.peekButton(t("game.hold_to_act"), "open-file", "primary")
          : h("button", { type: "button", class: "primary", data: { key: "open-file" }, onclick: () => card.toggle(), text: t("game.open_file") })));
      return out;
    }
    const me = v.seats[you.seat];

    if (a.has("denounce") || a.has("withdraw")) {
      out.push(h("p", { class: "prompt", text: me.denounces >= 0 ? t("game.denounce_standing", { name: s.name(me.denounces) }) : t("game.denounce_prompt") }));
      if (a.has("denounce")) out.push(targetButtons("denounce", offered(v, "denounce", me.denounces), t("game.denounce_label"), me.denounces), tapHint());
    }
    const row = [];
    if (a.has("ready")) row.push(h("button", { type: "button", class: "primary", data: { key: "ready", act: "ready" }, aria: { keyshortcuts: "R" }, disabled: !!busy, onclick: () => act({ kind: "ready" }, "ready"), text: t("game.ready") }));
    if (a.has("unready")) row.push(h("button", { type: "button", aria: { pressed: "true", keyshortcuts: "R" }, data: { key: "unready", act: "unready" }, disabled: !!busy, onclick: () => act({ kind: "unready" }, "unready"), text: t("game.unready") }));
    if (a.has("withdraw")) row.push(h("button", { type: "button", data: { key: "withdraw", act: "withdraw" }, disabled: !!busy, onclick: () => act({ kind: "withdraw" }, "withdraw"), text: t("game.withdraw") }));
    if (row.length) out.push(h("div", { class: "act-row" }, row));

    if (a.has("chair_pick")) {
      out.push(h("p", { class: "prompt", text: t("game.chair_pick_prompt") }),
        targetButtons("chair_pick", targets(v, "chair_pick"), t("game.chair_pick_label")));
    }
    if (a.has("purge_vote")) {
      out.push(h("p", { class: "prompt", text: t("game.vote_prompt", { name: s.name(v.accused) }) }),
        h("div", { class: "vote-buttons", role: "group", aria: { label: t("game.vote_label") } },
          h("button", { type: "button", class: "primary", data: { key: "purge", act: "purge_vote", purge: "true" }, disabled: !!busy, onclick: () => act({ kind: "purge_vote", purge: true }, "purge"), text: t("game.purge") }),
          h("button", { type: "button", class: "dark", data: { key: "spare", act: "purge_vote", purge: "false" }, disabled: !!busy, onclick: () => act({ kind: "purge_vote", purge: false }, "spare"), text: t("game.spare") })));
    }
    if (a.has("confess")) {
      out.push(h("p", { class: "prompt", text: t("game.confess_prompt") }),
        targetButtons("confess", targets(v, "confess"), t("game.confess_label")),
        silent(v, "confess") && h("div", { class: "act-row" }, h("button", { type: "button", class: "dark", data: { key: "confess-none", act: "confess", target: -1 }, disabled: !!busy, onclick: () => act({ kind: "confess", target: -1 }, "confess-1"), text: t("game.confess_none") })));
    }
    if (a.has("letter")) {
      out.push(h("p", { class: "prompt", text: t("game.letter_prompt") }),
        targetButtons("letter", targets(v, "letter"), t("game.letter_label"), chosenFor(v, "letter")));
    }
    if (a.has("investigate")) {
      out.push(h("p", { class: "prompt", text: t("game.investigate_prompt") }),
        targetButtons("investigate", targets(v, "investigate"), t("game.investigate_label"), chosenFor(v, "investigate")));
    }
    if (a.has("falsify")) {
      out.push(h("p", { class: "prompt", text: t("game.falsify_prompt") }),
        h("div", { class: "act-row" }, h("button", { type: "button", class: "dark", data: { key: "falsify", act: "falsify" }, disabled: !!busy, onclick: () => act({ kind: "falsify" }, "falsify"), text: t("game.falsify") })));
    }
    if (a.has("strike")) {
      out.push(h("p", { class: "prompt", text: t("game.strike_prompt") }),
        targetButtons("strike", targets(v, "strike"), t("game.strike_label")), tapHint());
    }
    // Any other move the view offers, in the words the vocabulary has for it.
    for (const x of shown(v).filter((y) => !DRAWN.has(y.kind))) {
      const w = ACT[x.kind] || { prompt: "", button: x.kind, verb: x.kind };
      if (w.prompt) out.push(h("p", { class: "prompt", text: w.prompt }));
      if (x.targets) out.push(targetButtons(x.kind, offered(v, x.kind, chosenFor(v, x.kind)), w.verb, chosenFor(v, x.kind)), tapHint());
      else out.push(h("div", { class: "act-row" }, h("button", { type: "button", class: "primary", data: { key: x.kind, act: x.kind }, disabled: !!busy, onclick: () => act({ kind: x.kind }, x.kind), text: w.button })));
    }
    if (!out.length || (v.paused && out.length === 1)) {
      const w = waiting(v);
      if (w) out.push(h("p", { class: "prompt", text: w }));
    }
    if (busy) out.push(h("p", { class: "muted", role: "status", text: t("game.sending") }));
    return out;
  }

  // galleryNote tells the gallery what it sees of the roles, by the
  // lobby's settings.
  function galleryNote() {
    const st = s.lobby && s.lobby.settings;
    if (!st || !st.spectators_see_roles) return t("game.gallery_public");
    if (!s.admitted) return t("game.gallery_admit");
    const d = st.spectator_delay_seconds;
    return d > 0
      ? t("game.gallery_delay", { n: d })
      : t("game.gallery_live");
  }

  // waiting says what is happening when this viewer has nothing to do;
  // "" when there is nothing to add (an adjourned Debate does not go on).
  function waiting(v) {
    const you = v.you;
    const me = v.seats[you.seat];
    if (!you.alive) return t("game.status_purged");
    switch (v.phase) {
    case "debate": return v.paused ? "" : t("game.status_debate");
    case "accusation": return t("game.status_accusation", { name: s.name(v.chair) });
    case "defence": return v.accused === you.seat ? t("game.status_defence_you") : t("game.status_defence", { name: s.name(v.accused) });
    case "vote":
      if (v.accused === you.seat) return t("game.status_vote_you");
      if (you.vote !== undefined && you.vote !== null) return you.vote ? t("game.status_voted_purge") : t("game.status_voted_spare");
      return t("game.status_vote");
    case "confession": return t("game.status_confession", { name: s.name(v.accused) });
    case "night":
      if (!secrets) return SEALED_NIGHT;
      if (you.choice >= 0) return t("game.status_night_choice", { name: s.name(you.choice) });
      return t("game.status_night");
    case "final_ballot":
      if (you.choice >= 0) return t("game.status_struck_name", { name: s.name(you.choice) });
      return me.voted ? t("game.status_struck") : t("game.status_ballot");
    }
    return t("game.status_wait");
  }

  function turnWords(v) {
    const a = myActs(v);
    if (sealedNight(v)) return t("game.turn_open");
    if (a.includes("purge_vote")) return t("game.turn_vote");
    if (a.includes("chair_pick")) return t("game.turn_chair_pick");
    if (a.includes("confess")) return t("game.turn_confess");
    if (a.includes("letter")) return t("game.turn_letter");
    if (a.includes("investigate")) return t("game.turn_investigate");
    if (a.includes("falsify")) return t("game.turn_falsify");
    if (a.includes("strike")) return t("game.turn_strike");
    if (a.includes("denounce") || a.includes("ready")) return t("game.turn_denounce");
    return a.map((k) => (ACT[k] ? ACT[k].turn : k)).join(", ");
  }

  // longAwayIDs lists the seated delegates away for more than awayForBot
  // seconds whose seat no bot plays: the host is offered a bot for each.
  function longAwayIDs() {
    const members = s.lobby ? s.lobby.members : [];
    return members.filter((m) => m.seat >= 0 && !m.bot && !m.gone && !m.connected && !m.bot_plays && awaySeconds(m) > awayForBot(s.lobby)).map((m) => m.id).join(",");
  }
  const awaySeconds = (m) => { const from = s.awayFrom(m); return from ? (Date.now() - from) / 1000 : 0; };

  // The host's choices kept across renders: whom to hand the gavel to,
  // whom to remove, and the removal that waits for its confirmation.
  let gavelTo = "";
  let kickWho = "";
  let confirmKick = "";
  let seatsOpen = false; // the folded tools for the gavel and removals are open

  function renderHost(v) {
    const hostActs = new Set((v.host_actions || []).map((x) => x.kind));
    const members = s.lobby ? s.lobby.members : [];
    const away = members.filter((m) => m.seat >= 0 && !m.bot && !m.gone && !m.connected && !m.bot_plays);
    const botted = members.filter((m) => m.seat >= 0 && !m.gone && m.bot_plays);
    longAway = longAwayIDs();
    const long = away.filter((m) => awaySeconds(m) > awayForBot(s.lobby));
    const heirs = members.filter((m) => !m.bot && !m.gone && m.id !== s.me && m.connected);
    const kickable = members.filter((m) => !m.bot && !m.gone && m.id !== s.me);
    if (!heirs.some((m) => m.id === gavelTo)) gavelTo = heirs.length ? heirs[0].id : "";
    if (!kickable.some((m) => m.id === kickWho)) kickWho = kickable.length ? kickable[0].id : "";
    const kicked = kickable.find((m) => m.id === confirmKick);
    const seatTools = (heirs.length || kickable.length) && h("details", { class: "host-seats", open: seatsOpen || !!kicked, ontoggle: (e) => { seatsOpen = e.target.open; } },
      h("summary", { class: "small", data: { key: "host-seats" }, aria: { label: t("game.more_label") }, title: t("game.more_title"), text: t("game.more") }),
      heirs.length ? h("div", { class: "act-row host-pick" },
        h("label", { for: "gavel-to", class: "small", text: t("game.gavel_to") }),
        h("select", { id: "gavel-to", data: { key: "gavel-to" }, onchange: (e) => { gavelTo = e.target.value; } },
          heirs.map((m) => h("option", { value: m.id, selected: m.id === gavelTo, text: m.name }))),
        h("button", { type: "button", class: "small", data: { key: "hand-gavel" }, onclick: () => host({ type: "host", action: "make_host", member: gavelTo }), text: t("game.hand_over") })) : null,
      kicked ? h("div", { class: "confirm notice", role: "group", aria: { label: t("game.confirm_removal") } },
        h("p", { text: t("game.kick_confirm", { name: kicked.name }) }),
        h("div", { class: "act-row" },
          h("button", { type: "button", class: "small primary", data: { key: "kick-confirm" }, onclick: () => { confirmKick = ""; host({ type: "host", action: "kick", member: kicked.id }); render(); }, text: t("game.kick_yes", { name: kicked.name }) }),
          h("button", { type: "button", class: "small", data: { key: "kick-cancel" }, onclick: () => { confirmKick = ""; render(); }, text: t("game.kick_no") })))
        : kickable.length ? h("div", { class: "act-row host-pick" },
          h("label", { for: "kick-who", class: "small", text: t("game.kick_who") }),
          h("select", { id: "kick-who", data: { key: "kick-who" }, onchange: (e) => { kickWho = e.target.value; } },
            kickable.map((m) => h("option", { value: m.id, selected: m.id === kickWho, text: m.name }))),
          h("button", { type: "button", class: "small", data: { key: "kick" }, onclick: () => { confirmKick = kickWho; render(); }, text: t("game.kick") })) : null);
    return [
      h("h2", { id: "gavel-h", text: t("game.gavel_h") }),
      h("div", { class: "act-row" },
        hostActs.has("end_phase") && h("button", { type: "button", class: "small", data: { key: "end-phase" }, onclick: () => host({ type: "act", kind: "end_phase" }), text: t("game.end_phase") }),
        hostActs.has("resume") && h("button", { type: "button", class: "small", data: { key: "resume" }, onclick: () => host({ type: "act", kind: "resume" }), text: t("game.resume") }),
        hostActs.has("pause") && h("button", { type: "button", class: "small", data: { key: "pause" }, onclick: () => host({ type: "act", kind: "pause" }), text: t("game.pause") }),
        seatTools),
      away.length ? h("div", { class: "act-row" }, away.map((m) =>
        h("button", { type: "button", class: "small", data: { key: "bot-" + m.id }, onclick: () => host({ type: "host", action: "bot_seat", member: m.id, bot: true }), text: t("game.bot_seat", { name: m.name }) }))) : null,
      botted.length ? h("div", { class: "act-row" }, botted.map((m) =>
        h("button", { type: "button", class: "small", data: { key: "unbot-" + m.id }, onclick: () => host({ type: "host", action: "bot_seat", member: m.id, bot: false }), text: t("game.unbot_seat", { name: m.name }) }))) : null,
      long.map((m) => h("p", { class: "suggest small", data: { suggest: m.id } },
        t("game.suggest_bot", { name: m.name, n: awayForBot(s.lobby) }))),
    ];
  }

  // Keyboard: R for Ready, F for the file, C for the chat, ? for the list.
  function onKey(e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const el = e.target;
    if (el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable)) return;
    const click = (sel) => { const b = screen.querySelector(sel); if (b && !b.disabled) { b.click(); return true; } return false; };
    switch (e.key) {
    case "r": case "R":
      if (click('[data-key="ready"]') || click('[data-key="unready"]')) e.preventDefault();
      return;
    case "f": case "F":
      // In streamer mode the file is open only while F is held.
      if (streaming()) { if (s.view && s.view.you) card.peek(e); return; }
      if (click('[data-key="role-toggle"]')) e.preventDefault();
      return;
    case "c": case "C":
      e.preventDefault();
      if (phoneLayout()) showPane("chat");
      ctx.chat.input.focus();
      return;
    case "?":
      e.preventDefault();
      keysHelp.hidden = !keysHelp.hidden;
      if (!keysHelp.hidden) keysHelp.querySelector("button").focus();
    }
  }
  const keysHelp = h("section", { class: "panel keys-help", id: "keys-help", hidden: true, aria: { labelledby: "keys-h" } },
    h("h2", { id: "keys-h", text: t("game.keys_h") }),
    h("ul", {},
      h("li", {}, h("kbd", { text: "R" }), " " + t("game.key_ready")),
      h("li", {}, h("kbd", { text: "F" }), " " + (streaming() ? t("game.key_file_stream") : t("game.key_file"))),
      h("li", {}, h("kbd", { text: "C" }), " " + t("game.key_chat")),
      h("li", {}, h("kbd", { text: "?" }), " " + t("game.key_help"))),
    h("button", { type: "button", class: "small", onclick: () => { keysHelp.hidden = true; }, text: t("game.close") }));
  side.append(keysHelp);
  document.addEventListener("keydown", onKey);
  // Streamer mode changes the file's controls and the keys' words (the
  // card seals itself).
  const unStream = onStreaming(() => render());

  render();
  return {
    update: render,
    focus: focusFirst,
    turn: () => signal.on,
    unmount() { gone = true; moveSeat.unmount(); clearInterval(interval); document.removeEventListener("keydown", onKey); signal.stop(); unStream(); },
  };
}

// rulesText is the game's public settings, as the view gives them.
function rulesText(v) {
  const r = v.rules;
  if (!r) return "";
  const roles = (r.roles || []).map((x) => tkOr("game.roles_count", x.role, `${x.count} ${ROLE[x.role] || x.role}`, { n: x.count }));
  return [
    t("game.rules_threshold", { n: r.threshold }),
    r.ballot === "secret" ? t("game.rules_secret") : t("game.rules_open"),
    { nothing: t("game.rules_reveal_nothing"), faction: t("game.rules_reveal_faction"), role: t("game.rules_reveal_role") }[r.reveal] || "",
    t("game.rules_sessions", { n: v.sessions }),
    roles.length ? t("game.rules_in_play", { roles: roles.join(", ") }) : "",
  ].filter(Boolean).join(" · ") + ".";
}


// phoneLayout reports whether the screen shows one pane at a time.
export function phoneLayout() {
  return matchMedia("(max-width: 979px)").matches;
}
