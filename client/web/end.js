// end.js: the Congress has closed. The winner; the moment that decided
// it (the Final Ballot's strikes, or the purge vote that took Kirov or
// gave the bloc parity); the turning points with every file opened; what
// history follows from this ending; the chat and the minutes; and the way
// back: a rematch in the same lobby, or a replay.

import { h, replace, announce, list } from "./dom.js";
import { ROLE, FACTION, FACTION_ONE, REASON } from "./words.js";
import { renderTable } from "./table.js";
import { Minutes } from "./log.js";
import { EPILOGUE, fates } from "./epilogue.js";
import { t } from "./i18n.js";
import { errorText } from "./errors.js";

const HEADLINE = {
  loyalists: t("end.headline_loyalists"),
  plotters: t("end.headline_plotters"),
  koba_shot: t("end.headline_koba_shot"),
};

const headline = (v) => HEADLINE[v.reason] || HEADLINE[v.winner] || t("end.closed");

export function mount(root, ctx) {
  const s = ctx.session;
  const verdict = h("section", { class: "verdict", aria: { labelledby: "verdict-h" } });
  const decidingBody = h("div");
  const turningBody = h("ol", { class: "timeline" });
  const epilogueBody = h("div", { class: "epilogue" });
  const roster = h("ul", { class: "roster", aria: { label: t("end.every_file") } });
  const tableBody = h("div");
  const minutes = new Minutes();
  const refusal = h("p", { class: "refusal", role: "alert", hidden: true });
  const fairBody = h("div", { id: "fair" });

  replace(root, verdict, refusal,
    h("div", { class: "room end" },
      h("div", {},
        h("section", { class: "panel red deciding", aria: { labelledby: "deciding-h" } }, h("h2", { id: "deciding-h", text: t("end.deciding") }), decidingBody),
        h("section", { class: "panel epilogue-panel", aria: { labelledby: "epilogue-h" } }, h("h2", { id: "epilogue-h", text: t("end.history") }), epilogueBody),
        h("section", { class: "panel", aria: { labelledby: "turning-h" } }, h("h2", { id: "turning-h", text: t("end.turning") }), turningBody),
        h("section", { class: "panel", aria: { labelledby: "files-h" } }, h("h2", { id: "files-h", text: t("end.files") }), roster),
        h("section", { class: "panel fair", aria: { labelledby: "fair-h" } }, h("h2", { id: "fair-h", text: t("end.fair") }), fairBody)),
      h("div", {},
        ctx.chat.el,
        h("section", { class: "panel log-panel", aria: { labelledby: "log-h" } }, h("h2", { id: "log-h", text: t("end.minutes") }), minutes.el),
        h("section", { class: "panel table-panel", aria: { labelledby: "table-h" } }, h("h2", { id: "table-h", text: t("end.last_sitting") }), tableBody))));
  ctx.chat.attached();

  let announced = false;

  function render() {
    const v = s.view;
    if (!v) return;
    const you = v.you ? v.you.seat : -1;
    const won = v.you ? v.you.faction === v.winner : null;
    const name = (i) => s.name(i);
    replace(verdict,
      h("p", { class: "kicker", text: won === null ? t("end.closed") : won ? t("end.victory") : t("end.defeat") }),
      h("h1", { id: "verdict-h", text: headline(v) }),
      h("p", { text: REASON[v.reason] || "" }),
      h("div", { class: "row" },
        s.isHost && h("button", { type: "button", class: "primary", id: "rematch", data: { key: "rematch" }, onclick: rematch, text: t("end.rematch") }),
        !s.isHost && !s.spectator && h("p", { class: "small", text: t("end.may_rematch") }),
        s.isHost && s.match && h("button", { type: "button", class: "dark", id: "review-start", data: { key: "review-start" }, aria: { describedby: "review-what" }, onclick: review, text: t("end.review") }),
        !s.isHost && s.review && h("button", { type: "button", class: "dark", id: "review-join", data: { key: "review-join" }, onclick: () => ctx.joinReview(), text: t("end.join_review", { host: s.review.name }) }),
        h("button", { type: "button", class: "dark", id: "replay", data: { key: "replay" }, onclick: () => ctx.replay(), text: t("end.replay") }),
        !s.spectator && h("button", { type: "button", class: "dark", data: { key: "leave" }, onclick: () => ctx.leave(), text: t("end.leave") })),
      s.isHost && s.match && h("p", { class: "small", id: "review-what", text: t("end.review_what") }),
      s.match && h("p", { class: "small" }, h("a", { class: "on-dark", href: "/?match=" + encodeURIComponent(s.match), text: t("end.share_link") })));
    verdict.className = "verdict " + (v.winner || "");

    replace(decidingBody, deciding(v, s.log, name));
    replace(turningBody, turningPoints(v, s.log, name));
    replace(epilogueBody, epilogue(v, s.log, name));

    replace(fairBody, fair(s));
    replace(roster, v.seats.map((x) => h("li", { class: [x.faction, !x.alive && "purged"], data: { seat: x.seat, role: x.role } },
      h("div", { class: "name", text: x.seat === you ? t("end.name_you", { name: x.name }) : x.name }),
      h("span", { class: ["role-tag", x.faction], text: ROLE[x.role] || x.role }),
      h("div", { class: "small", text: (FACTION[x.faction] || "") + (x.alive ? "" : " · " + t("end.purged")) }))));

    replace(tableBody, renderTable(v, { you, member: (i) => s.memberAt(i), host: s.lobby && s.lobby.host }));
    minutes.update(s.log, name, you, { secrets: true, phase: "over", camp: (i) => (v.seats[i] ? v.seats[i].faction : "") });
    ctx.chat.update();
    if (!announced) {
      announced = true;
      announce(t("end.announce", { headline: headline(v), reason: REASON[v.reason] || "" }));
    }
  }

  function review() {
    refusal.hidden = true;
    ctx.send({ type: "review", action: "start", step: -1, viewer: "all" }).catch((err) => {
      refusal.textContent = err.message ? errorText(err) : t("end.review_refused");
      refusal.hidden = false;
    });
  }

  function rematch() {
    refusal.hidden = true;
    ctx.send({ type: "host", action: "rematch" }).catch((err) => {
      refusal.textContent = err.message ? errorText(err) : t("end.rematch_refused");
      refusal.hidden = false;
    });
  }

  render();
  // The close opens every file and channel: a fresh welcome brings the
  // secret lines and the bloc's chat that this page was not sent live.
  if (!ctx.fresh && ctx.resync) ctx.resync();
  return {
    update: render,
    focus() {
      const b = root.querySelector("#rematch") || root.querySelector("#replay");
      if (b) b.focus({ preventScroll: true });
    },
    unmount() {},
  };
}

