// settings.js: every game setting of the lobby (protocol.Settings) with
// what it means, as the host's form and as everyone else's summary.

import { h } from "./dom.js";

// SETTINGS lists each field of protocol.Settings in the order a host
// reads them. The ranges of the numbers, and what the table gives for
// "0", come from the server (the lobby's limits): a meaning that depends
// on them is a function of the limits.
export const SETTINGS = [
  { key: "debate_seconds", label: "Debate", unit: "s", meaning: "Time to talk, denounce and press Ready. All Ready ends it early." },
  { key: "threshold", label: "Accusation threshold", meaning: "Fewest denunciations that put a delegate on trial." },
  { key: "chair_pick_seconds", label: "Chair's pick", unit: "s", meaning: "Time for the Chair to break a tie at the top; then the lot decides." },
  { key: "defence_seconds", label: "Defence", unit: "s", meaning: "The Accused's last word before the vote." },
  { key: "vote_seconds", label: "Purge vote", unit: "s", meaning: "Time to vote Purge or Spare. Who does not vote abstains." },
  { key: "open_ballot", label: "Open ballot", type: "bool", meaning: "Show who voted Purge and who voted Spare. Off: only the two counts." },
  { key: "confession_seconds", label: "Confession", unit: "s", meaning: "Time for the purged delegate to name someone, who starts the next Debate denounced." },
  { key: "reveal", label: "Purged files", type: "select", options: [["nothing", "Sealed"], ["faction", "Faction"], ["role", "Role"]], meaning: "What the Congress learns of a purged delegate: nothing, their camp, or their role." },
  { key: "night_seconds", label: "Night", unit: "s", meaning: "The anonymous letter and the investigation. Ends early when all have chosen." },
  { key: "plotter_chat", label: "Plotters' channel", type: "select", options: [["night", "Night only"], ["always", "Whole game"]], meaning: "When Kirov's bloc may talk in private." },
  { key: "investigator", label: "NKVD Investigator", type: "bool", meaning: (l) => (l && l.investigator_from ? `With ${l.investigator_from} or more delegates, one` : "One") + " Loyalist learns a delegate's camp each night." },
  { key: "plotters", label: "Plotters", meaning: (l) => "Size of Kirov's bloc, Kirov included. " + byTableText(l, "plotters") },
  { key: "sessions", label: "Sessions", meaning: (l) => "Sessions before the Final Ballot. " + byTableText(l, "sessions") },
  { key: "final_ballot_seconds", label: "Final Ballot", unit: "s", meaning: "Time to strike one name in the Central Committee election." },
  { key: "last_shot_seconds", label: "Last Shot", unit: "s", meaning: "With Koba and Nikolaev in play: time for Nikolaev to name Koba once the Loyalists have all but won." },
  { key: "purged_see_roles", label: "Purged see all", type: "bool", meaning: "Purged delegates see every role." },
  { key: "spectators_see_roles", label: "Gallery sees all", type: "bool", meaning: "Spectators you admit by name see every role, with the delay below so they cannot tip off a player. Anyone else in the gallery sees the public record: a delegate could watch from a second window." },
  { key: "spectator_delay_seconds", label: "Gallery delay", unit: "s", meaning: "How far behind the spectators' view runs when they see roles." },
  { key: "voice", label: "Voice", type: "bool", meaning: "Voice at the table, carried by the server, which mutes the floor at Night and in the votes. Each player chooses to speak, listen or stay out." },
  { key: "max_spectators", label: "Gallery seats", meaning: "How many may watch. 0 closes the gallery." },
  { key: "host_away_seconds", label: "Gavel passes after", unit: "s", meaning: "If the host is away this long, the gavel passes to the next delegate present, who may then pause, end a phase and hand seats to bots." },
];

// PRESETS are one-press timer sets.
export const PRESETS = [
  { name: "Standard 1934", values: { debate_seconds: 120, chair_pick_seconds: 20, defence_seconds: 30, vote_seconds: 30, confession_seconds: 20, night_seconds: 30, final_ballot_seconds: 60 } },
  { name: "Quick", values: { debate_seconds: 60, chair_pick_seconds: 15, defence_seconds: 15, vote_seconds: 20, confession_seconds: 15, night_seconds: 20, final_ballot_seconds: 30 } },
];

// meaningOf is what a setting means, with these limits.
export function meaningOf(spec, limits) {
  return typeof spec.meaning === "function" ? spec.meaning(limits) : spec.meaning;
}

// byTableText says what 0 means for key ("plotters" or "sessions") at
// each size of table, the sizes that share a value said together:
// "0 follows the table: 2 for 5–7 delegates, 3 for 8–9, …".
function byTableText(limits, key) {
  const rows = (limits && limits.table) || [];
  const runs = [];
  for (const r of rows) {
    const last = runs.at(-1);
    if (last && last.n === r[key] && last.to === r.seats - 1) last.to = r.seats;
    else runs.push({ n: r[key], from: r.seats, to: r.seats });
  }
  if (!runs.length) return "0 follows the table for the delegates seated.";
  return "0 follows the table: " + runs.map((x, i) =>
    `${x.n} for ${x.from === x.to ? x.from : x.from + "–" + x.to}${i === 0 ? " delegates" : ""}`).join(", ") + ".";
}

