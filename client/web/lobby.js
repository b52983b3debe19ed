// lobby.js: the lobby room before a game. The seats with names, host
// badge, bots and who is connected; the invite and spectator links; the
// host's controls (every setting with its meaning, kick, make host,
// bots, start) and, in words, why the game cannot start yet.

import { h, replace } from "./dom.js";
import { SettingsForm, summary, PRESETS } from "./settings.js";
import { RolesForm, rolesSummary } from "./roles.js";
import { Gallery } from "./gallery.js";
import { SeatDoor } from "./seats.js";
import * as api from "./api.js";
import { awayBadge, tickAway } from "./table.js";
import { streaming, hiddenNote } from "./streamer.js";
import { t, tk } from "./i18n.js";
import { errorText, startBlockText } from "./errors.js";


export function mount(root, ctx) {
  const s = ctx.session;
  const title = h("h1", { class: "display" });
  const status = h("p", { class: "start-block", role: "status", id: "start-status" });
  const refusal = h("p", { class: "refusal", role: "alert", hidden: true });
  const seats = h("ol", { class: "members", aria: { label: t("lobby.delegates") } });
  const hostTools = h("div");
  const links = h("div", { class: "links" });
  const watchers = h("p", { class: "small", id: "gallery-count" });
  const settingsBody = h("div");
  const rolesBody = h("div");
  let form = null;
  let rolesForm = null;
  const gallery = new Gallery(ctx);
  const seatDoor = new SeatDoor(ctx);

  const left = h("div", {},
    h("section", { class: "panel", aria: { labelledby: "seats-h" } },
      h("h2", { id: "seats-h", text: t("lobby.the_delegates") }),
      status, seats, hostTools, refusal),
    seatDoor.el,
    h("section", { class: "panel", aria: { labelledby: "invite-h" } },
      h("h2", { id: "invite-h", text: t("lobby.summon") }), links, watchers),
    gallery.el,
    ctx.chat.el);
  const right = h("div", {},
    h("section", { class: "panel roles-panel", aria: { labelledby: "roles-h" } },
      h("h2", { id: "roles-h", text: t("lobby.roles") }), rolesBody),
    h("section", { class: "panel", aria: { labelledby: "settings-h" } },
      h("h2", { id: "settings-h", text: t("lobby.orders") }), settingsBody));

  const seatsLine = h("p", { id: "seat-limits" });
  replace(root,
    h("div", { class: "hero" },
      h("p", { class: "kicker", text: t("lobby.gathers") }), title, seatsLine),
    h("div", { class: "room" }, left, right));

  function refuse(err) {
    refusal.textContent = errorText(err);
    refusal.hidden = false;
  }
  function send(msg) {
    refusal.hidden = true;
    return ctx.send(msg).catch(refuse);
  }
  const hostAct = (action, extra = {}) => send({ type: "host", action, ...extra });

  // The host's orders go out whole. A change made before the server has
  // answered the last one builds on it (the draft), so that two quick
  // changes never send the first one's old value back with the second.
  let draft = null;
  let inFlight = 0;
  function changeSettings(patch) {
    draft = { ...(draft || s.lobby.settings), ...patch };
    inFlight++;
    refusal.hidden = true;
    const keys = Object.keys(patch);
    if (form) form.clear();
    if (rolesForm) rolesForm.clear();
    return ctx.send({ type: "host", action: "settings", settings: draft })
      .catch((err) => {
        draft = null;
        // The refusal is said at the field it names, or where the one
        // field changed was typed.
        const said = errorText(err);
        const key = err.field || (keys.length === 1 ? keys[0] : "");
        if (!(form && key && (form.refuse(key, said) || rolesForm.refuse(key, said)))) refuse(err);
      })
      .finally(() => {
        if (--inFlight > 0) return;
        draft = null;
        // A refused change puts the form back to the standing orders.
        if (form) form.update(s.lobby.settings, s.lobby.by_table);
        if (rolesForm) rolesForm.update(s.lobby.settings, s.lobby);
      });
  }

  function render() {
    const l = s.lobby;
    if (!l) return;
    title.textContent = streaming() ? t("lobby.lobby") : t("lobby.lobby_code", { code: l.code });
    // The seat limits are the server's (protocol.Limits).
    const seatLimits = (l.limits && l.limits.seats) || {};
    const MIN = seatLimits.min || 0, MAX = seatLimits.max || Infinity;
    seatsLine.textContent = seatLimits.max ? t("lobby.between", { min: MIN, n: MAX }) + " " + t("lobby.when_seated") : t("lobby.when_seated");
    const members = l.members || [];
    const isHost = s.isHost;
    if (l.state === "over") status.textContent = t("lobby.over");
    else if (l.can_start) status.textContent = isHost ? t("lobby.ready_host") : t("lobby.ready");
    else status.textContent = t("lobby.cannot_open") + " " + (startBlockText(l) || t("lobby.needs", { min: MIN, n: MAX }));

    const rows = members.map((m, i) => h("li", { class: "member", data: { member: m.id, bot: m.bot, connected: m.connected } },
      h("span", { class: "num", aria: { hidden: "true" }, text: String(i + 1) }),
      h("span", { class: "who" },
        h("span", { class: "name", text: m.name }),
        m.id === l.host && h("span", { class: "badge host", text: t("lobby.host") }),
        m.id === s.me && h("span", { class: "badge you", text: t("lobby.you") }),
        m.bot && h("span", { class: "badge black", text: m.strength ? t("lobby.bot") + " · " + tk("lobby.strength", m.strength) : t("lobby.bot") }),
        !m.bot && (m.connected ? h("span", { class: "badge on", text: t("lobby.connected") }) : awayBadge(s.awayFrom(m)))),
      isHost && m.id !== s.me ? h("span", { class: "tools" },
        !m.bot && h("button", { type: "button", class: "small", data: { key: "mk-" + m.id }, aria: { label: t("lobby.make_host_who", { name: m.name }) }, onclick: () => hostAct("make_host", { member: m.id }), text: t("lobby.make_host") }),
        m.bot
          ? h("button", { type: "button", class: "small", data: { key: "rm-" + m.id }, aria: { label: t("lobby.remove_bot_who", { name: m.name }) }, onclick: () => hostAct("remove_bot", { member: m.id }), text: t("lobby.remove_bot") })
          : h("button", { type: "button", class: "small", data: { key: "kick-" + m.id }, aria: { label: t("lobby.kick_who", { name: m.name }) }, onclick: () => hostAct("kick", { member: m.id }), text: t("lobby.kick") })) : null));
    for (let i = members.length; i < Math.max(MIN, Math.min(MAX, members.length + 1)); i++) {
      rows.push(h("li", { class: "member empty" }, h("span", { class: "num", aria: { hidden: "true" }, text: String(i + 1) }), h("span", { text: i < MIN ? t("lobby.empty_needed") : t("lobby.empty") })));
    }
    replace(seats, rows);

    replace(hostTools, isHost ? h("div", { class: "act-row" },
      h("button", { type: "button", class: "primary", id: "start", data: { key: "start" }, disabled: !l.can_start, aria: { describedby: "start-status" }, onclick: () => hostAct(l.state === "over" ? "rematch" : "start"), text: t("lobby.open") }),
      h("button", { type: "button", data: { key: "bot-normal" }, disabled: members.length >= MAX, onclick: () => hostAct("add_bot", { strength: "normal" }), text: t("lobby.add_bot") }),
      h("button", { type: "button", data: { key: "bot-easy" }, disabled: members.length >= MAX, onclick: () => hostAct("add_bot", { strength: "easy" }), text: t("lobby.add_easy") }),
      h("button", { type: "button", data: { key: "bot-hard" }, disabled: members.length >= MAX, onclick: () => hostAct("add_bot", { strength: "hard" }), text: t("lobby.add_hard") })) : null,
    h("div", { class: "act-row" },
      !s.spectator && h("button", { type: "button", class: "small", data: { key: "leave" }, onclick: () => ctx.leave(), text: t("lobby.leave") })));

    renderLinks(l, isHost);
    replace(watchers, l.spectators ? t("lobby.watchers", { n: l.spectators }) : t("lobby.no_watchers"));
    gallery.update();
    seatDoor.update();

    if (isHost) {
      if (!form) {
        form = new SettingsForm((key, value) => changeSettings({ [key]: value }));
        replace(settingsBody,
          h("p", { class: "small muted", text: t("lobby.you_host") }),
          h("div", { class: "presets" }, PRESETS.map((p) => h("button", {
            type: "button", class: "small", data: { key: "preset-" + p.name },
            onclick: () => changeSettings(p.values),
            text: t("lobby.preset", { name: p.name }),
          }))),
          form.el);
      }
      form.limits(l.limits);
      form.update(draft || l.settings, l.by_table);
      form.verdict(l.start_field || "", startBlockText(l));
      if (!rolesForm) {
        rolesForm = new RolesForm((patch) => changeSettings(patch));
        replace(rolesBody, rolesForm.el);
      }
      rolesForm.update(draft || l.settings, l);
      rolesForm.verdict(l.start_field || "", startBlockText(l));
    } else {
      form = null;
      rolesForm = null;
      replace(settingsBody, h("p", { class: "small muted", text: t("lobby.set_by_host") }), summary(l.settings, l.by_table, l.limits));
      replace(rolesBody, rolesSummary(l));
    }
    ctx.chat.update();
  }

  // A page opened at a loopback address makes links a friend's machine
  // cannot open: without a base URL, the server's network links stand in.
  let network = null;
  const loopback = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/i.test(location.hostname);
  function askAddresses(l) {
    if (network || !loopback || /^https?:/.test(l.link || "")) return;
    network = [];
    api.addresses().then((a) => { network = a.addresses || []; render(); }, () => {});
  }

  function renderLinks(l, isHost) {
    askAddresses(l);
    const here = network && network.length ? network[0] : location.origin;
    const abs = (p) => (p ? new URL(p, here).href : "");
    const invite = abs(l.link) || here + "/l/" + l.code;
    const watch = abs(l.watch_link) || here + "/l/" + l.code + "?watch";
    const others = network && network.length > 1 ? network.slice(1).map((b) => new URL("/l/" + l.code, b).href) : [];
    // On a stream the way in stays off the screen: a viewer could take a
    // seat with it.
    const ways = streaming() ? [hiddenNote(t("lobby.hidden_ways"))] : [
      network && network.length ? h("p", { class: "notice small", id: "loopback-note", text: t("lobby.loopback", { host: location.host }) }) : null,
      linkRow("invite-link", t("lobby.invite_link"), invite),
      others.length ? h("p", { class: "small" }, t("lobby.other_addresses") + " ", others.map((u, i) => [i ? ", " : "", h("code", { text: u })])) : null,
      h("figure", { class: "qr" },
        h("img", { src: api.qr(invite), width: 160, height: 160, alt: t("lobby.qr_alt"), id: "invite-qr" }),
        h("figcaption", { class: "small", text: t("lobby.qr_caption") })),
      linkRow("watch-link", t("lobby.watch_link"), watch),
      h("p", { class: "small" }, t("lobby.or_code") + " ", h("strong", { class: "display", text: l.code })),
    ];
    replace(links, ways,
      isHost ? h("label", { class: "choice" },
        h("input", { type: "checkbox", id: "public", checked: !!l.public, data: { key: "public" }, onchange: (e) => hostAct("public", { public: e.target.checked }) }),
        h("span", { text: t("lobby.list_publicly") }))
        : h("p", { class: "small muted", text: l.public ? t("lobby.is_public") : t("lobby.is_private") }),
      streaming() && l.public ? h("p", { class: "small notice", id: "streamer-public", text: t("lobby.streamer_public") }) : null);
  }

  render();
  ctx.chat.attached();
  const ticking = setInterval(() => tickAway(seats), 1000);
  return {
    update: render,
    // The host's first useful control opens the Congress or seats a bot;
    // a delegate's passes the invitation on.
    focus() {
      const first = root.querySelector("#start:not([disabled])") || root.querySelector('[data-key="bot-normal"]:not([disabled])') || root.querySelector('[data-key="copy-invite-link"]') || root.querySelector("#knock-name") || title;
      if (first === title) title.tabIndex = -1;
      first.focus({ preventScroll: true });
    },
    unmount() { clearInterval(ticking); },
  };
}

// linkRow is a read-only link with a copy button.
export function linkRow(id, label, url) {
  const input = h("input", { type: "text", id, readonly: true, value: url });
  const done = h("span", { class: "small", role: "status" });
  return h("div", {},
    h("label", { for: id, text: label }),
    h("div", { class: "link-row" }, input,
      h("button", {
        type: "button", class: "small dark", data: { key: "copy-" + id }, aria: { label: t("lobby.copy_label", { label: label.toLowerCase() }) },
        onclick: async () => {
          try {
            await navigator.clipboard.writeText(url);
          } catch {
            input.select();
            document.execCommand("copy");
          }
          done.textContent = t("lobby.copied");
          setTimeout(() => { done.textContent = ""; }, 2000);
        },
        text: t("lobby.copy"),
      })),
    done);
}
