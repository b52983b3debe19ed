// words.js: the game's vocabulary in the 1934 voice, one place for every
// name the screens and the log show for an enum of the wire. The words
// themselves live in the catalog (area "words"); each export keeps its
// shape, an object keyed by the wire's value.

import { t, tk } from "./i18n.js";

// of builds an object keyed by the wire values from the words for each.
const of = (values, words) => Object.fromEntries(values.map((v) => [v, words(v)]));

const ROLES = ["loyalist", "investigator", "plotter", "kirov", "koba", "nikolaev", "bukharin", "zinoviev", "tukhachevsky", "yagoda"];
const CONGRESS_ROLES = ["koba", "nikolaev", "bukharin", "zinoviev", "tukhachevsky", "yagoda"];
const FACTIONS = ["loyalists", "plotters"];
const PHASES = ["debate", "accusation", "defence", "vote", "confession", "night", "final_ballot", "last_shot", "over"];

export const ROLE = of(ROLES, (r) => tk("words.role", r));

export const ROLE_BRIEF = of(ROLES, (r) => tk("words.role_brief", r));

// ROLE_MEANING is what each Congress role adds, in a line, for the host
// who turns it on and the delegates who read the lobby.
export const ROLE_MEANING = of(CONGRESS_ROLES, (r) => tk("words.role_meaning", r));

export const FACTION = of(FACTIONS, (f) => tk("words.faction", f));
export const FACTION_ONE = of(FACTIONS, (f) => tk("words.faction_one", f));

export const PHASE = of(PHASES, (p) => tk("words.phase", p));

export const PHASE_HINT = of(PHASES, (p) => tk("words.phase_hint", p));

export const CHANNEL = of(["public", "plotters", "purged", "spectators"], (c) => tk("words.channel", c));

export const REASON = of(["kirov_purged", "parity", "kirov_struck", "kirov_elected", "koba_shot"], (r) => tk("words.reason", r));

// ACT is what the moves without a prompt of their own on the floor are
// called: the prompt over them, a button's words (or, aimed at a seat,
// the verb on each seat), and what "your move" says of them.
export const ACT = {
  falsify: { prompt: t("words.act.falsify.prompt"), button: t("words.act.falsify.button"), turn: t("words.act.falsify.turn") },
  shoot: { prompt: t("words.act.shoot.prompt"), verb: t("words.act.shoot.verb"), turn: t("words.act.shoot.turn") },
};

export const SOURCE = of(["delegate", "letter", "confession"], (s) => tk("words.source", s));
