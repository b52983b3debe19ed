// log.js: the match log as sentences of 1934. Each event kind of the wire
// (game/event.go) has one sentence here, with delegates' names. The
// minutes (Minutes) group the many small lines of a phase into one,
// filter by what a reader looks for, and mark the session now sitting.

import { h, list, replace } from "./dom.js";
import { FACTION_ONE, REASON, ROLE } from "./words.js";
import { t, tk } from "./i18n.js";

// namer returns a function naming seat i, from the seat list of a view or
// the names of the game_started event.
export function namer(names) {
  return (i) => (i >= 0 && i < names.length ? names[i] : t("log.nobody"));
}

// sentence renders one event; name(i) names a seat, you is the reader's
// own seat (or -1) so that the reader's own secrets read "You ...";
// camp(i), where the reader knows every file (the end), is seat i's camp.
// who(i, c) names a seat in a grammatical case c (nom, acc, gen, dat):
// the reader is "you" (in Russian «вы», «вас», «вам»).
export function sentence(e, name, you = -1, camp = null) {
  const who = (i, c = "nom") => (i === you ? tk("log.you", c) : name(i));
  const me = (i) => i === you;
  const faction = (f) => FACTION_ONE[f] || f;
  switch (e.kind) {
  case "game_started":
    return t("log.game_started", { names: list(e.names || []) });
  case "session_opened":
    return (e.count ? t("log.session_opened_of", { n: e.session, m: e.count }) : t("log.session_opened", { n: e.session })) + " " +
      (me(e.seat) ? t("log.chair_you") : t("log.chair", { name: name(e.seat) }));
  case "denounced":
    return me(e.seat) ? t("log.denounced_you", { target: who(e.target, "acc") }) : t("log.denounced", { name: name(e.seat), target: who(e.target, "acc") });
  case "withdrew":
    if (e.target >= 0) {
      return me(e.seat) ? t("log.withdrew_you", { target: who(e.target, "acc") }) : t("log.withdrew", { name: name(e.seat), target: who(e.target, "acc") });
    }
    return me(e.seat) ? t("log.withdrew_any_you") : t("log.withdrew_any", { name: name(e.seat) });
  case "ready":
    return me(e.seat) ? t("log.ready_you") : t("log.ready", { name: name(e.seat) });
  case "unready":
    return me(e.seat) ? t("log.unready_you") : t("log.unready", { name: name(e.seat) });
  case "carried":
    if (e.source === "letter") return t("log.carried_letter", { target: who(e.target, "gen") });
    if (e.source === "confession") {
      if (me(e.target)) return t("log.carried_confession_you", { name: name(e.seat) });
      if (me(e.seat)) return t("log.carried_confession_yours", { target: name(e.target) });
      return t("log.carried_confession", { target: name(e.target), name: name(e.seat) });
    }
    return t("log.carried", { target: who(e.target, "acc") });
  case "no_trial":
    return e.count ? t("log.no_trial_most", { n: e.count }) : t("log.no_trial");
  case "tied": {
    const tied = list((e.seats || []).map((i) => who(i)));
    return e.seat >= 0
      ? t("log.tied_chair", { names: tied, n: e.count, chair: who(e.seat) })
      : t("log.tied_lot", { names: tied, n: e.count });
  }
  case "accused": {
    const how = e.seat >= 0 ? t("log.accused_by_chair", { chair: who(e.seat) }) : e.drawn ? t("log.accused_by_lot") : "";
    return me(e.target) ? t("log.accused_you", { n: e.count, how }) : t("log.accused", { name: name(e.target), n: e.count, how });
  }
  case "vote_opened":
    return t("log.vote_opened", { target: who(e.target) });
  case "voted":
    return me(e.seat) ? t("log.voted_you") : t("log.voted", { name: name(e.seat) });
  case "vote_cast": {
    const target = who(e.target, "acc");
    if (me(e.seat)) return e.purge ? t("log.vote_purge_you", { target }) : t("log.vote_spare_you", { target });
    return e.purge ? t("log.vote_purge", { name: name(e.seat), target }) : t("log.vote_spare", { name: name(e.seat), target });
  }
  case "ballot": {
    let s = t("log.ballot", { target: who(e.target), n: e.purge_count || 0, spare: e.spare_count || 0 });
    if (e.votes && e.votes.length) {
      const purge = e.votes.filter((v) => v.purge).map((v) => who(v.seat));
      const spare = e.votes.filter((v) => !v.purge).map((v) => who(v.seat));
      if (purge.length) s += " " + t("log.ballot_purge", { names: list(purge) });
      if (spare.length) s += " " + t("log.ballot_spare", { names: list(spare) });
    }
    return s;
  }
  case "purged": {
    const s = me(e.target) ? t("log.purged_you") : t("log.purged", { target: name(e.target) });
    if (e.role) return s + " " + t("log.file_opened", { file: ROLE[e.role] || e.role });
    if (e.faction) return s + " " + t("log.file_opened", { file: faction(e.faction) });
    return s + " " + t("log.file_sealed");
  }
  case "spared":
    return me(e.target) ? t("log.spared_you") : t("log.spared", { target: name(e.target) });
  case "confessed":
    if (e.target >= 0) {
      if (me(e.target)) return t("log.confessed_you", { name: name(e.seat) });
      if (me(e.seat)) return t("log.confessed_yours", { target: name(e.target) });
      return t("log.confessed", { name: name(e.seat), target: name(e.target) });
    }
    return me(e.seat) ? t("log.silent_you") : t("log.silent", { name: name(e.seat) });
  case "night_fell":
    return t("log.night_fell");
  case "letter_proposed":
    return me(e.seat) ? t("log.letter_proposed_you", { target: who(e.target, "gen") }) : t("log.letter_proposed", { name: name(e.seat), target: who(e.target, "gen") });
  case "letter_sent":
    return e.drawn ? t("log.letter_sent_lot", { target: who(e.target, "gen") }) : t("log.letter_sent", { target: who(e.target, "gen") });
  case "investigated":
    if (!e.faction) return me(e.seat) ? t("log.investigated_you", { target: who(e.target) }) : t("log.investigated", { name: name(e.seat), target: who(e.target) });
    return me(e.target)
      ? t("log.nkvd_you", { seat: who(e.seat, "dat"), faction: faction(e.faction) })
      : t("log.nkvd", { seat: who(e.seat, "dat"), target: name(e.target), faction: faction(e.faction) });
  case "final_ballot_opened":
    return t("log.final_ballot_opened");
  case "struck":
    return me(e.seat) ? t("log.struck_you") : t("log.struck", { name: name(e.seat) });
  case "strike_cast":
    if (me(e.seat)) return t("log.strike_cast_by_you", { target: name(e.target) });
    if (me(e.target)) return t("log.strike_cast_yours", { name: name(e.seat) });
    return t("log.strike_cast", { name: name(e.seat), target: name(e.target) });
  case "final_count": {
    const counts = (e.strikes || []).map((n, i) => [i, n]).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
    return counts.length
      ? t("log.final_count", { counts: counts.map(([i, n]) => `${name(i)} ${n}`).join(", ") })
      : t("log.final_count_none");
  }
  case "phase_ended":
    return t("log.phase_ended");
  case "paused":
    return t("log.paused");
  case "resumed":
    return t("log.resumed");
  case "game_over": {
    let s = REASON[e.reason] || t("log.closed");
    const roles = (e.roles || []).map((r, i) => [r, i]);
    if (camp && roles.length) {
      const bloc = roles.filter(([, i]) => camp(i) === "plotters");
      s += " " + t("log.bloc", { names: list(bloc.map(([r, i]) => name(i) + (r !== "plotter" ? ` (${ROLE[r] || r})` : ""))) });
    } else if (roles.length) {
      const known = roles.filter(([r]) => r !== "plotter" && r !== "loyalist");
      s += " " + t("log.files", { files: list(known.map(([r, i]) => `${ROLE[r] || r}, ${name(i)}`)) });
    }
    return s;
  }
  case "army":
    return me(e.target) ? t("log.army_you") : t("log.army", { target: name(e.target) });
  case "falsified":
    return me(e.seat) ? t("log.falsified_you") : t("log.falsified", { name: name(e.seat) });
  case "reported":
    return me(e.target)
      ? t("log.reported_you", { seat: who(e.seat, "dat"), faction: faction(e.faction) })
      : t("log.reported", { seat: who(e.seat, "dat"), target: name(e.target), faction: faction(e.faction) });
  case "named":
    return e.target >= 0 ? t("log.named", { target: who(e.target, "acc") }) : t("log.named_nobody");
  case "last_shot":
    return t("log.last_shot", { names: list((e.seats || []).map((i) => who(i))) });
  case "shot":
    return me(e.seat) ? t("log.shot_you", { target: who(e.target, "acc") }) : t("log.shot", { name: name(e.seat), target: who(e.target, "acc") });
  }
  return `(${e.kind})`;
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
  if (e.kind === "game_started") return t("log.tag_opening");
  if (e.kind === "game_over") return t("log.tag_close");
  if (e.phase === "last_shot" || e.kind === "last_shot") return t("log.tag_last_shot");
  if (e.phase === "final_ballot" || e.kind === "final_ballot_opened" || e.kind === "final_count") return t("log.tag_ballot");
  if (isSecret(e)) return t("log.tag_secret", { n: e.session });
  return t("log.tag_session", { n: e.session });
}

