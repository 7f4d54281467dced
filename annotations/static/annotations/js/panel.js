// The claim panel: the claim, its annotations, the verdict form with evidence, history, review actions.
// Saves send If-Match; a save that loses the race shows the other version and keeps what was typed.
// Its parts with their own module are given the panel (or just their elements): "Checked before?"
// (checked_before.js), the evidence editor (evidence.js), the history (history.js), the conflict (conflict.js).

import { errorLines, get, getAll, patch, post } from "./api.js";
import { CheckedBefore } from "./checked_before.js";
import { hideConflict, renderConflict } from "./conflict.js";
import { $, formatDate, formatNumber, formatTime, h } from "./dom.js";
import { EvidenceEditor, evidenceView } from "./evidence.js";
import { AnnotationHistory } from "./history.js";
import { fill, gettext } from "./i18n.js";
import { statusLabel } from "./labels.js";
import { renderApprovers, renderNotes } from "./review_rules.js";

const REOPENABLE = new Set(["draft", "rejected"]);

export class ClaimPanel {
  constructor(data, { onClaimChanged, onClose, onPublished }) {
    this.data = data;
    this.user = data.user;
    this.verdicts = data.verdicts;
    this.onClaimChanged = onClaimChanged;
    this.hooks = { onPublished };
    this.onClose = onClose;
    this.claim = null;
    this.annotations = [];
    this.editing = null; // the annotation open in the form (null: a new one)
    this.etag = null;
    this.section = $("#claim-panel");
    this.form = $("#annotation-form");
    this.evidence = new EvidenceEditor($("#evidence-list"), $("#add-evidence"));
    this.history = new AnnotationHistory(this);
    this.checks = new CheckedBefore(this);
    this.buildVerdictScale();
    this.bind();
  }

  // ---------- setup ----------

  buildVerdictScale() {
    const scale = $("#verdict-scale");
    this.verdicts.forEach((verdict, index) => {
      scale.append(
        h("label", { class: "verdict-option", title: verdict.description || null },
          h("input", { type: "radio", name: "verdict", value: verdict.key, "aria-keyshortcuts": String(index + 1) }),
          h("span", { class: "verdict-chip", "data-verdict": verdict.key, text: verdict.label })),
      );
    });
  }

