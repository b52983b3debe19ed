// table.js: the delegates around the table, in seat order, with
// everything public about each seat and the roles this viewer may see.
// The game, the end screen and the replay all draw the table here.

import { h, clock } from "./dom.js";
import { ROLE, FACTION, PHASE } from "./words.js";
import { t } from "./i18n.js";

// renderTable draws view (a game.View, or the replay's reconstruction of
// one). opts: you (own seat or -1), member(i) (the lobby member at seat i,
// for bot/connection badges), awayFrom(m) (when an absent member went
// away, 0 if they are here), host (member ID of the host), secrets
// (show own and bloc roles; false while the role card is sealed), pick
// (the move a tap on a seat makes: {kind, verb, seats, chosen, onPick},
// or {vote, onVote} for the purge vote on the Accused's seat).
export function renderTable(view, opts = {}) {
  const { you = -1, member = () => undefined, awayFrom = () => 0, host = "", secrets = true, pick = null } = opts;
  const n = view.seats.length;
  // What this viewer knows of the bloc (a Plotter's bloc, Koba's seats
  // "of the bloc") is private, as its own file is.
  const mine = view.you || {};
  const bloc = new Set([...(mine.bloc || []), ...((mine.knows && mine.knows.of_bloc) || [])]);
  const size = n <= 6 ? "seats-s" : n <= 8 ? "seats-m" : "seats-l";
  // The phase decides which marks stand (game.Marks).
  const marks = view.marks || {};
  const list = h("ol", { class: ["table", "ring", size], aria: { label: t("table.ring_label") } });
  view.seats.forEach((s, i) => {
    const m = member(i);
    // Seat 0 sits at the top; the rest follow clockwise.
    const a = -Math.PI / 2 + (2 * Math.PI * i) / n;
    const dens = s.alive && marks.denunciations ? (view.denunciations || []).filter((d) => d.target === i) : [];
    const isChair = marks.chair && view.chair === i;
    const isAccused = marks.accused && view.accused === i;
    // The viewer's own file and the bloc stay hidden with the role card;
    // roles the Congress opened (reveal setting, end of game) are public.
    const privateRole = i === you || bloc.has(i);
    const role = s.role && (secrets || !privateRole || view.phase === "over") ? s.role : "";
    const faction = !role && s.faction && (secrets || !privateRole) ? s.faction : "";
    const away = awayFrom(m);
    const label = seatLabel(view, s, i, { you, m, isChair, isAccused, role, faction, dens, host, away });
    const tap = seatPick(pick, s, i);
    const li = h("li", {
      class: ["seat", i === you && "me", !s.alive && "purged", isAccused && "accused", tap && "pickable", pick && pick.chosen === i && "picked"],
      data: { seat: i, member: m ? m.id : null, role: role || null, faction: role ? null : faction || null, alive: s.alive },
      aria: { label },
      title: label,
    },
    h("div", { class: "top", aria: { hidden: "true" } },
      h("span", { class: "num", text: "№" + (i + 1) }),
      h("span", { class: "name", text: s.name })),
    h("div", { class: "badges", aria: { hidden: "true" } }, badges(view, s, i, { you, m, isChair, isAccused, host, away })),
    role ? h("span", { class: ["role-tag", s.faction], aria: { hidden: "true" }, text: ROLE[role] || role }) : null,
    faction ? h("span", { class: ["role-tag", faction], aria: { hidden: "true" }, text: FACTION[faction] || faction }) : null,
    dens.length ? h("p", { class: "dens", aria: { hidden: "true" } }, h("strong", { text: "✕" + dens.length + " " }), dens.map((d) => source(d, view)).join(", ")) : null,
    s.alive && s.denounces >= 0 && marks.denounces
      ? h("p", { class: "dens", aria: { hidden: "true" }, text: t("table.denounces_mark", { name: view.seats[s.denounces].name }) }) : null,
    tap);
    li.style.setProperty("--x", Math.cos(a).toFixed(4));
    li.style.setProperty("--y", Math.sin(a).toFixed(4));
    list.append(li);
  });
  list.append(center(view));
  return h("div", { class: "table-wrap" }, list);
}

// seatPick is the button a seat carries when a tap on it is a move: the
// same move, with the same confirmation, as the button under "Your move".
function seatPick(pick, s, i) {
  if (!pick) return null;
  if (pick.vote !== undefined) {
    if (pick.vote !== i) return null;
    return h("div", { class: "seat-vote", role: "group", aria: { label: t("table.vote_on", { name: s.name }) } },
      h("button", { type: "button", class: "small primary", data: { key: "seat-purge", pick: "purge_vote", purge: "true" }, aria: { label: t("table.purge_name", { name: s.name }) }, onclick: () => pick.onVote(true), text: t("table.purge") }),
      h("button", { type: "button", class: "small dark", data: { key: "seat-spare", pick: "purge_vote", purge: "false" }, aria: { label: t("table.spare_name", { name: s.name }) }, onclick: () => pick.onVote(false), text: t("table.spare") }));
  }
  if (!pick.seats.has(i)) return null;
  const chosen = pick.chosen === i;
  return h("button", {
    type: "button", class: "seat-pick",
    data: { key: "seat-" + pick.kind + "-" + i, pick: pick.kind, target: i },
    aria: { label: `${pick.verb}: ${s.name}`, pressed: chosen ? "true" : "false" },
    disabled: chosen,
    onclick: () => pick.onPick(i),
    text: chosen ? "✓ " + pick.verb : pick.verb,
  });
}

