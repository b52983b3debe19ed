// errors.js: a refusal in the player's language. The server sends a
// stable code, its parameters (the setting, the member) and its own
// English words; the client speaks from the code, and falls back to the
// server's words only for a code this page does not know.

import { t, tkOr } from "./i18n.js";

// errorText is the words for an error, a notice or a closing: anything
// with a code (or a notice's kind) and a message.
export function errorText(e) {
  if (!e) return t("errors.unknown");
  const code = e.code || e.kind;
  const fallback = e.message || t("errors.unknown");
  return code ? tkOr("errors", code, fallback, e) : fallback;
}
