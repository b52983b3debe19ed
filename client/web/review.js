// review.js: the review together. After a game the host leads everyone
// in the lobby, delegates and gallery, through the match's replay: each
// step and point of view the host picks, the server passes on (the
// "reviewing" message) and every page shows, with the lobby's chat
// beside it (a pane of its own on a phone). A follower may step away to
// look around alone, and come back to the host's step.

import { h, replace, announce } from "./dom.js";
import * as replayScreen from "./replay.js";
import { phoneLayout } from "./game.js";

// SEND_EVERY_MS is how often, at most, the host's page sends its step:
// a scrubber's steps in between go as the latest.
const SEND_EVERY_MS = 250;

export function mount(root, ctx) {
  const s = ctx.session;
  const leads = () => !!s.review && s.review.host === s.me;
  let away = false; // a follower who stepped away drives the replay alone

  const bar = h("section", { class: "review-bar", id: "review-bar", aria: { labelledby: "review-h" } });
  const main = h("div", { class: "review-main" });
  const side = h("div", { class: "review-side" }, ctx.chat.el);
  const tabs = h("nav", { class: "panes review-panes", aria: { label: "Parts of the review" } });
  let pane = "replay";
  const screen = h("div", { class: "review", data: { pane } }, bar, tabs, main, side);
  replace(root, screen);

  // The host's steps, sent no oftener than SEND_EVERY_MS, the last one
  // always.
  let sentAt = 0;
  let waiting = null;
  let sendTimer = 0;
  function sendStep(step, viewer) {
    waiting = { step, viewer };
    if (sendTimer) return;
    const wait = Math.max(0, sentAt + SEND_EVERY_MS - Date.now());
    sendTimer = setTimeout(() => {
      sendTimer = 0;
      const at = waiting;
      waiting = null;
      sentAt = Date.now();
      ctx.send({ type: "review", action: "step", step: at.step, viewer: at.viewer }).catch((err) => say(err.message));
    }, wait);
  }

  function moved(step, viewer) {
    if (leads()) sendStep(step, viewer);
    else if (!away) stepAway();
  }

  function stepAway() {
    away = true;
    announce(`You have stepped away from ${hostName()}'s review.`);
    drawBar();
  }

  function follow() {
    away = false;
    announce(`Following ${hostName()}'s review again.`);
    drawBar();
    if (s.review) replay.goTo(s.review.step, s.review.viewer);
  }

  function rematch() {
    ctx.send({ type: "host", action: "rematch" }).catch((err) => say(err.message));
  }

  function end() {
    ctx.send({ type: "review", action: "end" }).catch((err) => say(err.message));
  }

  const r0 = s.review;
  const replay = replayScreen.mount(main, {
    matchId: r0.match, viewer: r0.viewer, step: r0.step, hero: false,
    onMove: moved,
    onClose: () => (leads() ? end() : ctx.leaveReview()),
    closeLabel: leads() ? "End the review" : "Back to the results",
  });
  ctx.chat.attached();

  const refusal = h("p", { class: "refusal", role: "alert", hidden: true });
  function say(text) {
    refusal.textContent = text || "";
    refusal.hidden = !text;
  }

  function hostName() {
    return (s.review && s.review.name) || "the host";
  }

  function drawBar() {
    // The second half of the sentence is left out on a phone, where
    // the bar stays on screen.
    const [text, more] = leads()
      ? ["You lead the review.", " Everyone in the lobby sees the step and point of view you choose."]
      : away ? [`You have stepped away from ${hostName()}'s review.`, " The replay is yours to move."]
        : [`Following ${hostName()}'s review.`, ""];
    bar.dataset.state = leads() ? "leading" : away ? "away" : "following";
    replace(bar,
      h("h1", { class: "kicker", id: "review-h", text: "Review together" }),
      h("p", { class: "review-now", id: "review-now", role: "status" }, text, more && h("span", { class: "review-more", text: more })),
      h("div", { class: "act-row" },
        leads() && h("button", { type: "button", class: "primary small", id: "review-end", data: { key: "review-end" }, onclick: end, text: "End the review" }),
        leads() && h("button", { type: "button", class: "small", id: "review-rematch", data: { key: "review-rematch" }, onclick: rematch, text: "Play again: rematch" }),
        !leads() && !away && h("button", { type: "button", class: "small", id: "review-away", data: { key: "review-away" }, onclick: stepAway, text: "Step away" }),
        !leads() && away && h("button", { type: "button", class: "primary small", id: "review-follow", data: { key: "review-follow" }, onclick: follow, text: `Follow ${hostName()} again` }),
        !leads() && h("button", { type: "button", class: "small dark", id: "review-leave", data: { key: "review-leave" }, onclick: () => ctx.leaveReview(), text: "Back to the results" })),
      refusal);
  }

  function showPane(p) {
    pane = p;
    screen.dataset.pane = p;
    ctx.chat.visible(p === "chat" || !phoneLayout());
    drawTabs();
    if (p === "chat") ctx.chat.input.focus({ preventScroll: true });
  }
  function drawTabs() {
    const unread = ctx.chat.unreadTotal();
    replace(tabs, [["replay", "The replay"], ["chat", "Chatter"]].map(([p, label]) =>
      h("button", {
        type: "button", class: "small", data: { key: "pane-" + p, pane: p },
        aria: { pressed: p === pane ? "true" : "false" },
        onclick: () => showPane(p),
      }, label, p === "chat" && unread > 0 ? h("span", { class: "unread", aria: { label: unread + " unread" }, text: String(unread) }) : null)));
  }

  let shown = r0 ? `${r0.step}/${r0.viewer}` : "";
  function update(what) {
    if (what === "review" && s.review) {
      const at = `${s.review.step}/${s.review.viewer}`;
      if (!leads() && !away && at !== shown) replay.goTo(s.review.step, s.review.viewer);
      shown = at;
    }
    drawBar();
    ctx.chat.visible(pane === "chat" || !phoneLayout());
    ctx.chat.update();
    drawTabs();
  }

  drawBar();
  update("");
  announce(leads() ? "You lead the review together." : `Following ${hostName()}'s review of the match.`);
  return {
    update,
    focus() {
      const b = bar.querySelector("button");
      if (b) b.focus({ preventScroll: true });
    },
    unmount() { clearTimeout(sendTimer); replay.unmount(); },
  };
}
