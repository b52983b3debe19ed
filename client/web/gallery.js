// gallery.js: the door of the gallery. Under "Gallery sees all" anyone
// with the code may watch, a delegate in a second window too, so the
// roles are shown only to the spectators the host admits by name: a
// spectator knocks with a name, the host admits or turns away each knock,
// and everyone may see whom the host let in.

import { h, replace, list } from "./dom.js";
import { streaming } from "./streamer.js";

export class Gallery {
  constructor(ctx) {
    this.ctx = ctx;
    // The name field is made once, so a re-render never loses what is typed.
    this.name = h("input", { type: "text", id: "knock-name", maxlength: 24, autocomplete: "nickname", data: { key: "knock-name" } });
    this.refusal = h("p", { class: "refusal", role: "alert", hidden: true });
    this.body = h("div");
    this.el = h("section", { class: "panel gallery", id: "gallery", aria: { labelledby: "gallery-h" } },
      h("h2", { id: "gallery-h", text: "The gallery door" }), this.body, this.refusal);
  }

  send(msg) {
    this.refusal.hidden = true;
    return this.ctx.send(msg).catch((err) => {
      this.refusal.textContent = (err && err.message) || "The Presidium refused.";
      this.refusal.hidden = false;
    });
  }

  knock() {
    const name = this.name.value.trim();
    if (!name) {
      this.refusal.textContent = "Give the name the host knows you by.";
      this.refusal.hidden = false;
      return;
    }
    this.send({ type: "knock", name });
  }

  update() {
    const s = this.ctx.session;
    const l = s.lobby;
    const knocks = (l && l.knocks) || [];
    const seeAll = !!(l && l.settings && l.settings.spectators_see_roles);
    this.el.hidden = !l || (!seeAll && !knocks.length);
    if (this.el.hidden) return;
    if (s.spectator) replace(this.body, this.spectatorDoor(s, knocks));
    else if (s.isHost) replace(this.body, this.hostDoor(knocks, seeAll));
    else {
      const inside = knocks.filter((k) => k.admitted).map((k) => k.name);
      replace(this.body, h("p", { class: "small muted", text: inside.length
        ? streaming() ? `The host has admitted ${inside.length === 1 ? "one spectator" : inside.length + " spectators"} to see every role from the gallery.` : `The host has admitted ${list(inside)} to see every role from the gallery.`
        : "The host has admitted nobody to see the roles from the gallery." }));
    }
  }

  spectatorDoor(s, knocks) {
    const me = knocks.find((k) => k.id === s.gallery);
    const d = s.lobby.settings.spectator_delay_seconds;
    if (me && me.admitted) {
      return h("p", { class: "prompt", id: "knock-status", text: `The host has admitted you${streaming() ? "" : " as " + me.name}: you see every role${d > 0 ? `, ${d} s behind the Congress` : ""}.` });
    }
    if (me) {
      return h("p", { class: "prompt", id: "knock-status", text: `You have knocked${streaming() ? "" : " as " + me.name}. The host will admit you, or not; until then you see the public record.` });
    }
    return [
      h("p", { class: "small", text: "The gallery sees every role only once the host admits you by name: a delegate could otherwise watch from a second window. Until then you see the public record." }),
      h("label", { for: "knock-name", text: "Your name, as the host knows it" }),
      h("div", { class: "link-row" }, this.name,
        h("button", { type: "button", class: "small", id: "knock", data: { key: "knock" }, onclick: () => this.knock(), text: "Knock" })),
    ];
  }

  hostDoor(knocks, seeAll) {
    const intro = h("p", { class: "small muted", text: seeAll
      ? "Spectators see every role only when you admit them. Admit only those you know: a delegate could knock from a second window."
      : "The gallery sees no roles with these orders; an admission counts only if you turn \u201cGallery sees all\u201d on." });
    if (!knocks.length) return [intro, h("p", { class: "small", text: "Nobody has knocked." })];
    // On a stream the knocks are numbered, not named.
    const who = (k, i) => (streaming() ? `Spectator ${i + 1}` : k.name);
    return [intro, h("ul", { class: "knocks", aria: { label: "Knocks at the gallery door" } }, knocks.map((k, i) =>
      h("li", { class: "member", data: { knock: k.id, admitted: k.admitted } },
        h("span", { class: "who" },
          h("span", { class: "name", text: who(k, i) }),
          h("span", { class: ["badge", k.admitted ? "on" : null], text: k.admitted ? "Admitted" : "Knocking" })),
        h("span", { class: "tools" },
          !k.admitted && h("button", { type: "button", class: "small", data: { key: "admit-" + k.id }, aria: { label: `Admit ${who(k, i)}` }, onclick: () => this.send({ type: "host", action: "admit", spectator: k.id }), text: "Admit" }),
          h("button", { type: "button", class: "small", data: { key: "deny-" + k.id }, aria: { label: `${k.admitted ? "Withdraw" : "Turn away"} ${who(k, i)}` }, onclick: () => this.send({ type: "host", action: "deny", spectator: k.id }), text: k.admitted ? "Withdraw" : "Turn away" })))))];
  }
}
