// seats.js: seats changing hands. The gallery's door to the table: the
// seats a bot plays now, each of which a spectator may ask the host for,
// and a place in the next game; the host's answer to each who asked; and
// a delegate's "Move to another device": a one-time link and its QR code.

import { h, replace, clock } from "./dom.js";
import { barred, prefs } from "./net.js";
import { linkRow } from "./lobby.js";
import { streaming, hiddenNote } from "./streamer.js";
import * as api from "./api.js";

// seatLabel names seat i of the game in the gallery's words.
const seatLabel = (i) => "seat " + (i + 1);

export class SeatDoor {
  constructor(ctx) {
    this.ctx = ctx;
    // Made once, so a re-render never loses what is typed.
    this.name = h("input", { type: "text", id: "sit-name", maxlength: 24, autocomplete: "nickname", data: { key: "sit-name" }, value: prefs.get("name") || "" });
    this.refusal = h("p", { class: "refusal", role: "alert", hidden: true });
    this.body = h("div");
    this.el = h("section", { class: "panel seat-door", id: "seat-door", aria: { labelledby: "seat-door-h" } },
      h("h2", { id: "seat-door-h", text: "Empty chairs" }), this.body, this.refusal);
  }

  send(msg) {
    this.refusal.hidden = true;
    return this.ctx.send(msg).catch((err) => {
      this.refusal.textContent = (err && err.message) || "The Presidium refused.";
      this.refusal.hidden = false;
    });
  }

  // ask sends a request to sit at seat (-1: the next game) under the
  // typed name.
  ask(seat) {
    const name = this.name.value.trim();
    if (!name) {
      this.refusal.textContent = "Give the name you will sit under, comrade.";
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
        ? `You are in the queue for the next game${streaming() ? "" : " as " + mine.name}. The lobby seats the queue in order when the Congress reopens.`
        : `You have asked for ${seatLabel(mine.seat)}${streaming() ? "" : " as " + mine.name}. The host will answer; until then you watch.` }));
      if (mine.seat >= 0 || !playing || !open.length) return out;
      this.name.value = mine.name;
    } else {
      out.push(h("label", { for: "sit-name", text: "Your name at the table" }), h("div", { class: "link-row" }, this.name));
    }
    if (playing && open.length) {
      out.push(h("p", { class: "small", text: "A bot holds these seats. Ask the host for one: you take its file, what it knows and its move, and play it to the end." }),
        h("ul", { class: "open-seats", aria: { label: "Seats a bot plays" } }, open.map((i) =>
          h("li", { class: "member", data: { seat: i } },
            h("span", { class: "who" },
              h("span", { class: "name", text: `Seat ${i + 1}` }),
              h("span", { class: "small muted", text: s.name(i) }),
              h("span", { class: "badge black", text: "Bot" })),
            h("span", { class: "tools" },
              h("button", { type: "button", class: "small primary", data: { key: "sit-" + i }, aria: { label: `Ask for seat ${i + 1}` }, onclick: () => this.ask(i), text: "Ask for this seat" }))))));
    } else if (playing) {
      out.push(h("p", { class: "small", text: "Every seat has its delegate. Ask for a place in the next game." }));
    }
    if (!mine) {
      out.push(h("div", { class: "act-row" },
        h("button", { type: "button", class: playing && open.length ? "" : "primary", id: "sit-next", data: { key: "sit-next" }, onclick: () => this.ask(-1),
          text: playing ? "Ask for a place in the next game" : "Take a place at the table" })));
    }
    return out;
  }

  hostDoor(s, sits, playing) {
    return [
      h("p", { class: "small muted", text: "The gallery asks for seats. Whoever you seat at a bot's seat plays it to the end with its file; the table is told only that a new delegate sits there." }),
      h("ul", { class: "knocks", aria: { label: "Requests for a seat" } }, sits.map((k, i) => {
        const later = k.seat < 0 && playing;
        const who = streaming() ? `Spectator ${i + 1}` : k.name;
        return h("li", { class: "member", data: { sit: k.id } },
          h("span", { class: "who" },
            h("span", { class: "name", text: who }),
            h("span", { class: "small", text: k.seat < 0 ? "asks for a place in the next game" : `asks for ${seatLabel(k.seat)} (${s.name(k.seat)})` })),
          h("span", { class: "tools" },
            later ? h("span", { class: "small muted", text: "Seated at the rematch" })
              : h("button", { type: "button", class: "small primary", data: { key: "seat-" + k.id }, aria: { label: `Seat ${who}` }, onclick: () => this.send({ type: "host", action: "sit_admit", spectator: k.id }), text: "Seat them" }),
            h("button", { type: "button", class: "small", data: { key: "unseat-" + k.id }, aria: { label: `Turn ${who} away` }, onclick: () => this.send({ type: "host", action: "sit_deny", spectator: k.id }), text: "Turn away" })));
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
      h("h2", { id: "move-h", text: "Your seat" }), this.body, this.refusal);
    this.ticking = setInterval(() => { if (this.open) this.update(); }, 1000);
  }

  request() {
    this.refusal.hidden = true;
    this.open = true;
    this.ctx.session.moveLink = null;
    this.update();
    this.ctx.send({ type: "move" }).catch((err) => {
      this.open = false;
      this.refusal.textContent = (err && err.message) || "The Presidium refused.";
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
      replace(this.body, h("button", { type: "button", class: "small", id: "move-open", data: { key: "move-open" }, onclick: () => this.request(), text: "Move to another device" }));
      return;
    }
    if (!link) {
      replace(this.body, h("p", { class: "small muted", role: "status", text: "The Presidium draws up your travel papers…" }));
      return;
    }
    const url = new URL(link.link, location.origin).href;
    const close = h("button", { type: "button", class: "small", data: { key: "move-close" }, onclick: () => { this.open = false; this.update(); }, text: "Close" });
    if (left <= 0) {
      replace(this.body,
        h("p", { class: "small", id: "move-expired", text: "These papers have expired. Ask for new ones to move your seat." }),
        h("div", { class: "act-row" },
          h("button", { type: "button", class: "small primary", data: { key: "move-again" }, onclick: () => this.request(), text: "New link" }), close));
      return;
    }
    const timer = this.body.querySelector("#move-left");
    const key = link.code + (streaming() ? " streaming" : "");
    if (timer && this.shown === key) {
      timer.textContent = `Valid for ${clock(left)} more.`;
      return;
    }
    this.shown = key;
    if (streaming()) {
      // The link opens the seat to whoever has it: not on the stream.
      replace(this.body,
        hiddenNote("The link to your seat and its QR code"),
        h("p", { class: "small", role: "timer", id: "move-left", text: `Valid for ${clock(left)} more.` }),
        h("div", { class: "act-row" }, close));
      return;
    }
    replace(this.body,
      h("p", { class: "small", text: "Open this link, or scan the code, on your other device: your seat moves there, and this window lets go of it. It works once, for two minutes." }),
      h("figure", { class: "qr" },
        h("img", { src: api.qr(url), width: 160, height: 160, alt: "QR code of the link that moves your seat", id: "move-qr" })),
      linkRow("move-link", "Link to your seat", url),
      h("p", { class: "small", role: "timer", id: "move-left", text: `Valid for ${clock(left)} more.` }),
      h("div", { class: "act-row" }, close));
  }

  unmount() { clearInterval(this.ticking); }
}
