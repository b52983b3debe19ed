// settings.js: every game setting of the lobby (protocol.Settings) with
// what it means, as the host's form and as everyone else's summary.

import { h } from "./dom.js";
import { t, tk } from "./i18n.js";

// SETTINGS lists each field of protocol.Settings in the order a host
// reads them. The ranges of the numbers, and what the table gives for
// "0", come from the server (the lobby's limits): a meaning that depends
// on them is a function of the limits.
export const SETTINGS = [
  { key: "debate_seconds", label: tk("settings.label", "debate_seconds"), unit: "s", meaning: tk("settings.meaning", "debate_seconds") },
  { key: "threshold", label: tk("settings.label", "threshold"), meaning: tk("settings.meaning", "threshold") },
  { key: "chair_pick_seconds", label: tk("settings.label", "chair_pick_seconds"), unit: "s", meaning: tk("settings.meaning", "chair_pick_seconds") },
  { key: "defence_seconds", label: tk("settings.label", "defence_seconds"), unit: "s", meaning: tk("settings.meaning", "defence_seconds") },
  { key: "vote_seconds", label: tk("settings.label", "vote_seconds"), unit: "s", meaning: tk("settings.meaning", "vote_seconds") },
  { key: "open_ballot", label: tk("settings.label", "open_ballot"), type: "bool", meaning: tk("settings.meaning", "open_ballot") },
  { key: "confession_seconds", label: tk("settings.label", "confession_seconds"), unit: "s", meaning: tk("settings.meaning", "confession_seconds") },
  { key: "reveal", label: tk("settings.label", "reveal"), type: "select", options: ["nothing", "faction", "role"].map((v) => [v, tk("settings.option", "reveal." + v)]), meaning: tk("settings.meaning", "reveal") },
  { key: "night_seconds", label: tk("settings.label", "night_seconds"), unit: "s", meaning: tk("settings.meaning", "night_seconds") },
  { key: "plotter_chat", label: tk("settings.label", "plotter_chat"), type: "select", options: ["night", "always"].map((v) => [v, tk("settings.option", "plotter_chat." + v)]), meaning: tk("settings.meaning", "plotter_chat") },
  { key: "investigator", label: tk("settings.label", "investigator"), type: "bool", meaning: (l) => (l && l.investigator_from ? t("settings.investigator_from", { n: l.investigator_from }) : tk("settings.meaning", "investigator")) },
  { key: "plotters", label: tk("settings.label", "plotters"), meaning: (l) => tk("settings.meaning", "plotters") + " " + byTableText(l, "plotters") },
  { key: "sessions", label: tk("settings.label", "sessions"), meaning: (l) => tk("settings.meaning", "sessions") + " " + byTableText(l, "sessions") },
  { key: "final_ballot_seconds", label: tk("settings.label", "final_ballot_seconds"), unit: "s", meaning: tk("settings.meaning", "final_ballot_seconds") },
  { key: "last_shot_seconds", label: tk("settings.label", "last_shot_seconds"), unit: "s", meaning: tk("settings.meaning", "last_shot_seconds") },
  { key: "purged_see_roles", label: tk("settings.label", "purged_see_roles"), type: "bool", meaning: tk("settings.meaning", "purged_see_roles") },
  { key: "spectators_see_roles", label: tk("settings.label", "spectators_see_roles"), type: "bool", meaning: tk("settings.meaning", "spectators_see_roles") },
  { key: "spectator_delay_seconds", label: tk("settings.label", "spectator_delay_seconds"), unit: "s", meaning: tk("settings.meaning", "spectator_delay_seconds") },
  { key: "voice", label: tk("settings.label", "voice"), type: "bool", meaning: tk("settings.meaning", "voice") },
  { key: "max_spectators", label: tk("settings.label", "max_spectators"), meaning: tk("settings.meaning", "max_spectators") },
  { key: "host_away_seconds", label: tk("settings.label", "host_away_seconds"), unit: "s", meaning: tk("settings.meaning", "host_away_seconds") },
];

// PRESETS are one-press timer sets.
export const PRESETS = [
  { name: t("settings.preset_standard"), values: { debate_seconds: 120, chair_pick_seconds: 20, defence_seconds: 30, vote_seconds: 30, confession_seconds: 20, night_seconds: 30, final_ballot_seconds: 60 } },
  { name: t("settings.preset_quick"), values: { debate_seconds: 60, chair_pick_seconds: 15, defence_seconds: 15, vote_seconds: 20, confession_seconds: 15, night_seconds: 20, final_ballot_seconds: 30 } },
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
  if (!runs.length) return t("settings.by_table_none");
  return t("settings.by_table", { runs: runs.map((x, i) =>
    t(i === 0 ? "settings.run_first" : "settings.run", { n: x.n, seats: x.from === x.to ? x.from : x.from + "–" + x.to })).join(", ") });
}

export function display(spec, value, byTable) {
  if (spec.type === "bool") return value ? t("settings.on") : t("settings.off");
  if (spec.type === "select") {
    const o = spec.options.find(([v]) => v === value);
    return o ? o[1] : String(value);
  }
  if (value === 0 && (spec.key === "plotters" || spec.key === "sessions")) return byTable && byTable[spec.key] ? t("settings.by_table_n", { n: byTable[spec.key] }) : t("settings.by_table_short");
  return spec.unit === "s" ? t("settings.seconds_short", { n: value }) : String(value);
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
        h("label", { for: id, text: spec.unit === "s" ? t("settings.label_seconds", { label: spec.label }) : spec.label }),
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
        ? t("settings.now_by_table", { n })
        : t("settings.would_be", { n });
    }
    for (const spec of SETTINGS) {
      const input = this.inputs.get(spec.key);
      if (input === document.activeElement && spec.type !== "bool" && spec.type !== "select") continue;
      if (spec.type === "bool") input.checked = !!settings[spec.key];
      else input.value = String(settings[spec.key] ?? "");
    }
  }
}
