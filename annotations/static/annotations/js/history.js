// An annotation's history in the claim panel: its versions (any earlier one can be restored, as a new
// version), the review transitions, and what changed between two versions.

import { errorLines, get, getAll, post } from "./api.js";
import { $, formatTime, h } from "./dom.js";
import { fill, gettext } from "./i18n.js";
import { fieldLabel, stanceLabel, statusLabel } from "./labels.js";

export class AnnotationHistory {
  // From the panel: the annotation open in the form and its ETag, verdict labels, and the form itself,
  // which a restore refills (or, when someone saved first, shows the conflict over).
  constructor(panel) {
    this.panel = panel;
    this.section = $("#history");
    this.button = $("#history-button");
    this.button.addEventListener("click", () => this.toggle());
    $("#show-diff").addEventListener("click", () => this.showDiff());
  }

  toggle() {
    this.section.hidden = !this.section.hidden;
    this.button.setAttribute("aria-expanded", String(!this.section.hidden));
    if (!this.section.hidden) this.load();
  }

  close() {
    this.section.hidden = true;
    this.button.setAttribute("aria-expanded", "false");
  }

  // After a change to the annotation: the history again, if it is open.
  refresh() {
    if (!this.section.hidden) this.load();
  }

  async load() {
    const editing = this.panel.editing;
    if (!editing) return;
    const id = editing.id;
    const [versions, transitions] = await Promise.all([
      getAll(`/api/v1/annotations/${id}/versions/`),
      getAll(`/api/v1/annotations/${id}/transitions/`),
    ]);
    if (this.panel.editing?.id !== id) return;
    const list = $("#version-list");
    if (!versions.ok) {
      list.replaceChildren(h("li", { class: "error", text: errorLines(versions.data).join(" ") }));
      return;
    }
    const latest = Math.max(...versions.items.map((v) => v.number));
    list.replaceChildren(...versions.items.map((version) => h("li", { class: "version" },
      h("div", { class: "card-head" },
        h("strong", { text: fill(gettext("Version %(version)s"), { version: version.number }) }),
        h("span", { class: "verdict-chip", "data-verdict": version.verdict, text: this.panel.verdictLabel(version.verdict, version.verdict_label) }),
        h("span", { class: "hint", text: `${version.author} · ${formatTime(version.created_at)}` })),
      version.change_note ? h("p", { class: "note", dir: "auto", text: version.change_note }) : null,
      version.number === latest ? h("span", { class: "hint", text: gettext("Current") })
        : h("button", { type: "button", class: "small", text: gettext("Restore"), "aria-label": fill(gettext("Restore version %(version)s"), { version: version.number }), onclick: () => this.restore(version.number) }),
    )));
    const numbers = versions.items.map((v) => v.number);
    for (const [selectId, chosen] of [["#diff-from", Math.max(1, latest - 1)], ["#diff-to", latest]]) {
      const select = $(selectId);
      select.replaceChildren(...numbers.map((n) => h("option", { value: String(n), text: fill(gettext("Version %(version)s"), { version: n }) })));
      select.value = String(chosen);
    }
    $("#transition-list").replaceChildren(...(transitions.ok ? transitions.items : []).map((t) => h("li", {},
      fill(gettext("%(from)s → %(to)s by %(person)s · %(when)s"), { from: statusLabel(t.from_status), to: statusLabel(t.to_status), person: t.actor, when: formatTime(t.created_at) }),
      t.comment ? h("q", { dir: "auto", text: t.comment }) : null)));
  }

  async showDiff() {
    const from = $("#diff-from").value;
    const to = $("#diff-to").value;
    const response = await get(`/api/v1/annotations/${this.panel.editing.id}/diff/?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
    const table = $("#diff-table");
    table.hidden = false;
    $("#diff-caption").textContent = fill(gettext("Changes from version %(from)s to version %(to)s"), { from, to });
    const tbody = table.querySelector("tbody");
    if (!response.ok) {
      tbody.replaceChildren(h("tr", {}, h("td", { colspan: 3, class: "error", text: errorLines(response.data).join(" ") })));
      return;
    }
    const changes = Object.entries(response.data.changes || {});
    if (!changes.length) {
      tbody.replaceChildren(h("tr", {}, h("td", { colspan: 3, text: gettext("No differences.") })));
      return;
    }
    tbody.replaceChildren(...changes.map(([field, change]) => h("tr", {},
      h("th", { scope: "row", text: fieldLabel(field) }),
      h("td", { class: "before", text: this.describe(field, change.from) }),
      h("td", { class: "after", text: this.describe(field, change.to) }))));
  }

  describe(field, value) {
    if (value === null || value === undefined || value === "") return "—";
    if (field === "verdict") return this.panel.verdictLabel(value, String(value));
    if (field === "evidence" && Array.isArray(value)) return value.map((e) => `${e.title || ""} <${e.url}> (${e.stance ? stanceLabel(e.stance) : ""})`).join("\n") || "—";
    return typeof value === "string" ? value : JSON.stringify(value);
  }

  async restore(number) {
    const panel = this.panel;
    const response = await post(`/api/v1/annotations/${panel.editing.id}/revert/`, { version: number }, { "If-Match": panel.etag });
    if (response.status === 412 && response.data?.current) {
      panel.showConflict(response.data.current, panel.collect().content);
      return;
    }
    if (!response.ok) {
      panel.message(errorLines(response.data).join(" "), true);
      return;
    }
    panel.edit(response.data);
    if (response.etag) panel.etag = response.etag;
    panel.message(fill(gettext("Restored version %(old)s as version %(new)s."), { old: number, new: response.data.version }));
    panel.refreshAround();
  }
}
