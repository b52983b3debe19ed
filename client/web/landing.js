// landing.js: the front page (create a lobby, join by code, the public
// lobbies to join or watch) and the door of one lobby for a visitor who
// has no seat there yet.

import { h, replace } from "./dom.js";
import { createLobby, publicLobbies, lobbyInfo, matches } from "./api.js";
import { FACTION } from "./words.js";
import { prefs } from "./net.js";
import { streaming, onStreaming } from "./streamer.js";

const CODE_RE = /^[A-Z0-9]{6}$/;

// normalizeCode is protocol.NormalizeCode: upper case, no spaces or dashes.
export function normalizeCode(s) {
  return String(s || "").trim().toUpperCase().replace(/[\s-]/g, "");
}

// mount draws the front page. go(code, {name, watch}) enters a lobby;
// replay(id) opens a finished match's record.
export function mount(root, go, replay) {
  const err = h("p", { class: "refusal", role: "alert", hidden: true });
  const fail = (e) => { err.textContent = e.message || String(e); err.hidden = false; };

  const createName = h("input", { type: "text", id: "create-name", maxlength: 24, autocomplete: "nickname", required: true, value: prefs.get("name") });
  const priv = h("input", { type: "radio", name: "visibility", id: "vis-private", value: "private", checked: true });
  const pub = h("input", { type: "radio", name: "visibility", id: "vis-public", value: "public" });
  const createButton = h("button", { type: "submit", class: "primary", id: "create", text: "Convene the Congress" });
  const create = h("form", {
    onsubmit: async (e) => {
      e.preventDefault();
      err.hidden = true;
      const name = createName.value.trim();
      if (!name) { fail(new Error("Give your name, comrade.")); createName.focus(); return; }
      createButton.disabled = true;
      try {
        const res = await createLobby({ public: pub.checked, name });
        const code = normalizeCode(res && (res.code || (res.lobby && res.lobby.code)));
        if (!code) throw new Error("The server did not give a lobby code.");
        prefs.set("name", name);
        go(code, { name, created: res });
      } catch (e2) {
        fail(e2);
      } finally {
        createButton.disabled = false;
      }
    },
  },
  field("create-name", "Your name", createName),
  h("fieldset", {},
    h("legend", { text: "Who may find it" }),
    h("label", { class: "choice", for: "vis-private" }, priv, h("span", {}, h("strong", { text: "Private" }), " — only those you send the link or code to.")),
    h("label", { class: "choice", for: "vis-public" }, pub, h("span", {}, h("strong", { text: "Public" }), " — listed below for anyone to join or watch."))),
  createButton);

  const joinCode = h("input", { type: "text", id: "join-code", maxlength: 9, autocomplete: "off", autocapitalize: "characters", spellcheck: "false", placeholder: "K7QXM2", required: true });
  const joinName = h("input", { type: "text", id: "join-name", maxlength: 24, autocomplete: "nickname", value: prefs.get("name") });
  const join = h("form", {
    onsubmit: (e) => {
      e.preventDefault();
      err.hidden = true;
      const code = normalizeCode(joinCode.value);
      if (!CODE_RE.test(code)) { fail(new Error("A lobby code is 6 letters and digits, like K7QXM2.")); joinCode.focus(); return; }
      const name = joinName.value.trim();
      const watch = e.submitter && e.submitter.value === "watch";
      if (!name && !watch) { fail(new Error("Give your name, comrade.")); joinName.focus(); return; }
      if (name) prefs.set("name", name);
      go(code, { name, watch });
    },
  },
  field("join-code", "Lobby code", joinCode),
  field("join-name", "Your name", joinName),
  h("div", { class: "act-row" },
    h("button", { type: "submit", class: "primary", value: "join", id: "join", text: "Take a seat" }),
    h("button", { type: "submit", value: "watch", text: "Watch from the gallery" })));

  const list = h("ul", { class: "lobbies", id: "public-lobbies", aria: { live: "polite" } }, h("li", { class: "muted", text: "Looking for open Congresses…" }));

  async function refresh() {
    try {
      const data = await publicLobbies();
      const lobbies = Array.isArray(data) ? data : (data && (data.lobbies || data.items)) || [];
      if (!lobbies.length) {
        replace(list, h("li", { class: "muted", text: "No public Congress is gathering. Convene one!" }));
        return;
      }
      replace(list, lobbies.map((l) => {
        const n = l.delegates;
        const playing = l.state && l.state !== "open";
        return h("li", { data: { code: l.code } },
          h("span", { class: "code", text: l.code }),
          h("span", { class: "meta" },
            l.host ? h("span", { text: "Host: " + l.host }) : null,
            h("span", { class: "small muted", text: [n !== undefined ? `${n} of 12 seated` : "", playing ? (l.state === "playing" ? "in session" : "closed, awaiting a rematch") : "gathering", l.spectators ? `${l.spectators} watching` : ""].filter(Boolean).join(" · ") })),
          !playing && h("button", { type: "button", class: "small primary", data: { key: "join-" + l.code }, onclick: () => pick(l.code, false), text: "Join" }),
          h("button", { type: "button", class: "small", data: { key: "watch-" + l.code }, onclick: () => pick(l.code, true), text: "Watch" }));
      }));
    } catch (e) {
      replace(list, h("li", { class: "muted", text: "The list cannot be fetched: " + e.message }));
    }
  }

  function pick(code, watch) {
    const name = joinName.value.trim() || createName.value.trim();
    if (!name && !watch) {
      go(code, {});
      return;
    }
    if (name) prefs.set("name", name);
    go(code, { name, watch });
  }

  replace(root,
    h("div", { class: "hero" },
      h("p", { class: "kicker", text: "Moscow · The XVII Congress · February 1934" }),
      h("h1", { text: "Congress of Victors" }),
      h("p", { text: "Stalin's Loyalists against Kirov's hidden Plotters. Debate, denounce, vote and purge until one camp controls the Congress. For 5 to 12 friends, on laptops and phones." })),
    err,
    h("div", { class: "cols" },
      h("section", { class: "panel red", aria: { labelledby: "create-h" } }, h("h2", { id: "create-h", text: "Convene a Congress" }), create),
      h("section", { class: "panel", aria: { labelledby: "join-h" } }, h("h2", { id: "join-h", text: "Answer a summons" }), join)),
    h("section", { class: "panel", aria: { labelledby: "pub-h" } },
      h("h2", { id: "pub-h", text: "Open Congresses" }), list,
      h("div", { class: "act-row" }, h("button", { type: "button", class: "small", onclick: refresh, text: "Refresh" }))),
    archive(replay),
    rules());

  refresh();
  const timer = setInterval(refresh, 5000);
  return { unmount() { clearInterval(timer); } };
}

