// rolecard.js: your secret file. It stays sealed until you press to open
// it (shoulder-surfing on phones), and says what your role knows: the
// bloc for a Plotter, the NKVD's reports for the Investigator, and what
// each Congress role knows beyond them.

import { h, replace } from "./dom.js";
import { ROLE, ROLE_BRIEF, FACTION, FACTION_ONE } from "./words.js";
import { streaming, onStreaming } from "./streamer.js";
import { t } from "./i18n.js";

export class RoleCard {
  // onToggle(open) lets the table hide or show the roles with the card.
  constructor(onToggle) {
    this.open = false;
    this.peeking = false;
    this.releasedAt = 0;
    this.onToggle = onToggle;
    this.body = h("div", { id: "role-file" });
    this.el = h("section", { class: "panel role", aria: { labelledby: "role-h" } },
      h("h2", { id: "role-h", text: t("rolecard.h") }), this.body);
    // Streamer mode coming on seals an open file, whoever may be
    // watching now; the card's screen draws it again.
    const unStream = onStreaming((on) => {
      if (!this.el.isConnected) { unStream(); return; }
      if (on && this.open && !this.peeking) {
        this.open = false;
        this.onToggle(false);
      }
    });
  }

  toggle() {
    // In streamer mode the file opens only while held; a click without
    // a hold (a screen reader's) opens it until sealed by hand.
    if (this.held()) return;
    this.open = !this.open;
    this.peeking = false;
    this.onToggle(this.open);
  }

  // held reports whether a hold is on, or has just ended: the click that
  // follows a hold's release is part of the hold.
  held() {
    return this.peeking || Date.now() - this.releasedAt < 400;
  }

  // seal closes the file without telling the table: the caller does.
  seal() {
    this.open = false;
    this.peeking = false;
  }

  // peek opens the file while a finger, the mouse or a key (e, the
  // pointerdown or keydown) holds it down, and seals it the moment that
  // one lets go, or the window loses focus. Another finger may tap the
  // table meanwhile.
  peek(e) {
    if (this.open || e.repeat) return;
    e.preventDefault();
    this.open = true;
    this.peeking = true;
    this.onToggle(true);
    const from = e.target instanceof HTMLElement && e.target.closest("[data-key]") ? e.target.closest("[data-key]").dataset.key : "";
    const stop = new AbortController();
    const done = (ev) => {
      if (ev.type === "keyup" && ev.key.toLowerCase() !== e.key.toLowerCase()) return;
      if (ev.pointerId !== undefined && e.pointerId !== undefined && ev.pointerId !== e.pointerId) return;
      stop.abort();
      this.releasedAt = Date.now();
      if (!this.peeking) return;
      this.peeking = false;
      this.open = false;
      this.onToggle(false);
      // A key held on the button leaves the focus on it.
      if (e.type === "keydown" && from && (!document.activeElement || document.activeElement === document.body)) {
        const again = document.querySelector(`[data-key="${from}"]`);
        if (again) again.focus();
      }
    };
    const opts = { signal: stop.signal };
    if (e.type === "keydown") addEventListener("keyup", done, opts);
    else {
      addEventListener("pointerup", done, opts);
      addEventListener("pointercancel", done, opts);
    }
    addEventListener("blur", done, opts);
  }

  // peekButton is the press-and-hold control: a finger, the mouse, or
  // Space or Enter held on it.
  peekButton(label, key = "role-peek", cls = "small dark") {
    const b = h("button", {
      type: "button", class: cls + " peek", data: { key },
      aria: { describedby: "peek-how" },
      onpointerdown: (e) => this.peek(e),
      onkeydown: (e) => { if (e.key === " " || e.key === "Enter") this.peek(e); },
      oncontextmenu: (e) => e.preventDefault(),
      // A screen reader clicks without holding: the file opens until sealed.
      onclick: () => this.toggle(),
      text: label,
    });
    b.setAttribute("aria-keyshortcuts", "F");
    return b;
  }