// roleOf names a seat's role at the end, for the timeline.
function roleOf(v, i) {
  const x = v.seats[i];
  return x && x.role ? ROLE[x.role] || x.role : "";
}

function kirovSeat(v) {
  const x = v.seats.find((y) => y.role === "kirov");
  return x ? x.seat : -1;
}

// bars draws a horizontal bar chart: rows of {label, n, mark}.
function bars(rows, label, unit) {
  const max = Math.max(1, ...rows.map((r) => r.n));
  return h("ol", { class: "bars", aria: { label } }, rows.map((r) => {
    const bar = h("span", { class: "bar", aria: { hidden: "true" } });
    bar.style.setProperty("--share", (r.n / max).toFixed(3));
    return h("li", { class: ["bar-row", r.mark && "mark"], data: { n: r.n } },
      h("span", { class: "bar-label", text: r.label }),
      h("span", { class: "bar-track" }, bar),
      h("span", { class: "bar-n", text: unit(r.n) }));
  }));
}

// deciding is the moment that ended the Congress, drawn: the Last Shot,
// when one was fired, after what led to it.
function deciding(v, log, name) {
  const shot = log.find((e) => e.kind === "last_shot");
  if (!shot) return decided(v, log, name);
  const fired = log.find((e) => e.kind === "shot");
  const koba = v.seats.find((x) => x.role === "koba");
  const nikolaev = v.seats.find((x) => x.role === "nikolaev");
  const gunman = nikolaev ? nikolaev.name : ROLE.nikolaev;
  let lead;
  if (v.reason === "koba_shot") lead = t("end.shot_koba", { gunman, target: name(fired.target) });
  else if (fired) lead = koba ? t("end.shot_missed_koba", { gunman, target: name(fired.target), koba: koba.name }) : t("end.shot_missed", { gunman, target: name(fired.target) });
  else lead = koba ? t("end.shot_none_koba", { gunman, koba: koba.name }) : t("end.shot_none", { gunman });
  const out = [h("p", { class: "lead", id: "last-shot-verdict", text: lead })];
  if (v.reason === "koba_shot") {
    const struck = log.filter((e) => e.kind === "final_count").length > 0;
    out.push(h("p", { class: "small", text: struck ? t("end.before_struck") : t("end.before_purged") }));
    return out;
  }
  return [...out, ...decided(v, log, name)];
}