// archive lists the last finished matches, each with its replay.
function archive(replay) {
  const list = h("ul", { class: "lobbies", id: "archive" }, h("li", { class: "muted", text: "Opening the archive…" }));
  matches().then((data) => {
    const ms = (data && data.matches) || [];
    replace(list, ms.length ? ms.map((m) => h("li", { data: { match: m.id } },
      h("span", { class: "meta" },
        h("span", { text: (m.names || []).join(", ") }),
        h("span", { class: "small muted", text: `${FACTION[m.winner] || "Nobody"} won${m.ended ? " · " + new Date(m.ended).toLocaleString() : ""}` })),
      h("button", { type: "button", class: "small", data: { key: "replay-" + m.id }, onclick: () => replay(m.id), text: "Replay" })))
      : h("li", { class: "muted", text: "No match has been filed yet." }));
  }, () => replace(list, h("li", { class: "muted", text: "The archive is closed." })));
  return h("section", { class: "panel", aria: { labelledby: "archive-h" } }, h("h2", { id: "archive-h", text: "The archive" }), list);
}

function field(id, label, input) {
  return h("div", { class: "field" }, h("label", { for: id, text: label }), input);
}

function rules() {
  return h("section", { class: "panel", aria: { labelledby: "rules-h" } },
    h("h2", { id: "rules-h", text: "How the Congress works" }),
    h("ol", {},
      h("li", { text: "Most delegates are Loyalists. A hidden bloc of Plotters, Kirov among them, knows itself." }),
      h("li", { text: "Each session: Debate and denounce; the most denounced stands accused; the Congress votes to purge or spare." }),
      h("li", { text: "At night the Plotters send an anonymous letter; the NKVD Investigator learns one delegate's camp." }),
      h("li", { text: "Purge Kirov and the Loyalists win. If the Plotters equal the Loyalists, Kirov's bloc wins. Otherwise the Final Ballot decides: strike Kirov's name, or he replaces Stalin." })));
}

