// roles.js: the Congress roles in the lobby (ROLES.md). The host turns
// each on or off with its meaning before them; everyone reads which are
// in play with the delegates seated, and the set recommended for that
// count. When each role is dealt (its camp, the count it comes from, the
// role it comes only with) and the recommended sets are the server's
// (the lobby's limits and roles): this module keeps no rule of its own.

import { h, replace, list } from "./dom.js";
import { ROLE, ROLE_MEANING, FACTION } from "./words.js";
import { t } from "./i18n.js";

const names = (roles) => (roles || []).map((r) => ROLE[r] || r);

// inPlayText says which roles the lobby's settings deal now.
function inPlayText(l) {
  const r = l.roles || {};
  const dealt = names(r.dealt);
  return dealt.length
    ? t("roles.in_play", { n: r.seats, roles: list(dealt) })
    : t("roles.none_in_play", { n: r.seats });
}

function recommendedText(l) {
  const r = l.roles || {};
  const rec = names(r.recommended);
  return rec.length
    ? t("roles.recommended", { n: r.seats, roles: list(rec) })
    : t("roles.recommended_none", { n: r.seats });
}

// when says when a role is dealt, from its limit.
function when(limit) {
  const parts = [t("roles.from", { n: limit.from })];
  if (limit.with === "investigator") parts.push(t("roles.only_with_investigator"));
  else if (limit.with) parts.push(t("roles.only_with", { role: ROLE[limit.with] || limit.with }));
  return parts.join(", ") + ".";
}

// byCount is the table of the recommended set at every count.
function byCount(l) {
  const rows = (l.limits && l.limits.recommended) || [];
  return h("details", { class: "recommended-table" },
    h("summary", { text: t("roles.sets") }),
    h("table", { class: "small" },
      h("thead", {}, h("tr", {}, h("th", { scope: "col", text: t("roles.col_delegates") }), h("th", { scope: "col", text: t("roles.col_roles") }))),
      h("tbody", {}, rows.map((x) => h("tr", { data: { seats: x.seats } },
        h("td", { text: String(x.seats) }),
        h("td", { text: x.roles.length ? list(names(x.roles)) : t("roles.base_game") }))))));
}

// rolesSummary is the roles as everyone but the host reads them.
export function rolesSummary(l) {
  const on = new Set((l.settings && l.settings.roles) || []);
  const limits = (l.limits && l.limits.roles) || [];
  return h("div", { class: "roles-summary" },
    h("p", { id: "roles-in-play", text: inPlayText(l) }),
    h("p", { class: "small", id: "roles-recommended", text: recommendedText(l) }),
    h("ul", { class: "role-list" }, limits.filter((x) => on.has(x.name)).map((x) => h("li", { data: { role: x.name } },
      h("strong", { text: ROLE[x.name] || x.name }), " ",
      h("span", { class: ["role-tag", x.camp], text: FACTION[x.camp] || x.camp }),
      h("p", { class: "meaning", text: ROLE_MEANING[x.name] || "" }),
      h("p", { class: "small muted", text: when(x) })))),
    byCount(l));
}

// RolesForm is the host's switches, built once and refreshed in place.
export class RolesForm {
  constructor(onChange) {
    this.onChange = onChange; // (patch) => void
    this.inputs = new Map();
    this.notes = new Map();
    this.settings = null;
    this.limits = [];
    this.inPlay = h("p", { id: "roles-in-play", role: "status" });
    this.recommended = h("p", { class: "small", id: "roles-recommended" });
    this.useRecommended = h("button", {
      type: "button", class: "small", id: "roles-recommend", data: { key: "roles-recommend" },
      onclick: () => this.onChange({ roles: this.rec }),
      text: t("roles.deal_recommended"),
    });
    this.rows = h("div", { class: "role-switches" });
    this.error = h("p", { class: "refusal field-error", id: "set-roles-error", role: "alert", hidden: true });
    this.verdictEl = h("p", { class: "refusal field-error", id: "set-roles-verdict", role: "status", hidden: true });
    this.table = h("div");
    this.el = h("div", { class: "roles-form" },
      h("p", { class: "small muted", text: t("roles.each_role") }),
      this.rows, this.error, this.verdictEl, this.inPlay,
      h("div", { class: "act-row" }, this.recommended, this.useRecommended),
      this.table);
  }

  // build draws one switch per role the server lists, once.
  build(limits) {
    if (this.inputs.size) return;
    this.limits = limits;
    replace(this.rows, limits.map((x) => {
      const id = "role-" + x.name;
      const input = h("input", {
        type: "checkbox", id, data: { key: id, role: x.name }, aria: { describedby: id + "-help" },
        onchange: () => this.toggle(x.name, input.checked),
      });
      this.inputs.set(x.name, input);
      const note = h("p", { class: "small", id: id + "-note" });
      this.notes.set(x.name, note);
      return h("div", { class: "setting role-switch", data: { role: x.name } },
        h("label", { class: "choice", for: id }, input,
          h("span", { class: "role-name", text: ROLE[x.name] || x.name }),
          h("span", { class: ["role-tag", x.camp], text: FACTION[x.camp] || x.camp })),
        h("p", { class: "meaning", id: id + "-help", text: `${ROLE_MEANING[x.name] || ""} ${when(x)}` }),
        note);
    }));
  }

  // toggle turns a role on with the role it needs, or off with the
  // roles that need it, as the limits say.
  toggle(role, on) {
    const set = new Set(this.settings.roles || []);
    if (on) {
      set.add(role);
      const need = this.limits.find((x) => x.name === role);
      if (need && need.with && this.inputs.has(need.with)) set.add(need.with);
    } else {
      set.delete(role);
      for (const x of this.limits) if (x.with === role) set.delete(x.name);
    }
    this.onChange({ roles: this.limits.map((x) => x.name).filter((r) => set.has(r)) });
  }

  refuse(key, message) {
    if (key !== "roles") return false;
    this.error.textContent = message;
    this.error.hidden = false;
    return true;
  }

  clear() { this.error.hidden = true; }

  verdict(key, message) {
    const on = key === "roles" && !!message;
    this.verdictEl.hidden = !on;
    this.verdictEl.textContent = on ? message : "";
  }

  // update shows settings (the draft or the standing orders) in lobby l.
  update(settings, l) {
    this.build((l.limits && l.limits.roles) || []);
    this.settings = settings;
    const on = new Set(settings.roles || []);
    const dealt = new Set((l.roles && l.roles.dealt) || []);
    const seats = l.roles ? l.roles.seats : 0;
    for (const [name, input] of this.inputs) {
      input.checked = on.has(name);
      this.notes.get(name).textContent = on.has(name) && !dealt.has(name) ? t("roles.not_dealt", { n: seats }) : "";
    }
    this.inPlay.textContent = inPlayText(l);
    this.recommended.textContent = recommendedText(l);
    this.rec = (l.roles && l.roles.recommended) || [];
    const same = this.rec.length === on.size && this.rec.every((r) => on.has(r));
    this.useRecommended.disabled = same;
    if (!this.table.firstChild) replace(this.table, byCount(l));
  }
}
