// Someone else saved first: their version beside the person's unsaved edits, with the two ways on
// (re-apply the edits on top of their version, or take theirs). What either does to the form is the panel's.

import { $, formatNumber, formatTime, h } from "./dom.js";
import { fill, gettext } from "./i18n.js";

export function renderConflict(current, mine, { verdictName, reapply, useTheirs }) {
  const box = $("#conflict");
  const column = (title, content) => h("section", { class: "conflict-side" },
    h("h4", { text: title }),
    h("dl", {},
      h("dt", { text: gettext("Verdict") }), h("dd", { text: verdictName(content.verdict) }),
      h("dt", { text: gettext("Confidence") }), h("dd", { text: formatNumber(content.confidence) }),
      h("dt", { text: gettext("Rationale") }), h("dd", { class: "rationale", dir: "auto", text: content.rationale || "—" }),
      h("dt", { text: gettext("Evidence") }), h("dd", { text: (content.evidence || []).map((e) => e.title || e.url).join("; ") || "—" })));
  const version = current.version;
  box.replaceChildren(
    h("h4", { text: gettext("Someone else saved first") }),
    h("p", { text: fill(gettext("Version %(version)s by %(person)s (%(when)s) was saved while you were editing. Nothing of yours was saved, and your edits are still in the form."), { version, person: current.author || current.reviewer, when: formatTime(current.updated_at || current.created_at) }) }),
    h("div", { class: "conflict-grid" }, column(fill(gettext("Their version (version %(version)s)"), { version }), current), column(gettext("Your unsaved edits"), mine)),
    h("div", { class: "actions" },
      h("button", { type: "button", class: "primary", text: gettext("Re-apply my edits"), onclick: reapply }),
      h("button", { type: "button", text: gettext("Use their version"), onclick: useTheirs })),
  );
  box.hidden = false;
}

export function hideConflict() {
  const box = $("#conflict");
  box.hidden = true;
  box.replaceChildren();
}
