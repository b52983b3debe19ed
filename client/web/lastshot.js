// lastshot.js: the Last Shot. The Loyalists have all but won; Kirov's
// bloc stands exposed, and Nikolaev has one shot at Koba. Three screens
// in one: Nikolaev's, who names a Loyalist among the view's targets; the
// rest of the bloc's, who confer with him in their channel; and everyone
// else's, Koba's included, which look alike so that nobody's screen
// gives Koba away (his file stays sealed until he opens it).

import { h, replace, announce, clock, list } from "./dom.js";
import { PHASE, PHASE_HINT } from "./words.js";
import { renderTable } from "./table.js";
import { RoleCard } from "./rolecard.js";
import { Minutes } from "./log.js";
import { t } from "./i18n.js";
import { errorText } from "./errors.js";

export function mount(root, ctx) {
  const s = ctx.session;
  const kicker = h("span", { class: "session" });
  const phaseH = h("h1", { id: "phase-h", text: PHASE.last_shot });
  const hint = h("p", { class: "hint" });
  const timer = h("span", { class: "timer", role: "timer", aria: { label: t("lastshot.timer_label") } });
  const banner = h("section", { class: "banner last-shot", aria: { labelledby: "phase-h" } },
    h("div", { class: "phase" }, kicker, phaseH, hint), timer);

  const moveBody = h("div");
  const refusal = h("p", { class: "refusal", role: "alert", hidden: true });
  const move = h("section", { class: "panel red actions", id: "your-move", aria: { labelledby: "act-h" } },
    h("h2", { id: "act-h" }), moveBody, refusal);
  const blocBody = h("ul", { class: "exposed", id: "exposed-bloc", aria: { label: t("lastshot.bloc_h") } });
  const tableBody = h("div");
  const hostBody = h("div", { class: "act-row host-tools" });
  const minutes = new Minutes();
  let secrets = false;
  const card = new RoleCard((open) => { secrets = open; render(); });

  replace(root, h("div", { class: "last-shot-screen" }, banner,
    h("div", { class: "room" },
      // The shot, the bloc and the talk first: on a phone they come
      // before the file, the floor and the minutes.
      h("div", {},
        move,
        h("section", { class: "panel", aria: { labelledby: "bloc-h" } },
          h("h2", { id: "bloc-h", text: t("lastshot.bloc_h") }), blocBody),
        ctx.chat.el),
      h("div", {},
        card.el,
        h("section", { class: "panel table-panel", aria: { labelledby: "table-h" } },
          h("h2", { id: "table-h", text: t("lastshot.floor_h") }), tableBody, hostBody),
        h("section", { class: "panel log-panel", aria: { labelledby: "log-h" } },
          h("h2", { id: "log-h", text: t("lastshot.minutes_h") }), minutes.el)))));
  ctx.chat.attached();

  let busy = false;
  function shoot(target) {
    if (busy) return;
    busy = true;
    refusal.hidden = true;
    render();
    ctx.send({ type: "act", kind: "shoot", target }).then(() => { busy = false; render(); }, (err) => {
      busy = false;
      refusal.textContent = err ? errorText(err) : t("lastshot.shot_refused");
      refusal.hidden = false;
      render();
    });
  }

  function host(kind) {
    refusal.hidden = true;
    ctx.send({ type: "act", kind }).catch((err) => {
      refusal.textContent = err ? errorText(err) : t("lastshot.refused");
      refusal.hidden = false;
    });
  }

  function tick() {
    const v = s.view;
    if (!v) return;
    const left = s.remaining();
    timer.textContent = left === null ? (v.paused ? t("lastshot.adjourned") : "—") : clock(left);
    timer.className = "timer" + (left === null ? " stopped" : left <= 10 ? " low" : "");
  }
  const interval = setInterval(tick, 250);

  // how is what the Loyalists have all but won by, from the log: the
  // Final Ballot's count, or the purge that took Kirov.
  function how() {
    return s.log.some((e) => e.kind === "final_count")
      ? t("lastshot.how_struck")
      : t("lastshot.how_purged");
  }

  function render() {
    const v = s.view;
    if (!v) return;
    const you = v.you;
    const shot = (v.actions || []).find((a) => a.kind === "shoot");
    const bloc = you && you.faction === "plotters";
    const exposed = v.seats.filter((x) => x.faction === "plotters");
    const names = exposed.map((x) => x.name);
    kicker.textContent = how();
    hint.textContent = v.paused ? t("lastshot.paused_hint") : t("lastshot.all_but_won") + " " + PHASE_HINT.last_shot;
    tick();

    const out = [];
    if (shot) {
      move.querySelector("h2").textContent = t("lastshot.your_shot");
      out.push(h("p", { class: "prompt", text: t("lastshot.nikolaev_prompt") }),
        h("p", { class: "small", text: t("lastshot.nikolaev_hint") }),
        h("div", { class: "targets", role: "group", aria: { label: t("lastshot.name_koba") } },
          shot.targets.filter((i) => i >= 0).map((i) => h("button", {
            type: "button", class: "primary",
            data: { key: "shoot-" + i, act: "shoot", target: i },
            disabled: busy,
            onclick: () => shoot(i),
          }, v.seats[i].name))));
    } else if (bloc) {
      move.querySelector("h2").textContent = t("lastshot.bloc_confers");
      out.push(h("p", { class: "prompt", text: t("lastshot.bloc_prompt") }));
    } else {
      move.querySelector("h2").textContent = t("lastshot.takes_aim");
      out.push(h("p", { class: "prompt", text: t("lastshot.others_prompt", { names: list(names) }) }),
        h("p", { class: "small", text: you ? t("lastshot.keep_nerve") : t("lastshot.gallery_breath") }));
    }
    if (busy) out.push(h("p", { class: "muted", role: "status", text: t("lastshot.sending") }));
    replace(moveBody, out);
    replace(blocBody, exposed.map((x) => h("li", { data: { seat: x.seat } },
      h("span", { class: "name", text: you && x.seat === you.seat ? t("lastshot.name_you", { name: x.name }) : x.name }),
      !x.alive ? h("span", { class: "small", text: t("lastshot.purged") }) : null)));
    card.update(v, t("lastshot.gallery_note"));
    // The bloc stands exposed to all: what Koba knew of it is no longer
    // his alone, and his table shows it as everyone's does.
    const seen = you && !secrets && you.knows ? { ...v, you: { ...you, knows: null } } : v;
    replace(tableBody, renderTable(seen, { you: you ? you.seat : -1, member: (i) => s.memberAt(i), host: s.lobby && s.lobby.host, secrets: secrets || bloc }));
    const hostActs = new Set((v.host_actions || []).map((x) => x.kind));
    hostBody.hidden = !s.isHost;
    replace(hostBody, s.isHost ? [
      hostActs.has("end_phase") && h("button", { type: "button", class: "small", data: { key: "end-phase" }, onclick: () => host("end_phase"), text: t("lastshot.end_phase") }),
      hostActs.has("pause") && h("button", { type: "button", class: "small", data: { key: "pause" }, onclick: () => host("pause"), text: t("lastshot.pause") }),
      hostActs.has("resume") && h("button", { type: "button", class: "small", data: { key: "resume" }, onclick: () => host("resume"), text: t("lastshot.resume") }),
    ] : []);
    minutes.update(s.log, (i) => s.name(i), you ? you.seat : -1, { secrets: secrets || bloc, session: v.session, phase: v.phase });
    // The bloc's channel is the bloc's to read now, file open or not: it
    // stands exposed.
    ctx.chat.secrets(secrets || bloc || !you);
    ctx.chat.visible(true);
    ctx.chat.update();
  }

  render();
  announce(t("lastshot.announce", { phase: PHASE.last_shot, how: how() }) + " " + PHASE_HINT.last_shot);
  return {
    update: render,
    focus() {
      const first = root.querySelector('[data-act="shoot"]:not([disabled])') || phaseH;
      if (first === phaseH) phaseH.tabIndex = -1;
      first.focus({ preventScroll: true });
    },
    turn: () => !!(s.view && (s.view.actions || []).some((a) => a.kind === "shoot")),
    unmount() { clearInterval(interval); },
  };
}
