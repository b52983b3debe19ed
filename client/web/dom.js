// dom.js: the only way the client builds DOM. Text goes in with
// textContent (never innerHTML), so a delegate's name or chat line can
// never become markup, and nothing here needs an inline style or script.

// h builds an element. attrs: "class", "text", "on<event>" handlers,
// "data" (an object of data-* values), "aria" (aria-* values), and any
// other attribute or property. Children are nodes, strings (as text),
// arrays of either, or null/false (skipped).
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") el.className = Array.isArray(v) ? v.filter(Boolean).join(" ") : v; // i18n-ok
    else if (k === "text") el.textContent = String(v);
    else if (k === "data") for (const [dk, dv] of Object.entries(v)) { if (dv !== null && dv !== undefined) el.dataset[dk] = String(dv); }
    else if (k === "aria") for (const [ak, av] of Object.entries(v)) { if (av !== null && av !== undefined) el.setAttribute("aria-" + ak, String(av)); } // i18n-ok
    else if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k in el && typeof v !== "string") el[k] = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

// replace swaps an element's children for new ones, keeping keyboard
// focus on the element with the same data-key if there was one, so that
// a re-render after someone else's move does not throw a keyboard user
// back to the top of the page.
export function replace(el, ...children) {
  const active = document.activeElement;
  const key = active && el.contains(active) ? active.dataset.key : undefined;
  el.replaceChildren();
  append(el, children);
  if (key !== undefined) {
    const again = el.querySelector(`[data-key="${CSS.escape(key)}"]`);
    if (again) again.focus();
  }
}

// announce tells screen readers something that changed (phase, your
// turn), through the page's polite live region.
let announceTimer = 0;
export function announce(text, urgent = false) {
  const region = document.getElementById(urgent ? "alert" : "announce");
  if (!region) return;
  // Clearing first makes a repeated sentence be read again.
  region.textContent = "";
  clearTimeout(announceTimer);
  announceTimer = setTimeout(() => { region.textContent = text; }, 50);
}

// list joins names by the page language's rule: "A, B and C".
export { list } from "./i18n.js";

// clock renders seconds as m:ss.
export function clock(seconds) {
  const s = Math.max(0, Math.ceil(seconds));
  return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
}
