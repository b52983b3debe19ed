// streamer.js: streamer mode, for a delegate who plays on stream. It hides
// what would let a viewer into the lobby or tell them a secret: the lobby
// code, the invite links and their QR code, the names of the spectators,
// and one's own file unless it is held open. The choice is this
// browser's (localStorage), and is applied when this module is first
// imported, before any screen is drawn, so that nothing flashes on the
// first paint after a reload. The screens ask streaming() as they draw
// and draw again when it changes (onStreaming).

import { h, replace, announce } from "./dom.js";
import { t } from "./i18n.js";

const KEY = "congress.streamer";

let on = read();
const listeners = new Set();
document.body.classList.toggle("streamer", on);

function read() {
  try {
    return localStorage.getItem(KEY) === "1";
  } catch {
    return false;
  }
}

// streaming reports whether streamer mode is on.
export function streaming() { return on; }

// setStreaming turns streamer mode on or off, keeps the choice, and has
// every screen draw itself again.
export function setStreaming(value) {
  value = !!value;
  if (value === on) return;
  on = value;
  try {
    localStorage.setItem(KEY, on ? "1" : "0");
  } catch {
    // A full or closed store: the choice lasts until the page goes.
  }
  document.body.classList.toggle("streamer", on);
  drawControl();
  announce(on ? t("streamer.on_said") : t("streamer.off_said"));
  for (const fn of listeners) fn(on);
}

// onStreaming calls fn(on) at every change; it returns the unsubscribe.
export function onStreaming(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

// HIDDEN is what stands where something is hidden.
export const HIDDEN = t("streamer.hidden");

// hiddenNote is the placeholder of a hidden thing, in words.
export function hiddenNote(what) {
  return h("p", { class: "small muted streamer-note", data: { hidden: "streamer" }, text: t("streamer.note", { what, hidden: HIDDEN }) });
}

// spectatorName is a spectator's name as the page may show it.
export function spectatorName(name) {
  return on || !name ? t("streamer.a_spectator") : name;
}

// The masthead's control: a switch that, while on, is also the badge
// that says so.
const control = h("span", { class: "streamer-control", id: "streamer-control" });

function drawControl() {
  replace(control,
    h("button", {
      type: "button", class: ["small", "streamer-toggle", on && "on"], id: "streamer-toggle",
      aria: { pressed: on ? "true" : "false", describedby: "streamer-what" },
      title: on ? t("streamer.title_on") : t("streamer.title_off"),
      onclick: () => setStreaming(!on),
    }, t("streamer.button"), h("span", { class: "streamer-word", text: t("streamer.button_mode") }), on ? t("streamer.button_on") : ""),
    h("span", { class: "sr-only", id: "streamer-what", text: t("streamer.what") }));
}

const masthead = document.querySelector(".masthead");
if (masthead) {
  drawControl();
  masthead.insertBefore(control, document.getElementById("conn"));
}