// decided is the vote that settled the Congress: the Final Ballot's
// strikes, or the purge that took Kirov or gave the bloc parity.
function decided(v, log, name) {
  const k = kirovSeat(v);
  if (v.reason === "kirov_struck" || v.reason === "kirov_elected") {
    const count = log.filter((e) => e.kind === "final_count").at(-1);
    const strikes = count ? count.strikes || [] : v.final_count || [];
    const rows = v.seats.filter((x) => x.alive || strikes[x.seat] > 0)
      .map((x) => ({ label: x.seat === k ? t("end.name_kirov", { name: x.name, kirov: ROLE.kirov }) : x.name, n: strikes[x.seat] || 0, mark: x.seat === k }))
      .sort((a, b) => b.n - a.n);
    const byWhom = log.filter((e) => e.kind === "strike_cast");
    return [
      h("p", { class: "lead", text: v.reason === "kirov_struck"
        ? t("end.ballot_struck", { n: strikes[k] || 0 })
        : t("end.ballot_elected", { n: strikes[k] || 0 }) }),
      bars(rows, t("end.strikes_label"), (n) => t("end.strikes", { n })),
      byWhom.length ? h("p", { class: "small", text: t("end.who_struck", { pairs: byWhom.map((e) => `${name(e.seat)} → ${name(e.target)}`).join("; ") }) }) : null,
    ];
  }
  // A purge decided it: the vote that took Kirov, or the one that gave the bloc parity.
  const purged = log.filter((e) => e.kind === "purged").at(-1);
  const target = purged ? purged.target : v.reason === "kirov_purged" ? k : -1;
  const ballot = log.filter((e) => e.kind === "ballot" && e.target === target).at(-1);
  const lead = v.reason === "kirov_purged"
    ? t("end.purge_kirov", { target: name(target) })
    : t("end.purge_parity", { target: name(target), role: roleOf(v, target) || FACTION_ONE.loyalists });
  const out = [h("p", { class: "lead", text: lead })];
  if (ballot) {
    out.push(bars([
      { label: t("end.purge"), n: ballot.purge_count || 0, mark: true },
      { label: t("end.spare"), n: ballot.spare_count || 0 },
    ], t("end.vote_label", { target: name(target) }), (n) => t("end.votes", { n })));
    const votes = ballot.votes && ballot.votes.length ? ballot.votes
      : log.filter((e) => e.kind === "vote_cast" && e.target === target && e.session === ballot.session).map((e) => ({ seat: e.seat, purge: e.purge }));
    const p = votes.filter((x) => x.purge).map((x) => name(x.seat));
    const sp = votes.filter((x) => !x.purge).map((x) => name(x.seat));
    if (p.length || sp.length) out.push(h("p", { class: "small", text: t("end.purge_spare", { purge: p.length ? list(p) : t("end.nobody"), spare: sp.length ? list(sp) : t("end.nobody") }) }));
  }
  if (v.reason === "parity") {
    const plot = v.seats.filter((x) => x.alive && x.faction === "plotters").length;
    const loyal = v.seats.filter((x) => x.alive && x.faction === "loyalists").length;
    out.push(h("p", { class: "small", text: t("end.left_in_hall", { plot, loyal }) }));
  }
  return out;
}

