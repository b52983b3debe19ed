// epilogue.js: what history follows from each way the Congress ends. The
// game asks "what if Kirov had taken Stalin's place?"; each ending answers
// it in its own way and names the real people whose fates it changes.
// "{kirov}" is the delegate who held Kirov's file. With the Congress
// roles in play, fates tells what became of each in this history. The
// words are in the catalogs (lang/<language>/epilogue.json).

import { t, tk } from "./i18n.js";

// EPILOGUE is, for each ending, its paragraphs.
export const EPILOGUE = Object.fromEntries(["kirov_purged", "kirov_struck", "kirov_elected", "koba_shot", "parity"]
  .map((ending) => [ending, [1, 2, 3].map((i) => tk("epilogue", ending + "." + i))]));

// FATE is, for each Congress role, what becomes of its figure: "won"
// when its camp won, "lost" when it lost; "{name}" is the delegate who
// held the file. Purged at this Congress, a figure's fate comes sooner.
function fate(role, won, name) {
  return tk("epilogue.fate", role + (won ? ".won" : ".lost"), { name });
}
const FATED = new Set(["koba", "nikolaev", "bukharin", "zinoviev", "tukhachevsky", "yagoda"]);

// fates are the fates of the Congress roles dealt in this game, in seat
// order: [{role, text}].
export function fates(v) {
  const out = [];
  for (const x of v.seats) {
    if (!FATED.has(x.role)) continue;
    let text = fate(x.role, x.faction === v.winner, x.name);
    if (!x.alive) text += " " + t("epilogue.purged");
    out.push({ role: x.role, text });
  }
  return out;
}
