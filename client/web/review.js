// review.js: the review together. After a game the host leads everyone
// in the lobby, delegates and gallery, through the match's replay: each
// step and point of view the host picks, the server passes on (the
// "reviewing" message) and every page shows, with the lobby's chat
// beside it (a pane of its own on a phone). A follower may step away to
// look around alone, and come back to the host's step.

import { h, replace, announce } from "./dom.js";
import * as replayScreen from "./replay.js";
import { t } from "./i18n.js";
import { errorText } from "./errors.js";
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
  const tabs = h("nav", { class: "panes review-panes", aria: { label: t("review.parts") } });
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
      ctx.send({ type: "review", action: "step", step: at.step, viewer: at.viewer }).catch((err) => say(errorText(err)));
    }, wait);
  }

  function moved(step, viewer) {
    if (leads()) sendStep(step, viewer);
    else if (!away) stepAway();
  }

  function stepAway() {
    away = true;
    announce(t("review.stepped_away", { host: hostName() }));
    drawBar();
  }

  function follow() {
    away = false;
    announce(t("review.following_again", { host: hostName() }));
    drawBar();
    if (s.review) replay.goTo(s.review.step, s.review.viewer);
  }

  function rematch() {
    ctx.send({ type: "host", action: "rematch" }).catch((err) => say(errorText(err)));
  }

  function end() {
    ctx.send({ type: "review", action: "end" }).catch((err) => say(errorText(err)));
  }

  const r0 = s.review;
  const replay = replayScreen.mount(main, {
    matchId: r0.match, viewer: r0.viewer, step: r0.step, hero: false,
    onMove: moved,
    onClose: () => (leads() ? end() : ctx.leaveReview()),
    closeLabel: leads() ? t("review.end") : t("review.back"),
  });
  ctx.chat.attached();

  const refusal = h("p", { class: "refusal", role: "alert", hidden: true });
  function say(text) {
    refusal.textContent = text || "";
    refusal.hidden = !text;
  }

  function hostName() {
    return (s.review && s.review.name) || t("review.the_host");
  }

  function drawBar() {
    // The second half of the sentence is left out on a phone, where
    // the bar stays on screen.
    const [text, more] = leads()
      ? [t("review.you_lead"), " " + t("review.you_lead_more")]
      : away ? [t("review.stepped_away", { host: hostName() }), " " + t("review.away_more")]
        : [t("review.following", { host: hostName() }), ""];
    bar.dataset.state = leads() ? "leading" : away ? "away" : "following";
    replace(bar,
      h("h1", { class: "kicker", id: "review-h", text: t("review.title") }),
      h("p", { class: "review-now", id: "review-now", role: "status" }, text, more && h("span", { class: "review-more", text: more })),
      h("div", { class: "act-row" },
        leads() && h("button", { type: "button", class: "primary small", id: "review-end", data: { key: "review-end" }, onclick: end, text: t("review.end") }),
        leads() && h("button", { type: "button", class: "small", id: "review-rematch", data: { key: "review-rematch" }, onclick: rematch, text: t("review.rematch") }),
        !leads() && !away && h("button", { type: "button", class: "small", id: "review-away", data: { key: "review-away" }, onclick: stepAway, text: t("review.step_away") }),
        !leads() && away && h("button", { type: "button", class: "primary small", id: "review-follow", data: { key: "review-follow" }, onclick: follow, text: t("review.follow", { host: hostName() }) }),
        !leads() && h("button", { type: "button", class: "small dark", id: "review-leave", data: { key: "review-leave" }, onclick: () => ctx.leaveReview(), text: t("review.back") })),
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
    replace(tabs, [["replay", t("review.pane_replay")], ["chat", t("review.pane_chat")]].map(([p, label]) =>
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
  announce(leads() ? t("review.you_lead_together") : t("review.following_match", { host: hostName() }));
  return {
    update,
    focus() {
      const b = bar.querySelector("button");
      if (b) b.focus({ preventScroll: true });
    },
    unmount() { clearTimeout(sendTimer); replay.unmount(); },
  };
}
