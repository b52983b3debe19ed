// chat.js: a tab per channel this viewer may read or write, each with its
// count of lines not yet read (kept across a reload), lines that follow
// the newest one unless the reader scrolled up (then a pill says that
// more came), and a box that never loses a line: what you send shows as
// "sending" until the server accepts it, waits out a lost connection, and
// comes back into the box (or stays, with the reason) if the server
// refuses it.

import { h, replace } from "./dom.js";
import { CHANNEL } from "./words.js";
import { spectatorName } from "./streamer.js";
import { t, time } from "./i18n.js";
import { errorText } from "./errors.js";

const ORDER = ["public", "plotters", "purged", "spectators"];

// closedReason says why this viewer may read a channel but not write it.
function closedReason(ch, session) {
  const v = session.view;
  if (v && v.phase === "over" && ch !== "public") return t("chat.closed_open");
  if (session.spectator) return ch === "public" ? t("chat.gallery_floor") : t("chat.read_only");
  if (v && v.you && !v.you.alive) return t("chat.purged");
  if (ch === "public" && v && v.phase === "night") return t("chat.night");
  if (ch === "plotters" && v && v.rules && v.rules.plotter_chat === "night") return t("chat.bloc_night");
  return t("chat.not_now");
}

export class Chat {
  constructor(session, send, connected) {
    this.session = session;
    this.send = send;
    this.connected = connected; // () => whether the line is up
    this.tab = "";
    this.picked = false; // the reader chose a tab themselves
    this.seen = loadSeen(session.code); // channel -> time of the last line read
    this.follow = true;  // the lines are scrolled to the newest
    this.placed = false; // a screen has put the chat in its place
    this.shown = true;   // the chat is on the screen (a phone shows one pane)
    this.withSecrets = true; // the bloc's channel may show (the file is open)
    this.pending = [];   // {text, channel, state, error}
    this.notice = "";    // why the last line came back into the box
    this.tabs = h("div", { class: "tabs", role: "tablist", aria: { label: t("chat.channels_label") } });
    // Lines said are a log that screen readers follow: new lines are
    // appended, never re-rendered. Lines of ours still on their way sit
    // below it, outside the log.
    this.lines = h("div", { class: "said", id: "chat-lines", role: "log", aria: { live: "polite", label: t("chat.lines_label") } });
    this.pendingList = h("ul", { class: "said", id: "chat-pending" });
    this.empty = h("p", { class: "muted small", text: t("chat.empty") });
    this.scroller = h("div", { class: "lines", tabindex: "0", role: "region", aria: { label: t("chat.scroller_label") }, onscroll: () => this.scrolled() }, this.empty, this.lines, this.pendingList);
    this.pill = h("button", { type: "button", class: "small new-lines", id: "chat-new", hidden: true, onclick: () => this.toNewest(), text: t("chat.new_lines") });
    this.rendered = { tab: "", count: 0, first: null };
    this.input = h("input", { type: "text", maxlength: 500, autocomplete: "off", aria: { label: t("chat.input_label") }, placeholder: t("chat.placeholder"), id: "chat-input" });
    this.closed = h("p", { class: "chat-closed", role: "status", hidden: true });
    this.button = h("button", { type: "submit", class: "dark", text: t("chat.send") });
    this.form = h("form", { class: "chat-form", onsubmit: (e) => { e.preventDefault(); this.submit(); } }, this.input, this.button);
    this.el = h("section", { class: "panel chat", aria: { labelledby: "chat-h" } },
      h("h2", { id: "chat-h", text: t("chat.h") }), this.tabs, h("div", { role: "tabpanel", class: "chat-panel", aria: { labelledby: "chat-h" } }, this.scroller, this.pill, this.form, this.closed));
  }

  // attached is called when a screen has put the chat in its place: it
  // opens at the newest line, with every channel shown.
  attached() {
    this.withSecrets = true;
    // Opened with lines unread (after a reload, say), the chat starts at
    // the first of them; otherwise at the newest. Nothing is marked read
    // before it is in its place.
    this.placed = false;
    this.follow = false;
    this.update();
    const first = this.firstUnread();
    this.placed = true;
    if (!first) {
      this.follow = true;
      this.update();
      requestAnimationFrame(() => this.stick());
      return;
    }
    this.placing = true;
    requestAnimationFrame(() => {
      const box = this.scroller;
      box.scrollTop += first.getBoundingClientRect().top - box.getBoundingClientRect().top - 4;
      this.placing = false;
      this.follow = this.atBottom();
      this.update();
    });
  }