// turningPoints lists every trial and its vote, every letter with its
// authors, every investigation and every confession, by session.
function turningPoints(v, log, name) {
  const out = [];
  const who = (i) => (roleOf(v, i) ? t("end.who_role", { name: name(i), role: roleOf(v, i) }) : name(i));
  const item = (session, kind, text) => out.push(h("li", { class: "turn turn-" + kind, data: { kind } },
    h("span", { class: "when", text: session ? t("end.session", { n: session }) : kind === "last-shot" || kind === "shot" ? t("end.when_last_shot") : t("end.when_ballot") }),
    h("span", { text })));
  for (const e of log) {
    switch (e.kind) {
    case "accused": {
      const ballot = log.find((b) => b.kind === "ballot" && b.session === e.session && b.target === e.target);
      const fate = log.find((b) => (b.kind === "purged" || b.kind === "spared") && b.session === e.session && b.target === e.target);
      let line = t("end.trial", { who: who(e.target), n: e.count });
      if (ballot) line += t("end.trial_votes", { purge: ballot.purge_count || 0, spare: ballot.spare_count || 0 });
      line += fate ? (fate.kind === "purged" ? t("end.trial_purged") : t("end.trial_spared")) : ".";
      item(e.session, "trial", line);
      break;
    }
    case "letter_sent": {
      const authors = [...new Set(log.filter((p) => p.kind === "letter_proposed" && p.session === e.session && p.target === e.target).map((p) => name(p.seat)))];
      item(e.session, "letter", authors.length ? t("end.letter_by", { who: who(e.target), authors: list(authors) }) : t("end.letter", { who: who(e.target) }));
      break;
    }
    case "investigated": {
      if (!e.faction) break; // with Yagoda dealt, the report comes at dawn
      const lie = v.seats[e.target] && v.seats[e.target].faction !== e.faction;
      item(e.session, "investigation", t(lie ? "end.found_false" : "end.found", { seat: name(e.seat), who: who(e.target), camp: FACTION_ONE[e.faction] || e.faction }));
      break;
    }
    case "confessed":
      item(e.session, "confession", e.target >= 0 ? t("end.confessed", { who: who(e.seat), target: who(e.target) }) : t("end.silent", { who: who(e.seat) }));
      break;
    case "no_trial":
      item(e.session, "no-trial", t("end.no_trial"));
      break;
    case "army":
      item(e.session, "army", t("end.army", { who: who(e.target) }));
      break;
    case "falsified":
      item(e.session, "falsified", t("end.falsified", { who: who(e.seat) }));
      break;
    case "reported": {
      const lie = v.seats[e.target] && v.seats[e.target].faction !== e.faction;
      item(e.session, "investigation", t(lie ? "end.reported_false" : "end.reported", { seat: name(e.seat), who: who(e.target), camp: FACTION_ONE[e.faction] || e.faction }));
      break;
    }
    case "last_shot":
      item(0, "last-shot", t("end.exposed", { bloc: list((e.seats || []).map(name)) }));
      break;
    case "shot":
      item(0, "shot", t(v.reason === "koba_shot" ? "end.shot_found" : "end.shot_named", { who: who(e.seat), target: who(e.target) }));
      break;
    }
  }
  if (!out.length) out.push(h("li", { class: "turn", text: t("end.nothing") }));
  return out;
}

// epilogue tells, in the voice of 1934, what follows from this ending.
function epilogue(v, log, name) {
  const k = kirovSeat(v);
  const purged = v.seats.filter((x) => !x.alive).map((x) => x.name);
  const text = EPILOGUE[v.reason] || [];
  return [
    ...text.map((p) => h("p", { text: p.replaceAll("{kirov}", k >= 0 ? name(k) : ROLE.kirov) })),
    ...fates(v, log).map((p) => h("p", { class: "fate", data: { role: p.role }, text: p.text })),
    purged.length ? h("p", { class: "small", text: t("end.struck_lists", { names: list(purged) }) }) : null,
  ];
}

// fair shows the commitment published at the deal, the seed revealed at
// the close, and how anyone can check the one against the other.
function fair(s) {
  const started = s.log.find((e) => e.kind === "game_started");
  const over = s.log.filter((e) => e.kind === "game_over").at(-1);
  const commitment = (started && started.commitment) || (s.lobby && s.lobby.commitment) || "";
  const seed = (over && over.seed) || (s.lobby && s.lobby.seed) || "";
  if (!commitment && !seed) return h("p", { class: "small muted", text: t("end.no_seed") });
  const file = s.match ? "/api/matches/" + encodeURIComponent(s.match) + "/file" : "";
  return [
    h("p", { class: "small", text: t("end.fair_what") }),
    h("dl", { class: "fair-list" },
      h("div", {}, h("dt", { text: t("end.seal") }), h("dd", {}, h("code", { id: "commitment", text: commitment || "—" }))),
      h("div", {}, h("dt", { text: t("end.seed") }), h("dd", {}, h("code", { id: "seed", text: seed || "—" })))),
    file ? h("p", {}, h("a", { class: "button small", id: "match-file", href: file, download: "", text: t("end.download") })) : null,
    h("p", { class: "small", text: t("end.check_yourself") + " " }, h("code", { text: `congress verify congress-match-${s.match || "ID"}.json` }),
      " — " + t("end.check_what")),
  ];
}
