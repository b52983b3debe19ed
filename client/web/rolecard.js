// rolecard.js: your secret file. It stays sealed until you press to open
// it (shoulder-surfing on phones), and says what your role knows: the
// bloc for a Plotter, the NKVD's reports for the Investigator.

import { h, replace } from "./dom.js";
import { ROLE, ROLE_BRIEF, FACTION, FACTION_ONE } from "./words.js";

export class RoleCard {
  // onToggle(open) lets the table hide or show the roles with the card.
  constructor(onToggle) {
    this.open = false;
    this.onToggle = onToggle;
    this.body = h("div", { id: "role-file" });
    this.el = h("section", { class: "panel role", aria: { labelledby: "role-h" } },
      h("h2", { id: "role-h", text: "Your file" }), this.body);
  }

  toggle() {
    this.open = !this.open;
    this.onToggle(this.open);
  }

  // seal closes the file without telling the table: the caller does.
  seal() {
    this.open = false;
    this.peeking = false;
  }

  // peek opens the file while a finger (or the mouse) holds it down, and
  // seals it the moment it lets go.
  peek(e) {
    if (this.open) return;
    e.preventDefault();
    this.open = true;
    this.peeking = true;
    this.onToggle(true);
    const done = () => {
      removeEventListener("pointerup", done);
      removeEventListener("pointercancel", done);
      if (!this.peeking) return;
      this.peeking = false;
      this.open = false;
      this.onToggle(false);
    };
    addEventListener("pointerup", done);
    addEventListener("pointercancel", done);
  }

  // update shows the file of view's delegate; a spectator is given the
  // gallery's note instead.
  update(view, galleryNote) {
    const you = view.you;
    if (!you) {
      replace(this.body, h("p", { class: "muted", text: "Spectators hold no file. " + galleryNote }));
      return;
    }
    const button = h("button", {
      type: "button", class: this.open ? "small" : "primary",
      aria: { expanded: this.open ? "true" : "false", controls: "role-file" },
      data: { key: "role-toggle" },
      onclick: () => this.toggle(),
      text: this.open ? (this.peeking ? "Let go to seal" : "Seal the file") : "Open your file",
    });
    button.setAttribute("aria-keyshortcuts", "F");
    if (!this.open) {
      replace(this.body, h("div", { class: "dossier sealed" },
        h("span", { class: "stamp", text: "SECRET" }),
        h("p", { class: "small", text: "Make sure nobody is looking over your shoulder." }),
        h("div", { class: "act-row" }, button,
          h("button", { type: "button", class: "small dark peek", data: { key: "role-peek" }, onpointerdown: (e) => this.peek(e), oncontextmenu: (e) => e.preventDefault(), text: "Hold to peek" }))));
      return;
    }
    const name = (i) => (view.seats[i] ? view.seats[i].name : "?");
    const known = [];
    if (you.bloc && you.bloc.length) {
      known.push(h("p", { class: "small", text: "Kirov's bloc:" }),
        h("ul", {}, you.bloc.map((i) => h("li", {
          text: name(i) + (i === you.seat ? " (you)" : "") + (you.kirov === i ? " — Kirov" : ""),
        }))));
    }
    if (you.proposals && you.proposals.length) {
      known.push(h("p", { class: "small", text: "Letter proposals tonight:" }),
        h("ul", {}, you.proposals.map((p) => h("li", { text: `${name(p.seat)} → ${name(p.target)}` }))));
    }
    if (you.role === "investigator") {
      known.push(h("p", { class: "small", text: "The NKVD's reports:" }),
        you.investigations && you.investigations.length
          ? h("ul", {}, you.investigations.map((r) => h("li", { text: `Session ${r.session}: ${name(r.target)} is ${FACTION_ONE[r.faction] || r.faction}` })))
          : h("p", { class: "small muted", text: "No reports yet. Investigate one delegate each night." }));
    }
    replace(this.body, h("div", { class: ["dossier", you.faction], data: { role: you.role } },
      h("p", { class: "role-name", text: ROLE[you.role] || you.role }),
      h("p", { class: "faction", text: (FACTION[you.faction] || "") + (you.alive ? "" : " · purged") }),
      h("p", { text: ROLE_BRIEF[you.role] || "" }),
      known,
      button));
  }
}