  bind() {
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.save();
    });
    $("#submit-review").addEventListener("click", () => this.transition("submit"));
    $("#approve").addEventListener("click", () => this.transition("approve"));
    $("#reject").addEventListener("click", () => this.transition("reject"));
    $("#reopen").addEventListener("click", () => this.transition("reopen"));
    $("#close-claim").addEventListener("click", () => this.onClose());
  }

  get isOpen() {
    return !this.section.hidden;
  }

  // ---------- opening a claim ----------

  async open(claim, focusAnnotation = null) {
    this.claim = claim;
    this.section.hidden = false;
    $("#claim-quote").textContent = claim.exact;
    $("#claim-claimant").textContent = claim.claimant || "—";
    $("#claim-date").textContent = formatDate(claim.claim_date) || "—";
    this.renderPublished();
    this.renderWordsChanged();
    $("#claim-statement").textContent = claim.statement || "";
    this.history.close();
    hideConflict();
    this.message("");
    await Promise.all([this.loadAnnotations(focusAnnotation), this.checks.load()]);
  }

  // The claim's words changed under its verdict: both texts, and where an editor decides.
  renderWordsChanged() {
    const box = $("#claim-words-changed");
    const changed = this.claim.words_changed;
    box.hidden = !changed;
    if (!changed) return;
    box.replaceChildren(
      h("p", { class: "status-line", text: this.claim.published ? gettext("Changed since approval") : gettext("Changed since its verdict was written") }),
      h("div", { class: "words-changed" },
        h("figure", { class: "words-side" }, h("figcaption", { text: gettext("Judged words") }), h("blockquote", { class: "claim-quote judged", text: changed.judged })),
        h("figure", { class: "words-side" }, h("figcaption", { text: gettext("Now") }), h("blockquote", { class: "claim-quote current", text: changed.current }))),
      h("a", { href: `#check-${this.claim.id}`, text: gettext("Decide under “Claims to check”") }),
    );
  }

  renderPublished() {
    const published = this.claim.published;
    $("#claim-published").replaceChildren(
      published ? h("span", { class: "verdict-chip", "data-verdict": published.verdict, text: this.verdictLabel(published.verdict, published.label) }) : gettext("None yet"),
    );
  }

  async loadAnnotations(focusAnnotation = null) {
    const claimId = this.claim.id;
    const response = await getAll(`/api/v1/claims/${claimId}/annotations/`);
    if (this.claim?.id !== claimId) return;
    if (!response.ok) {
      this.annotations = [];
      this.renderCards(errorLines(response.data).join(" "));
    } else {
      this.annotations = response.items;
    }
    const mine = this.annotations.find((a) => a.reviewer === this.user.username) || null;
    const focused = focusAnnotation ? this.annotations.find((a) => a.id === focusAnnotation) : null;
    const target = focused || (this.editing && this.editing.claim === claimId ? this.annotations.find((a) => a.id === this.editing.id) : null) || mine;
    $("#blind-note").hidden = !(this.data.blind_review && this.user.is_reviewer && !this.user.is_editor && (!mine || mine.status === "draft"));
    if (response.ok) this.renderCards();
    if (this.user.is_reviewer) this.edit(target || null);
    else this.form.hidden = true;
  }

  renderCards(problem = "") {
    const list = $("#annotation-cards");
    if (problem) {
      list.replaceChildren(h("li", { class: "hint", text: problem }));
      return;
    }
    if (this.annotations.length === 0) {
      list.replaceChildren(h("li", { class: "hint", text: gettext("No annotations you can see yet.") }));
      return;
    }
    list.replaceChildren(...this.annotations.map((annotation) => this.card(annotation)));
  }

  card(annotation) {
    const mine = annotation.reviewer === this.user.username;
    const open = this.editing && this.editing.id === annotation.id;
    const canOpen = !open && (mine || this.user.is_editor);
    return h("li", { class: open ? "annotation-card open" : "annotation-card", "data-annotation": annotation.id },
      h("div", { class: "card-head" },
        h("span", { class: "verdict-chip", "data-verdict": annotation.verdict, text: this.verdictLabel(annotation.verdict, annotation.verdict_label) }),
        h("span", { class: `status status-${annotation.status}`, text: statusLabel(annotation.status) }),
        h("span", { class: "who", text: mine ? fill(gettext("%(person)s (you)"), { person: annotation.reviewer }) : annotation.reviewer }),
        h("span", { class: "hint", text: fill(gettext("v%(version)s · %(confidence)s%"), { version: annotation.version, confidence: formatNumber(annotation.confidence) }) }),
      ),
      annotation.rationale ? h("p", { class: "rationale", dir: "auto", text: annotation.rationale }) : null,
      evidenceView(annotation.evidence || []),
      canOpen ? h("button", { type: "button", class: "small", text: gettext("Open"), "aria-label": fill(gettext("Open annotation by %(person)s"), { person: annotation.reviewer }), onclick: () => this.edit(annotation) }) : null,
    );
  }

  // ---------- the form ----------

  edit(annotation) {
    this.editing = annotation;
    this.etag = annotation ? `"${annotation.version}"` : null;
    this.form.hidden = false;
    hideConflict();
    const mine = !annotation || annotation.reviewer === this.user.username;
    $("#form-heading").textContent = mine ? gettext("Your verdict") : fill(gettext("Verdict by %(person)s"), { person: annotation.reviewer });
    this.fillForm(annotation || { verdict: null, confidence: 50, rationale: "", evidence: [] });
    $("#change-note").value = "";
    this.renderStatus();
    if (this.annotations.length) this.renderCards();
  }

  fillForm(content) {
    for (const radio of this.form.querySelectorAll('input[name="verdict"]')) radio.checked = radio.value === content.verdict;
    $("#confidence").value = content.confidence ?? 50;
    $("#rationale").value = content.rationale || "";
    this.evidence.show(content.evidence || []);
  }

  renderStatus() {
    const annotation = this.editing;
    const mine = !annotation || annotation.reviewer === this.user.username;
    $("#form-status").replaceChildren(
      annotation
        ? h("span", {}, h("span", { class: `status status-${annotation.status}`, text: statusLabel(annotation.status) }),
          " ", fill(gettext("version %(version)s"), { version: annotation.version }),
          annotation.author ? ` · ${fill(gettext("last saved by %(person)s"), { person: annotation.author })}` : "",
          annotation.updated_at ? ` · ${formatTime(annotation.updated_at)}` : "")
        : h("span", { class: "hint", text: gettext("Not annotated by you yet.") }),
    );
    $("#submit-review").hidden = !(annotation && mine && REOPENABLE.has(annotation.status));
    $("#history-button").hidden = !annotation;
    const review = $("#review-actions");
    review.hidden = !(annotation && this.user.is_editor);
    if (!review.hidden) {
      $("#approve").disabled = annotation.status !== "submitted";
      $("#reject").disabled = !(annotation.status === "submitted" || annotation.status === "approved");
      $("#reopen").disabled = !(annotation.status === "submitted" || annotation.status === "approved");
    }
    renderNotes(annotation, this.user);
    if (!review.hidden && annotation.status === "submitted") renderApprovers(annotation, this.data);
    else $("#four-eyes-note").hidden = true;
  }

  // What the form holds now, and whether it is valid.
  collect() {
    const verdict = this.form.querySelector('input[name="verdict"]:checked')?.value || null;
    const confidenceText = $("#confidence").value.trim();
    const confidence = Number(confidenceText);
    const { items: evidence, problems } = this.evidence.collect();
    if (!verdict) problems.push(gettext("Choose a verdict."));
    if (confidenceText === "" || !Number.isInteger(confidence) || confidence < 0 || confidence > 100) problems.push(gettext("Confidence is a whole number from 0 to 100."));
    return { content: { verdict, confidence, rationale: $("#rationale").value, evidence, change_note: $("#change-note").value.trim() }, problems };
  }

  async save() {
    const { content, problems } = this.collect();
    if (problems.length) {
      this.message(problems.join(" "), true);
      return;
    }
    this.message(gettext("Saving…"));
    const response = this.editing
      ? await patch(`/api/v1/annotations/${this.editing.id}/`, content, { "If-Match": this.etag })
      : await post(`/api/v1/claims/${this.claim.id}/annotations/`, content);
    if (response.status === 412 && response.data?.current) {
      this.showConflict(response.data.current, content);
      return;
    }
    if (response.status === 409 && response.data?.annotation_id) {
      this.message(gettext("You already annotate this claim; your existing annotation is open now. Your text is kept in the form."), true);
      const existing = await get(`/api/v1/annotations/${response.data.annotation_id}/`);
      if (existing.ok) {
        this.editing = existing.data;
        this.etag = existing.etag || `"${existing.data.version}"`;
        this.renderStatus();
      }
      return;
    }
    if (!response.ok) {
      this.message(errorLines(response.data).join(" "), true);
      return;
    }
    this.editing = response.data;
    this.etag = response.etag || `"${response.data.version}"`;
    $("#change-note").value = "";
    this.message(fill(gettext("Saved version %(version)s."), { version: response.data.version }));
    this.renderStatus();
    this.refreshAround();
  }

  // After a change: the cards, the claim's published verdict, and the history if it is open.
  async refreshAround() {
    this.onClaimChanged(this.claim.id);
    const response = await getAll(`/api/v1/claims/${this.claim.id}/annotations/`);
    if (response.ok) {
      this.annotations = response.items;
      this.renderCards();
    }
    this.history.refresh();
  }

  // ---------- conflicts ----------

  showConflict(current, mine) {
    renderConflict(current, mine, {
      verdictName: (key) => this.verdictLabel(key, key) || "—",
      reapply: () => this.reapply(current),
      useTheirs: () => this.useTheirs(current),
    });
    this.message(gettext("Not saved: someone else saved first."), true);
  }

  reapply(current) {
    this.editing = current;
    this.etag = `"${current.version}"`;
    hideConflict();
    this.renderStatus();
    this.message(fill(gettext("Your edits are kept and now apply on top of version %(version)s. Press Save to save them."), { version: current.version }));
    $("#rationale").focus();
  }

  useTheirs(current) {
    this.edit(current);
    this.message(fill(gettext("Showing version %(version)s."), { version: current.version }));
  }

  // ---------- review ----------

  async transition(action) {
    if (!this.editing) return;
    const out = action === "submit" ? (text) => this.message(text, false) : (text) => this.reviewMessage(text);
    const fail = action === "submit" ? (text) => this.message(text, true) : (text) => this.reviewMessage(text, true);
    const body = action === "submit" ? {} : { comment: $("#review-comment").value.trim() };
    const response = await post(`/api/v1/annotations/${this.editing.id}/${action}/`, body, { "If-Match": this.etag });
    if (response.status === 412 && response.data?.current) {
      this.editing = response.data.current;
      this.etag = `"${this.editing.version}"`;
      this.renderStatus();
      fail(fill(gettext("Version %(version)s was saved meanwhile; look at it, then try again."), { version: this.editing.version }));
      return;
    }
    if (!response.ok) {
      fail(errorLines(response.data).join(" "));
      return;
    }
    const done = { submit: () => gettext("Submitted for review."), approve: () => gettext("Approved."), reject: () => gettext("Rejected."), reopen: () => gettext("Re-opened.") }[action];
    this.editing = { ...this.editing, ...response.data };
    if (response.etag) this.etag = response.etag;
    if (action !== "submit") $("#review-comment").value = "";
    out(done());
    this.renderStatus();
    this.showPublicationAtOnce(action);
    this.refreshAround();
  }

  // The published verdict as the transition just left it, before any refetch (which follows).
  showPublicationAtOnce(action) {
    const annotation = this.editing;
    let published = this.claim.published;
    if (action === "approve") {
      const label = this.verdicts.find((v) => v.key === annotation.verdict)?.label || annotation.verdict;
      published = { annotation: annotation.id, version: annotation.version, verdict: annotation.verdict, label };
    } else if (action === "reject" && published?.annotation === annotation.id) {
      published = null;
    } else return;
    this.claim.published = published;
    this.renderPublished();
    this.hooks.onPublished?.(this.claim.id, published);
  }

  reviewMessage(text, isError = false) {
    const node = $("#review-message");
    node.textContent = text;
    node.classList.toggle("error", isError);
  }

  message(text, isError = false) {
    const node = $("#form-message");
    node.textContent = text;
    node.classList.toggle("error", isError);
  }

  // The verdict's label in the page's language (the page's scale), else what the API said, else its key.
  verdictLabel(key, fallback = "") {
    return this.verdicts.find((v) => v.key === key)?.label || fallback || key || "";
  }

  // ---------- keyboard ----------

  // The "h" key: as the History button.
  toggleHistory() {
    this.history.toggle();
  }

  chooseVerdict(index) {
    const radios = this.form.querySelectorAll('input[name="verdict"]');
    if (this.form.hidden || !radios[index]) return false;
    radios[index].checked = true;
    radios[index].focus();
    return true;
  }
}
