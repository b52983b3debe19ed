// seats.js: seats changing hands. The gallery's door to the table: the
// seats a bot plays now, each of which a spectator may ask the host for,
// and a place in the next game; the host's answer to each who asked; and
// a delegate's "Move to another device": a one-time link and its QR code.

import { h, replace, clock } from "./dom.js";
import { barred, prefs } from "./net.js";
import { linkRow } from "./lobby.js";
import { streaming, hiddenNote } from "./streamer.js";
import * as api from "./api.js";
import { t } from "./i18n.js";
import { errorText } from "./errors.js";

// seatLabel names seat i of the game in the gallery's words.
const seatLabel = (i) => t("seats.seat_lower", { n: i + 1 });

export class SeatDoor {
  constructor(ctx) {
    this.ctx = ctx;
    // Made once, so a re-render never loses what is typed.
    this.name = h("input", { type: "text", id: "sit-name", maxlength: 24, autocomplete: "nickname", data: { key: "sit-name" }, value: prefs.get("name") || "" });
    this.refusal = h("p", { class: "refusal", role: "alert", hidden: true });
    this.body = h("div");
    this.el = h("section", { class: "panel seat-door", id: "seat-door", aria: { labelledby: "seat-door-h" } },
      h("h2", { id: "seat-door-h", text: t("seats.empty_chairs") }), this.body, this.refusal);
  }

  send(msg) {
    this.refusal.hidden = true;
    return this.ctx.send(msg).catch((err) => {
      this.refusal.textContent = errorText(err);
      this.refusal.hidden = false;
    });
  }

  // ask sends a request to sit at seat (-1: the next game) under the
  // typed name.
  ask(seat) {
    const name = this.name.value.trim();
    if (!name) {
      this.refusal.textContent = t("seats.give_name");
      this.refusal.hidden = false;
      this.name.focus();
      return;
    }
    prefs.set("name", name);
    const former = barred.get(this.ctx.session.code);
    this.send(former ? { type: "sit", seat, name, former } : { type: "sit", seat, name });
  }

  update() {
    const s = this.ctx.session;
    const l = s.lobby;
    const sits = (l && l.sits) || [];
    const open = (l && l.open_seats) || [];
    const playing = !!l && l.state === "playing";
    if (!this.name.value && prefs.get("name")) this.name.value = prefs.get("name");
    if (s.spectator && l && l.state !== "over") replace(this.body, this.spectatorDoor(s, sits, open, playing));
    else if (s.isHost && sits.length) replace(this.body, this.hostDoor(s, sits, playing));
    else { this.el.hidden = true; return; }
    this.el.hidden = false;
  }

  spectatorDoor(s, sits, open, playing) {
    const mine = sits.find((x) => x.id === s.gallery);
    const out = [];
    if (mine) {
      out.push(h("p", { class: "prompt", id: "sit-status", text: mine.seat < 0
        ? (streaming() ? t("seats.queued") : t("seats.queued_as", { name: mine.name }))
        : (streaming() ? t("seats.asked", { seat: seatLabel(mine.seat) }) : t("seats.asked_as", { seat: seatLabel(mine.seat), name: mine.name })) }));
      if (mine.seat >= 0 || !playing || !open.length) return out;
      this.name.value = mine.name;
    } else {
      out.push(h("label", { for: "sit-name", text: t("seats.name_label") }), h("div", { class: "link-row" }, this.name));
    }
    if (playing && open.length) {
      out.push(h("p", { class: "small", text: t("seats.bot_holds") }),
        h("ul", { class: "open-seats", aria: { label: t("seats.bot_seats") } }, open.map((i) =>
          h("li", { class: "member", data: { seat: i } },
            h("span", { class: "who" },
              h("span", { class: "name", text: t("seats.seat", { n: i + 1 }) }),
              h("span", { class: "small muted", text: s.name(i) }),
              h("span", { class: "badge black", text: t("seats.bot") })),
            h("span", { class: "tools" },
              h("button", { type: "button", class: "small primary", data: { key: "sit-" + i }, aria: { label: t("seats.ask_for_n", { n: i + 1 }) }, onclick: () => this.ask(i), text: t("seats.ask_for_this") }))))));
    } else if (playing) {
      out.push(h("p", { class: "small", text: t("seats.all_taken") }));
    }
    if (!mine) {
      out.push(h("div", { class: "act-row" },
        h("button", { type: "button", class: playing && open.length ? "" : "primary", id: "sit-next", data: { key: "sit-next" }, onclick: () => this.ask(-1),
          text: playing ? t("seats.ask_next") : t("seats.take_place") })));
    }
    return out;
  }

