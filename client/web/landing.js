// landing.js: the front page (create a lobby, join by code, the public
// lobbies to join or watch) and the door of one lobby for a visitor who
// has no seat there yet.

import { h, replace } from "./dom.js";
import { createLobby, publicLobbies, lobbyInfo, matches } from "./api.js";
import { FACTION } from "./words.js";
import { prefs } from "./net.js";
import { streaming, onStreaming } from "./streamer.js";
import { t, date } from "./i18n.js";

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
  const createButton = h("button", { type: "submit", class: "primary", id: "create", text: t("landing.convene_button") });
  const create = h("form", {
    onsubmit: async (e) => {
      e.preventDefault();
      err.hidden = true;
      const name = createName.value.trim();
      if (!name) { fail(new Error(t("landing.give_name"))); createName.focus(); return; }
      createButton.disabled = true;
      try {
        const res = await createLobby({ public: pub.checked, name });
        const code = normalizeCode(res && (res.code || (res.lobby && res.lobby.code)));
        if (!code) throw new Error(t("landing.no_code"));
        prefs.set("name", name);
        go(code, { name, created: res });
      } catch (e2) {
        fail(e2);
      } finally {
        createButton.disabled = false;
      }
    },
  },
  field("create-name", t("landing.your_name"), createName),
  h("fieldset", {},
    h("legend", { text: t("landing.who_may_find") }),
    h("label", { class: "choice", for: "vis-private" }, priv, h("span", {}, h("strong", { text: t("landing.private") }), " — " + t("landing.private_more"))),
    h("label", { class: "choice", for: "vis-public" }, pub, h("span", {}, h("strong", { text: t("landing.public") }), " — " + t("landing.public_more")))),
  createButton);

  const joinCode = h("input", { type: "text", id: "join-code", maxlength: 9, autocomplete: "off", autocapitalize: "characters", spellcheck: "false", placeholder: "K7QXM2", required: true });
  const joinName = h("input", { type: "text", id: "join-name", maxlength: 24, autocomplete: "nickname", value: prefs.get("name") });
  const join = h("form", {
    onsubmit: (e) => {
      e.preventDefault();
      err.hidden = true;
      const code = normalizeCode(joinCode.value);
      if (!CODE_RE.test(code)) { fail(new Error(t("landing.code_shape"))); joinCode.focus(); return; }
      const name = joinName.value.trim();
      const watch = e.submitter && e.submitter.value === "watch";
      if (!name && !watch) { fail(new Error(t("landing.give_name"))); joinName.focus(); return; }
      if (name) prefs.set("name", name);
      go(code, { name, watch });
    },
  },
  field("join-code", t("landing.lobby_code"), joinCode),
  field("join-name", t("landing.your_name"), joinName),
  h("div", { class: "act-row" },
    h("button", { type: "submit", class: "primary", value: "join", id: "join", text: t("landing.take_seat") }),
    h("button", { type: "submit", value: "watch", text: t("landing.watch") })));

  const list = h("ul", { class: "lobbies", id: "public-lobbies", aria: { live: "polite" } }, h("li", { class: "muted", text: t("landing.looking") }));

  async function refresh() {
    try {
      const data = await publicLobbies();
      const lobbies = Array.isArray(data) ? data : (data && (data.lobbies || data.items)) || [];
      if (!lobbies.length) {
        replace(list, h("li", { class: "muted", text: t("landing.none_public") }));
        return;
      }
      replace(list, lobbies.map((l) => {
        const n = l.delegates;
        const playing = l.state && l.state !== "open";
        return h("li", { data: { code: l.code } },
          h("span", { class: "code", text: l.code }),
          h("span", { class: "meta" },
            l.host ? h("span", { text: t("landing.host", { name: l.host }) }) : null,
            h("span", { class: "small muted", text: [n !== undefined ? t("landing.seated", { n }) : "", playing ? (l.state === "playing" ? t("landing.in_session") : t("landing.awaiting_rematch")) : t("landing.gathering"), l.spectators ? t("landing.watching", { n: l.spectators }) : ""].filter(Boolean).join(" · ") })),
          !playing && h("button", { type: "button", class: "small primary", data: { key: "join-" + l.code }, onclick: () => pick(l.code, false), text: t("landing.join") }),
          h("button", { type: "button", class: "small", data: { key: "watch-" + l.code }, onclick: () => pick(l.code, true), text: t("landing.watch_short") }));
      }));
    } catch (e) {
      replace(list, h("li", { class: "muted", text: t("landing.list_failed", { why: e.message }) }));
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
      h("p", { class: "kicker", text: t("landing.kicker") }),
      h("h1", { text: t("landing.title") }),
      h("p", { text: t("landing.pitch") })),
    err,
    h("div", { class: "cols" },
      h("section", { class: "panel red", aria: { labelledby: "create-h" } }, h("h2", { id: "create-h", text: t("landing.convene") }), create),
      h("section", { class: "panel", aria: { labelledby: "join-h" } }, h("h2", { id: "join-h", text: t("landing.answer") }), join)),
    h("section", { class: "panel", aria: { labelledby: "pub-h" } },
      h("h2", { id: "pub-h", text: t("landing.open") }), list,
      h("div", { class: "act-row" }, h("button", { type: "button", class: "small", onclick: refresh, text: t("landing.refresh") }))),
    archive(replay),
    rules());

  refresh();
  const timer = setInterval(refresh, 5000);
  return { unmount() { clearInterval(timer); } };
}

