// game.js: the Congress in session. A phase banner with a live countdown,
// the table, your file, exactly the actions the server allows you now
// (view.actions), the server's refusals in words, the chat and the log.

import { h, replace, announce, clock } from "./dom.js";
import { PHASE, PHASE_HINT } from "./words.js";
import { renderTable } from "./table.js";
import { RoleCard } from "./rolecard.js";
import { renderLog } from "./log.js";
import { Gallery } from "./gallery.js";

export function mount(root, ctx) {
  const s = ctx.session;
  const banner = h("section", { class: "banner", aria: { labelledby: "phase-h" } });
  const phaseH = h("h2", { id: "phase-h" });
  const sessionLine = h("span", { class: "session" });
  const hint = h("p", { class: "hint" });
  const timer = h("span", { class: "timer", role: "timer", aria: { label: "Time left in this phase" } });
  banner.append(h("div", { class: "phase" }, sessionLine, phaseH, hint), timer);

  const actionsBody = h("div");
  const refusal = h("p", { class: "refusal", role: "alert", hidden: true });
  const hostBody = h("div");
  const actions = h("section", { class: "panel red actions", aria: { labelledby: "act-h" } },
    h("h2", { id: "act-h", text: "Your move" }), actionsBody, refusal, hostBody);

  let secrets = false;
  const card = new RoleCard((open) => { secrets = open; render(); });
  const tableBody = h("div");
  const tablePanel = h("section", { class: "panel table-panel", aria: { labelledby: "table-h" } },
    h("h2", { id: "table-h", text: "The Congress floor" }), tableBody);

  const logList = h("ol", { class: "log", aria: { label: "The minutes, oldest first" } });
  const logPanel = h("section", { class: "panel log-panel", aria: { labelledby: "log-h" } },
    h("h2", { id: "log-h", text: "The minutes" }), logList);

  const gallery = new Gallery(ctx);
  const screen = h("div", { class: "game" }, banner, actions, h("div", { class: "side" }, card.el, gallery.el, ctx.chat.el), tablePanel, logPanel);
  replace(root, screen);

  // busy holds the request in flight, so a double click sends once.
  let busy = null;
  let last = { phase: "", session: 0, acts: "" };

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
  }
  const interval = setInterval(tick, 250);

  function render() {
    const v = s.view;
    if (!v) return;
    const you = v.you ? v.you.seat : -1;
    banner.className = "banner" + (v.phase === "night" ? " night" : "");
    phaseH.textContent = PHASE[v.phase] || v.phase;
    sessionLine.textContent = v.phase === "final_ballot" ? "The Central Committee election" : `Session ${v.session} of ${v.sessions}`;
    hint.textContent = v.paused ? "The host has adjourned the Congress. The clock is stopped." : PHASE_HINT[v.phase] || "";
    tick();
    card.update(v, galleryNote());
    replace(tableBody, renderTable(v, { you, member: (i) => s.memberAt(i), host: s.lobby && s.lobby.host, secrets }));
    replace(actionsBody, renderActions(v));
    replace(hostBody, s.isHost ? renderHost(v) : null);
    const name = (i) => s.name(i);
    const stick = logList.scrollTop + logList.clientHeight >= logList.scrollHeight - 8;
    replace(logList, renderLog(s.log, name, you));
    if (stick) logList.scrollTop = logList.scrollHeight;
    gallery.update();
    ctx.chat.update();
    speak(v);
  }

  // speak announces a new phase, and your turn, to screen readers.
  function speak(v) {
    const acts = (v.actions || []).join(",");
    if (v.phase !== last.phase || v.session !== last.session) {
      refusal.hidden = true;
      let text = `${PHASE[v.phase]}${v.phase !== "over" && v.phase !== "final_ballot" ? ", session " + v.session : ""}. ${PHASE_HINT[v.phase] || ""}`;
      if (acts) text += " Your move: " + turnWords(v) + ".";
      announce(text);
    } else if (acts && !last.acts) {
      // Within a phase: something is asked of you that was not before.
      announce("Your turn: " + turnWords(v) + ".");
    }
    last = { phase: v.phase, session: v.session, acts };
  }

  function renderActions(v) {
    const a = new Set(v.actions || []);
    const you = v.you;
    const out = [];
    const others = v.seats.filter((x) => x.alive && (!you || x.seat !== you.seat));
    const targets = (kind, list, label, chosen = -1) => h("div", { class: "targets", role: "group", aria: { label } },
      list.map((x) => h("button", {
        type: "button",
        class: x.seat === chosen ? "chosen" : null,
        aria: { pressed: x.seat === chosen ? "true" : null, busy: busy === kind + x.seat ? "true" : null },
        data: { key: kind + "-" + x.seat, act: kind, target: x.seat },
        disabled: !!busy || x.seat === chosen,
        onclick: () => act({ kind, target: x.seat }, kind + x.seat),
      }, x.name)));

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
    const me = v.seats[you.seat];

    if (a.has("denounce") || a.has("withdraw")) {
      out.push(h("p", { class: "prompt", text: me.denounces >= 0 ? `You denounce ${s.name(me.denounces)}. Change your mind, or stand by it.` : "Denounce a delegate you suspect. You may change your mark until the Debate ends." }));
      if (a.has("denounce")) out.push(targets("denounce", others, "Denounce", me.denounces));
    }
    const row = [];
    if (a.has("withdraw")) row.push(h("button", { type: "button", data: { key: "withdraw", act: "withdraw" }, disabled: !!busy, onclick: () => act({ kind: "withdraw" }, "withdraw"), text: "Withdraw my denunciation" }));
    if (a.has("ready")) row.push(h("button", { type: "button", class: "primary", data: { key: "ready", act: "ready" }, disabled: !!busy, onclick: () => act({ kind: "ready" }, "ready"), text: "Ready: close the Debate" }));
    if (a.has("unready")) row.push(h("button", { type: "button", aria: { pressed: "true" }, data: { key: "unready", act: "unready" }, disabled: !!busy, onclick: () => act({ kind: "unready" }, "unready"), text: "Ready ✓ (take it back)" }));
    if (row.length) out.push(h("div", { class: "act-row" }, row));

    if (a.has("chair_pick")) {
      out.push(h("p", { class: "prompt", text: "You hold the Chair and the count is tied. Name the Accused:" }),
        targets("chair_pick", (v.tied || []).map((i) => v.seats[i]), "Name the Accused"));
    }
    if (a.has("purge_vote")) {
      out.push(h("p", { class: "prompt", text: `Purge ${s.name(v.accused)} from the Party, or spare them?` }),
        h("div", { class: "vote-buttons", role: "group", aria: { label: "Your vote" } },
          h("button", { type: "button", class: "primary", data: { key: "purge", act: "purge_vote", purge: "true" }, disabled: !!busy, onclick: () => act({ kind: "purge_vote", purge: true }, "purge"), text: "Purge" }),
          h("button", { type: "button", class: "dark", data: { key: "spare", act: "purge_vote", purge: "false" }, disabled: !!busy, onclick: () => act({ kind: "purge_vote", purge: false }, "spare"), text: "Spare" })));
    }
    if (a.has("confess")) {
      out.push(h("p", { class: "prompt", text: "You are purged. Before you go, you may name one delegate in your confession — or leave without a word." }),
        targets("confess", others, "Name in your confession"));
    }
    if (a.has("letter")) {
      out.push(h("p", { class: "prompt", text: "Propose the target of the bloc's anonymous letter. It stands as a denunciation in the next Debate." }),
        targets("letter", others, "Propose a letter against"));
    }
    if (a.has("investigate")) {
      out.push(h("p", { class: "prompt", text: "Name one delegate for the NKVD to investigate tonight. You alone will learn their camp." }),
        targets("investigate", others, "Investigate"));
    }
    if (a.has("strike")) {
      out.push(h("p", { class: "prompt", text: "Strike one name from the Central Committee ballot. If Kirov alone has the most strikes, the Loyalists win." }),
        targets("strike", others, "Strike a name"));
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
      if (you.choice >= 0) return `Your choice tonight: ${s.name(you.choice)}. Waiting for the dawn.`;
      return "You sleep. Nothing is asked of you tonight.";
    case "final_ballot":
      if (you.choice >= 0) return `You struck ${s.name(you.choice)}. Waiting for the count.`;
      return me.voted ? "You have struck a name." : "The ballot is open.";
    }
    return "Wait for the Presidium.";
  }

  function turnWords(v) {
    const a = v.actions || [];
    if (a.includes("purge_vote")) return "vote Purge or Spare";
    if (a.includes("chair_pick")) return "name the Accused";
    if (a.includes("confess")) return "make your confession";
    if (a.includes("letter")) return "propose the anonymous letter";
    if (a.includes("investigate")) return "investigate a delegate";
    if (a.includes("strike")) return "strike a name";
    if (a.includes("denounce") || a.includes("ready")) return "denounce, and press Ready when done";
    return a.join(", ");
  }

  function renderHost(v) {
    const members = s.lobby ? s.lobby.members : [];
    const away = members.filter((m) => m.seat >= 0 && !m.bot && !m.connected && !m.bot_plays);
    const botted = members.filter((m) => m.seat >= 0 && m.bot_plays);
    return h("div", { class: "host-tools" },
      h("h3", { text: "The host's gavel" }),
      h("div", { class: "act-row" },
        !v.paused && h("button", { type: "button", class: "small", data: { key: "end-phase" }, onclick: () => host({ type: "act", kind: "end_phase" }), text: "End this phase now" }),
        v.paused
          ? h("button", { type: "button", class: "small", data: { key: "resume" }, onclick: () => host({ type: "act", kind: "resume" }), text: "Resume the Congress" })
          : h("button", { type: "button", class: "small", data: { key: "pause" }, onclick: () => host({ type: "act", kind: "pause" }), text: "Adjourn (pause)" })),
      away.length ? h("div", { class: "act-row" }, away.map((m) =>
        h("button", { type: "button", class: "small", data: { key: "bot-" + m.id }, onclick: () => host({ type: "host", action: "bot_seat", member: m.id, bot: true }), text: `Hand ${m.name}'s seat to a bot` }))) : null,
      botted.length ? h("div", { class: "act-row" }, botted.map((m) =>
        h("button", { type: "button", class: "small", data: { key: "unbot-" + m.id }, onclick: () => host({ type: "host", action: "bot_seat", member: m.id, bot: false }), text: `Take ${m.name}'s seat back from the bot` }))) : null);
  }

  render();
  return {
    update: render,
    unmount() { clearInterval(interval); },
  };
}
