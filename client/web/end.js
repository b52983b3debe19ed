// end.js: the Congress has closed. The winner, every file opened, the
// whole log, and the way back: a rematch in the same lobby, or a replay.

import { h, replace, announce } from "./dom.js";
import { ROLE, FACTION, REASON } from "./words.js";
import { renderTable, roleFaction } from "./table.js";
import { renderLog } from "./log.js";

const HEADLINE = {
  loyalists: "Stalin's Loyalists hold the Congress",
  plotters: "Kirov takes the Congress",
};

export function mount(root, ctx) {
  const s = ctx.session;
  const verdict = h("section", { class: "verdict", aria: { labelledby: "verdict-h" } });
  const roster = h("ul", { class: "roster", aria: { label: "Every delegate's file" } });
  const tableBody = h("div");
  const logList = h("ol", { class: "log full", aria: { label: "The whole log" } });
  const refusal = h("p", { class: "refusal", role: "alert", hidden: true });

  replace(root, verdict, refusal,
    h("div", { class: "room" },
      h("div", {},
        h("section", { class: "panel", aria: { labelledby: "files-h" } }, h("h2", { id: "files-h", text: "The files, opened" }), roster),
        h("section", { class: "panel table-panel", aria: { labelledby: "table-h" } }, h("h2", { id: "table-h", text: "The last sitting" }), tableBody)),
      h("div", {},
        ctx.chat.el,
        h("section", { class: "panel log-panel", aria: { labelledby: "log-h" } }, h("h2", { id: "log-h", text: "The minutes, complete" }), logList))));

  let announced = false;

  function render() {
    const v = s.view;
    if (!v) return;
    const you = v.you ? v.you.seat : -1;
    const won = v.you ? v.you.faction === v.winner : null;
    replace(verdict,
      h("p", { class: "kicker", text: won === null ? "The Congress has closed" : won ? "Victory" : "Defeat" }),
      h("h1", { id: "verdict-h", text: HEADLINE[v.winner] || "The Congress has closed" }),
      h("p", { text: REASON[v.reason] || "" }),
      h("div", { class: "row" },
        s.isHost && h("button", { type: "button", class: "primary", id: "rematch", data: { key: "rematch" }, onclick: rematch, text: "Play again: rematch" }),
        !s.isHost && !s.spectator && h("p", { class: "small", text: "The host may call a rematch with the same delegates; stay here to play again." }),
        h("button", { type: "button", class: "dark", id: "replay", data: { key: "replay" }, onclick: () => ctx.replay(), text: "Replay the match" }),
        !s.spectator && h("button", { type: "button", class: "dark", data: { key: "leave" }, onclick: () => ctx.leave(), text: "Leave" })),
      s.match && h("p", { class: "small" }, h("a", { class: "on-dark", href: "/?match=" + encodeURIComponent(s.match), text: "A link to this match's record, to share" })));
    verdict.className = "verdict " + (v.winner || "");

    replace(roster, v.seats.map((x) => h("li", { class: [roleFaction(x.role), !x.alive && "purged"], data: { seat: x.seat, role: x.role } },
      h("div", { class: "name", text: x.name + (x.seat === you ? " (you)" : "") }),
      h("span", { class: ["role-tag", roleFaction(x.role)], text: ROLE[x.role] || x.role }),
      h("div", { class: "small", text: (FACTION[x.faction] || "") + (x.alive ? "" : " · purged") }))));

    replace(tableBody, renderTable(v, { you, member: (i) => s.memberAt(i), host: s.lobby && s.lobby.host }));
    replace(logList, renderLog(s.log, (i) => s.name(i), you));
    ctx.chat.update();
    if (!announced) {
      announced = true;
      announce(`The Congress has closed. ${HEADLINE[v.winner] || ""}. ${REASON[v.reason] || ""}`);
    }
  }

  function rematch() {
    refusal.hidden = true;
    ctx.send({ type: "host", action: "rematch" }).catch((err) => {
      refusal.textContent = err.message || "The rematch was refused.";
      refusal.hidden = false;
    });
  }

  render();
  return { update: render, unmount() {} };
}