// archive lists the last finished matches, each with its replay.
function archive(replay) {
  const list = h("ul", { class: "lobbies", id: "archive" }, h("li", { class: "muted", text: t("landing.opening_archive") }));
  matches().then((data) => {
    const ms = (data && data.matches) || [];
    replace(list, ms.length ? ms.map((m) => h("li", { data: { match: m.id } },
      h("span", { class: "meta" },
        h("span", { text: (m.names || []).join(", ") }),
        h("span", { class: "small muted", text: (FACTION[m.winner] ? t("landing.won", { camp: FACTION[m.winner] }) : t("landing.nobody_won")) + (m.ended ? " · " + date(new Date(m.ended)) : "") })),
      h("button", { type: "button", class: "small", data: { key: "replay-" + m.id }, onclick: () => replay(m.id), text: t("landing.replay") })))
      : h("li", { class: "muted", text: t("landing.no_match") }));
  }, () => replace(list, h("li", { class: "muted", text: t("landing.archive_closed") })));
  return h("section", { class: "panel", aria: { labelledby: "archive-h" } }, h("h2", { id: "archive-h", text: t("landing.archive") }), list);
}

function field(id, label, input) {
  return h("div", { class: "field" }, h("label", { for: id, text: label }), input);
}

function rules() {
  return h("section", { class: "panel", aria: { labelledby: "rules-h" } },
    h("h2", { id: "rules-h", text: t("landing.rules_title") }),
    h("ol", {},
      h("li", { text: t("landing.rule_1") }),
      h("li", { text: t("landing.rule_2") }),
      h("li", { text: t("landing.rule_3") }),
      h("li", { text: t("landing.rule_4") })));
}

// door is the lobby's entrance for a visitor without a seat: take a seat
// with a name, or watch. message explains why they are here (a refused
// join, an expired pass).
export function door(root, code, go, message = "") {
  const named = () => (streaming() ? t("landing.lobby") : t("landing.lobby_code_title", { code }));
  const title = h("h1", { text: named() });
  const unStream = onStreaming(() => {
    if (!title.isConnected) { unStream(); return; }
    title.textContent = named();
  });
  const name = h("input", { type: "text", id: "door-name", maxlength: 24, autocomplete: "nickname", value: prefs.get("name") });
  const info = h("p", { class: "muted", role: "status", text: t("landing.asking") });
  const err = h("p", { class: "refusal", role: "alert", hidden: !message, text: message });
  const join = h("button", { type: "submit", class: "primary", value: "join", id: "door-join", text: t("landing.take_seat") });
  // During a game a seat is had from the gallery: a bot's, with the
  // host's leave, or one in the next game.
  const next = h("button", { type: "submit", class: "primary", value: "next", id: "door-next", hidden: true, text: t("landing.watch_ask") });
  const form = h("form", {
    onsubmit: (e) => {
      e.preventDefault();
      const how = e.submitter ? e.submitter.value : "join";
      const watch = how === "watch";
      const n = name.value.trim();
      if (!n && !watch) { err.textContent = t("landing.give_name"); err.hidden = false; name.focus(); return; }
      if (n) prefs.set("name", n);
      // During a game a latecomer watches, and asks for a place in the
      // next one (or, from the gallery, for a seat a bot plays).
      go(code, how === "next" ? { name: n, watch: true, next: true } : { name: n, watch });
    },
  },
  field("door-name", t("landing.your_name"), name),
  h("div", { class: "act-row" },
    join, next,
    h("button", { type: "submit", value: "watch", id: "door-watch", text: t("landing.watch") })));
  replace(root,
    h("div", { class: "hero" },
      h("p", { class: "kicker", text: t("landing.summons") }),
      title),
    h("section", { class: "panel red", aria: { labelledby: "door-h" } },
      h("h2", { id: "door-h", text: t("landing.enter") }), info, err, form));
  lobbyInfo(code).then((l) => {
    const n = l.delegates || 0;
    const state = l.state === "playing" ? t("landing.state_playing") : l.state === "over" ? t("landing.state_over") : t("landing.state_open");
    info.textContent = state + " " + t("landing.seats_taken", { n });
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
    info.textContent = t("landing.no_lobby");
    form.replaceWith(h("div", { class: "act-row" },
      h("button", { type: "button", class: "primary", id: "door-home", onclick: () => { location.href = "/"; }, text: t("landing.convene_own") })));
  });
  name.focus();
}
