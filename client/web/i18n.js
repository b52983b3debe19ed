// i18n.js: every word the client shows comes from here. The catalogs
// live in lang/<language>/<screen>.json, served merged as
// lang/<language>.json; a key begins with its file's name
// ("game.phase.night"). A value is a string with {placeholders}, or, for
// a number, an object of plural forms ("one", "few", "many", "other")
// chosen by the "n" parameter under the language's plural rules.
//
// The language follows the browser, unless the delegate chose one on
// the page (kept in localStorage). This module loads its catalogs before
// any screen module runs (a top-level await), so a screen may read
// words at load time.

export const LANGUAGES = { en: "English", ru: "Русский" };
const KEY = "congress.lang";

function chosen() {
  try {
    const kept = localStorage.getItem(KEY);
    if (kept && LANGUAGES[kept]) return kept;
  } catch { /* private mode */ }
  for (const l of navigator.languages || [navigator.language || "en"]) {
    const base = String(l).toLowerCase().split("-")[0];
    if (LANGUAGES[base]) return base;
  }
  return "en";
}

export const lang = chosen();

async function load(l) {
  try {
    const res = await fetch(`/lang/${l}.json`);
    if (res.ok) return await res.json();
  } catch { /* offline: the English below, or the keys */ }
  return {};
}

const [english, words] = await Promise.all([load("en"), lang === "en" ? null : load(lang)]);
const catalog = words || english;
const plurals = new Intl.PluralRules(lang);
document.documentElement.lang = lang;

function fill(text, params) {
  return text.replace(/\{(\w+)\}/g, (all, name) => (params && params[name] !== undefined ? String(params[name]) : all));
}

function pick(value, params) {
  if (typeof value === "string") return value;
  if (value && typeof value === "object") {
    const n = params && typeof params.n === "number" ? params.n : 0;
    return value[plurals.select(n)] ?? value.other ?? "";
  }
  return undefined;
}

// t is the words for a key, placeholders filled from params. A key
// missing in this language falls back to English, then to the key
// itself (the catalog test keeps that from happening).
export function t(key, params) {
  let text = pick(catalog[key], params);
  if (text === undefined && catalog !== english) text = pick(english[key], params);
  if (text === undefined) return key;
  return fill(text, params);
}

// tk is t for a key made of a prefix and a value of the wire (a role, a
// phase, an error code): tk with the prefix words.role and "kirov". Every key under a
// prefix given to tk counts as used in the catalog test.
export function tk(prefix, value, params) {
  return t(prefix + "." + value, params);
}

// has says whether a key is in the catalog (in this language or English).
export function has(key) {
  return catalog[key] !== undefined || english[key] !== undefined;
}

// tkOr is tk, or the fallback when the catalog has no such key: a code
// the server added after this client was written, with the server's own
// English words.
export function tkOr(prefix, value, fallback, params) {
  const key = prefix + "." + value;
  return has(key) ? t(key, params) : fallback;
}

// fromEnglish is, in this language, a sentence the server sends in
// English from a fixed set that the catalog holds under prefix (the
// voice's mute reasons); the sentence itself when the catalog has none.
export function fromEnglish(prefix, text) {
  for (const [k, v] of Object.entries(english)) {
    if (v === text && k.startsWith(prefix + ".")) return t(k);
  }
  return text;
}

// setLanguage keeps a delegate's choice and loads the page again in it.
export function setLanguage(l) {
  if (!LANGUAGES[l] || l === lang) return;
  try { localStorage.setItem(KEY, l); } catch { /* private mode */ }
  location.reload();
}

// number and date format for this language.
export function number(n) { return new Intl.NumberFormat(lang).format(n); }
export function time(d, opts = { hour: "2-digit", minute: "2-digit" }) { return new Intl.DateTimeFormat(lang, opts).format(d); }
export function date(d, opts = { dateStyle: "medium", timeStyle: "short" }) { return new Intl.DateTimeFormat(lang, opts).format(d); }

// list joins names by the language's rule: "A, B and C", «А, Б и В».
export function list(items) {
  const s = items.map(String);
  if (s.length <= 1) return s.join("");
  return s.slice(0, -1).join(t("common.list_comma") + " ") + " " + t("common.list_and") + " " + s[s.length - 1];
}
