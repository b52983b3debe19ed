// replay.js: a finished match, step by step, as the engine plays it again
// from the match file (GET /api/matches/{id}/replay). Every table shown is
// the engine's own view for the chosen point of view — everything, the
// gallery, or one delegate — and every line the events it made: the
// client applies no rule of its own.

import { h, replace } from "./dom.js";
import { renderTable } from "./table.js";
import { renderLog, sentence, namer } from "./log.js";
import { CHANNEL, PHASE } from "./words.js";
import { t, time } from "./i18n.js";
import { errorText } from "./errors.js";
import { spectatorName, onStreaming } from "./streamer.js";

// The points of view the server replays besides a seat number.
const ALL = "all";
const GALLERY = "gallery";

// While a match that has just ended is being filed, its replay answers
// not_found or match_running; it is asked again this often, this long.
const RETRY_MS = 500;
const RETRY_FOR_MS = 30_000;

// Autoplay keeps the match's own pace between steps, squeezed: no wait
// shorter than PACE_MIN_MS or longer than PACE_MAX_MS at 1×.
const SPEEDS = [1, 2, 4];
const PACE_MIN_MS = 400;
const PACE_MAX_MS = 3000;

// pace is how long autoplay shows step a before b, at speed.
export function pace(a, b, speed) {
  const gap = b ? Date.parse(b.at) - Date.parse(a.at) : 0;
  return Math.min(PACE_MAX_MS, Math.max(PACE_MIN_MS, gap || 0)) / speed;
}

// link is the address of step (the file's step index) of match id as
// viewer saw it: opened, the replay lands there.
export function link(id, viewer, step) {
  const q = new URLSearchParams({ match: id, viewer });
  if (step !== undefined && step !== null) q.set("step", String(step));
  return `${location.origin}/?${q}`;
}

// marks are the moments to jump to: each session's opening and each
// trial (an accusation), read from the steps' events.
function marks(steps, name) {
  const out = [];
  steps.forEach((s, i) => {
    for (const e of s.events) {
      if (e.kind === "session_opened") out.push({ i, text: t("replay.session", { n: e.session }) });
      if (e.kind === "accused") out.push({ i, text: "— " + t("replay.trial_of", { name: name(e.target) }) });
      if (e.kind === "final_ballot_opened") out.push({ i, text: PHASE.final_ballot });
      if (e.kind === "game_over") out.push({ i, text: t("replay.the_end") });
    }
  });
  return out;
}

// fetchReplay is the replay of match id for viewer, or throws an Error
// with the server's words and code.
async function fetchReplay(id, viewer) {
  let res;
  try {
    res = await fetch(`/api/matches/${encodeURIComponent(id)}/replay?viewer=${encodeURIComponent(viewer)}`);
  } catch {
    throw new Error(t("replay.unreachable"));
  }
  let data = null;
  try { data = await res.json(); } catch { /* empty or not JSON */ }
  if (!res.ok) {
    const err = new Error(data && data.message ? errorText(data) : t("replay.refused_status", { status: res.status }));
    err.code = data && data.code;
    throw err;
  }
  return data;
}