  // firstUnread is the element of the open tab's first unread line.
  firstUnread() {
    const seen = this.seen[this.tab];
    if (seen === undefined) return null;
    const shown = this.session.chat.filter((l) => l.channel === this.tab);
    const i = shown.findIndex((l) => when(l) > seen && !(l.from && l.from === this.session.me));
    return i >= 0 ? this.lines.children[i] || null : null;
  }

  // secrets shows or hides the channels only a role may read (the bloc's),
  // with the file: a sealed file shows the chat everyone has.
  secrets(open) { this.withSecrets = open; }

  // visible tells the chat whether it is on the screen now.
  visible(on) {
    if (on === this.shown) return;
    this.shown = on;
    if (on) requestAnimationFrame(() => { this.stick(); this.update(); });
  }

  atBottom() {
    const box = this.scroller;
    return box.scrollTop + box.clientHeight >= box.scrollHeight - 8;
  }

  scrolled() {
    if (!this.scroller.clientHeight || !this.placed || this.placing) return; // hidden: no news of where the reader is
    const was = this.follow;
    this.follow = this.atBottom();
    if (this.follow && !was) this.update();
  }

  stick() {
    if (this.follow) this.scroller.scrollTop = this.scroller.scrollHeight;
  }

  toNewest() {
    this.follow = true;
    this.stick();
    this.update();
    this.input.focus({ preventScroll: true });
  }

  // unread counts the lines of channel c said after the last one read,
  // not counting one's own.
  unread(c) {
    const seen = this.seen[c] || 0;
    return this.session.chat.filter((l) => l.channel === c && when(l) > seen && !(l.from && l.from === this.session.me)).length;
  }

  // unreadTotal is every unread line in the channels shown.
  unreadTotal() {
    return this.tabsShown().reduce((n, c) => n + (c === this.tab && this.reading() ? 0 : this.unread(c)), 0);
  }

  // reading reports whether the reader sees the newest line of the open tab.
  reading() {
    return this.placed && this.shown && this.follow && document.visibilityState !== "hidden";
  }

  markRead(c) {
    const last = this.session.chat.filter((l) => l.channel === c).at(-1);
    if (!last || !last.at || (this.seen[c] || 0) >= when(last)) return;
    this.seen[c] = when(last);
    saveSeen(this.session.code, this.seen);
  }

  tabsShown() {
    const { read, write } = this.channels();
    return ORDER.filter((c) => (read.includes(c) || write.includes(c)) && (this.withSecrets || c !== "plotters"));
  }

  // channels is what this viewer may read and write now.
  channels() {
    const v = this.session.view;
    if (v) return { read: v.read || [], write: v.write || [] };
    // Between games: what the server's welcome said.
    return this.session.channels || { read: [], write: [] };
  }

  update() {
    const all = this.tabsShown();
    const write = this.channels().write.filter((c) => all.includes(c));
    // Until the reader picks a tab, follow the channel they may speak in.
    if (!all.includes(this.tab) || (!this.picked && !write.includes(this.tab) && write.length)) this.tab = write[0] || all[0] || "public";
    const lines = this.session.chat;
    // A first visit has read what was said before it came.
    for (const c of this.channels().read) {
      if (!(c in this.seen)) {
        this.seen[c] = 0;
        this.markRead(c);
      }
    }
    if (this.reading()) this.markRead(this.tab);
    replace(this.tabs, all.map((c) => {
      const unread = this.unread(c);
      return h("button", {
        type: "button", role: "tab", id: "tab-" + c,
        aria: { selected: c === this.tab ? "true" : "false", controls: "chat-lines" },
        data: { key: "tab-" + c, channel: c },
        tabindex: c === this.tab ? "0" : "-1",
        onclick: () => { this.tab = c; this.picked = true; this.follow = true; this.update(); },
        onkeydown: (e) => this.arrow(e, all),
      }, CHANNEL[c] || c, unread > 0 ? h("span", { class: "unread", aria: { label: t("chat.unread", { n: unread }) }, text: String(unread) }) : null);
    }));
    this.renderLines(lines.filter((l) => l.channel === this.tab));
    replace(this.pendingList, this.pending.filter((p) => p.channel === this.tab).map((p) => this.pendingLine(p)));
    this.stick();
    this.pill.hidden = this.follow || this.unread(this.tab) === 0;
    const open = write.includes(this.tab);
    this.input.disabled = !open;
    this.button.disabled = !open;
    this.closed.hidden = open && !this.notice;
    this.closed.textContent = this.notice || (open ? "" : closedReason(this.tab, this.session));
  }

