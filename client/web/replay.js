// replay.js: a finished match, step by step, as the engine plays it again
// from the match file (GET /api/matches/{id}/replay). Every table shown is
// the engine's own view for the chosen point of view — everything, the
// gallery, or one delegate — and every line the events it made: the
// client applies no rule of its own.

import { h, replace } from "./dom.js";
import { renderTable } from "./table.js";
import { renderLog, sentence, namer } from "./log.js";

// The points of view the server replays besides a seat number.
const ALL = "all";
const GALLERY = "gallery";

// While a match that has just ended is being filed, its replay answers
// not_found or match_running; it is asked again this often, this long.
const RETRY_MS = 500;
const RETRY_FOR_MS = 30_000;

// fetchReplay is the replay of match id for viewer, or throws an Error
// with the server's words and code.
async function fetchReplay(id, viewer) {
  let res;
  try {
    res = await fetch(`/api/matches/${encodeURIComponent(id)}/replay?viewer=${encodeURIComponent(viewer)}`);
  } catch {
    throw new Error("The server cannot be reached. Check your connection.");
  }
  let data = null;
  try { data = await res.json(); } catch { /* empty or not JSON */ }
  if (!res.ok) {
    const err = new Error((data && data.message) || `The server refused (${res.status}).`);
    err.code = data && data.code;
    throw err;
  }
  return data;
}

// mount shows the replay of match opts.matchId. opts: matchId, onClose
// and closeLabel (the way back).
export function mount(root, opts) {
  const id = opts.matchId;
  let replay = null; // the server's protocol.Replay for the point of view
  let viewer = ALL;
  let k = 0;
  let gone = false;
  let timer = 0;

  const status = h("p", { class: "muted", role: "status", id: "replay-status", text: "Fetching the record from the archive…" });
  const pov = h("select", { id: "replay-viewer", aria: { label: "Point of view" }, disabled: true, onchange: () => load(pov.value) });
  const slider = h("input", { type: "range", min: "0", value: "0", step: "1", id: "replay-slider", aria: { label: "Step through the match" }, oninput: () => go(parseInt(slider.value, 10)) });
  const step = h("span", { class: "replay-step", id: "replay-step" });
  const now = h("p", { class: "replay-now", aria: { live: "polite" }, id: "replay-now" });
  const record = h("div", { id: "replay-record" });
  const tableBody = h("div", { id: "replay-table" });
  const logList = h("ol", { class: "log", aria: { label: "The log" } });
  const button = (label, text, fn, key) => h("button", { type: "button", class: "small dark", aria: { label }, data: { key }, onclick: fn, text });

  replace(root,
    h("div", { class: "hero" },
      h("p", { class: "kicker", text: "The record of the Congress" }),
      h("h1", { text: "Replay" }),
      h("p", { text: "The match played again from its file, step by step, as everyone, the gallery or any delegate saw it." })),
    h("section", { class: "panel", aria: { labelledby: "rc-h" } },
      h("h2", { id: "rc-h", text: "The tape" }),
      h("p", {}, h("label", { for: "replay-viewer", text: "Seen by " }), pov),
      h("div", { class: "replay-controls" },
        button("First step", "« First", () => go(0), "first"),
        button("Step back", "◀ Back", () => go(k - 1), "back"),
        slider,
        button("Step forward", "Forward ▶", () => go(k + 1), "forward"),
        button("Last step", "Last »", () => go(steps().length - 1), "last")),
      h("p", {}, step),
      status,
      now,
      h("button", { type: "button", class: "small", data: { key: "close" }, onclick: () => opts.onClose(), text: opts.closeLabel || "Back" })),
    h("div", { class: "room" },
      h("section", { class: "panel table-panel", aria: { labelledby: "rt-h" } }, h("h2", { id: "rt-h", text: "The floor at this step" }), tableBody),
      h("section", { class: "panel log-panel", aria: { labelledby: "rl-h" } }, h("h2", { id: "rl-h", text: "The minutes" }), logList)),
    h("section", { class: "panel", aria: { labelledby: "rr-h" } }, h("h2", { id: "rr-h", text: "The seal on the deal" }), record));

  const steps = () => (replay ? replay.steps : []);
  const seatOf = (v) => (v === ALL || v === GALLERY ? -1 : parseInt(v, 10));

  function go(i) {
    const all = steps();
    if (!all.length) return;
    k = Math.max(0, Math.min(all.length - 1, i));
    const s = all[k];
    const name = namer(replay.names);
    const you = seatOf(viewer);
    slider.max = String(all.length - 1);
    slider.value = String(k);
    step.textContent = `Step ${k + 1} of ${all.length} · ${new Date(s.at).toLocaleTimeString()}`;
    now.textContent = s.events.length ? s.events.map((e) => sentence(e, name, you)).join(" ") : "The clock runs on.";
    replace(tableBody, renderTable(s.view, { you, secrets: true }));
    const seen = all.slice(0, k + 1).flatMap((x) => x.events);
    replace(logList, renderLog(seen, name, you, seen.length - 1));
    logList.scrollTop = logList.scrollHeight;
  }

  // load fetches the replay for point of view v, keeping the moment:
  // the last step of the new replay at or before the one shown.
  function load(v, started = Date.now()) {
    const at = replay && steps()[k] ? steps()[k].index : -1;
    pov.disabled = true;
    fetchReplay(id, v).then((r) => {
      if (gone) return;
      replay = r;
      viewer = v;
      status.textContent = "";
      fillViewers();
      fillRecord();
      let to = 0;
      r.steps.forEach((s, i) => { if (s.index <= at) to = i; });
      go(replay && at >= 0 ? to : 0);
    }, (err) => {
      if (gone) return;
      if ((err.code === "not_found" || err.code === "match_running") && Date.now() - started < RETRY_FOR_MS) {
        status.textContent = "The record is being filed in the archive…";
        timer = setTimeout(() => load(v, started), RETRY_MS);
        return;
      }
      status.textContent = err.message;
      pov.disabled = !replay;
      pov.value = viewer;
    });
  }

  function fillViewers() {
    const options = [
      h("option", { value: ALL, text: "Everyone, every file open" }),
      h("option", { value: GALLERY, text: "The gallery" }),
      ...replay.names.map((n, i) => h("option", { value: String(i), text: `№${i + 1} ${n}` })),
    ];
    replace(pov, options);
    pov.value = viewer;
    pov.disabled = false;
  }

  function fillRecord() {
    const file = `/api/matches/${encodeURIComponent(id)}/file`;
    replace(record,
      h("p", { text: "At the deal the server published the seal below: the SHA-256 of a secret seed from which every seat, role and lot of the match was drawn. The seed is shown now that the match is over." }),
      h("p", {}, "Seal: ", h("code", { id: "replay-commitment", text: replay.commitment })),
      h("p", {}, "Seed: ", h("code", { id: "replay-seed", text: replay.seed })),
      h("p", {},
        h("a", { href: file, download: `congress-match-${id}.json`, id: "replay-file", text: "Download the match file" }),
        " and check it with ", h("code", { text: `congress verify congress-match-${id}.json` }), "."));
  }

  function onKey(e) {
    if (e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement || e.target instanceof HTMLSelectElement) return;
    if (e.key === "ArrowRight") { go(k + 1); e.preventDefault(); }
    if (e.key === "ArrowLeft") { go(k - 1); e.preventDefault(); }
  }
  addEventListener("keydown", onKey);

  if (id) {
    load(ALL);
  } else {
    status.textContent = "This match has no record on file.";
  }
  return { update() {}, unmount() { gone = true; clearTimeout(timer); removeEventListener("keydown", onKey); } };
}
