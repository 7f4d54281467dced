// The claim search page: GET /api/v1/claims/?q= (with include=prior, prior fact-checks ranked among the
// claims) and the results with their highlighted excerpts.
// Excerpts arrive with each match between U+E000 and U+E001; they are split there and put in as text.

import { errorLines, get } from "./api.js";
import { $, formatDate, formatNumber, h, isTyping, safeHref } from "./dom.js";
import { gettext, interpolate, ngettext } from "./i18n.js";

// The verdicts' labels in the page's language, by key (the page writes them; the API gives the desk's own).
const LABELS = JSON.parse(document.getElementById("verdict-labels")?.textContent || "{}");
const START = "\ue000";
const STOP = "\ue001";
const form = $("#search-form");
const input = $("#search-q");
const results = $("#search-results");
const message = $("#search-message");
const more = $("#search-more");
let next = null;

// "a \ue000b\ue001 c" -> [text "a ", <mark>b</mark>, text " c"]
export function headlineNodes(headline) {
  const nodes = [];
  for (const [index, part] of (headline || "").split(START).entries()) {
    if (index === 0) {
      if (part) nodes.push(document.createTextNode(part));
      continue;
    }
    const [matched, ...rest] = part.split(STOP);
    nodes.push(h("mark", { text: matched }));
    if (rest.join("")) nodes.push(document.createTextNode(rest.join("")));
  }
  return nodes;
}

function claimResult(claim) {
  const verdict = claim.published_verdict;
  const href = `/articles/${claim.article}/?claim=${claim.id}`;
  return h("li", { class: "search-result" },
    h("a", { href, class: "result-link" }, h("span", { class: "excerpt", dir: "auto" }, headlineNodes(claim.headline || claim.exact))),
    h("div", { class: "result-meta" },
      h("span", { class: "verdict-chip", "data-verdict": verdict?.verdict || "none", text: LABELS[verdict?.verdict] || verdict?.label || gettext("Unreviewed") }),
      claim.claimant ? h("span", { class: "claimant", dir: "auto", text: claim.claimant }) : null,
      h("span", { class: "hint", dir: "auto", text: claim.article_title || interpolate(gettext("Article %(id)s"), { id: claim.article }, true) })));
}

// A prior fact-check (another fact-checker's published verdict), ranked among the claims (include=prior):
// its words link to the fact-check; its rating as published, and as mapped onto the desk's scale.
function priorResult(prior) {
  const excerpt = h("span", { class: "excerpt", dir: "auto" }, headlineNodes(prior.headline || prior.claim_reviewed));
  return h("li", { class: "search-result prior-result" },
    safeHref(prior.url) ? h("a", { href: safeHref(prior.url), class: "result-link", rel: "noopener noreferrer nofollow", target: "_blank" }, excerpt) : excerpt,
    h("div", { class: "result-meta" },
      h("span", { class: "badge", text: gettext("Prior fact-check") }),
      h("span", { class: "verdict-chip", "data-verdict": prior.verdict || "none", text: LABELS[prior.verdict] || prior.verdict_label || gettext("Not mapped") }),
      h("span", { class: "hint", dir: "auto", text: interpolate(gettext("%(publisher)s rated it “%(rating)s”%(date)s"), {
        publisher: prior.publisher || gettext("A fact-checker"), rating: prior.rating || "—", date: prior.date ? `, ${formatDate(prior.date)}` : "",
      }, true) })));
}

const result = (item) => (item.type === "prior_factcheck" ? priorResult(item) : claimResult(item));

function queryString() {
  const params = new URLSearchParams();
  params.set("q", input.value.trim());
  if ($("#search-language").value) params.set("language", $("#search-language").value);
  if ($("#search-published").checked) params.set("published", "true");
  if ($("#search-prior").checked) params.set("include", "prior");
  return params;
}

async function load(url, append) {
  message.textContent = gettext("Searching…");
  const response = await get(url);
  if (!response.ok) {
    message.textContent = errorLines(response.data).join(" ");
    if (!append) results.replaceChildren();
    more.hidden = true;
    return;
  }
  const items = response.data.results.map(result);
  if (append) results.append(...items);
  else results.replaceChildren(...items);
  next = response.data.next;
  more.hidden = !next;
  const shown = results.children.length;
  const priors = results.querySelectorAll(".prior-result").length;
  if (!shown) message.textContent = $("#search-prior").checked ? gettext("Nothing found.") : gettext("No claims found.");
  else if (!priors) message.textContent = interpolate(ngettext("%(count)s claim found.", "%(count)s claims found.", shown), { count: formatNumber(shown) }, true);
  else message.textContent = interpolate(ngettext("%(count)s result found, prior fact-checks included.", "%(count)s results found, prior fact-checks included.", shown), { count: formatNumber(shown) }, true);
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  if (!input.value.trim()) {
    message.textContent = gettext("Enter words to search for.");
    input.focus();
    return;
  }
  const params = queryString();
  history.replaceState(null, "", `?${params}`);
  load(`/api/v1/claims/?${params}`, false);
});

more.addEventListener("click", () => next && load(next, true));

document.addEventListener("keydown", (event) => {
  if (event.key === "/" && !isTyping(event.target) && !event.ctrlKey && !event.metaKey && !event.altKey) {
    event.preventDefault();
    input.focus();
    input.select();
  }
});

if (input.value.trim()) form.requestSubmit();
document.documentElement.dataset.ready = "true";
