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
import { renderTable, tickAway } from "./table.js";
import { RoleCard } from "./rolecard.js";
import { Minutes } from "./log.js";
import { Gallery } from "./gallery.js";
import { SeatDoor, MoveSeat } from "./seats.js";
import { Signal } from "./signal.js";
import { streaming, onStreaming } from "./streamer.js";

// VERB names, on a seat of the table, what tapping it does.
const VERB = { denounce: "Denounce", chair_pick: "Name accused", confess: "Name", letter: "Letter against", investigate: "Investigate", strike: "Strike", shoot: "Shoot" };

// DRAWN are the moves the floor draws with a prompt of its own; any other
// the view offers is drawn in the words of ACT.
const DRAWN = new Set(["denounce", "withdraw", "ready", "unready", "chair_pick", "purge_vote", "confess", "letter", "investigate", "strike", "falsify", "shoot"]);

// LONG_AWAY is how long, in seconds, a delegate is away before the host is
// offered a bot for the seat.
const LONG_AWAY = 60;

// SEALED_NIGHT is what everyone reads at night while the file is sealed.
export const SEALED_NIGHT = "Night falls. Open your file to act.";

export function mount(root, ctx) {
  const s = ctx.session;
  const banner = h("section", { class: "banner", aria: { labelledby: "phase-h" } });
  const phaseH = h("h1", { id: "phase-h" });
  const sessionLine = h("span", { class: "session" });
  const hint = h("p", { class: "hint" });
  const timer = h("span", { class: "timer", role: "timer", aria: { label: "Time left in this phase" } });
  const signal = new Signal(s);
  banner.append(h("div", { class: "phase" }, sessionLine, phaseH, hint), timer, signal.el);

  const actionsBody = h("div");
  const refusal = h("p", { class: "refusal", role: "alert", hidden: true });
  const actions = h("section", { class: "panel red actions", id: "your-move", aria: { labelledby: "act-h" } },
    h("h2", { id: "act-h", text: "Your move" }), actionsBody, refusal);
  const hostBody = h("section", { class: "panel host-tools", aria: { labelledby: "gavel-h" } });

  let secrets = false;
  const card = new RoleCard((open) => { secrets = open; render(); });
  const tableBody = h("div");
  const rulesLine = h("p", { class: "rules small muted", id: "rules" });
  const tablePanel = h("section", { class: "panel table-panel", aria: { labelledby: "table-h" } },
    h("h2", { id: "table-h", text: "The Congress floor" }), tableBody, rulesLine);

  const minutes = new Minutes();
  const logPanel = h("section", { class: "panel log-panel", aria: { labelledby: "log-h" } },
    h("h2", { id: "log-h", text: "The minutes" }), minutes.el);

  const gallery = new Gallery(ctx);
  const seatDoor = new SeatDoor(ctx);
  const moveSeat = new MoveSeat(ctx);

  // On a phone the screen is one pane at a time: the floor (your move,
  // the table, your file), the chat, or the minutes.
  let pane = "floor";
  const paneTabs = h("nav", { class: "panes", aria: { label: "Parts of the Congress" } });
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
    replace(paneTabs, [["floor", "The floor"], ["chat", "Chatter"], ["minutes", "Minutes"]].map(([p, label]) =>
      h("button", {
        type: "button", class: "small", data: { key: "pane-" + p, pane: p },
        aria: { pressed: p === pane ? "true" : "false" },
        onclick: () => showPane(p),
      }, label, p === "chat" && unread > 0 ? h("span", { class: "unread", aria: { label: unread + " unread" }, text: String(unread) }) : null)));
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
    refusal.textContent = (err && err.message) || "The Presidium refused.";
    refusal.hidden = false;
  }

  function tick() {
    const left = s.remaining();
    const v = s.view;
    if (!v) return;
    if (left === null) {
      timer.textContent = v.paused ? "Adjourned" : "—";
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
    sessionLine.textContent = (v.phase === "final_ballot" ? "The Central Committee election" : `Session ${v.session} of ${v.sessions}`) +
      (watching ? ` · ${watching} in the gallery` : "");
    hint.textContent = v.paused ? "The host has adjourned the Congress. The clock is stopped." : PHASE_HINT[v.phase] || "";
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
      let text = `${PHASE[v.phase]}${v.phase !== "over" && v.phase !== "final_ballot" ? ", session " + v.session : ""}. ${PHASE_HINT[v.phase] || ""}`;
      if (turn) text += " Your move: " + turnWords(v) + ".";
      announce(text);
    } else if (acts && !last.acts) {
      // Within a phase: something is asked of you that was not before.
      announce("Your turn: " + turnWords(v) + ".");
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
    const tapHint = () => h("p", { class: "small muted tap-hint", text: "Or tap a seat on the table." });

    if (!you) {
      out.push(h("p", { class: "prompt", text: "You watch from the gallery." }),
        h("p", { class: "muted", text: galleryNote() }));
      return out;
    }
    if (v.paused) {
      out.push(h("p", { class: "prompt", text: s.isHost
        ? "You have adjourned the Congress. Resume it when the delegates are ready."
        : "The Congress is adjourned. Wait for the host to resume it." }));
    }
    if (sealedNight(v)) {
      out.push(h("p", { class: "prompt", text: v.phase === "night" ? SEALED_NIGHT : "Open your file to act." }),
        h("div", { class: "act-row" }, streaming()
          ? card.peekButton("Hold your file open to act", "open-file", "primary")
          : h("button", { type: "button", class: "primary", data: { key: "open-file" }, onclick: () => card.toggle(), text: "Open your file" })));
      return out;
    }
    const me = v.seats[you.seat];

    if (a.has("denounce") || a.has("withdraw")) {
      out.push(h("p", { class: "prompt", text: me.denounces >= 0 ? `You denounce ${s.name(me.denounces)}. Change your mind, or stand by it.` : "Denounce a delegate you suspect. You may change your mark until the Debate ends." }));
      if (a.has("denounce")) out.push(targetButtons("denounce", offered(v, "denounce", me.denounces), "Denounce", me.denounces), tapHint());
    }
    const row = [];
    if (a.has("ready")) row.push(h("button", { type: "button", class: "primary", data: { key: "ready", act: "ready" }, aria: { keyshortcuts: "R" }, disabled: !!busy, onclick: () => act({ kind: "ready" }, "ready"), text: "Ready: close the Debate" }));
    if (a.has("unready")) row.push(h("button", { type: "button", aria: { pressed: "true", keyshortcuts: "R" }, data: { key: "unready", act: "unready" }, disabled: !!busy, onclick: () => act({ kind: "unready" }, "unready"), text: "Ready ✓ (take it back)" }));
    if (a.has("withdraw")) row.push(h("button", { type: "button", data: { key: "withdraw", act: "withdraw" }, disabled: !!busy, onclick: () => act({ kind: "withdraw" }, "withdraw"), text: "Withdraw my denunciation" }));
    if (row.length) out.push(h("div", { class: "act-row" }, row));

    if (a.has("chair_pick")) {
      out.push(h("p", { class: "prompt", text: "You hold the Chair and the count is tied. Name the Accused:" }),
        targetButtons("chair_pick", targets(v, "chair_pick"), "Name the Accused"));
    }
    if (a.has("purge_vote")) {
      out.push(h("p", { class: "prompt", text: `Purge ${s.name(v.accused)} from the Party, or spare them?` }),
        h("div", { class: "vote-buttons", role: "group", aria: { label: "Your vote" } },
          h("button", { type: "button", class: "primary", data: { key: "purge", act: "purge_vote", purge: "true" }, disabled: !!busy, onclick: () => act({ kind: "purge_vote", purge: true }, "purge"), text: "Purge" }),
          h("button", { type: "button", class: "dark", data: { key: "spare", act: "purge_vote", purge: "false" }, disabled: !!busy, onclick: () => act({ kind: "purge_vote", purge: false }, "spare"), text: "Spare" })));
    }
    if (a.has("confess")) {
      out.push(h("p", { class: "prompt", text: "You are purged. Before you go, you may name one delegate in your confession — or leave without a word." }),
        targetButtons("confess", targets(v, "confess"), "Name in your confession"),
        silent(v, "confess") && h("div", { class: "act-row" }, h("button", { type: "button", class: "dark", data: { key: "confess-none", act: "confess", target: -1 }, disabled: !!busy, onclick: () => act({ kind: "confess", target: -1 }, "confess-1"), text: "Leave without a word" })));
    }
    if (a.has("letter")) {
      out.push(h("p", { class: "prompt", text: "Propose the target of the bloc's anonymous letter. It stands as a denunciation in the next Debate." }),
        targetButtons("letter", targets(v, "letter"), "Propose a letter against", chosenFor(v, "letter")));
    }
    if (a.has("investigate")) {
      out.push(h("p", { class: "prompt", text: "Name one delegate for the NKVD to investigate tonight. You alone will learn their camp." }),
        targetButtons("investigate", targets(v, "investigate"), "Investigate", chosenFor(v, "investigate")));
    }
    if (a.has("falsify")) {
      out.push(h("p", { class: "prompt", text: "Once a game, you may falsify tonight's NKVD report: the Investigator will read the opposite camp. You choose before you know whom it names; at dawn you learn it." }),
        h("div", { class: "act-row" }, h("button", { type: "button", class: "dark", data: { key: "falsify", act: "falsify" }, disabled: !!busy, onclick: () => act({ kind: "falsify" }, "falsify"), text: "Falsify tonight's report" })));
    }
    if (a.has("strike")) {
      out.push(h("p", { class: "prompt", text: "Strike one name from the Central Committee ballot. If Kirov alone has the most strikes, the Loyalists win." }),
        targetButtons("strike", targets(v, "strike"), "Strike a name"), tapHint());
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
    if (busy) out.push(h("p", { class: "muted", role: "status", text: "Sending to the Presidium…" }));
    return out;
  }

  // galleryNote tells the gallery what it sees of the roles, by the
  // lobby's settings.
  function galleryNote() {
    const st = s.lobby && s.lobby.settings;
    if (!st || !st.spectators_see_roles) return "Spectators see the public record. The roles are opened when the Congress closes.";
    if (!s.admitted) return "The gallery sees every role once the host admits you by name; until then, the public record. The roles are opened to all when the Congress closes.";
    const d = st.spectator_delay_seconds;
    return d > 0
      ? `The gallery sees every role, ${d} s behind the Congress, so that it cannot tip off a delegate.`
      : "The gallery sees every role as it happens.";
  }

  // waiting says what is happening when this viewer has nothing to do;
  // "" when there is nothing to add (an adjourned Debate does not go on).
  function waiting(v) {
    const you = v.you;
    const me = v.seats[you.seat];
    if (!you.alive) return "You have been purged. Watch the Congress, and talk with the other purged.";
    switch (v.phase) {
    case "debate": return v.paused ? "" : "The Debate goes on.";
    case "accusation": return `The Chair, ${s.name(v.chair)}, is naming the Accused.`;
    case "defence": return v.accused === you.seat ? "You stand accused. Speak in your defence now." : `${s.name(v.accused)} speaks in their defence.`;
    case "vote":
      if (v.accused === you.seat) return "The Congress votes on your fate.";
      if (you.vote !== undefined && you.vote !== null) return `Your vote is cast: ${you.vote ? "Purge" : "Spare"}. Waiting for the others.`;
      return "The vote is open.";
    case "confession": return `${s.name(v.accused)} may name someone before leaving.`;
    case "night":
      if (!secrets) return SEALED_NIGHT;
      if (you.choice >= 0) return `Your choice tonight: ${s.name(you.choice)}. Waiting for the dawn.`;
      return "You sleep. Nothing is asked of you tonight.";
    case "final_ballot":
      if (you.choice >= 0) return `You struck ${s.name(you.choice)}. Waiting for the count.`;
      return me.voted ? "You have struck a name." : "The ballot is open.";
    }
    return "Wait for the Presidium.";
  }

  function turnWords(v) {
    const a = myActs(v);
    if (sealedNight(v)) return "open your file";
    if (a.includes("purge_vote")) return "vote Purge or Spare";
    if (a.includes("chair_pick")) return "name the Accused";
    if (a.includes("confess")) return "make your confession";
    if (a.includes("letter")) return "propose the anonymous letter";
    if (a.includes("investigate")) return "investigate a delegate";
    if (a.includes("falsify")) return "falsify tonight's report, or not";
    if (a.includes("strike")) return "strike a name";
    if (a.includes("denounce") || a.includes("ready")) return "denounce, and press Ready when done";
    return a.map((k) => (ACT[k] ? ACT[k].turn : k)).join(", ");
  }

  // longAwayIDs lists the seated delegates away for more than LONG_AWAY
  // seconds whose seat no bot plays: the host is offered a bot for each.
  function longAwayIDs() {
    const members = s.lobby ? s.lobby.members : [];
    return members.filter((m) => m.seat >= 0 && !m.bot && !m.gone && !m.connected && !m.bot_plays && awaySeconds(m) > LONG_AWAY).map((m) => m.id).join(",");
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
    const long = away.filter((m) => awaySeconds(m) > LONG_AWAY);
    const heirs = members.filter((m) => !m.bot && !m.gone && m.id !== s.me && m.connected);
    const kickable = members.filter((m) => !m.bot && !m.gone && m.id !== s.me);
    if (!heirs.some((m) => m.id === gavelTo)) gavelTo = heirs.length ? heirs[0].id : "";
    if (!kickable.some((m) => m.id === kickWho)) kickWho = kickable.length ? kickable[0].id : "";
    const kicked = kickable.find((m) => m.id === confirmKick);
    const seatTools = (heirs.length || kickable.length) && h("details", { class: "host-seats", open: seatsOpen || !!kicked, ontoggle: (e) => { seatsOpen = e.target.open; } },
      h("summary", { class: "small", data: { key: "host-seats" }, aria: { label: "More of the gavel: hand it on, or remove a delegate" }, title: "Hand the gavel on, or remove a delegate", text: "More…" }),
      heirs.length ? h("div", { class: "act-row host-pick" },
        h("label", { for: "gavel-to", class: "small", text: "Hand the gavel to" }),
        h("select", { id: "gavel-to", data: { key: "gavel-to" }, onchange: (e) => { gavelTo = e.target.value; } },
          heirs.map((m) => h("option", { value: m.id, selected: m.id === gavelTo, text: m.name }))),
        h("button", { type: "button", class: "small", data: { key: "hand-gavel" }, onclick: () => host({ type: "host", action: "make_host", member: gavelTo }), text: "Hand it over" })) : null,
      kicked ? h("div", { class: "confirm notice", role: "group", aria: { label: "Confirm the removal" } },
        h("p", { text: `Remove ${kicked.name} from the Congress? A bot plays the seat to the end and its file stays sealed. ${kicked.name} cannot come back to this lobby, under any name.` }),
        h("div", { class: "act-row" },
          h("button", { type: "button", class: "small primary", data: { key: "kick-confirm" }, onclick: () => { confirmKick = ""; host({ type: "host", action: "kick", member: kicked.id }); render(); }, text: `Remove ${kicked.name}` }),
          h("button", { type: "button", class: "small", data: { key: "kick-cancel" }, onclick: () => { confirmKick = ""; render(); }, text: "Keep them" })))
        : kickable.length ? h("div", { class: "act-row host-pick" },
          h("label", { for: "kick-who", class: "small", text: "Remove a delegate" }),
          h("select", { id: "kick-who", data: { key: "kick-who" }, onchange: (e) => { kickWho = e.target.value; } },
            kickable.map((m) => h("option", { value: m.id, selected: m.id === kickWho, text: m.name }))),
          h("button", { type: "button", class: "small", data: { key: "kick" }, onclick: () => { confirmKick = kickWho; render(); }, text: "Remove…" })) : null);
    return [
      h("h2", { id: "gavel-h", text: "The host's gavel" }),
      h("div", { class: "act-row" },
        hostActs.has("end_phase") && h("button", { type: "button", class: "small", data: { key: "end-phase" }, onclick: () => host({ type: "act", kind: "end_phase" }), text: "End this phase now" }),
        hostActs.has("resume") && h("button", { type: "button", class: "small", data: { key: "resume" }, onclick: () => host({ type: "act", kind: "resume" }), text: "Resume the Congress" }),
        hostActs.has("pause") && h("button", { type: "button", class: "small", data: { key: "pause" }, onclick: () => host({ type: "act", kind: "pause" }), text: "Adjourn (pause)" }),
        seatTools),
      away.length ? h("div", { class: "act-row" }, away.map((m) =>
        h("button", { type: "button", class: "small", data: { key: "bot-" + m.id }, onclick: () => host({ type: "host", action: "bot_seat", member: m.id, bot: true }), text: `Hand ${m.name}'s seat to a bot` }))) : null,
      botted.length ? h("div", { class: "act-row" }, botted.map((m) =>
        h("button", { type: "button", class: "small", data: { key: "unbot-" + m.id }, onclick: () => host({ type: "host", action: "bot_seat", member: m.id, bot: false }), text: `Take ${m.name}'s seat back from the bot` }))) : null,
      long.map((m) => h("p", { class: "suggest small", data: { suggest: m.id } },
        `${m.name} has been away over a minute. A bot could play the seat, so that the Congress does not wait.`)),
    ];
  }

  // Keyboard: R for Ready, F for the file, C for the chat, ? for the list.
  function onKey(e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const t = e.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable)) return;
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
    h("h2", { id: "keys-h", text: "Keys" }),
    h("ul", {},
      h("li", {}, h("kbd", { text: "R" }), " Ready, or take it back"),
      h("li", {}, h("kbd", { text: "F" }), streaming() ? " Hold to open your file (streamer mode)" : " Open or seal your file"),
      h("li", {}, h("kbd", { text: "C" }), " Speak in the chat"),
      h("li", {}, h("kbd", { text: "?" }), " Show or hide these keys")),
    h("button", { type: "button", class: "small", onclick: () => { keysHelp.hidden = true; }, text: "Close" }));
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
  const roles = (r.roles || []).map((x) => `${x.count} ${x.count === 1 ? ROLE[x.role] : ROLES[x.role] || ROLE[x.role]}`);
  return [
    `Trial at ${r.threshold} denunciation${r.threshold === 1 ? "" : "s"}`,
    r.ballot === "secret" ? "secret ballot" : "open ballot",
    { nothing: "purged files sealed", faction: "a purged delegate's camp is opened", role: "a purged delegate's role is opened" }[r.reveal] || "",
    `${v.sessions} session${v.sessions === 1 ? "" : "s"}`,
    roles.length ? "in play: " + roles.join(", ") : "",
  ].filter(Boolean).join(" · ") + ".";
}

const ROLES = { loyalist: "Loyalists", investigator: "NKVD Investigators", plotter: "Plotters", kirov: "Kirovs" };

// phoneLayout reports whether the screen shows one pane at a time.
export function phoneLayout() {
  return matchMedia("(max-width: 979px)").matches;
}
