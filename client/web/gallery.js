// gallery.js: the door of the gallery. Under "Gallery sees all" anyone
// with the code may watch, a delegate in a second window too, so the
// roles are shown only to the spectators the host admits by name: a
// spectator knocks with a name, the host admits or turns away each knock,
// and everyone may see whom the host let in.

import { h, replace, list } from "./dom.js";
import { streaming } from "./streamer.js";
import { t } from "./i18n.js";
import { errorText } from "./errors.js";

export class Gallery {
  constructor(ctx) {
    this.ctx = ctx;
    // The name field is made once, so a re-render never loses what is typed.
    this.name = h("input", { type: "text", id: "knock-name", maxlength: 24, autocomplete: "nickname", data: { key: "knock-name" } });
    this.refusal = h("p", { class: "refusal", role: "alert", hidden: true });
    this.body = h("div");
    this.el = h("section", { class: "panel gallery", id: "gallery", aria: { labelledby: "gallery-h" } },
      h("h2", { id: "gallery-h", text: t("gallery.door") }), this.body, this.refusal);
  }

  send(msg) {
    this.refusal.hidden = true;
    return this.ctx.send(msg).catch((err) => {
      this.refusal.textContent = errorText(err);
      this.refusal.hidden = false;
    });
  }

  knock() {
    const name = this.name.value.trim();
    if (!name) {
      this.refusal.textContent = t("gallery.give_name");
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
        ? streaming() ? t("gallery.admitted_count", { n: inside.length }) : t("gallery.admitted_names", { names: list(inside) })
        : t("gallery.admitted_nobody") }));
    }
  }

  spectatorDoor(s, knocks) {
    const me = knocks.find((k) => k.id === s.gallery);
    const d = s.lobby.settings.spectator_delay_seconds;
    if (me && me.admitted) {
      return h("p", { class: "prompt", id: "knock-status", text: streaming() ? (d > 0 ? t("gallery.you_admitted_delay", { d }) : t("gallery.you_admitted")) : (d > 0 ? t("gallery.you_admitted_as_delay", { name: me.name, d }) : t("gallery.you_admitted_as", { name: me.name })) });
    }
    if (me) {
      return h("p", { class: "prompt", id: "knock-status", text: streaming() ? t("gallery.knocked") : t("gallery.knocked_as", { name: me.name }) });
    }
    return [
      h("p", { class: "small", text: t("gallery.why") }),
      h("label", { for: "knock-name", text: t("gallery.name_label") }),
      h("div", { class: "link-row" }, this.name,
        h("button", { type: "button", class: "small", id: "knock", data: { key: "knock" }, onclick: () => this.knock(), text: t("gallery.knock") })),
    ];
  }

  hostDoor(knocks, seeAll) {
    const intro = h("p", { class: "small muted", text: seeAll
      ? t("gallery.host_see_all")
      : t("gallery.host_no_roles") });
    if (!knocks.length) return [intro, h("p", { class: "small", text: t("gallery.nobody") })];
    // On a stream the knocks are numbered, not named.
    const who = (k, i) => (streaming() ? t("gallery.spectator_n", { n: i + 1 }) : k.name);
    return [intro, h("ul", { class: "knocks", aria: { label: t("gallery.knocks") } }, knocks.map((k, i) =>
      h("li", { class: "member", data: { knock: k.id, admitted: k.admitted } },
        h("span", { class: "who" },
          h("span", { class: "name", text: who(k, i) }),
          h("span", { class: ["badge", k.admitted ? "on" : null], text: k.admitted ? t("gallery.admitted") : t("gallery.knocking") })),
        h("span", { class: "tools" },
          !k.admitted && h("button", { type: "button", class: "small", data: { key: "admit-" + k.id }, aria: { label: t("gallery.admit_who", { who: who(k, i) }) }, onclick: () => this.send({ type: "host", action: "admit", spectator: k.id }), text: t("gallery.admit") }),
          h("button", { type: "button", class: "small", data: { key: "deny-" + k.id }, aria: { label: k.admitted ? t("gallery.withdraw_who", { who: who(k, i) }) : t("gallery.turn_away_who", { who: who(k, i) }) }, onclick: () => this.send({ type: "host", action: "deny", spectator: k.id }), text: k.admitted ? t("gallery.withdraw") : t("gallery.turn_away") })))))];
  }
}
