// voice.js: the table's voice (VOICE.md). The audio goes to the server
// and comes back from it over WebRTC; the server decides who hears whom
// and drops the rest. This module joins (with the microphone, or only to
// listen), answers the server's offers, keeps push-to-talk or an open
// mic, shows who is speaking, and shows every mute with its reason.

import { h, replace } from "./dom.js";
import { spectatorName } from "./streamer.js";
import { t, fromEnglish } from "./i18n.js";

const PTT_KEY = "v"; // hold to speak, outside text fields
const FOLD_KEY = "congress.voice.folded";
const NARROW = "(max-width: 979px)"; // the phone's layout: the dock starts folded
const SPEAKING_LEVEL = 0.02;

export class Voice {
  // request(msg) sends a request and returns its answer's promise.
  constructor(request) {
    this.request = request;
    this.on = false; // the lobby's voice setting
    this.out = false; // this player chose to stay out
    this.joined = false;
    this.mic = false;
    this.mode = "ptt"; // "ptt" | "open"
    this.holding = false;
    this.state = null; // the server's latest voice message
    this.pc = null;
    this.stream = null;
    this.audio = new Map(); // stream ID -> <audio>
    this.trackStream = new Map(); // received track -> stream ID (the speaker)
    this.speaking = new Set();
    this.neg = Promise.resolve();
    this.error = "";
    // Folded, the dock is one row (the hold button, the state, the reason
    // of a mute) and leaves the table and the chat in view. Kept locally;
    // folded at first on a narrow screen.
    const kept = localStorage.getItem(FOLD_KEY);
    this.folded = kept === null ? matchMedia(NARROW).matches : kept === "1";
    this.dock = h("aside", { class: "voice-dock", id: "voice", aria: { label: "Voice" }, hidden: true });
    document.body.append(this.dock);
    this.keys = new AbortController();
    const typing = (e) => e.target.closest && e.target.closest("input, textarea, select, [contenteditable]");
    addEventListener("keydown", (e) => { if (e.key === PTT_KEY && !e.repeat && !typing(e)) this.hold(true); }, { signal: this.keys.signal });
    addEventListener("keyup", (e) => { if (e.key === PTT_KEY) this.hold(false); }, { signal: this.keys.signal });
    addEventListener("blur", () => this.hold(false), { signal: this.keys.signal });
    this.poll = setInterval(() => this.levels(), 250);
    this.render();
  }

  // receive takes every server message; true for the voice's own.
  receive(msg) {
    switch (msg.type) {
    case "welcome":
      // A new connection: the server has forgotten this one's voice.
      this.teardown();
      this.setOn(msg.lobby && msg.lobby.settings && msg.lobby.settings.voice);
      return false;
    case "lobby":
      this.setOn(msg.settings && msg.settings.voice);
      return false;
    case "voice":
      this.state = msg;
      if (!msg.joined && this.joined) this.teardown();
      this.render();
      return true;
    case "voice_offer":
      this.neg = this.neg.then(() => this.answer(msg)).catch((err) => this.fail(err));
      return true;
    }
    return false;
  }

  setOn(on) {
    on = !!on;
    if (on === this.on) return;
    this.on = on;
    if (!on) this.teardown();
    this.render();
  }

