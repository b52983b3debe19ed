// net.js: one WebSocket to the server that survives refreshes, lost
// networks and server restarts. It reconnects with backoff, says hello
// again (resume with the stored token), and keeps every request until the
// server answers it: requests made while offline wait in the outbox, and
// requests in flight when the line dropped are sent again under the same
// key, which the server applies once and answers as it did the first time.

import { t } from "./i18n.js";
import { errorText } from "./errors.js";

export const PROTOCOL = 1;

const BACKOFF = [500, 1000, 2000, 4000, 8000];
const MAX_DELAY = 10000;

// Codes of a Closing after which reconnecting would not help.
const FINAL = new Set(["kicked", "replaced", "lobby_closed"]);

export class Connection {
  // hello() returns the first message (join, resume or watch) for each new
  // socket. onMessage(msg) gets every server message. onStatus(status)
  // gets {state: "connecting"|"open"|"reconnecting"|"closed", attempt,
  // retryAt, reason}.
  constructor({ hello, onMessage, onStatus }) {
    this.hello = hello;
    this.onMessage = onMessage;
    this.onStatus = onStatus;
    this.nextID = 1;
    this.waiting = new Map(); // id -> {msg, resolve, reject, sent}
    this.attempt = 0;
    this.ws = null;
    this.welcomed = false;
    this.stopped = false;
    this.timer = 0;
    this.status = { state: "connecting", attempt: 0 };
    this.listening = null;
  }

  start() {
    this.stopped = false;
    this.listen();
    this.open();
  }

  // listen follows the window's network events until stop: a page that
  // moves between lobbies keeps one connection's listeners, not all.
  listen() {
    if (this.listening) return;
    this.listening = new AbortController();
    const { signal } = this.listening;
    addEventListener("online", () => this.kick(), { signal });
    addEventListener("offline", () => { if (this.ws) this.ws.close(); }, { signal });
  }

  // stop closes the connection for good (kicked, left, bad token).
  // closing is the server's Closing that ended it, if one did.
  stop(closing) {
    const reason = closing ? errorText(closing) : undefined;
    this.stopped = true;
    if (this.listening) { this.listening.abort(); this.listening = null; }
    clearTimeout(this.timer);
    if (this.ws) { const ws = this.ws; this.ws = null; ws.close(1000); }
    for (const [, w] of this.waiting) w.reject(closing || { code: "closed", message: t("errors.closed") });
    this.waiting.clear();
    this.setStatus({ state: "closed", reason });
  }

  // kick reconnects now instead of waiting out the backoff.
  kick() {
    if (this.stopped || (this.ws && this.ws.readyState <= WebSocket.OPEN)) return;
    clearTimeout(this.timer);
    this.open();
  }

  // resync drops the line and comes straight back, for a fresh welcome:
  // the way to catch up when the view looks stale. The reconnect is quiet
  // (no "reconnecting" state) unless it fails.
  resync() {
    if (!this.ws || !this.welcomed) return;
    this.quiet = true;
    const ws = this.ws;
    this.ws = null;
    this.welcomed = false;
    ws.onclose = null;
    ws.close(1000);
    this.open();
  }

  // request sends an act/say/host/leave message with a fresh id and
  // returns a promise that resolves on the server's ack and rejects with
  // {code, message} on its refusal.
  // Each request carries a key of its own, kept when the request is sent
  // again after a reconnect: the server applies a key once.
  request(msg) {
    const id = this.nextID++;
    const full = { ...msg, id, key: requestKey(), v: PROTOCOL };
    return new Promise((resolve, reject) => {
      const w = { msg: full, resolve, reject, sent: false };
      this.waiting.set(id, w);
      if (this.welcomed) this.transmit(w);
    });
  }

  // pending reports whether any request is waiting for its answer.
  pending() { return this.waiting.size > 0; }

  transmit(w) {
    w.sent = true;
    this.ws.send(JSON.stringify(w.msg));
  }

  setStatus(s) {
    this.status = s;
    this.onStatus(s);
  }

  open() {
    this.welcomed = false;
    if (this.quiet) this.quiet = false;
    else this.setStatus({ state: this.attempt === 0 ? "connecting" : "reconnecting", attempt: this.attempt });
    const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws";
    let ws;
    try {
      ws = new WebSocket(url);
    } catch {
      this.retry();
      return;
    }
    this.ws = ws;
    ws.onopen = () => ws.send(JSON.stringify({ ...this.hello(), v: PROTOCOL }));
    ws.onmessage = (e) => {
      let msg;
      try { msg = JSON.parse(e.data); } catch { return; }
      this.receive(msg);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.welcomed = false;
      if (!this.stopped) this.retry();
    };
  }

  receive(msg) {
    switch (msg.type) {
    case "welcome":
      this.attempt = 0;
      this.welcomed = true;
      this.setStatus({ state: "open" });
      this.onMessage(msg);
      this.flush();
      return;
    case "ack": {
      const w = this.waiting.get(msg.id);
      if (w) { this.waiting.delete(msg.id); w.resolve(msg); }
      break;
    }
    case "error": {
      const w = msg.id ? this.waiting.get(msg.id) : null;
      if (w) { this.waiting.delete(msg.id); w.reject(msg); return; }
      break;
    }
    case "closing":
      if (FINAL.has(msg.code)) {
        this.onMessage(msg);
        this.stop(msg);
        return;
      }
      // The server is restarting or handing the lobby over: come back soon.
      this.attempt = 0;
      break;
    }
    this.onMessage(msg);
  }

  // flush runs after each welcome: every request still unanswered goes
  // out, those in flight when the line dropped under their first key.
  flush() {
    for (const [, w] of this.waiting) this.transmit(w);
  }

  retry() {
    const base = BACKOFF[Math.min(this.attempt, BACKOFF.length - 1)];
    const delay = Math.min(MAX_DELAY, base * (0.8 + Math.random() * 0.4));
    this.attempt++;
    this.setStatus({ state: "reconnecting", attempt: this.attempt, retryAt: Date.now() + delay });
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.open(), delay);
  }
}

// requestKey is 128 random bits in hex: a request's idempotency key.
function requestKey() {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

// Tokens live in localStorage, one per lobby code, so a refresh or a new
// tab finds its seat again. They never go into a URL.
const TOKEN_KEY = (code) => "congress.token." + code;

export const tokens = {
  get(code) { try { return localStorage.getItem(TOKEN_KEY(code)) || ""; } catch { return ""; } },
  set(code, token) { try { localStorage.setItem(TOKEN_KEY(code), token); } catch { /* private mode */ } },
  clear(code) { try { localStorage.removeItem(TOKEN_KEY(code)); } catch { /* private mode */ } },
};

// barred keeps, per lobby code, the pass the host kicked out of that
// lobby: a join from this browser carries it ("former"), so that a new
// name does not seat the kicked again.
const BARRED_KEY = (code) => "congress.barred." + code;

export const barred = {
  get(code) { try { return localStorage.getItem(BARRED_KEY(code)) || ""; } catch { return ""; } },
  set(code, token) { try { if (token) localStorage.setItem(BARRED_KEY(code), token); } catch { /* private mode */ } },
};

// prefs remembers small conveniences: the name last used.
export const prefs = {
  get(key) { try { return localStorage.getItem("congress." + key) || ""; } catch { return ""; } },
  set(key, v) { try { localStorage.setItem("congress." + key, v); } catch { /* private mode */ } },
};