// GROUPED kinds are said once per phase: who has done it, of how many.
const GROUPED = new Set(["ready", "unready", "voted", "struck"]);

// TRIALS are the lines of the "trials and votes" filter.
const TRIALS = new Set(["session_opened", "no_trial", "tied", "accused", "vote_opened", "ballot", "vote_cast", "purged", "spared",
  "confessed", "carried", "letter_sent", "final_ballot_opened", "strike_cast", "final_count", "army", "last_shot", "shot", "game_over"]);

export const FILTERS = [["all", t("log.filter_all")], ["trials", t("log.filter_trials")], ["secrets", t("log.filter_secrets")]];

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
    g.text = groupSentence(kind, [...g.seats].sort((a, b) => a - b).map((i) => (i === you ? tk("log.you", "nom") : name(i))), g.of);
  }
  return items.filter((it) => it.text);
}

function groupSentence(kind, who, of) {
  if (!who.length) return "";
  const p = { n: who.length, m: Math.max(of, who.length), names: list(who) };
  if (kind === "ready") return t("log.group_ready", p);
  if (kind === "voted") return t("log.group_voted", p);
  return t("log.group_struck", p);
}

// Minutes is the minutes panel: the filters and the lines, following the
// newest unless the reader scrolled up.
export class Minutes {
  constructor({ full = false } = {}) {
    this.filter = "all";
    this.args = null;
    this.bar = h("div", { class: "filters", role: "group", aria: { label: t("log.filters_label") } });
    this.list = h("ol", { class: ["log", full && "full"], tabindex: "0", aria: { label: t("log.list_label") } });
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
      h("span", { class: "log-tag", text: tag(e) + (current && e.kind === "session_opened" ? t("log.tag_now") : "") }),
      h("span", { class: "log-text", text: it.text }));
    }));
    if (stick) box.scrollTop = box.scrollHeight;
  }
}
