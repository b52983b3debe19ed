// rolecard.js: your secret file. It stays sealed until you press to open
// it (shoulder-surfing on phones), and says what your role knows: the
// bloc for a Plotter, the NKVD's reports for the Investigator, and what
// each Congress role knows beyond them.

import { h, replace } from "./dom.js";
import { ROLE, ROLE_BRIEF, FACTION, FACTION_ONE } from "./words.js";
import { streaming, onStreaming } from "./streamer.js";

export class RoleCard {
  // onToggle(open) lets the table hide or show the roles with the card.
  constructor(onToggle) {
    this.open = false;
    this.peeking = false;
    this.releasedAt = 0;
    this.onToggle = onToggle;
    this.body = h("div", { id: "role-file" });
    this.el = h("section", { class: "panel role", aria: { labelledby: "role-h" } },
      h("h2", { id: "role-h", text: "Your file" }), this.body);
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
      replace(this.body, h("p", { class: "muted", text: "Spectators hold no file. " + galleryNote }));
      return;
    }
    const streamed = streaming();
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
        h("p", { class: "small", id: "peek-how", text: streamed
          ? "Streamer mode: your file opens only while you hold it, or hold F. Hold it to act at night."
          : "Make sure nobody is looking over your shoulder." }),
        h("div", { class: "act-row" }, !streamed && button, this.peekButton(streamed ? "Hold to open your file" : "Hold to peek"))));
      return;
    }
    const name = (i) => (view.seats[i] ? view.seats[i].name : "?");
    const known = [];
    const knows = you.knows || {};
    if (you.bloc && you.bloc.length) {
      // A Plotter sees each fellow's role: Kirov, and the bloc's own roles.
      const roleOf = (i) => (you.kirov === i ? "kirov" : view.seats[i] && view.seats[i].role);
      known.push(h("p", { class: "small", text: "Kirov's bloc:" }),
        h("ul", { class: "bloc" }, you.bloc.map((i) => h("li", {
          data: { seat: i },
          text: name(i) + (i === you.seat ? " (you)" : "") + (roleOf(i) && roleOf(i) !== "plotter" ? " — " + (ROLE[roleOf(i)] || roleOf(i)) : ""),
        }))));
    }
    if (knows.of_bloc && knows.of_bloc.length) {
      known.push(h("p", { class: "small", text: "Of the bloc, by your own sources (Sergei Kirov is not among them: you cannot believe it of him):" }),
        h("ul", { class: "bloc" }, knows.of_bloc.map((i) => h("li", { data: { seat: i }, text: name(i) }))));
    }
    if (knows.reported_as) {
      known.push(h("p", { class: "small", id: "reported-as", text: `The NKVD reports you as ${FACTION_ONE[knows.reported_as] || knows.reported_as}.` }));
    }
    if (you.role === "yagoda") {
      const f = knows.falsified;
      known.push(h("p", { class: "small", id: "falsified", text: !f
        ? "You have not falsified a report yet. Once a game, at night, you may."
        : f.named >= 0 ? `Session ${f.session}: you falsified the report on ${name(f.named)}.`
          : view.phase === "night" && view.session === f.session ? "Tonight's report is falsified. At dawn you learn whom it named."
            : `Session ${f.session}: you falsified the report, but the Investigator named nobody.` }));
    }
    if (you.proposals && you.proposals.length) {
      known.push(h("p", { class: "small", text: "Letter proposals tonight:" }),
        h("ul", {}, you.proposals.map((p) => h("li", { text: `${name(p.seat)} → ${name(p.target)}` }))));
    }
    if (you.role === "investigator") {
      known.push(h("p", { class: "small", text: "The NKVD's reports:" }),
        you.investigations && you.investigations.length
          ? h("ul", {}, you.investigations.map((r) => h("li", { text: `Session ${r.session}: ${name(r.target)} is reported ${FACTION_ONE[r.faction] || r.faction}` })))
          : h("p", { class: "small muted", text: "No reports yet. Investigate one delegate each night." }));
      const doubt = reportDoubts(view.rules);
      if (doubt) known.push(h("p", { class: "small", id: "report-doubts", text: doubt }));
    }
    replace(this.body, h("div", { class: ["dossier", you.faction], data: { role: you.role } },
      h("p", { class: "role-name", text: ROLE[you.role] || you.role }),
      h("p", { class: "faction", text: (FACTION[you.faction] || "") + (you.alive ? "" : " · purged") }),
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
  if (inPlay.has("bukharin")) doubts.push("Bukharin is reported as a Plotter");
  if (inPlay.has("zinoviev")) doubts.push("Zinoviev is reported as a Loyalist");
  if (inPlay.has("yagoda")) doubts.push("Yagoda may falsify one report");
  if (!doubts.length) return "";
  return `Weigh each report: in this Congress ${doubts.join("; ")}.`;
}