  async join(mic) {
    this.error = "";
    this.out = false;
    try {
      if (mic) {
        this.stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true } });
        this.applyMute();
      }
      this.pc = new RTCPeerConnection();
      this.pc.ontrack = (e) => this.track(e);
      this.mic = mic;
      this.joined = true;
      await this.request({ type: "voice_join", mic });
      if (mic) this.sendMute();
    } catch (err) {
      this.fail(err);
    }
    this.render();
  }

  async leave() {
    const was = this.joined;
    this.teardown();
    this.render();
    if (was) await this.request({ type: "voice_leave" }).catch(() => {});
  }

  stayOut() {
    this.out = true;
    this.render();
  }

  // answer answers one offer of the server, in order.
  async answer(msg) {
    const pc = this.pc;
    if (!pc) return;
    if (msg.ice_servers && msg.ice_servers.length) pc.setConfiguration({ iceServers: msg.ice_servers });
    await pc.setRemoteDescription({ type: "offer", sdp: msg.sdp });
    if (this.stream) {
      // The server's first transceiver takes the microphone.
      const t = pc.getTransceivers().find((x) => x.mid === "0");
      if (t && !t.sender.track) {
        t.direction = "sendonly";
        await t.sender.replaceTrack(this.stream.getAudioTracks()[0]);
      }
    }
    await pc.setLocalDescription(await pc.createAnswer());
    await gathered(pc);
    if (this.pc !== pc) return;
    await this.request({ type: "voice_answer", sdp: pc.localDescription.sdp });
  }

  track(e) {
    const id = e.streams[0] ? e.streams[0].id : e.track.id;
    this.trackStream.set(e.track, id);
    let el = this.audio.get(id);
    if (!el) {
      el = h("audio", { autoplay: true, data: { stream: id } });
      this.audio.set(id, el);
      this.dock.append(el);
    }
    el.srcObject = e.streams[0] || new MediaStream([e.track]);
  }

  fail(err) {
    this.error = err && err.name === "NotAllowedError" ? t("voice.mic_refused")
      : (err && err.message) || t("voice.failed");
    if (err && err.code) this.teardown();
    this.render();
  }

  teardown() {
    if (this.pc) { this.pc.close(); this.pc = null; }
    if (this.stream) { for (const t of this.stream.getTracks()) t.stop(); this.stream = null; }
    for (const el of this.audio.values()) el.remove();
    this.audio.clear();
    this.trackStream.clear();
    this.speaking.clear();
    this.joined = false;
    this.state = this.state && { ...this.state, joined: false, peers: [] };
  }

  // hold is push-to-talk: the key or the button held.
  hold(on) {
    if (this.holding === on) return;
    this.holding = on;
    this.applyMute();
    this.sendMute();
    this.render();
  }

  setMode(mode) {
    this.mode = mode;
    this.applyMute();
    this.sendMute();
    this.render();
  }

  selfMuted() { return this.mode === "ptt" && !this.holding; }

  applyMute() {
    if (!this.stream) return;
    for (const t of this.stream.getAudioTracks()) t.enabled = !this.selfMuted();
  }

  sendMute() {
    if (!this.joined || !this.mic) return;
    const muted = this.selfMuted();
    if (muted === this.sentMuted) return;
    this.sentMuted = muted;
    this.request({ type: "voice_mute", muted }).catch(() => {});
  }

  // levels finds who is speaking from the received audio's levels.
  async levels() {
    if (!this.pc) return;
    const now = new Set();
    for (const r of this.pc.getReceivers()) {
      const id = r.track && this.trackStream.get(r.track);
      if (!id) continue;
      for (const s of r.getSynchronizationSources ? r.getSynchronizationSources() : []) {
        if (s.audioLevel > SPEAKING_LEVEL && performance.timeOrigin + performance.now() - s.timestamp < 500) now.add(id);
      }
    }
    const same = now.size === this.speaking.size && [...now].every((x) => this.speaking.has(x));
    this.speaking = now;
    if (!same) this.render();
    this.markSeats();
  }

  // markSeats marks the seats of the table whose delegate is heard
  // speaking (a delegate's stream is their member ID), again after each
  // redraw of the table.
  markSeats() {
    for (const el of document.querySelectorAll(".seat[data-member]")) {
      el.classList.toggle("speaking", this.speaking.has(el.dataset.member));
      el.dataset.speakingWord = t("voice.speaking_tag");
    }
  }

  render() {
    this.dock.hidden = !this.on;
    if (!this.on) return;
    const route = this.state && this.state.route;
    const reason = route && route.muted ? fromEnglish("voice.mute", route.muted) : "";
    if (this.out) {
      replace(this.dock, h("button", { type: "button", class: "small", onclick: () => { this.out = false; this.render(); }, text: t("voice.voice") }));
      return;
    }
    if (!this.joined) {
      replace(this.dock,
        h("h3", { text: t("voice.h") }),
        h("p", { class: "muted", text: t("voice.about") }),
        h("div", { class: "act-row" },
          h("button", { type: "button", class: "primary", onclick: () => this.join(true), text: t("voice.join_mic") }),
          h("button", { type: "button", onclick: () => this.join(false), text: t("voice.listen_only") }),
          h("button", { type: "button", class: "small", onclick: () => this.stayOut(), text: t("voice.stay_out") })),
        this.error && h("p", { class: "error", role: "alert", text: this.error }),
        [...this.audio.values()]);
      return;
    }
    const heard = !route || !route.speak || route.speak.length > 0; // someone may hear this microphone now
    const me = !this.mic ? t("voice.me_listening")
      : this.selfMuted() ? t("voice.me_off")
        : heard ? t("voice.me_speaking") : t("voice.me_unheard");
    const peers = (this.state && this.state.peers) || [];
    const speakers = peers.filter((p) => this.speaking.has(p.stream)).map((p) => (p.member ? p.name : spectatorName(p.name)));
    this.dock.classList.toggle("folded", this.folded);
    replace(this.dock,
      h("div", { class: "voice-head" },
        h("h3", { text: t("voice.h") }),
        h("button", {
          type: "button", class: "small voice-fold", aria: { expanded: !this.folded, controls: "voice" },
          onclick: () => { this.folded = !this.folded; localStorage.setItem(FOLD_KEY, this.folded ? "1" : "0"); this.render(); },
          text: this.folded ? t("voice.unfold") : t("voice.fold"),
        })),
      reason && h("p", { class: "voice-reason", role: "status", data: { reason: "floor" }, text: reason }),
      h("p", { class: "muted", data: { self: this.selfMuted() ? "muted" : "open" }, text: me }),
      this.folded && speakers.length > 0 && h("p", { class: "voice-speakers", text: speakers.length > 1 ? t("voice.speakers_many", { names: speakers.join(", ") }) : t("voice.speakers_one", { names: speakers.join(", ") }) }),
      this.mic && h("div", { class: "act-row" },
        h("button", {
          type: "button", class: ["hold", this.holding && "held"], aria: { pressed: this.holding },
          onpointerdown: (e) => { e.preventDefault(); this.hold(true); },
          onpointerup: () => this.hold(false), onpointerleave: () => this.hold(false), onpointercancel: () => this.hold(false),
          oncontextmenu: (e) => e.preventDefault(),
          text: this.mode === "ptt" ? (matchMedia("(pointer: coarse)").matches ? t("voice.hold") : t("voice.hold_key")) : t("voice.open_mic"),
          disabled: this.mode === "open",
        }),
        h("button", { type: "button", class: "small", onclick: () => this.setMode(this.mode === "ptt" ? "open" : "ptt"), text: this.mode === "ptt" ? t("voice.use_open") : t("voice.use_ptt") })),
      !this.folded && h("ul", { class: "voice-peers" }, peers.map((p) => h("li", {
        data: { stream: p.stream, speaking: this.speaking.has(p.stream) ? "yes" : "no", heard: p.heard ? "yes" : "no" },
      },
      h("span", { class: "voice-name", text: p.member ? p.name : spectatorName(p.name) }),
      " ",
      h("span", { class: "voice-state", text: peerState(p, this.speaking.has(p.stream), this.state, reason) })))),
      !this.folded && h("div", { class: "act-row" }, h("button", { type: "button", class: "small", onclick: () => this.leave(), text: t("voice.leave") })),
      this.error && h("p", { class: "error", role: "alert", text: this.error }),
      [...this.audio.values()]);
  }

  close() {
    this.teardown();
    clearInterval(this.poll);
    this.keys.abort();
    this.dock.remove();
  }
}

// peerState says what one hears of a peer, and why not.
function peerState(p, speaking, state, reason) {
  const self = state && state.peers && p.stream === selfStream(state);
  if (self) return t("voice.peer_you");
  if (!p.mic) return t("voice.peer_listening");
  if (p.muted) return t("voice.peer_off");
  if (!p.heard) return reason ? t("voice.peer_silent_why", { reason }) : t("voice.peer_silent");
  return speaking ? t("voice.peer_speaking") : "";
}

// selfStream is this connection's own stream ID in the voice.
function selfStream(state) { return state.you || ""; }

// gathered waits for the candidates of the local description (2 s at most).
function gathered(pc) {
  if (pc.iceGatheringState === "complete") return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => { if (pc.iceGatheringState === "complete") { pc.removeEventListener("icegatheringstatechange", done); resolve(); } };
    pc.addEventListener("icegatheringstatechange", done);
    setTimeout(resolve, 2000);
  });
}
