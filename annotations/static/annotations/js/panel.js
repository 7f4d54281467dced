// The claim panel: the claim, its annotations, the verdict form with evidence, history, review actions.
// Saves send If-Match; a save that loses the race shows the other version and keeps what was typed.

import { errorLines, get, getAll, patch, post, request } from "./api.js";
import { $, formatDate, formatNumber, formatTime, h, linkOrText, safeHref } from "./dom.js";
import { gettext, interpolate, pgettext } from "./i18n.js";
import { renderApprovers, renderNotes } from "./review_rules.js";

const STANCES = ["supports", "refutes", "context"];
// Functions, not values: the catalogue is read when the words are shown.
const STANCE_LABELS = { supports: () => gettext("supports"), refutes: () => gettext("refutes"), context: () => gettext("context") };
const STATUS_LABELS = {
  draft: () => pgettext("review status", "Draft"),
  submitted: () => pgettext("review status", "Submitted"),
  approved: () => pgettext("review status", "Approved"),
  rejected: () => pgettext("review status", "Rejected"),
};
const FIELD_LABELS = {
  verdict: () => gettext("Verdict"),
  confidence: () => gettext("Confidence"),
  rationale: () => gettext("Rationale"),
  evidence: () => gettext("Evidence"),
  change_note: () => gettext("Change note"),
};
const label = (labels, key) => (labels[key] ? labels[key]() : key);
const fill = (format, values) => interpolate(format, values, true);
const REOPENABLE = new Set(["draft", "rejected"]);
let evidenceCounter = 0;

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
    $("#add-evidence").addEventListener("click", () => this.addEvidence({}, true));
    $("#submit-review").addEventListener("click", () => this.transition("submit"));
    $("#approve").addEventListener("click", () => this.transition("approve"));
    $("#reject").addEventListener("click", () => this.transition("reject"));
    $("#reopen").addEventListener("click", () => this.transition("reopen"));
    $("#history-button").addEventListener("click", () => this.toggleHistory());
    $("#show-diff").addEventListener("click", () => this.showDiff());
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
    $("#history").hidden = true;
    $("#history-button").setAttribute("aria-expanded", "false");
    this.hideConflict();
    this.message("");
    await Promise.all([this.loadAnnotations(focusAnnotation), this.loadChecks()]);
  }

  // ---------- checked before? similar claims and same-claim links ----------

  async loadChecks() {
    const claimId = this.claim.id;
    $("#match-message").textContent = "";
    $("#similar-list").replaceChildren(h("li", { class: "hint", text: gettext("Looking for similar claims…") }));
    const [similar, matches, priors] = await Promise.all([
      get(`/api/v1/claims/${claimId}/similar/`),
      get(`/api/v1/claims/${claimId}/matches/`),
      get(`/api/v1/claims/${claimId}/prior-factchecks/`),
    ]);
    if (this.claim?.id !== claimId) return;
    const linked = new Set(matches.ok ? matches.data.map((match) => match.claim.id) : []);
    const checkedBy = new Set(priors.ok ? priors.data.map((link) => link.prior_factcheck.id) : []);
    const unlinked = (s) => (s.claim ? !linked.has(s.claim.id) : !checkedBy.has(s.prior_factcheck.id));
    this.renderSimilar(similar.ok ? similar.data.filter(unlinked) : null, similar.data);
    this.renderMatches(matches.ok ? matches.data : [], matches.ok ? null : matches.data);
    if (priors.ok) $("#match-list").append(...priors.data.map((link) => this.checkedByItem(link)));
  }

  // A prior fact-check: who published it, its rating as published and as mapped onto the desk's scale,
  // its date and a link to it.
  priorLine(prior) {
    const mapped = this.verdicts.find((v) => v.key === prior.verdict);
    return [
      h("span", { class: "verdict-chip", "data-verdict": prior.verdict || "none", text: mapped ? mapped.label : gettext("Not mapped") }),
      linkOrText(prior.url, prior.claim_reviewed),
      h("span", { class: "hint", text: interpolate(gettext("%(publisher)s rated it “%(rating)s”%(date)s"), {
        publisher: prior.publisher || gettext("A fact-checker"),
        rating: prior.rating || "—",
        date: prior.date ? `, ${formatDate(prior.date)}` : "",
      }, true) }),
    ];
  }

  whyLine(why) {
    const parts = [...(why?.names || []), ...(why?.figures || []), ...(why?.words || [])];
    return parts.length ? h("span", { class: "hint why", text: interpolate(gettext("Shares: %s"), [parts.slice(0, 8).join(", ")]) }) : null;
  }

  checkedByItem(link) {
    return h("li", { class: "match-item prior-link" },
      h("span", { class: "hint", text: gettext("Checked by") }),
      ...this.priorLine(link.prior_factcheck),
      h("span", { class: "hint", text: interpolate(gettext("linked by %s, %s"), [link.linked_by || "—", formatTime(link.linked_at)]) }));
  }

  async checkedBy(prior) {
    const response = await post(`/api/v1/claims/${this.claim.id}/prior-factchecks/`, { prior_factcheck: prior.id });
    if (!response.ok) {
      $("#match-message").textContent = errorLines(response.data).join(" ");
      return;
    }
    const messages = {
      created: gettext("Linked. A draft verdict was pre-filled from the mapped rating: confirm it before submitting."),
      evidence_added: gettext("Linked. The fact-check was added to your draft's evidence."),
      unchanged: gettext("Linked. Your submitted annotation was not changed."),
      no_verdict: gettext("Linked. Its rating is not mapped yet, so no verdict was pre-filled."),
    };
    await Promise.all([this.loadChecks(), this.loadAnnotations(response.data.annotation)]);
    $("#match-message").textContent = messages[response.data.draft] || "";
  }

  claimLine(claim) {
    const verdict = claim.published_verdict;
    return [
      h("span", { class: "verdict-chip", "data-verdict": verdict?.verdict || "none", text: this.verdictLabel(verdict?.verdict, verdict?.label) || gettext("Unreviewed") }),
      h("a", { href: `/articles/${claim.article}/?claim=${claim.id}`, class: "claim-text", dir: "auto", text: claim.exact }),
      h("span", { class: "hint", dir: "auto", text: claim.article_title || fill(gettext("Article %(id)s"), { id: claim.article }) }),
    ];
  }

  renderSimilar(suggestions, problem) {
    const list = $("#similar-list");
    if (suggestions === null) {
      list.replaceChildren(h("li", { class: "hint", text: errorLines(problem).join(" ") }));
      return;
    }
    if (!suggestions.length) {
      list.replaceChildren(h("li", { class: "hint", text: gettext("No similar claims in other articles.") }));
      return;
    }
    list.replaceChildren(...suggestions.map(({ claim, prior_factcheck: prior, score, why }) => {
      // Scores are for the people who decide on links; a viewer reads the verdicts.
      const alike = this.user.is_reviewer
        ? h("span", { class: "score", text: fill(gettext("%(percent)s% alike"), { percent: formatNumber(Math.round(score * 100)) }) })
        : null;
      if (prior) {
        return h("li", { class: "similar-item prior-item" },
          ...this.priorLine(prior), alike, this.whyLine(why),
          this.user.is_reviewer
            ? h("button", { type: "button", class: "small", text: gettext("Checked by this"),
                "aria-label": fill(gettext("Checked by this fact-check: %(claim)s"), { claim: prior.claim_reviewed }), onclick: () => this.checkedBy(prior) })
            : null);
      }
      return h("li", { class: "similar-item" },
        ...this.claimLine(claim), alike, this.whyLine(why),
        this.user.is_reviewer
          ? h("button", { type: "button", class: "small", text: gettext("Same claim"), "aria-label": fill(gettext("Same claim: %(claim)s"), { claim: claim.exact }), onclick: () => this.link(claim.id) })
          : null);
    }));
  }

  renderMatches(matches, problem) {
    const list = $("#match-list");
    if (problem) {
      list.replaceChildren(h("li", { class: "hint", text: errorLines(problem).join(" ") }));
      return;
    }
    if (!matches.length) {
      list.replaceChildren(h("li", { class: "hint", text: gettext("Not linked to any claim.") }));
      return;
    }
    list.replaceChildren(...matches.map((match) =>
      h("li", { class: "match-item" },
        ...this.claimLine(match.claim),
        h("span", { class: "hint", text: fill(gettext("linked by %(person)s, %(when)s"), { person: match.linked_by || "—", when: formatTime(match.linked_at) }) }),
        this.user.is_reviewer
          ? h("button", { type: "button", class: "small", text: gettext("Unlink"), "aria-label": fill(gettext("Unlink: %(claim)s"), { claim: match.claim.exact }), onclick: () => this.unlink(match.claim.id) })
          : null)));
  }

  async link(otherId) {
    const response = await post(`/api/v1/claims/${this.claim.id}/matches/`, { claim: otherId });
    $("#match-message").textContent = response.ok ? gettext("Linked as the same claim.") : errorLines(response.data).join(" ");
    if (response.ok) await this.loadChecks();
    if (response.ok) $("#match-message").textContent = gettext("Linked as the same claim.");
  }

  async unlink(otherId) {
    const response = await request("DELETE", `/api/v1/claims/${this.claim.id}/matches/${otherId}/`);
    if (response.ok) await this.loadChecks();
    $("#match-message").textContent = response.ok ? gettext("Unlinked.") : errorLines(response.data).join(" ");
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
        h("span", { class: `status status-${annotation.status}`, text: label(STATUS_LABELS, annotation.status) }),
        h("span", { class: "who", text: mine ? fill(gettext("%(person)s (you)"), { person: annotation.reviewer }) : annotation.reviewer }),
        h("span", { class: "hint", text: fill(gettext("v%(version)s · %(confidence)s%"), { version: annotation.version, confidence: formatNumber(annotation.confidence) }) }),
      ),
      annotation.rationale ? h("p", { class: "rationale", dir: "auto", text: annotation.rationale }) : null,
      this.evidenceView(annotation.evidence || []),
      canOpen ? h("button", { type: "button", class: "small", text: gettext("Open"), "aria-label": fill(gettext("Open annotation by %(person)s"), { person: annotation.reviewer }), onclick: () => this.edit(annotation) }) : null,
    );
  }

  evidenceView(evidence) {
    if (!evidence.length) return null;
    return h("ul", { class: "evidence-view" },
      evidence.map((item) => h("li", {},
        linkOrText(item.url, item.title || item.url),
        item.publisher ? h("span", { class: "hint", text: ` · ${item.publisher}` }) : null,
        item.stance ? h("span", { class: `stance stance-${item.stance}`, text: label(STANCE_LABELS, item.stance) }) : null,
        item.quote ? h("q", { dir: "auto", text: item.quote }) : null,
      )));
  }

  // ---------- the form ----------

  edit(annotation) {
    this.editing = annotation;
    this.etag = annotation ? `"${annotation.version}"` : null;
    this.form.hidden = false;
    this.hideConflict();
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
    $("#evidence-list").replaceChildren();
    for (const item of content.evidence || []) this.addEvidence(item, false);
  }

  renderStatus() {
    const annotation = this.editing;
    const mine = !annotation || annotation.reviewer === this.user.username;
    $("#form-status").replaceChildren(
      annotation
        ? h("span", {}, h("span", { class: `status status-${annotation.status}`, text: label(STATUS_LABELS, annotation.status) }),
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

  addEvidence(item, focus) {
    const n = ++evidenceCounter;
    const id = (name) => `ev${n}-${name}`;
    const field = (name, label, control) => h("div", { class: `field field-${name}` }, h("label", { for: id(name), text: label }), control);
    const li = h("li", { class: "evidence-item" });
    const legend = h("legend");
    // No stance is chosen for the person: evidence "supports" by default would mislabel a refutation.
    const stance = h("select", { id: id("stance"), name: "stance", "aria-describedby": id("stance-error") },
      [h("option", { value: "", text: gettext("Choose…") }), ...STANCES.map((s) => h("option", { value: s, text: label(STANCE_LABELS, s) }))]);
    stance.value = STANCES.includes(item.stance) ? item.stance : "";
    stance.addEventListener("change", () => this.checkStance(stance));
    const url = h("input", { id: id("url"), name: "url", type: "url", required: true, placeholder: "https://", autocomplete: "off" });
    url.value = item.url || "";
    url.addEventListener("input", () => this.checkUrl(url));
    const input = (name, type = "text") => {
      const control = h("input", { id: id(name), name, type, autocomplete: "off" });
      control.value = item[name] || "";
      return control;
    };
    const quote = h("textarea", { id: id("quote"), name: "quote", rows: 2 });
    quote.value = item.quote || "";
    const remove = h("button", { type: "button", class: "small remove", text: gettext("Remove") });
    remove.addEventListener("click", () => {
      li.remove();
      this.renumberEvidence();
    });
    li.append(
      h("fieldset", {}, legend,
        field("url", gettext("URL"), url),
        h("p", { class: "field-error", id: id("url-error"), "aria-live": "polite" }),
        field("title", gettext("Title"), input("title")),
        h("div", { class: "row" }, field("publisher", gettext("Publisher"), input("publisher")), field("stance", gettext("Stance"), stance), field("accessed", gettext("Accessed"), input("accessed", "date"))),
        h("p", { class: "field-error", id: id("stance-error"), "aria-live": "polite" }),
        field("quote", gettext("Quote"), quote),
        remove),
    );
    url.setAttribute("aria-describedby", id("url-error"));
    $("#evidence-list").append(li);
    this.renumberEvidence();
    if (focus) url.focus();
  }

  renumberEvidence() {
    [...$("#evidence-list").children].forEach((li, index) => {
      li.querySelector("legend").textContent = fill(gettext("Evidence %(number)s"), { number: index + 1 });
      li.querySelector("button.remove").setAttribute("aria-label", fill(gettext("Remove evidence %(number)s"), { number: index + 1 }));
    });
  }

  checkUrl(input) {
    const value = input.value.trim();
    const problem = !value ? gettext("Give the evidence’s address.") : safeHref(value) ? "" : gettext("Use an http:// or https:// address.");
    input.setCustomValidity(problem);
    input.setAttribute("aria-invalid", problem ? "true" : "false");
    $(`#${input.getAttribute("aria-describedby")}`).textContent = problem;
    return !problem;
  }

  checkStance(select) {
    const problem = select.value ? "" : gettext("Choose the evidence's stance: supports, refutes or context.");
    select.setCustomValidity(problem);
    select.setAttribute("aria-invalid", problem ? "true" : "false");
    $(`#${select.getAttribute("aria-describedby")}`).textContent = problem;
    return !problem;
  }

  // What the form holds now, and whether it is valid.
  collect() {
    const verdict = this.form.querySelector('input[name="verdict"]:checked')?.value || null;
    const confidenceText = $("#confidence").value.trim();
    const confidence = Number(confidenceText);
    const evidence = [];
    let valid = true;
    let stanceMissing = false;
    const problems = [];
    for (const li of $("#evidence-list").children) {
      const value = (name) => li.querySelector(`[name="${name}"]`).value.trim();
      if (!this.checkUrl(li.querySelector('[name="url"]'))) valid = false;
      if (!this.checkStance(li.querySelector('[name="stance"]'))) stanceMissing = true;
      const item = { url: value("url"), stance: value("stance") };
      for (const name of ["title", "publisher", "quote", "accessed"]) if (value(name)) item[name] = value(name);
      evidence.push(item);
    }
    if (!valid) problems.push(gettext("Fix the evidence addresses marked above."));
    if (stanceMissing) problems.push(gettext("Choose a stance for each evidence item."));
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
    if (!$("#history").hidden) this.loadHistory();
  }

  // ---------- conflicts ----------

  showConflict(current, mine) {
    const box = $("#conflict");
    const verdictName = (key) => this.verdictLabel(key, key) || "—";
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
        h("button", { type: "button", class: "primary", text: gettext("Re-apply my edits"), onclick: () => this.reapply(current) }),
        h("button", { type: "button", text: gettext("Use their version"), onclick: () => this.useTheirs(current) })),
    );
    box.hidden = false;
    this.message(gettext("Not saved: someone else saved first."), true);
  }

  hideConflict() {
    const box = $("#conflict");
    box.hidden = true;
    box.replaceChildren();
  }

  reapply(current) {
    this.editing = current;
    this.etag = `"${current.version}"`;
    this.hideConflict();
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

  // ---------- history ----------

  toggleHistory() {
    const section = $("#history");
    section.hidden = !section.hidden;
    $("#history-button").setAttribute("aria-expanded", String(!section.hidden));
    if (!section.hidden) this.loadHistory();
  }

  async loadHistory() {
    if (!this.editing) return;
    const id = this.editing.id;
    const [versions, transitions] = await Promise.all([
      getAll(`/api/v1/annotations/${id}/versions/`),
      getAll(`/api/v1/annotations/${id}/transitions/`),
    ]);
    if (this.editing?.id !== id) return;
    const list = $("#version-list");
    if (!versions.ok) {
      list.replaceChildren(h("li", { class: "error", text: errorLines(versions.data).join(" ") }));
      return;
    }
    const latest = Math.max(...versions.items.map((v) => v.number));
    list.replaceChildren(...versions.items.map((version) => h("li", { class: "version" },
      h("div", { class: "card-head" },
        h("strong", { text: fill(gettext("Version %(version)s"), { version: version.number }) }),
        h("span", { class: "verdict-chip", "data-verdict": version.verdict, text: this.verdictLabel(version.verdict, version.verdict_label) }),
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
      fill(gettext("%(from)s → %(to)s by %(person)s · %(when)s"), { from: label(STATUS_LABELS, t.from_status), to: label(STATUS_LABELS, t.to_status), person: t.actor, when: formatTime(t.created_at) }),
      t.comment ? h("q", { dir: "auto", text: t.comment }) : null)));
  }

  async showDiff() {
    const from = $("#diff-from").value;
    const to = $("#diff-to").value;
    const response = await get(`/api/v1/annotations/${this.editing.id}/diff/?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
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
      h("th", { scope: "row", text: label(FIELD_LABELS, field) }),
      h("td", { class: "before", text: this.describe(field, change.from) }),
      h("td", { class: "after", text: this.describe(field, change.to) }))));
  }

  describe(field, value) {
    if (value === null || value === undefined || value === "") return "—";
    if (field === "verdict") return this.verdictLabel(value, String(value));
    if (field === "evidence" && Array.isArray(value)) return value.map((e) => `${e.title || ""} <${e.url}> (${e.stance ? label(STANCE_LABELS, e.stance) : ""})`).join("\n") || "—";
    return typeof value === "string" ? value : JSON.stringify(value);
  }

  async restore(number) {
    const response = await post(`/api/v1/annotations/${this.editing.id}/revert/`, { version: number }, { "If-Match": this.etag });
    if (response.status === 412 && response.data?.current) {
      this.showConflict(response.data.current, this.collect().content);
      return;
    }
    if (!response.ok) {
      this.message(errorLines(response.data).join(" "), true);
      return;
    }
    this.edit(response.data);
    if (response.etag) this.etag = response.etag;
    this.message(fill(gettext("Restored version %(old)s as version %(new)s."), { old: number, new: response.data.version }));
    this.refreshAround();
  }

  // The verdict's label in the page's language (the page's scale), else what the API said, else its key.
  verdictLabel(key, fallback = "") {
    return this.verdicts.find((v) => v.key === key)?.label || fallback || key || "";
  }

  // ---------- keyboard ----------

  chooseVerdict(index) {
    const radios = this.form.querySelectorAll('input[name="verdict"]');
    if (this.form.hidden || !radios[index]) return false;
    radios[index].checked = true;
    radios[index].focus();
    return true;
  }
}