// mount shows the replay of match opts.matchId. opts: matchId, onClose
// and closeLabel (the way back); viewer and step (a file step index) to
// open at; share, to keep the address bar on the step shown; onMove(step,
// viewer), told of every step the reader moves to (not those goTo shows);
// hero false, to leave out the screen's heading.
// The screen's goTo(step, viewer) shows another step and point of view.
export function mount(root, opts) {
  const id = opts.matchId;
  let replay = null; // the server's protocol.Replay for the point of view
  let viewer = ALL;
  let k = 0;
  let gone = false;
  let timer = 0;
  let playing = false;
  let playTimer = 0;
  let speed = 1;
  let loads = 0; // replays asked for: only the last one asked is shown
  let loaded = 0; // the one shown
  // A finished match's replays do not change: each point of view is
  // fetched once (a review that flips between them asks the server once).
  const fetched = new Map();
  const fetchOnce = (v) => {
    if (!fetched.has(v)) {
      const p = fetchReplay(id, v);
      fetched.set(v, p);
      p.catch(() => fetched.delete(v));
    }
    return fetched.get(v);
  };

  const status = h("p", { class: "muted", role: "status", id: "replay-status", text: t("replay.fetching") });
  const pov = h("select", { id: "replay-viewer", aria: { label: t("replay.pov") }, disabled: true, onchange: () => load(pov.value) });
  const slider = h("input", { type: "range", min: "0", value: "0", step: "1", id: "replay-slider", aria: { label: t("replay.slider") }, oninput: () => go(parseInt(slider.value, 10)) });
  const step = h("span", { class: "replay-step", id: "replay-step" });
  const now = h("p", { class: "replay-now", aria: { live: "polite" }, id: "replay-now" });
  const record = h("div", { id: "replay-record" });
  const tableBody = h("div", { id: "replay-table" });
  const logList = h("ol", { class: "log", tabindex: "0", aria: { label: t("replay.log") } });
  const play = h("button", { type: "button", class: "small", id: "replay-play", aria: { pressed: "false" }, data: { key: "play" }, onclick: () => toggle(), text: "▶ " + t("replay.play") });
  const speedPick = h("select", { id: "replay-speed", aria: { label: t("replay.speed") }, onchange: () => { speed = parseInt(speedPick.value, 10) || 1; if (playing) schedule(); } },
    SPEEDS.map((x) => h("option", { value: String(x), text: `${x}×` })));
  const jump = h("select", { id: "replay-jump", aria: { label: t("replay.jump") }, disabled: true, onchange: () => { if (jump.value !== "") go(parseInt(jump.value, 10)); jump.value = ""; } });
  const share = h("input", { type: "text", readonly: true, id: "replay-link", class: "replay-link", aria: { label: t("replay.link") }, onfocus: () => share.select() });
  const copy = h("button", { type: "button", class: "small", data: { key: "copy" }, text: t("replay.copy"), onclick: () => {
    share.select();
    if (navigator.clipboard) navigator.clipboard.writeText(share.value).then(() => { copy.textContent = t("replay.copied"); }, () => {});
  } });
  const chatList = h("ul", { class: "said", id: "replay-chat", aria: { label: t("replay.chat") } });
  const chatEmpty = h("p", { class: "muted small", id: "replay-chat-empty", text: t("replay.nothing_said") });
  const button = (label, text, fn, key) => h("button", { type: "button", class: "small dark", aria: { label }, data: { key }, onclick: fn, text });

  replace(root,
    opts.hero !== false && h("div", { class: "hero" },
      h("p", { class: "kicker", text: t("replay.kicker") }),
      h("h1", { text: t("replay.title") }),
      h("p", { text: t("replay.what") })),
    h("section", { class: "panel", aria: { labelledby: "rc-h" } },
      h("h2", { id: "rc-h", text: t("replay.tape") }),
      h("p", {}, h("label", { for: "replay-viewer", text: t("replay.seen_by") + " " }), pov),
      h("div", { class: "replay-controls" },
        button(t("replay.first_step"), "« " + t("replay.first"), () => go(0), "first"),
        button(t("replay.step_back"), "◀ " + t("replay.back_short"), () => go(k - 1), "back"),
        slider,
        button(t("replay.step_forward"), t("replay.forward") + " ▶", () => go(k + 1), "forward"),
        button(t("replay.last_step"), t("replay.last") + " »", () => go(steps().length - 1), "last")),
      h("div", { class: "replay-controls" },
        play,
        h("label", { for: "replay-speed", class: "sr-only", text: t("replay.speed") }), speedPick,
        h("label", { for: "replay-jump", class: "sr-only", text: t("replay.jump") }), jump),
      h("p", {}, step),
      status,
      now,
      h("div", { class: "replay-controls" }, h("label", { for: "replay-link", text: t("replay.link") + " " }), share, copy),
      h("button", { type: "button", class: "small", data: { key: "close" }, onclick: () => opts.onClose(), text: opts.closeLabel || t("replay.back") })),
    h("div", { class: "room" },
      h("section", { class: "panel table-panel", aria: { labelledby: "rt-h" } }, h("h2", { id: "rt-h", text: t("replay.floor") }), tableBody),
      h("section", { class: "panel log-panel", aria: { labelledby: "rl-h" } }, h("h2", { id: "rl-h", text: t("replay.minutes") }), logList),
      h("section", { class: "panel chat", aria: { labelledby: "rch-h" } },
        h("h2", { id: "rch-h", text: t("replay.said") }),
        h("p", { class: "muted small", text: t("replay.said_what") }),
        h("div", { class: "lines", id: "replay-chat-lines", tabindex: "0", aria: { label: t("replay.chat_lines") } }, chatEmpty, chatList))),
    h("section", { class: "panel", aria: { labelledby: "rr-h" } }, h("h2", { id: "rr-h", text: t("replay.seal_title") }), record));

  const steps = () => (replay ? replay.steps : []);
  const seatOf = (v) => (v === ALL || v === GALLERY ? -1 : parseInt(v, 10));

  // go shows step i; quiet says the reader did not move there (goTo).
  function go(i, quiet = false) {
    const all = steps();
    if (!all.length) return;
    k = Math.max(0, Math.min(all.length - 1, i));
    const s = all[k];
    const name = namer(replay.names);
    const you = seatOf(viewer);
    slider.max = String(all.length - 1);
    slider.value = String(k);
    step.textContent = t("replay.step_of", { n: k + 1, m: all.length }) + " · " + time(new Date(s.at), { hour: "2-digit", minute: "2-digit", second: "2-digit" });
    // Each seat's camp, where this step's view shows it (every seat at the end).
    const camp = (i) => (s.view.seats[i] ? s.view.seats[i].faction : "");
    now.textContent = s.events.length ? s.events.map((e) => sentence(e, name, you, camp)).join(" ") : t("replay.clock_runs");
    replace(tableBody, renderTable(s.view, { you, secrets: true }));
    const seen = all.slice(0, k + 1).flatMap((x) => x.events);
    replace(logList, renderLog(seen, name, you, seen.length - 1, camp));
    logList.scrollTop = logList.scrollHeight;
    const said = all.slice(0, k + 1).flatMap((x, j) => (x.chat || []).map((l) => ({ l, now: j === k })));
    replace(chatList, said.map(({ l, now: fresh }) => h("li", { class: ["chat-line", fresh && "fresh"], data: { channel: l.channel } },
      h("span", { class: "chan", text: `[${CHANNEL[l.channel] || l.channel}]` }), " ",
      h("span", { class: "from", text: (l.from ? l.name : spectatorName(l.name)) + ":" }),
      h("span", { class: "text", text: l.text }))));
    chatEmpty.hidden = said.length > 0;
    chatList.parentElement.scrollTop = chatList.parentElement.scrollHeight;
    share.value = link(id, viewer, s.index);
    copy.textContent = t("replay.copy");
    if (opts.share) history.replaceState(null, "", share.value.slice(location.origin.length));
    if (playing) {
      if (k >= all.length - 1) stop();
      else schedule();
    }
    if (!quiet && opts.onMove) opts.onMove(s.index, viewer);
  }

  function schedule() {
    clearTimeout(playTimer);
    const all = steps();
    playTimer = setTimeout(() => go(k + 1), pace(all[k], all[k + 1], speed));
  }

  function stop() {
    playing = false;
    clearTimeout(playTimer);
    play.textContent = "▶ " + t("replay.play");
    play.setAttribute("aria-pressed", "false");
  }

  function toggle() {
    if (playing) { stop(); return; }
    if (!steps().length) return;
    playing = true;
    play.textContent = "❚❚ " + t("replay.pause");
    play.setAttribute("aria-pressed", "true");
    if (k >= steps().length - 1) go(0);
    else schedule();
  }

  // load fetches the replay for point of view v, keeping the moment:
  // the last step of the new replay at or before the one shown.
  function load(v, started = Date.now(), at = replay && steps()[k] ? steps()[k].index : -1, quiet = false) {
    pov.disabled = true;
    const asked = ++loads;
    fetchOnce(v).then((r) => {
      if (gone || asked !== loads) return; // a later load has the last word
      replay = r;
      loaded = asked;
      viewer = v;
      status.textContent = "";
      fillViewers();
      fillRecord();
      let to = 0;
      r.steps.forEach((s, i) => { if (s.index <= at) to = i; });
      fillJumps();
      go(replay && at >= 0 ? to : 0, quiet);
    }, (err) => {
      if (gone || asked !== loads) return;
      if (err.code === "bad_parameter" && !replay && v !== ALL) { load(ALL, started, at, quiet); return; }
      if ((err.code === "not_found" || err.code === "match_running") && Date.now() - started < RETRY_FOR_MS) {
        status.textContent = t("replay.filing");
        timer = setTimeout(() => load(v, started, at, quiet), RETRY_MS);
        return;
      }
      status.textContent = err.message;
      pov.disabled = !replay;
      pov.value = viewer;
    });
  }

  function fillViewers() {
    const options = [
      h("option", { value: ALL, text: t("replay.pov_all") }),
      h("option", { value: GALLERY, text: t("replay.pov_gallery") }),
      ...replay.names.map((n, i) => h("option", { value: String(i), text: `№${i + 1} ${n}` })),
    ];
    replace(pov, options);
    pov.value = viewer;
    pov.disabled = false;
  }

  function fillJumps() {
    const name = namer(replay.names);
    replace(jump, h("option", { value: "", text: t("replay.jump_to") }), marks(steps(), name).map((m) => h("option", { value: String(m.i), text: m.text })));
    jump.disabled = false;
  }

  function fillRecord() {
    const file = `/api/matches/${encodeURIComponent(id)}/file`;
    replace(record,
      h("p", { text: t("replay.seal_what") }),
      h("p", {}, t("replay.seal") + " ", h("code", { id: "replay-commitment", text: replay.commitment })),
      h("p", {}, t("replay.seed") + " ", h("code", { id: "replay-seed", text: replay.seed })),
      h("p", {},
        h("a", { href: file, download: `congress-match-${id}.json`, id: "replay-file", text: t("replay.download") }),
        " " + t("replay.check_with") + " ", h("code", { text: `congress verify congress-match-${id}.json` }), "."));
  }

  function onKey(e) {
    if (e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement || e.target instanceof HTMLSelectElement) return;
    if (e.key === "ArrowRight") { go(k + 1); e.preventDefault(); }
    if (e.key === "ArrowLeft") { go(k - 1); e.preventDefault(); }
    if (e.key === " " && !(e.target instanceof HTMLButtonElement)) { toggle(); e.preventDefault(); }
  }
  addEventListener("keydown", onKey);
  // The gallery's names come and go with streamer mode.
  const unStream = onStreaming(() => { if (replay) go(k); });

  // goTo shows file step index at from point of view v, as someone
  // else moved there: the last step at or before it that v saw.
  function goTo(index, v) {
    if (!replay || v !== viewer || loads !== loaded) {
      load(v, Date.now(), index, true);
      return;
    }
    let to = 0;
    steps().forEach((s, i) => { if (s.index <= index) to = i; });
    if (playing) stop();
    go(to, true);
  }
  if (id) {
    const first = opts.step !== undefined && opts.step !== null && /^-?\d+$/.test(String(opts.step)) ? parseInt(opts.step, 10) : -1;
    load(opts.viewer || ALL, Date.now(), first, true);
  } else {
    status.textContent = t("replay.no_record");
  }
  return { update() {}, goTo, unmount() { gone = true; clearTimeout(timer); clearTimeout(playTimer); removeEventListener("keydown", onKey); unStream(); } };
}