  // renderLines appends the lines not yet shown, or, when the tab or the
  // history changed, draws them all again (aria-busy meanwhile, so that
  // screen readers do not read the whole history out).
  renderLines(shown) {
    const r = this.rendered;
    const line = (l) => h("div", { class: "said-line", title: l.at ? time(new Date(l.at), { timeStyle: "medium" }) : null },
      h("span", { class: ["from", l.from && l.from === this.session.me && "me"], text: (l.from ? l.name : spectatorName(l.name)) + ":" }),
      h("span", { class: "text", text: l.text }));
    if (r.tab === this.tab && shown.length >= r.count && (r.count === 0 || shown[0] === r.first)) {
      for (const l of shown.slice(r.count)) this.lines.append(line(l));
    } else {
      this.lines.setAttribute("aria-busy", "true");
      replace(this.lines, shown.map(line));
      this.lines.setAttribute("aria-busy", "false");
    }
    this.empty.hidden = shown.length > 0 || this.pending.some((p) => p.channel === this.tab);
    this.rendered = { tab: this.tab, count: shown.length, first: shown[0] || null };
  }

  pendingLine(p) {
    if (p.state === "failed") {
      return h("li", { class: "failed" },
        h("span", { class: "from", text: t("chat.not_sent_from") }), h("span", { text: p.text + " — " + p.error + " " }),
        h("button", { type: "button", class: "small", text: t("chat.retry"), onclick: () => { this.drop(p); this.post(p.text, p.channel); } }),
        " ",
        h("button", { type: "button", class: "small", text: t("chat.discard"), onclick: () => { this.drop(p); this.update(); } }));
    }
    const why = this.connected() ? t("chat.sending") : t("chat.waiting");
    return h("li", { class: "pending" }, h("span", { class: "from", text: t("chat.you_from") }), h("span", { text: t("chat.pending_text", { text: p.text, why }) }));
  }

  arrow(e, all) {
    const i = all.indexOf(this.tab);
    let j = -1;
    if (e.key === "ArrowRight") j = (i + 1) % all.length;
    else if (e.key === "ArrowLeft") j = (i - 1 + all.length) % all.length;
    else return;
    e.preventDefault();
    this.tab = all[j];
    this.picked = true;
    this.follow = true;
    this.update();
    const tab = this.tabs.querySelector(`[data-channel="${all[j]}"]`);
    if (tab) tab.focus();
  }

  submit() {
    const text = this.input.value.trim();
    if (!text) return;
    this.input.value = "";
    this.notice = "";
    // One's own line is always seen land.
    this.follow = true;
    this.post(text, this.tab);
  }

  post(text, channel) {
    const p = { text, channel, state: "sending", error: "" };
    this.pending.push(p);
    this.update();
    this.send({ type: "say", channel, text }).then(() => {
      this.drop(p);
      this.update();
    }, (err) => {
      p.state = "failed";
      p.error = err ? errorText(err) : t("chat.refused");
      // Put the words back where they were typed, unless the box is in use.
      if (!this.input.value && !this.input.disabled && this.tab === channel) {
        this.input.value = text;
        this.drop(p);
        this.notice = t("chat.not_sent", { error: p.error });
      }
      this.update();
    });
  }

  drop(p) { this.pending = this.pending.filter((x) => x !== p); }

  // redraw draws every line again (the names shown changed).
  redraw() {
    this.rendered = { tab: "", count: 0, first: null };
    this.update();
  }
}

// when is a line's time in milliseconds.
function when(l) {
  return l.at ? Date.parse(l.at) || 0 : 0;
}

// The time of the last line read in each channel, kept per lobby.
function loadSeen(code) {
  try {
    return JSON.parse(localStorage.getItem("congress.read." + code)) || {};
  } catch {
    return {};
  }
}

function saveSeen(code, seen) {
  try {
    localStorage.setItem("congress.read." + code, JSON.stringify(seen));
  } catch {
    // A full or closed store: the counts live until the page goes.
  }
}
