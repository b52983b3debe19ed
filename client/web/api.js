// api.js: the HTTP API. Every call returns parsed JSON or throws an Error
// whose message is safe to show: the words for the server's code in the
// page's language, or the server's own words for a code it does not know.

import { t } from "./i18n.js";
import { errorText } from "./errors.js";

async function call(method, path, body) {
  let res;
  try {
    res = await fetch(path, {
      method,
      headers: body ? { "Content-Type": "application/json" } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
  } catch {
    throw new Error(t("errors.offline"));
  }
  let data = null;
  try { data = await res.json(); } catch { /* empty or not JSON */ }
  if (!res.ok) {
    const msg = data && (data.message || (data.error && data.error.message));
    const code = data && (data.code || (data.error && data.error.code));
    const reason = data && data.reason, params = data && data.params;
    const err = new Error(errorText({ code, reason, params, message: msg || t("errors.refused_status", { status: res.status }) }));
    err.status = res.status;
    err.code = code;
    throw err;
  }
  return data;
}

// createLobby opens a new lobby and returns the server's answer (its code
// among it).
export const createLobby = (opts) => call("POST", "/api/lobbies", opts);

// publicLobbies lists lobbies open to all.
export const publicLobbies = () => call("GET", "/api/lobbies");

// lobbyInfo describes one lobby by its code.
export const lobbyInfo = (code) => call("GET", "/api/lobbies/" + encodeURIComponent(code));

// match is a finished match's whole file (protocol.MatchFile).
export const match = (id) => call("GET", "/api/matches/" + encodeURIComponent(id));

// matches lists the finished matches on file, newest first.
export const matches = (perPage = 8) => call("GET", "/api/matches?per_page=" + perPage);

// addresses lists this machine's network links, when the server has no
// base URL of its own.
export const addresses = () => call("GET", "/api/addresses");

// qr is the address of a QR code image of a link.
export const qr = (link) => "/api/qr?url=" + encodeURIComponent(link);
