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

const HEADLINE = {
  loyalists: "Stalin's Loyalists hold the Congress",
  plotters: "Kirov takes the Congress",
  koba_shot: "A shot in the Smolny corridor",
};

const headline = (v) => HEADLINE[v.reason] || HEADLINE[v.winner] || "The Congress has closed";

export function mount(root, ctx) {
  const s = ctx.session;
  const verdict = h("section", { class: "verdict", aria: { labelledby: "verdict-h" } });
  const decidingBody = h("div");
  const turningBody = h("ol", { class: "timeline" });
  const epilogueBody = h("div", { class: "epilogue" });
  const roster = h("ul", { class: "roster", aria: { label: "Every delegate's file" } });
  const tableBody = h("div");
  const minutes = new Minutes();
  const refusal = h("p", { class: "refusal", role: "alert", hidden: true });
  const fairBody = h("div", { id: "fair" });

  replace(root, verdict, refusal,
    h("div", { class: "room end" },
      h("div", {},
        h("section", { class: "panel red deciding", aria: { labelledby: "deciding-h" } }, h("h2", { id: "deciding-h", text: "The deciding moment" }), decidingBody),
        h("section", { class: "panel epilogue-panel", aria: { labelledby: "epilogue-h" } }, h("h2", { id: "epilogue-h", text: "What history makes of it" }), epilogueBody),
        h("section", { class: "panel", aria: { labelledby: "turning-h" } }, h("h2", { id: "turning-h", text: "The turning points" }), turningBody),
        h("section", { class: "panel", aria: { labelledby: "files-h" } }, h("h2", { id: "files-h", text: "The files, opened" }), roster),
        h("section", { class: "panel fair", aria: { labelledby: "fair-h" } }, h("h2", { id: "fair-h", text: "A fair deal, proven" }), fairBody)),
      h("div", {},
        ctx.chat.el,
        h("section", { class: "panel log-panel", aria: { labelledby: "log-h" } }, h("h2", { id: "log-h", text: "The minutes, complete" }), minutes.el),
        h("section", { class: "panel table-panel", aria: { labelledby: "table-h" } }, h("h2", { id: "table-h", text: "The last sitting" }), tableBody))));
  ctx.chat.attached();

  let announced = false;

  function render() {
    const v = s.view;
    if (!v) return;
    const you = v.you ? v.you.seat : -1;
    const won = v.you ? v.you.faction === v.winner : null;
    const name = (i) => s.name(i);
    replace(verdict,
      h("p", { class: "kicker", text: won === null ? "The Congress has closed" : won ? "Victory" : "Defeat" }),
      h("h1", { id: "verdict-h", text: headline(v) }),
      h("p", { text: REASON[v.reason] || "" }),
      h("div", { class: "row" },
        s.isHost && h("button", { type: "button", class: "primary", id: "rematch", data: { key: "rematch" }, onclick: rematch, text: "Play again: rematch" }),
        !s.isHost && !s.spectator && h("p", { class: "small", text: "The host may call a rematch with the same delegates; stay here to play again." }),
        s.isHost && s.match && h("button", { type: "button", class: "dark", id: "review-start", data: { key: "review-start" }, aria: { describedby: "review-what" }, onclick: review, text: "Review together" }),
        !s.isHost && s.review && h("button", { type: "button", class: "dark", id: "review-join", data: { key: "review-join" }, onclick: () => ctx.joinReview(), text: `Join ${s.review.name}'s review` }),
        h("button", { type: "button", class: "dark", id: "replay", data: { key: "replay" }, onclick: () => ctx.replay(), text: "Replay the match" }),
        !s.spectator && h("button", { type: "button", class: "dark", data: { key: "leave" }, onclick: () => ctx.leave(), text: "Leave" })),
      s.isHost && s.match && h("p", { class: "small", id: "review-what", text: "Review together: everyone in the lobby, the gallery too, follows you through the replay, step by step, with the chat open beside it." }),
      s.match && h("p", { class: "small" }, h("a", { class: "on-dark", href: "/?match=" + encodeURIComponent(s.match), text: "A link to this match's record, to share" })));
    verdict.className = "verdict " + (v.winner || "");

    replace(decidingBody, deciding(v, s.log, name));
    replace(turningBody, turningPoints(v, s.log, name));
    replace(epilogueBody, epilogue(v, s.log, name));

    replace(fairBody, fair(s));
    replace(roster, v.seats.map((x) => h("li", { class: [x.faction, !x.alive && "purged"], data: { seat: x.seat, role: x.role } },
      h("div", { class: "name", text: x.name + (x.seat === you ? " (you)" : "") }),
      h("span", { class: ["role-tag", x.faction], text: ROLE[x.role] || x.role }),
      h("div", { class: "small", text: (FACTION[x.faction] || "") + (x.alive ? "" : " · purged") }))));

    replace(tableBody, renderTable(v, { you, member: (i) => s.memberAt(i), host: s.lobby && s.lobby.host }));
    minutes.update(s.log, name, you, { secrets: true, phase: "over", camp: (i) => (v.seats[i] ? v.seats[i].faction : "") });
    ctx.chat.update();
    if (!announced) {
      announced = true;
      announce(`The Congress has closed. ${headline(v)}. ${REASON[v.reason] || ""}`);
    }
  }

  function review() {
    refusal.hidden = true;
    ctx.send({ type: "review", action: "start", step: -1, viewer: "all" }).catch((err) => {
      refusal.textContent = err.message || "The review was refused.";
      refusal.hidden = false;
    });
  }

  function rematch() {
    refusal.hidden = true;
    ctx.send({ type: "host", action: "rematch" }).catch((err) => {
      refusal.textContent = err.message || "The rematch was refused.";
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
      h("span", { class: "bar-n", text: `${r.n} ${unit(r.n)}` }));
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
  const gunman = nikolaev ? nikolaev.name : "Nikolaev";
  let lead;
  if (v.reason === "koba_shot") lead = `The Last Shot: ${gunman} named ${name(fired.target)}, who was Koba. Stalin falls in the Smolny corridor, and Kirov's bloc takes the Congress.`;
  else if (fired) lead = `The Last Shot: ${gunman} named ${name(fired.target)}, who was not Koba${koba ? `; Koba was ${koba.name}` : ""}. The Loyalists hold the Congress.`;
  else lead = `The Last Shot: ${gunman} named nobody in time${koba ? `, and Koba, ${koba.name}, walked out of the Smolny` : ""}. The Loyalists hold the Congress.`;
  const out = [h("p", { class: "lead", id: "last-shot-verdict", text: lead })];
  if (v.reason === "koba_shot") {
    const before = log.filter((e) => e.kind === "final_count").length ? "Kirov's name had been struck in the Final Ballot" : "Kirov had been purged";
    out.push(h("p", { class: "small", text: `Before it, ${before}: the Loyalists had all but won.` }));
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
      .map((x) => ({ label: x.name + (x.seat === k ? " (Kirov)" : ""), n: strikes[x.seat] || 0, mark: x.seat === k }))
      .sort((a, b) => b.n - a.n);
    const byWhom = log.filter((e) => e.kind === "strike_cast");
    return [
      h("p", { class: "lead", text: v.reason === "kirov_struck"
        ? `The Final Ballot: Kirov's name was struck ${strikes[k] || 0} times, more than any other. The Central Committee is Stalin's.`
        : `The Final Ballot: Kirov's name was not struck the most (${strikes[k] || 0}). The Central Committee elects him General Secretary.` }),
      bars(rows, "Strikes per name in the Final Ballot", (n) => (n === 1 ? "strike" : "strikes")),
      byWhom.length ? h("p", { class: "small", text: "Who struck whom: " + byWhom.map((e) => `${name(e.seat)} → ${name(e.target)}`).join("; ") + "." }) : null,
    ];
  }
  // A purge decided it: the vote that took Kirov, or the one that gave the bloc parity.
  const purged = log.filter((e) => e.kind === "purged").at(-1);
  const target = purged ? purged.target : v.reason === "kirov_purged" ? k : -1;
  const ballot = log.filter((e) => e.kind === "ballot" && e.target === target).at(-1);
  const lead = v.reason === "kirov_purged"
    ? `The purge vote on ${name(target)}, who was Kirov, decided the Congress.`
    : `The purge of ${name(target)} (${roleOf(v, target) || "a Loyalist"}) left Kirov's bloc seat for seat with the Loyalists.`;
  const out = [h("p", { class: "lead", text: lead })];
  if (ballot) {
    out.push(bars([
      { label: "Purge", n: ballot.purge_count || 0, mark: true },
      { label: "Spare", n: ballot.spare_count || 0 },
    ], `The purge vote on ${name(target)}`, (n) => (n === 1 ? "vote" : "votes")));
    const votes = ballot.votes && ballot.votes.length ? ballot.votes
      : log.filter((e) => e.kind === "vote_cast" && e.target === target && e.session === ballot.session).map((e) => ({ seat: e.seat, purge: e.purge }));
    const p = votes.filter((x) => x.purge).map((x) => name(x.seat));
    const sp = votes.filter((x) => !x.purge).map((x) => name(x.seat));
    if (p.length || sp.length) out.push(h("p", { class: "small", text: `Purge: ${p.length ? list(p) : "nobody"}. Spare: ${sp.length ? list(sp) : "nobody"}.` }));
  }
  if (v.reason === "parity") {
    const plot = v.seats.filter((x) => x.alive && x.faction === "plotters").length;
    const loyal = v.seats.filter((x) => x.alive && x.faction === "loyalists").length;
    out.push(h("p", { class: "small", text: `Left in the hall: ${plot} of Kirov's bloc, ${loyal} Loyalists.` }));
  }
  return out;
}

// turningPoints lists every trial and its vote, every letter with its
// authors, every investigation and every confession, by session.
function turningPoints(v, log, name) {
  const out = [];
  const who = (i) => `${name(i)}${roleOf(v, i) ? " (" + roleOf(v, i) + ")" : ""}`;
  const item = (session, kind, text) => out.push(h("li", { class: "turn turn-" + kind, data: { kind } },
    h("span", { class: "when", text: session ? "Session " + session : kind === "last-shot" || kind === "shot" ? "Last Shot" : "Ballot" }),
    h("span", { text })));
  for (const e of log) {
    switch (e.kind) {
    case "accused": {
      const ballot = log.find((b) => b.kind === "ballot" && b.session === e.session && b.target === e.target);
      const fate = log.find((b) => (b.kind === "purged" || b.kind === "spared") && b.session === e.session && b.target === e.target);
      let t = `${who(e.target)} stood trial with ${e.count} denunciation${e.count === 1 ? "" : "s"}`;
      if (ballot) t += `; ${ballot.purge_count || 0} to purge, ${ballot.spare_count || 0} to spare`;
      t += fate ? (fate.kind === "purged" ? ": purged." : ": spared.") : ".";
      item(e.session, "trial", t);
      break;
    }
    case "letter_sent": {
      const authors = [...new Set(log.filter((p) => p.kind === "letter_proposed" && p.session === e.session && p.target === e.target).map((p) => name(p.seat)))];
      item(e.session, "letter", `An anonymous letter went out against ${who(e.target)}${authors.length ? ", written by " + list(authors) : ""}.`);
      break;
    }
    case "investigated": {
      if (!e.faction) break; // with Yagoda dealt, the report comes at dawn
      const lie = v.seats[e.target] && v.seats[e.target].faction !== e.faction;
      item(e.session, "investigation", `The NKVD, for ${name(e.seat)}, found ${who(e.target)} ${FACTION_ONE[e.faction] || e.faction}${lie ? ": a false report" : ""}.`);
      break;
    }
    case "confessed":
      item(e.session, "confession", e.target >= 0 ? `${who(e.seat)} named ${who(e.target)} in a confession.` : `${who(e.seat)} left the hall without a word.`);
      break;
    case "no_trial":
      item(e.session, "no-trial", "No trial: nobody drew enough denunciations.");
      break;
    case "army":
      item(e.session, "army", `The Army stood behind the Marshal: ${who(e.target)} survived a vote that would have purged anyone else.`);
      break;
    case "falsified":
      item(e.session, "falsified", `${who(e.seat)} falsified the night's NKVD report.`);
      break;
    case "reported": {
      const lie = v.seats[e.target] && v.seats[e.target].faction !== e.faction;
      item(e.session, "investigation", `The NKVD, for ${name(e.seat)}, reported ${who(e.target)} ${FACTION_ONE[e.faction] || e.faction}${lie ? ": a false report" : ""}.`);
      break;
    }
    case "last_shot":
      item(0, "last-shot", `The bloc stood exposed (${list((e.seats || []).map(name))}), and Nikolaev took aim.`);
      break;
    case "shot":
      item(0, "shot", `${who(e.seat)} named ${who(e.target)}${v.reason === "koba_shot" ? ": Koba, found." : "."}`);
      break;
    }
  }
  if (!out.length) out.push(h("li", { class: "turn", text: "No trial, no letter, no investigation: the Congress went straight to its ballot." }));
  return out;
}

// epilogue tells, in the voice of 1934, what follows from this ending.
function epilogue(v, log, name) {
  const k = kirovSeat(v);
  const purged = v.seats.filter((x) => !x.alive).map((x) => x.name);
  const text = EPILOGUE[v.reason] || [];
  return [
    ...text.map((p) => h("p", { text: p.replaceAll("{kirov}", k >= 0 ? name(k) : "Kirov") })),
    ...fates(v, log).map((p) => h("p", { class: "fate", data: { role: p.role }, text: p.text })),
    purged.length ? h("p", { class: "small", text: `Struck from the Party lists at this Congress: ${list(purged)}.` }) : null,
  ];
}

// fair shows the commitment published at the deal, the seed revealed at
// the close, and how anyone can check the one against the other.
function fair(s) {
  const started = s.log.find((e) => e.kind === "game_started");
  const over = s.log.filter((e) => e.kind === "game_over").at(-1);
  const commitment = (started && started.commitment) || (s.lobby && s.lobby.commitment) || "";
  const seed = (over && over.seed) || (s.lobby && s.lobby.seed) || "";
  if (!commitment && !seed) return h("p", { class: "small muted", text: "This match was dealt before seeds were published." });
  const file = s.match ? "/api/matches/" + encodeURIComponent(s.match) + "/file" : "";
  return [
    h("p", { class: "small", text: "Before the first seat was dealt, the Presidium published the seal of the match's seed; now the seed itself is opened. Every seat, role and lot of this Congress follows from it." }),
    h("dl", { class: "fair-list" },
      h("div", {}, h("dt", { text: "Seal, published at the deal" }), h("dd", {}, h("code", { id: "commitment", text: commitment || "—" }))),
      h("div", {}, h("dt", { text: "Seed, opened at the close" }), h("dd", {}, h("code", { id: "seed", text: seed || "—" })))),
    file ? h("p", {}, h("a", { class: "button small", id: "match-file", href: file, download: "", text: "Download the match file" })) : null,
    h("p", { class: "small", text: "To check it yourself: " }, h("code", { text: `congress verify congress-match-${s.match || "ID"}.json` }),
      " — it checks the seal against the seed, and replays the deal and every event from it."),
  ];
}
