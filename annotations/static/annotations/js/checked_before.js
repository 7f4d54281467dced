// "Checked before?" in the claim panel: claims in other articles that look alike, prior fact-checks that may
// have checked it, and the links reviewers made (same claim, checked by), which reviewers make and undo here.

import { errorLines, get, post, request } from "./api.js";
import { $, formatDate, formatNumber, formatTime, h, linkOrText } from "./dom.js";
import { fill, gettext, interpolate } from "./i18n.js";

export class CheckedBefore {
  // From the panel: the open claim, the person, the desk's verdict scale, and its annotations to reload
  // when linking a prior fact-check pre-fills a draft.
  constructor(panel) {
    this.panel = panel;
  }

  async load() {
    const claimId = this.panel.claim.id;
    $("#match-message").textContent = "";
    $("#similar-list").replaceChildren(h("li", { class: "hint", text: gettext("Looking for similar claims…") }));
    const [similar, matches, priors] = await Promise.all([
      get(`/api/v1/claims/${claimId}/similar/`),
      get(`/api/v1/claims/${claimId}/matches/`),
      get(`/api/v1/claims/${claimId}/prior-factchecks/`),
    ]);
    if (this.panel.claim?.id !== claimId) return;
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
    const mapped = this.panel.verdicts.find((v) => v.key === prior.verdict);
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
    const response = await post(`/api/v1/claims/${this.panel.claim.id}/prior-factchecks/`, { prior_factcheck: prior.id });
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
    await Promise.all([this.load(), this.panel.loadAnnotations(response.data.annotation)]);
    $("#match-message").textContent = messages[response.data.draft] || "";
  }

  claimLine(claim) {
    const verdict = claim.published_verdict;
    return [
      h("span", { class: "verdict-chip", "data-verdict": verdict?.verdict || "none", text: this.panel.verdictLabel(verdict?.verdict, verdict?.label) || gettext("Unreviewed") }),
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
    const reviewer = this.panel.user.is_reviewer;
    list.replaceChildren(...suggestions.map(({ claim, prior_factcheck: prior, score, why }) => {
      // Scores are for the people who decide on links; a viewer reads the verdicts.
      const alike = reviewer
        ? h("span", { class: "score", text: fill(gettext("%(percent)s% alike"), { percent: formatNumber(Math.round(score * 100)) }) })
        : null;
      if (prior) {
        return h("li", { class: "similar-item prior-item" },
          ...this.priorLine(prior), alike, this.whyLine(why),
          reviewer
            ? h("button", { type: "button", class: "small", text: gettext("Checked by this"),
                "aria-label": fill(gettext("Checked by this fact-check: %(claim)s"), { claim: prior.claim_reviewed }), onclick: () => this.checkedBy(prior) })
            : null);
      }
      return h("li", { class: "similar-item" },
        ...this.claimLine(claim), alike, this.whyLine(why),
        reviewer
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
        this.panel.user.is_reviewer
          ? h("button", { type: "button", class: "small", text: gettext("Unlink"), "aria-label": fill(gettext("Unlink: %(claim)s"), { claim: match.claim.exact }), onclick: () => this.unlink(match.claim.id) })
          : null)));
  }

  async link(otherId) {
    const response = await post(`/api/v1/claims/${this.panel.claim.id}/matches/`, { claim: otherId });
    $("#match-message").textContent = response.ok ? gettext("Linked as the same claim.") : errorLines(response.data).join(" ");
    if (response.ok) await this.load();
    if (response.ok) $("#match-message").textContent = gettext("Linked as the same claim.");
  }

  async unlink(otherId) {
    const response = await request("DELETE", `/api/v1/claims/${this.panel.claim.id}/matches/${otherId}/`);
    if (response.ok) await this.load();
    $("#match-message").textContent = response.ok ? gettext("Unlinked.") : errorLines(response.data).join(" ");
  }
}
