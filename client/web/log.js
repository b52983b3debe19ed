// log.js: the match log as sentences of 1934. Each event kind of the wire
// (game/event.go) has one sentence here, with delegates' names. The
// minutes (Minutes) group the many small lines of a phase into one,
// filter by what a reader looks for, and mark the session now sitting.

import { h, list, replace } from "./dom.js";
import { FACTION_ONE, REASON, ROLE } from "./words.js";

// namer returns a function naming seat i, from the seat list of a view or
// the names of the game_started event.
export function namer(names) {
  return (i) => (i >= 0 && i < names.length ? names[i] : "nobody");
}

// sentence renders one event; name(i) names a seat, you is the reader's
// own seat (or -1) so that the reader's own secrets read "You ...";
// camp(i), where the reader knows every file (the end), is seat i's camp.
export function sentence(e, name, you = -1, camp = null) {
  const who = (i) => (i === you ? "you" : name(i));
  const Who = (i) => (i === you ? "You" : name(i));
  switch (e.kind) {
  case "game_started":
    return `The XVII Congress opens in the Great Kremlin Palace. The delegates take their seats: ${list(e.names || [])}.`;
  case "session_opened":
    return `Session ${e.session}${e.count ? " of " + e.count : ""} is called to order. ${Who(e.seat)} ${e.seat === you ? "take" : "takes"} the Chair.`;
  case "denounced":
    return `${Who(e.seat)} ${e.seat === you ? "denounce" : "denounces"} ${who(e.target)}.`;
  case "withdrew":
    return e.target >= 0
      ? `${Who(e.seat)} ${e.seat === you ? "withdraw" : "withdraws"} the denunciation of ${who(e.target)}.`
      : `${Who(e.seat)} ${e.seat === you ? "withdraw" : "withdraws"} a denunciation.`;
  case "ready":
    return `${Who(e.seat)} ${e.seat === you ? "have" : "has"} heard enough.`;
  case "unready":
    return `${Who(e.seat)} ${e.seat === you ? "ask" : "asks"} for more debate.`;
  case "carried":
    if (e.source === "letter") return `An anonymous letter against ${who(e.target)} lies on the Presidium's table.`;
    if (e.source === "confession") return `${Who(e.target)} ${e.target === you ? "stand" : "stands"} named in ${e.seat === you ? "your" : name(e.seat) + "'s"} confession.`;
    return `A denunciation of ${who(e.target)} stands from the night before.`;
  case "no_trial":
    return e.count
      ? `No delegate draws enough denunciations (the most is ${e.count}). There is no trial this session.`
      : "Nobody is denounced. There is no trial this session.";
  case "tied": {
    const tied = list((e.seats || []).map(who));
    return e.seat >= 0
      ? `${tied} are tied with ${e.count} denunciations each. The Chair, ${who(e.seat)}, must name the Accused.`
      : `${tied} are tied with ${e.count} denunciations each, the Chair among them. The lot will decide.`;
  }
  case "accused": {
    const how = e.seat >= 0 ? `, named by the Chair, ${who(e.seat)}` : e.drawn ? ", drawn by lot" : "";
    return `${Who(e.target)} ${e.target === you ? "stand" : "stands"} accused with ${plural(e.count, "denunciation")}${how}.`;
  }
  case "vote_opened":
    return `The Defence rests. The Congress votes on ${who(e.target)}: Purge or Spare.`;
  case "voted":
    return `${Who(e.seat)} ${e.seat === you ? "have" : "has"} cast a vote.`;
  case "vote_cast":
    return `${Who(e.seat)} voted to ${e.purge ? "purge" : "spare"} ${who(e.target)}.`;
  case "ballot": {
    let s = `The ballot on ${who(e.target)}: ${plural(e.purge_count || 0, "vote")} to purge, ${e.spare_count || 0} to spare.`;
    if (e.votes && e.votes.length) {
      const purge = e.votes.filter((v) => v.purge).map((v) => who(v.seat));
      const spare = e.votes.filter((v) => !v.purge).map((v) => who(v.seat));
      if (purge.length) s += ` Purge: ${list(purge)}.`;
      if (spare.length) s += ` Spare: ${list(spare)}.`;
    }
    return s;
  }
  case "purged":
    if (e.role) return `${Who(e.target)} ${e.target === you ? "are" : "is"} purged from the Party. The file is opened: ${ROLE[e.role] || e.role}.`;
    if (e.faction) return `${Who(e.target)} ${e.target === you ? "are" : "is"} purged from the Party. The file is opened: ${FACTION_ONE[e.faction] || e.faction}.`;
    return `${Who(e.target)} ${e.target === you ? "are" : "is"} purged from the Party. The file is sealed.`;
  case "spared":
    return `${Who(e.target)} ${e.target === you ? "are" : "is"} spared and ${e.target === you ? "return" : "returns"} to the benches.`;
  case "confessed":
    return e.target >= 0
      ? `In ${e.seat === you ? "your" : name(e.seat) + "'s"} confession, ${who(e.target)} ${e.target === you ? "are" : "is"} named.`
      : `${Who(e.seat)} ${e.seat === you ? "leave" : "leaves"} the hall without a word.`;
  case "night_fell":
    return "Night falls over Moscow.";
  case "letter_proposed":
    return `${Who(e.seat)} ${e.seat === you ? "propose" : "proposes"} an anonymous letter against ${who(e.target)}.`;
  case "letter_sent":
    return `The bloc's anonymous letter goes out against ${who(e.target)}${e.drawn ? " (the lot broke a tie)" : ""}.`;
  case "investigated":
    if (!e.faction) return `${Who(e.seat)} ${e.seat === you ? "name" : "names"} ${who(e.target)} to the NKVD. The report comes at dawn.`;
    return `The NKVD reports to ${who(e.seat)}: ${who(e.target)} ${e.target === you ? "are" : "is"} ${FACTION_ONE[e.faction] || e.faction}.`;
  case "final_ballot_opened":
    return "The sessions are over. The Central Committee is elected: every delegate strikes one name.";
  case "struck":
    return `${Who(e.seat)} ${e.seat === you ? "have" : "has"} struck a name.`;
  case "strike_cast":
    return `${Who(e.seat)} struck ${e.target === you ? "your" : name(e.target) + "'s"} name.`;
  case "final_count": {
    const counts = (e.strikes || []).map((n, i) => [i, n]).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
    return counts.length
      ? `The tellers count the strikes: ${counts.map(([i, n]) => `${name(i)} ${n}`).join(", ")}.`
      : "The tellers count the strikes: no name was struck.";
  }
  case "phase_ended":
    return "The host gavels the phase closed.";
  case "paused":
    return "The Congress is adjourned. The clock stops.";
  case "resumed":
    return "The Congress resumes. The clock runs again.";
  case "game_over": {
    let s = REASON[e.reason] || "The Congress has closed.";
    const roles = (e.roles || []).map((r, i) => [r, i]);
    if (camp && roles.length) {
      const bloc = roles.filter(([, i]) => camp(i) === "plotters");
      s += ` Kirov's bloc: ${list(bloc.map(([r, i]) => name(i) + (r !== "plotter" ? ` (${ROLE[r] || r})` : "")))}.`;
    } else if (roles.length) {
      const known = roles.filter(([r]) => r !== "plotter" && r !== "loyalist");
      s += ` The files: ${list(known.map(([r, i]) => `${ROLE[r] || r}, ${name(i)}`))}.`;
    }
    return s;
  }
  case "army":
    return `The Army stands behind the Marshal: ${who(e.target)} ${e.target === you ? "are" : "is"} spared, and ${e.target === you ? "your" : "the"} seat is known to be Tukhachevsky's.`;
  case "falsified":
    return `${Who(e.seat)} ${e.seat === you ? "falsify" : "falsifies"} tonight's NKVD report.`;
  case "reported":
    return `At dawn the NKVD reports to ${who(e.seat)}: ${who(e.target)} ${e.target === you ? "are" : "is"} ${FACTION_ONE[e.faction] || e.faction}.`;
  case "named":
    return e.target >= 0
      ? `The falsified report named ${who(e.target)}.`
      : "The falsified report named nobody: the Investigator did not act that night.";
  case "last_shot":
    return `The Loyalists have all but won, but Kirov's bloc stands exposed: ${list((e.seats || []).map(who))}. Nikolaev has one shot.`;
  case "shot":
    return `${Who(e.seat)}, Nikolaev, ${e.seat === you ? "name" : "names"} ${who(e.target)}.`;
  }
  return `(${e.kind})`;
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

// isSecret reports whether an event was private while the game ran, as
// the game marks it (Event.secret).
export const isSecret = (e) => !!e.secret;

// renderLog renders events as list items, oldest first. mark (an index) highlights one entry, for the replay.
export function renderLog(events, name, you = -1, mark = -1, camp = null) {
  return events.map((e, i) =>
    h("li", {
      class: ["log-" + e.kind, isSecret(e) && "secret", i === mark && "current"],
      aria: { current: i === mark ? "step" : null },
      data: { kind: e.kind, i },
    },
    h("span", { class: "log-tag", text: tag(e) }),
    h("span", { class: "log-text", text: sentence(e, name, you, camp) })));
}

function tag(e) {
  if (e.kind === "game_started") return "Opening";
  if (e.kind === "game_over") return "Close";
  if (e.phase === "last_shot" || e.kind === "last_shot") return "Last Shot";
  if (e.phase === "final_ballot" || e.kind === "final_ballot_opened" || e.kind === "final_count") return "Ballot";
  if (isSecret(e)) return "Secret · S" + e.session;
  return "Session " + e.session;
}

// GROUPED kinds are said once per phase: who has done it, of how many.
const GROUPED = new Set(["ready", "unready", "voted", "struck"]);

// TRIALS are the lines of the "trials and votes" filter.
const TRIALS = new Set(["session_opened", "no_trial", "tied", "accused", "vote_opened", "ballot", "vote_cast", "purged", "spared",
  "confessed", "carried", "letter_sent", "final_ballot_opened", "strike_cast", "final_count", "army", "last_shot", "shot", "game_over"]);

export const FILTERS = [["all", "All"], ["trials", "Trials and votes"], ["secrets", "My secrets"]];

// minuteItems turns events into the lines of the minutes: each phase's
// Ready presses, votes and strikes in one line ({e, text, count}), and the
// bare "has cast a vote" left out where the vote itself is known.
export function minuteItems(events, name, you = -1, camp = null) {
  const items = [];
  const groups = new Map();
  let living = 0;
  const known = new Set(events.filter((e) => e.kind === "vote_cast" || e.kind === "strike_cast").map((e) => e.session + "/" + e.phase + "/" + e.seat));
  for (const e of events) {
    if (e.kind === "game_started") living = (e.names || []).length;
    if (e.kind === "purged") living--;
    if (!GROUPED.has(e.kind)) {
      items.push({ e, text: sentence(e, name, you, camp) });
      continue;
    }
    if ((e.kind === "voted" || e.kind === "struck") && known.has(e.session + "/" + e.phase + "/" + e.seat)) continue;
    const kind = e.kind === "unready" ? "ready" : e.kind;
    const key = e.session + "/" + e.phase + "/" + kind;
    let g = groups.get(key);
    if (!g) {
      // Those who may do it: the living, less the Accused for a vote.
      g = { e: { ...e, kind }, seats: new Set(), of: kind === "voted" ? living - 1 : living };
      groups.set(key, g);
      items.push(g);
    }
    if (e.kind === "unready") g.seats.delete(e.seat);
    else g.seats.add(e.seat);
    g.text = groupSentence(kind, [...g.seats].sort((a, b) => a - b).map((i) => (i === you ? "you" : name(i))), g.of);
  }
  return items.filter((it) => it.text);
}

function groupSentence(kind, who, of) {
  if (!who.length) return "";
  const n = `${who.length} of ${Math.max(of, who.length)}`;
  if (kind === "ready") return `${n} pressed Ready: ${list(who)}.`;
  if (kind === "voted") return `${n} have cast a vote: ${list(who)}.`;
  return `${n} have struck a name: ${list(who)}.`;
}

// Minutes is the minutes panel: the filters and the lines, following the
// newest unless the reader scrolled up.
export class Minutes {
  constructor({ full = false } = {}) {
    this.filter = "all";
    this.args = null;
    this.bar = h("div", { class: "filters", role: "group", aria: { label: "Show in the minutes" } });
    this.list = h("ol", { class: ["log", full && "full"], tabindex: "0", aria: { label: "The minutes, oldest first" } });
    this.el = h("div", { class: "minutes" }, this.bar, this.list);
  }

  // update draws events; opts.secrets (false: the file is sealed, so no
  // secret line shows), opts.session (the session now sitting), opts.camp
  // (seat i's faction, as sentence takes it).
  update(events, name, you, opts = {}) {
    this.args = [events, name, you, opts];
    const { secrets = true, session = 0, phase = "", camp = null } = opts;
    replace(this.bar, FILTERS.filter(([f]) => f !== "secrets" || (you >= 0 && secrets)).map(([f, label]) => h("button", {
      type: "button", class: "small", data: { key: "filter-" + f, filter: f },
      aria: { pressed: this.filter === f ? "true" : "false" },
      onclick: () => { this.filter = f; this.update(...this.args); },
    }, label)));
    if (this.filter === "secrets" && !(you >= 0 && secrets)) this.filter = "all";
    const shown = events.filter((e) => secrets || !isSecret(e));
    let items = minuteItems(shown, name, you, camp);
    if (this.filter === "trials") items = items.filter((it) => TRIALS.has(it.e.kind));
    if (this.filter === "secrets") items = items.filter((it) => isSecret(it.e));
    const box = this.list;
    const stick = box.scrollTop + box.clientHeight >= box.scrollHeight - 8;
    const now = phase !== "over" && phase !== "final_ballot" ? session : -1;
    replace(box, items.map((it, i) => {
      const e = it.e;
      const current = e.session === now && e.phase !== "final_ballot" && e.kind !== "game_started";
      return h("li", {
        class: ["log-" + e.kind, isSecret(e) && "secret", current && "now"],
        data: { kind: e.kind, i },
      },
      h("span", { class: "log-tag", text: tag(e) + (current && e.kind === "session_opened" ? " · now" : "") }),
      h("span", { class: "log-text", text: it.text }));
    }));
    if (stick) box.scrollTop = box.scrollHeight;
  }
}