export function display(spec, value, byTable) {
  if (spec.type === "bool") return value ? "On" : "Off";
  if (spec.type === "select") {
    const o = spec.options.find(([v]) => v === value);
    return o ? o[1] : String(value);
  }
  if (value === 0 && (spec.key === "plotters" || spec.key === "sessions")) return byTable && byTable[spec.key] ? `By table (${byTable[spec.key]})` : "By table";
  return spec.unit === "s" ? `${value} s` : String(value);
}

// summary is the read-only list everyone but the host sees.
export function summary(settings, byTable, limits) {
  return h("dl", { class: "settings-list" }, SETTINGS.map((spec) =>
    h("div", {},
      h("dt", { text: spec.label }),
      h("dd", { data: { setting: spec.key }, text: display(spec, settings[spec.key], byTable) }),
      h("dd", { class: "meaning", text: meaningOf(spec, limits) }))));
}

// SettingsForm is the host's editor. It is built once and refreshed in
// place, so a lobby update never wipes what the host is typing.
export class SettingsForm {
  constructor(onChange) {
    this.onChange = onChange; // (key, value) => void
    this.inputs = new Map();
    this.errors = new Map(); // key -> the refusal shown at its field
    this.tables = new Map(); // key -> what 0 means now, for Plotters and Sessions
    this.verdicts = new Map(); // key -> why these orders cannot open a Congress, at its field
    this.meanings = new Map(); // key -> the line that says what it means
    this.el = h("div", {}, SETTINGS.map((spec) => this.row(spec)));
  }

  row(spec) {
    const id = "set-" + spec.key;
    const help = id + "-help";
    let input;
    if (spec.type === "bool") {
      input = h("input", { type: "checkbox", id, aria: { describedby: help }, onchange: () => this.onChange(spec.key, input.checked) });
    } else if (spec.type === "select") {
      input = h("select", { id, aria: { describedby: help }, onchange: () => this.onChange(spec.key, input.value) },
        spec.options.map(([v, label]) => h("option", { value: v, text: label })));
    } else {
      input = h("input", {
        type: "number", id, step: "1", inputmode: "numeric",
        aria: { describedby: help },
        onchange: () => {
          const n = parseInt(input.value, 10);
          if (Number.isFinite(n)) this.onChange(spec.key, n);
        },
      });
    }
    this.inputs.set(spec.key, input);
    if (spec.key === "plotters" || spec.key === "sessions") {
      const note = h("p", { class: "by-table small", id: id + "-table", role: "status" });
      this.tables.set(spec.key, note);
    }
    const err = h("p", { class: "refusal field-error", id: id + "-error", role: "alert", hidden: true });
    this.errors.set(spec.key, err);
    const verdict = h("p", { class: "refusal field-error", id: id + "-verdict", role: "status", hidden: true });
    this.verdicts.set(spec.key, verdict);
    const meaning = h("p", { class: "meaning", id: help, text: meaningOf(spec, null) });
    this.meanings.set(spec.key, meaning);
    return h("div", { class: "setting" },
      h("div", { class: "setting-grid" },
        h("label", { for: id, text: spec.label + (spec.unit ? ` (${spec.unit === "s" ? "seconds" : spec.unit})` : "") }),
        input),
      meaning,
      this.tables.get(spec.key) || null,
      err, verdict);
  }

  // refuse shows the server's refusal of a change at the field changed;
  // false when there is no such field.
  refuse(key, message) {
    this.clear();
    const err = this.errors.get(key);
    if (!err) return false;
    err.textContent = message;
    err.hidden = false;
    this.inputs.get(key).setAttribute("aria-invalid", "true");
    return true;
  }

  clear() {
    for (const [key, err] of this.errors) {
      err.hidden = true;
      this.inputs.get(key).removeAttribute("aria-invalid");
    }
  }

  // limits sets each number's range, and the meanings that depend on the
  // table, from the lobby's limits (protocol.Limits).
  limits(limits) {
    for (const spec of SETTINGS) this.meanings.get(spec.key).textContent = meaningOf(spec, limits);
    for (const l of (limits && limits.settings) || []) {
      const input = this.inputs.get(l.key);
      if (!input) continue;
      input.min = String(l.min);
      input.max = String(l.max);
    }
  }

  // verdict shows the server's reason these orders cannot open a Congress
  // at the field it is about (key "" for none).
  verdict(key, message) {
    for (const [k, el] of this.verdicts) {
      const on = k === key && !!message;
      el.hidden = !on;
      el.textContent = on ? message : "";
      if (on) this.inputs.get(k).setAttribute("aria-invalid", "true");
      else if (this.errors.get(k).hidden) this.inputs.get(k).removeAttribute("aria-invalid");
    }
  }

  update(settings, byTable) {
    for (const [key, note] of this.tables) {
      const n = byTable && byTable[key];
      note.textContent = !n ? "" : settings[key] === 0
        ? `0: by table, now ${n} for the delegates seated.`
        : `By table it would be ${n} for the delegates seated.`;
    }
    for (const spec of SETTINGS) {
      const input = this.inputs.get(spec.key);
      if (input === document.activeElement && spec.type !== "bool" && spec.type !== "select") continue;
      if (spec.type === "bool") input.checked = !!settings[spec.key];
      else input.value = String(settings[spec.key] ?? "");
    }
  }
}