  hostDoor(s, sits, playing) {
    return [
      h("p", { class: "small muted", text: t("seats.host_intro") }),
      h("ul", { class: "knocks", aria: { label: t("seats.requests") } }, sits.map((k, i) => {
        const later = k.seat < 0 && playing;
        const who = streaming() ? t("seats.spectator_n", { n: i + 1 }) : k.name;
        return h("li", { class: "member", data: { sit: k.id } },
          h("span", { class: "who" },
            h("span", { class: "name", text: who }),
            h("span", { class: "small", text: k.seat < 0 ? t("seats.asks_next") : t("seats.asks_for", { seat: seatLabel(k.seat), name: s.name(k.seat) }) })),
          h("span", { class: "tools" },
            later ? h("span", { class: "small muted", text: t("seats.at_rematch") })
              : h("button", { type: "button", class: "small primary", data: { key: "seat-" + k.id }, aria: { label: t("seats.seat_who", { who }) }, onclick: () => this.send({ type: "host", action: "sit_admit", spectator: k.id }), text: t("seats.seat_them") }),
            h("button", { type: "button", class: "small", data: { key: "unseat-" + k.id }, aria: { label: t("seats.turn_away_who", { who }) }, onclick: () => this.send({ type: "host", action: "sit_deny", spectator: k.id }), text: t("seats.turn_away") })));
      })),
    ];
  }
}

// MoveSeat is a delegate's "Move to another device": a one-time link to
// this seat, and its QR code, for two minutes and one use. The link
// carries a code of its own, never the pass.
export class MoveSeat {
  constructor(ctx) {
    this.ctx = ctx;
    this.open = false;
    this.body = h("div");
    this.refusal = h("p", { class: "refusal", role: "alert", hidden: true });
    this.el = h("section", { class: "panel move-seat", id: "move-seat", aria: { labelledby: "move-h" } },
      h("h2", { id: "move-h", text: t("seats.your_seat") }), this.body, this.refusal);
    this.ticking = setInterval(() => { if (this.open) this.update(); }, 1000);
  }

  request() {
    this.refusal.hidden = true;
    this.open = true;
    this.ctx.session.moveLink = null;
    this.update();
    this.ctx.send({ type: "move" }).catch((err) => {
      this.open = false;
      this.refusal.textContent = errorText(err);
      this.refusal.hidden = false;
      this.update();
    });
  }

  update() {
    const s = this.ctx.session;
    this.el.hidden = s.spectator || !s.me;
    if (this.el.hidden) return;
    const link = s.moveLink;
    const left = link ? (Date.parse(link.expires) - s.serverNow()) / 1000 : 0;
    if (!this.open || !link || left <= 0) this.shown = "";
    if (!this.open) {
      replace(this.body, h("button", { type: "button", class: "small", id: "move-open", data: { key: "move-open" }, onclick: () => this.request(), text: t("seats.move") }));
      return;
    }
    if (!link) {
      replace(this.body, h("p", { class: "small muted", role: "status", text: t("seats.drawing_papers") }));
      return;
    }
    const url = new URL(link.link, location.origin).href;
    const close = h("button", { type: "button", class: "small", data: { key: "move-close" }, onclick: () => { this.open = false; this.update(); }, text: t("seats.close") });
    if (left <= 0) {
      replace(this.body,
        h("p", { class: "small", id: "move-expired", text: t("seats.expired") }),
        h("div", { class: "act-row" },
          h("button", { type: "button", class: "small primary", data: { key: "move-again" }, onclick: () => this.request(), text: t("seats.new_link") }), close));
      return;
    }
    const timer = this.body.querySelector("#move-left");
    const key = link.code + (streaming() ? " streaming" : "");
    if (timer && this.shown === key) {
      timer.textContent = t("seats.valid_for", { time: clock(left) });
      return;
    }
    this.shown = key;
    if (streaming()) {
      // The link opens the seat to whoever has it: not on the stream.
      replace(this.body,
        hiddenNote(t("seats.hidden_link")),
        h("p", { class: "small", role: "timer", id: "move-left", text: t("seats.valid_for", { time: clock(left) }) }),
        h("div", { class: "act-row" }, close));
      return;
    }
    replace(this.body,
      h("p", { class: "small", text: t("seats.move_how") }),
      h("figure", { class: "qr" },
        h("img", { src: api.qr(url), width: 160, height: 160, alt: t("seats.qr_alt"), id: "move-qr" })),
      linkRow("move-link", t("seats.link_label"), url),
      h("p", { class: "small", role: "timer", id: "move-left", text: t("seats.valid_for", { time: clock(left) }) }),
      h("div", { class: "act-row" }, close));
  }

  unmount() { clearInterval(this.ticking); }
}
