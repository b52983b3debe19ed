// replay.js: a finished match, step by step, with every role visible.
// The table at each step is rebuilt from the log alone, so the replay
// shows only what the log records.

import { h, replace } from "./dom.js";
import { renderTable } from "./table.js";
import { renderLog, sentence } from "./log.js";
import { match } from "./api.js";

// stateAt rebuilds a view-like table after events[0..k] (inclusive).
export function stateAt(events, k) {
  const over = events.find((e) => e.kind === "game_over");
  const roles = over && over.roles ? over.roles : [];
  const v = { session: 0, sessions: 0, phase: "debate", chair: -1, accused: -1, tied: [], seats: [], denunciations: [] };
  let carried = [];
  const start = events.find((e) => e.kind === "game_started");
  const names = start && start.names ? start.names : [];
  v.seats = names.map((name, i) => ({ seat: i, name, alive: true, ready: false, voted: false, denounces: -1, role: roles[i] || "", faction: roles[i] ? (roles[i] === "plotter" || roles[i] === "kirov" ? "plotters" : "loyalists") : "" }));
  const seat = (i) => v.seats[i] || {};
  for (const e of events.slice(0, k + 1)) {
    if (e.phase) v.phase = e.phase;
    if (e.session) v.session = e.session;
    switch (e.kind) {
    case "session_opened":
      v.sessions = e.count || v.sessions;
      v.chair = e.seat;
      v.accused = -1;
      v.tied = [];
      carried = [];
      for (const s of v.seats) { s.denounces = -1; s.ready = false; s.voted = false; }
      break;
    case "denounced": seat(e.seat).denounces = e.target; break;
    case "withdrew": seat(e.seat).denounces = -1; break;
    case "ready": seat(e.seat).ready = true; break;
    case "unready": seat(e.seat).ready = false; break;
    case "carried": carried.push({ target: e.target, source: e.source || "delegate", by: e.seat }); break;
    case "tied": v.tied = e.seats || []; break;
    case "accused": v.accused = e.target; for (const s of v.seats) s.ready = false; break;
    case "voted": seat(e.seat).voted = true; break;
    case "purged": seat(e.target).alive = false; break;
    case "night_fell": case "final_ballot_opened": for (const s of v.seats) { s.voted = false; s.ready = false; } break;
    case "struck": seat(e.seat).voted = true; break;
    }
  }
  v.denunciations = [
    ...carried.filter((d) => seat(d.target).alive),
    ...v.seats.filter((s) => s.alive && s.denounces >= 0).map((s) => ({ target: s.denounces, source: "delegate", by: s.seat })),
  ];
  return v;
}

// mount shows the replay of events (a finished match's log). opts:
// events, matchId (to fetch the whole file, secret lines included, from
// the match history), onClose and closeLabel (the way back).
export function mount(root, opts) {
  let events = (opts.events || []).slice();
  let k = 0;
  const names = () => {
    const start = events.find((e) => e.kind === "game_started");
    const n = start && start.names ? start.names : [];
    return (i) => n[i] || "nobody";
  };

  const slider = h("input", { type: "range", min: "0", value: "0", step: "1", id: "replay-slider", aria: { label: "Step through the log" }, oninput: () => go(parseInt(slider.value, 10)) });
  const step = h("span", { class: "replay-step", id: "replay-step" });
  const now = h("p", { class: "replay-now", aria: { live: "polite" }, id: "replay-now" });
  const tableBody = h("div");
  const logList = h("ol", { class: "log", aria: { label: "The log" } });
  const button = (label, text, fn, key) => h("button", { type: "button", class: "small dark", aria: { label }, data: { key }, onclick: fn, text });

  replace(root,
    h("div", { class: "hero" },
      h("p", { class: "kicker", text: "The record of the Congress" }),
      h("h1", { text: "Replay" }),
      h("p", { text: "Step through the match with every file open." })),
    h("section", { class: "panel", aria: { labelledby: "rc-h" } },
      h("h2", { id: "rc-h", text: "The tape" }),
      h("div", { class: "replay-controls" },
        button("First step", "« First", () => go(0), "first"),
        button("Step back", "◀ Back", () => go(k - 1), "back"),
        slider,
        button("Step forward", "Forward ▶", () => go(k + 1), "forward"),
        button("Last step", "Last »", () => go(events.length - 1), "last")),
      h("p", {}, step),
      now,
      h("button", { type: "button", class: "small", data: { key: "close" }, onclick: () => opts.onClose(), text: opts.closeLabel || "Back" })),
    h("div", { class: "room" },
      h("section", { class: "panel table-panel", aria: { labelledby: "rt-h" } }, h("h2", { id: "rt-h", text: "The floor at this step" }), tableBody),
      h("section", { class: "panel log-panel", aria: { labelledby: "rl-h" } }, h("h2", { id: "rl-h", text: "The minutes" }), logList)));

  function go(i) {
    k = Math.max(0, Math.min(events.length - 1, i));
    const v = stateAt(events, k);
    const name = names();
    slider.max = String(Math.max(0, events.length - 1));
    slider.value = String(k);
    step.textContent = `Step ${k + 1} of ${events.length}`;
    now.textContent = events[k] ? sentence(events[k], name) : "The log is empty.";
    replace(tableBody, renderTable(v, { secrets: true }));
    replace(logList, renderLog(events.slice(0, k + 1), name, -1, k));
    logList.scrollTop = logList.scrollHeight;
  }

  function onKey(e) {
    if (e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement) return;
    if (e.key === "ArrowRight") { go(k + 1); e.preventDefault(); }
    if (e.key === "ArrowLeft") { go(k - 1); e.preventDefault(); }
  }
  addEventListener("keydown", onKey);

  go(0);
  // The match history holds the whole file, with the lines that were
  // secret while the game ran; the end-of-game log will do meanwhile.
  if (opts.matchId) {
    match(opts.matchId).then((data) => {
      if (data && Array.isArray(data.log) && data.log.length >= events.length) { events = data.log; go(k); }
    }, () => { /* not on file (yet): keep the log we have */ });
  }
  return { update() {}, unmount() { removeEventListener("keydown", onKey); } };
}