  // update shows the file of view's delegate; a spectator is given the
  // gallery's note instead.
  update(view, galleryNote) {
    const you = view.you;
    if (!you) {
      replace(this.body, h("p", { class: "muted", text: t("rolecard.spectator", { note: galleryNote }) }));
      return;
    }
    const streamed = streaming();
    const button = h("button", {
      type: "button", class: this.open ? "small" : "primary",
      aria: { expanded: this.open ? "true" : "false", controls: "role-file" },
      data: { key: "role-toggle" },
      onclick: () => this.toggle(),
      text: this.open ? (this.peeking ? t("rolecard.let_go") : t("rolecard.seal")) : t("rolecard.open"),
    });
    button.setAttribute("aria-keyshortcuts", "F");
    if (!this.open) {
      replace(this.body, h("div", { class: "dossier sealed" },
        h("span", { class: "stamp", text: t("rolecard.stamp") }),
        h("p", { class: "small", id: "peek-how", text: streamed
          ? t("rolecard.streamer_how")
          : t("rolecard.shoulder") }),
        h("div", { class: "act-row" }, !streamed && button, this.peekButton(streamed ? t("rolecard.hold_open") : t("rolecard.hold_peek")))));
      return;
    }
    const name = (i) => (view.seats[i] ? view.seats[i].name : "?");
    const known = [];
    const knows = you.knows || {};
    if (you.bloc && you.bloc.length) {
      // A Plotter sees each fellow's role: Kirov, and the bloc's own roles.
      const roleOf = (i) => (you.kirov === i ? "kirov" : view.seats[i] && view.seats[i].role);
      known.push(h("p", { class: "small", text: t("rolecard.bloc") }),
        h("ul", { class: "bloc" }, you.bloc.map((i) => h("li", {
          data: { seat: i },
          text: (i === you.seat ? t("rolecard.name_you", { name: name(i) }) : name(i)) + (roleOf(i) && roleOf(i) !== "plotter" ? " — " + (ROLE[roleOf(i)] || roleOf(i)) : ""),
        }))));
    }
    if (knows.of_bloc && knows.of_bloc.length) {
      known.push(h("p", { class: "small", text: t("rolecard.of_bloc") }),
        h("ul", { class: "bloc" }, knows.of_bloc.map((i) => h("li", { data: { seat: i }, text: name(i) }))));
    }
    if (knows.reported_as) {
      known.push(h("p", { class: "small", id: "reported-as", text: t("rolecard.reported_as", { faction: FACTION_ONE[knows.reported_as] || knows.reported_as }) }));
    }
    if (you.role === "yagoda") {
      const f = knows.falsified;
      known.push(h("p", { class: "small", id: "falsified", text: !f
        ? t("rolecard.falsify_unused")
        : f.named >= 0 ? t("rolecard.falsified_on", { n: f.session, name: name(f.named) })
          : view.phase === "night" && view.session === f.session ? t("rolecard.falsified_tonight")
            : t("rolecard.falsified_nobody", { n: f.session }) }));
    }
    if (you.proposals && you.proposals.length) {
      known.push(h("p", { class: "small", text: t("rolecard.proposals") }),
        h("ul", {}, you.proposals.map((p) => h("li", { text: `${name(p.seat)} → ${name(p.target)}` }))));
    }
    if (you.role === "investigator") {
      known.push(h("p", { class: "small", text: t("rolecard.reports") }),
        you.investigations && you.investigations.length
          ? h("ul", {}, you.investigations.map((r) => h("li", { text: t("rolecard.report", { n: r.session, name: name(r.target), faction: FACTION_ONE[r.faction] || r.faction }) })))
          : h("p", { class: "small muted", text: t("rolecard.no_reports") }));
      const doubt = reportDoubts(view.rules);
      if (doubt) known.push(h("p", { class: "small", id: "report-doubts", text: doubt }));
    }
    replace(this.body, h("div", { class: ["dossier", you.faction], data: { role: you.role } },
      h("p", { class: "role-name", text: ROLE[you.role] || you.role }),
      h("p", { class: "faction", text: (FACTION[you.faction] || "") + (you.alive ? "" : t("rolecard.purged")) }),
      h("p", { text: ROLE_BRIEF[you.role] || "" }),
      known,
      button));
  }
}

// reportDoubts is what may make an NKVD report lie, by the roles in play
// (the view's rules): "" when a report is always true.
export function reportDoubts(rules) {
  const inPlay = new Set(((rules && rules.roles) || []).map((x) => x.role));
  const doubts = [];
  if (inPlay.has("bukharin")) doubts.push(t("rolecard.doubt_bukharin"));
  if (inPlay.has("zinoviev")) doubts.push(t("rolecard.doubt_zinoviev"));
  if (inPlay.has("yagoda")) doubts.push(t("rolecard.doubt_yagoda"));
  if (!doubts.length) return "";
  return t("rolecard.doubts", { doubts: doubts.join("; ") });
}
