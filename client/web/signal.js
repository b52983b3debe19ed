// signal.js: telling a delegate that it is their turn, beyond the tab's
// title: a short sound (made with the Web Audio API), a buzz on phones, a
// desktop notification while the tab is hidden (permission is asked only
// when the reader turns notifications on), a mark on the tab's icon, and
// a soft tick in the last ten seconds of a phase they have not acted in.
// One toggle for sound, one for notifications, kept in this browser.

import { h, replace } from "./dom.js";
import { t } from "./i18n.js";

const KEY = "congress.signal";

function load() {
  try {
    return { sound: true, notify: false, ...JSON.parse(localStorage.getItem(KEY) || "{}") };
  } catch {
    return { sound: true, notify: false };
  }
}

// ICON is the tab's icon; BADGED the same with a red mark: it is your move.
const ICON = "/favicon.svg";
const BADGED = "data:image/svg+xml," + encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100"><rect width="100" height="100" fill="#161412"/>' +
  '<polygon points="50,4 61,38 97,38 68,59 79,94 50,73 21,94 32,59 3,38 39,38" fill="#b3121b" stroke="#f3ead3" stroke-width="4"/>' +
  '<circle cx="78" cy="22" r="21" fill="#e0b43a" stroke="#161412" stroke-width="5"/></svg>');

export class Signal {
  constructor(session) {
    this.session = session;
    this.prefs = load();
    this.on = false;     // it is this viewer's move now
    this.lastTick = -1;  // the second last ticked
    this.audio = null;
    this.el = h("div", { class: "signals", role: "group", aria: { label: t("signal.group") } });
    this.render();
  }

  save() {
    try { localStorage.setItem(KEY, JSON.stringify(this.prefs)); } catch { /* kept for this page only */ }
  }

  render() {
    replace(this.el,
      h("button", {
        type: "button", class: "small signal", id: "signal-sound", data: { key: "signal-sound" },
        aria: { pressed: this.prefs.sound ? "true" : "false" },
        onclick: () => { this.prefs.sound = !this.prefs.sound; this.save(); this.unlock(); this.render(); },
        text: t("signal.sound"),
      }),
      h("button", {
        type: "button", class: "small signal", id: "signal-notify", data: { key: "signal-notify" },
        aria: { pressed: this.prefs.notify ? "true" : "false" },
        onclick: () => this.toggleNotify(),
        text: t("signal.notify"),
      }));
  }

  // toggleNotify asks the browser's permission on this click, never before.
  async toggleNotify() {
    if (this.prefs.notify) {
      this.prefs.notify = false;
    } else if (typeof Notification !== "undefined") {
      let p = Notification.permission;
      if (p === "default") {
        try { p = await Notification.requestPermission(); } catch { p = "denied"; }
      }
      this.prefs.notify = p === "granted";
    }
    this.save();
    this.render();
  }

  // unlock makes the audio context within a click, as browsers require.
  unlock() {
    if (this.audio || typeof AudioContext === "undefined") return;
    try { this.audio = new AudioContext(); } catch { this.audio = null; }
  }

  beep(freq, length, volume) {
    if (!this.prefs.sound) return;
    if (!this.audio && typeof AudioContext !== "undefined") {
      try { this.audio = new AudioContext(); } catch { return; }
    }
    const a = this.audio;
    if (!a) return;
    if (a.state === "suspended") a.resume().catch(() => {});
    const o = a.createOscillator();
    const g = a.createGain();
    o.type = "triangle";
    o.frequency.value = freq;
    g.gain.setValueAtTime(volume, a.currentTime);
    g.gain.exponentialRampToValueAtTime(0.0001, a.currentTime + length);
    o.connect(g).connect(a.destination);
    o.start();
    o.stop(a.currentTime + length);
  }

  // turn is told, after every change, whether it is this viewer's move,
  // and in what words; it signals when a move becomes theirs.
  turn(on, words) {
    const was = this.on;
    this.on = on;
    this.badge(on);
    if (!on || was) return;
    this.lastTick = -1;
    this.beep(660, 0.18, 0.25);
    setTimeout(() => this.beep(880, 0.22, 0.25), 160);
    if (navigator.vibrate) {
      try { navigator.vibrate([120, 60, 120]); } catch { /* no buzz */ }
    }
    if (this.prefs.notify && document.visibilityState === "hidden" && typeof Notification !== "undefined" && Notification.permission === "granted") { // i18n-ok: browser names, not words
      try {
        const n = new Notification(t("signal.title"), { body: words ? words[0].toUpperCase() + words.slice(1) + "." : "", tag: "congress-turn" });
        n.onclick = () => { window.focus(); n.close(); };
      } catch { /* the page may not notify here */ }
    }
  }

  // tick sounds softly once a second in the last ten while a move waits.
  tick(left, waiting) {
    if (!waiting || left > 10 || left <= 0) return;
    const sec = Math.ceil(left);
    if (sec === this.lastTick) return;
    this.lastTick = sec;
    this.beep(1200, 0.05, 0.06);
  }

  badge(on) {
    const link = document.querySelector('link[rel="icon"]');
    if (!link) return;
    const want = on ? BADGED : ICON;
    if (link.getAttribute("href") !== want) link.setAttribute("href", want);
  }

  stop() {
    this.on = false;
    this.badge(false);
    if (this.audio) this.audio.close().catch(() => {});
    this.audio = null;
  }
}
