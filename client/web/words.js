// words.js: the game's vocabulary in the 1934 voice, one place for every
// name the screens and the log show for an enum of the wire.
//
// The words themselves are in the catalogs (lang/<language>/words.json),
// read here once, when the page loads.

import { tk } from "./i18n.js";

// ACT is what the moves without a prompt of their own on the floor are
// called: the prompt over them, a button's words (or, aimed at a seat,
// the verb on each seat), and what "your move" says of them.
export const ACT = {
  falsify: { prompt: tk("words.act", "falsify.prompt"), button: tk("words.act", "falsify.button"), turn: tk("words.act", "falsify.turn") },
  shoot: { prompt: tk("words.act", "shoot.prompt"), verb: tk("words.act", "shoot.verb"), turn: tk("words.act", "shoot.turn") },
};

export const CHANNEL = Object.fromEntries(["public", "plotters", "purged", "spectators"].map((k) => [k, tk("words.channel", k)]));

export const FACTION = Object.fromEntries(["loyalists", "plotters"].map((k) => [k, tk("words.faction", k)]));

export const FACTION_ONE = Object.fromEntries(["loyalists", "plotters"].map((k) => [k, tk("words.faction_one", k)]));

export const PHASE = Object.fromEntries(["debate", "accusation", "defence", "vote", "confession", "night", "final_ballot", "last_shot", "over"].map((k) => [k, tk("words.phase", k)]));

export const PHASE_HINT = Object.fromEntries(["debate", "accusation", "defence", "vote", "confession", "night", "final_ballot", "last_shot", "over"].map((k) => [k, tk("words.phase_hint", k)]));

export const REASON = Object.fromEntries(["kirov_purged", "parity", "kirov_struck", "kirov_elected", "koba_shot"].map((k) => [k, tk("words.reason", k)]));

export const ROLE = Object.fromEntries(["loyalist", "investigator", "plotter", "kirov", "koba", "nikolaev", "bukharin", "zinoviev", "tukhachevsky", "yagoda"].map((k) => [k, tk("words.role", k)]));

export const ROLE_BRIEF = Object.fromEntries(["loyalist", "investigator", "plotter", "kirov", "koba", "nikolaev", "bukharin", "zinoviev", "tukhachevsky", "yagoda"].map((k) => [k, tk("words.role_brief", k)]));

// ROLE_MEANING is what each Congress role adds, in a line, for the host
// who turns it on and the delegates who read the lobby.
export const ROLE_MEANING = Object.fromEntries(["koba", "nikolaev", "bukharin", "zinoviev", "tukhachevsky", "yagoda"].map((k) => [k, tk("words.role_meaning", k)]));

export const SOURCE = Object.fromEntries(["delegate", "letter", "confession"].map((k) => [k, tk("words.source", k)]));