function badges(view, s, i, { you, m, isChair, isAccused, host, away }) {
  return [
    i === you && h("span", { class: "badge you", text: t("table.badge_you") }),
    isChair && h("span", { class: "badge chair", text: t("table.badge_chair") }),
    isAccused && h("span", { class: "badge accused", text: t("table.badge_accused") }),
    !s.alive && h("span", { class: "badge red", text: t("table.badge_purged") }),
    s.ready && h("span", { class: "badge on", text: t("table.badge_ready") }),
    s.voted && h("span", { class: "badge on", text: view.phase === "final_ballot" ? t("table.badge_struck") : t("table.badge_voted") }),
    m && m.bot && h("span", { class: "badge", text: t("table.badge_bot") }),
    m && host && m.id === host && h("span", { class: "badge host", text: t("table.badge_host") }),
    m && m.bot_plays && h("span", { class: "badge", text: t("table.badge_bot_plays") }),
    m && m.gone && h("span", { class: "badge red", text: t("table.badge_removed") }),
    m && !m.bot && !m.gone && m.connected && h("span", { class: "badge on here", text: t("table.badge_here") }),
    m && !m.bot && !m.gone && !m.connected && awayBadge(away),
  ];
}

// awayBadge says how long a delegate has been away; tickAway keeps
// every such badge under root counting.
export function awayBadge(from) {
  return h("span", { class: "badge off", data: { awayFrom: from || null }, text: awayText(from) });
}

function awayText(from) {
  return from ? t("table.away_for", { time: clock((Date.now() - from) / 1000) }) : t("table.away");
}

export function tickAway(root) {
  for (const el of root.querySelectorAll("[data-away-from]")) el.textContent = awayText(Number(el.dataset.awayFrom));
}

// seatLabel is the whole seat in one sentence for screen readers.
function seatLabel(view, s, i, { you, m, isChair, isAccused, role, faction, dens, host, away }) {
  const parts = [i === you ? t("table.label_seat_you", { n: i + 1, name: s.name }) : t("table.label_seat", { n: i + 1, name: s.name })];
  if (!s.alive) parts.push(t("table.label_purged"));
  if (isChair) parts.push(t("table.label_chair"));
  if (isAccused) parts.push(t("table.label_accused"));
  if (role) parts.push(ROLE[role] || role);
  else if (faction) parts.push(FACTION[faction] || faction);
  if (s.ready) parts.push(t("table.label_ready"));
  if (s.voted) parts.push(view.phase === "final_ballot" ? t("table.label_struck") : t("table.label_voted"));
  if (m && m.bot) parts.push(t("table.label_bot"));
  if (m && host && m.id === host) parts.push(t("table.label_host"));
  if (m && m.bot_plays) parts.push(t("table.label_bot_plays"));
  if (m && m.gone) parts.push(t("table.label_removed"));
  else if (m && !m.bot && !m.connected) parts.push(away ? t("table.label_away_for", { time: clock((Date.now() - away) / 1000) }) : t("table.label_away"));
  else if (m && !m.bot) parts.push(t("table.label_here"));
  if (dens.length) parts.push(t("table.label_dens", { n: dens.length, from: dens.map((d) => source(d, view)).join(", ") }));
  if (s.alive && s.denounces >= 0 && view.marks && view.marks.denounces) parts.push(t("table.label_denounces", { name: view.seats[s.denounces].name }));
  return parts.join(", ");
}

// source says where a standing denunciation comes from, never naming a
// letter's authors.
export function source(d, view) {
  switch (d.source) {
  case "letter": return t("table.source_letter");
  case "confession": return view.seats[d.by] ? t("table.source_confession", { name: view.seats[d.by].name }) : t("table.source_confession_any");
  default: return view.seats[d.by] ? view.seats[d.by].name : t("table.source_delegate");
  }
}

// center is the Presidium in the middle of the ring: who holds the Chair
// and who stands accused.
function center(view) {
  const name = (i) => (view.seats[i] ? view.seats[i].name : "");
  let line = "";
  if (view.phase === "over") line = "";
  else if (view.phase === "final_ballot") line = t("table.center_final");
  else if (view.phase === "last_shot") line = t("table.center_last_shot");
  else if (view.marks && view.marks.accused) line = t("table.center_accused", { name: name(view.accused) });
  else if (view.marks && view.marks.chair) line = t("table.center_chair", { name: name(view.chair) });
  return h("li", { class: "table-center", aria: { hidden: "true" } },
    h("p", { class: "display", text: PHASE[view.phase] || "" }),
    view.session && view.phase !== "final_ballot" ? h("p", { text: t("table.session_of", { n: view.session, m: view.sessions }) }) : null,
    line ? h("p", { text: line }) : null);
}
