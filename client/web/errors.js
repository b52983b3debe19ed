// errors.js: a refusal in the player's language. The server sends a
// stable code, for a code that covers many refusals (invalid_config) a
// reason with its params (the setting, the numbers, the roles), and its
// own English words; the client speaks from the reason, then the code,
// and falls back to the server's words only for what this page does
// not know.

import { t, tk, tkOr, has } from "./i18n.js";

// errorText is the words for an error, a notice or a closing: anything
// with a code (or a notice's kind) and a message.
export function errorText(e) {
  if (!e) return t("errors.unknown");
  const code = e.code || e.kind;
  const fallback = e.message || t("errors.unknown");
  if (e.reason && has("errors.reason." + e.reason)) return tk("errors.reason", e.reason, reasonParams(e.params));
  return code ? tkOr("errors", code, fallback, e) : fallback;
}

// startBlockText is, in words, why the lobby's orders cannot open a
// Congress yet ("" when they can), from the lobby's start_* fields.
export function startBlockText(lobby) {
  if (!lobby.start_block) return "";
  return errorText({ reason: lobby.start_reason, params: lobby.start_params, message: lobby.start_block });
}

// reasonParams are a refusal's params as the catalog's words fill them:
// numbers as numbers (a plural's n), roles and timers by their names in
// this language.
function reasonParams(params) {
  const out = {};
  for (const [k, v] of Object.entries(params || {})) {
    if (k === "role" || k === "needs") out[k] = tk("words.role", v);
    else if (k === "timer") out[k] = tk("errors.timer", v);
    else if (/^-?\d+$/.test(v)) out[k] = Number(v);
    else out[k] = v;
  }
  return out;
}