// door is the lobby's entrance for a visitor without a seat: take a seat
// with a name, or watch. message explains why they are here (a refused
// join, an expired pass).
export function door(root, code, go, message = "") {
  const named = () => (streaming() ? "Lobby" : "Lobby " + code);
  const title = h("h1", { text: named() });
  const unStream = onStreaming(() => {
    if (!title.isConnected) { unStream(); return; }
    title.textContent = named();
  });
  const name = h("input", { type: "text", id: "door-name", maxlength: 24, autocomplete: "nickname", value: prefs.get("name") });
  const info = h("p", { class: "muted", role: "status", text: "Asking the Presidium about this lobby…" });
  const err = h("p", { class: "refusal", role: "alert", hidden: !message, text: message });
  const join = h("button", { type: "submit", class: "primary", value: "join", id: "door-join", text: "Take a seat" });
  // During a game a seat is had from the gallery: a bot's, with the
  // host's leave, or one in the next game.
  const next = h("button", { type: "submit", class: "primary", value: "next", id: "door-next", hidden: true, text: "Watch, and ask for a seat" });
  const form = h("form", {
    onsubmit: (e) => {
      e.preventDefault();
      const how = e.submitter ? e.submitter.value : "join";
      const watch = how === "watch";
      const n = name.value.trim();
      if (!n && !watch) { err.textContent = "Give your name, comrade."; err.hidden = false; name.focus(); return; }
      if (n) prefs.set("name", n);
      // During a game a latecomer watches, and asks for a place in the
      // next one (or, from the gallery, for a seat a bot plays).
      go(code, how === "next" ? { name: n, watch: true, next: true } : { name: n, watch });
    },
  },
  field("door-name", "Your name", name),
  h("div", { class: "act-row" },
    join, next,
    h("button", { type: "submit", value: "watch", id: "door-watch", text: "Watch from the gallery" })));
  replace(root,
    h("div", { class: "hero" },
      h("p", { class: "kicker", text: "A summons to the Congress" }),
      title),
    h("section", { class: "panel red", aria: { labelledby: "door-h" } },
      h("h2", { id: "door-h", text: "Enter the hall" }), info, err, form));
  lobbyInfo(code).then((l) => {
    const n = l.delegates || 0;
    const state = l.state === "playing" ? "A game is in session: watch it, and ask for a place in the next one, or from the gallery for a seat a bot plays." : l.state === "over" ? "The last game has closed." : "Delegates are gathering.";
    info.textContent = `${state} ${n} of 12 seats taken.`;
    if (l.state === "playing") {
      next.hidden = false;
      join.classList.remove("primary");
    }
  }, (e) => {
    if (e.status !== 404) {
      info.textContent = e.message;
      return;
    }
    // No such lobby: nothing to join or watch here.
    info.textContent = "There is no lobby with this code. Check it, or convene your own.";
    form.replaceWith(h("div", { class: "act-row" },
      h("button", { type: "button", class: "primary", id: "door-home", onclick: () => { location.href = "/"; }, text: "Convene your own" })));
  });
  name.focus();
}
