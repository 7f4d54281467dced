// The article reader: highlights, the claim list, making claims from a selection, keyboard shortcuts.

import { errorLines, get, post } from "./api.js";
import { $, formatNumber, h, isTyping } from "./dom.js";
import { gettext, interpolate, ngettext } from "./i18n.js";
import { ClaimPanel } from "./panel.js";
import { buildIndex, indexHighlights, renderHighlights, selectionInside } from "./text.js";

const data = JSON.parse($("#page-data").textContent);
const body = $("#article-body");
const text = body.textContent;
const claims = new Map(data.claims.map((claim) => [claim.id, claim]));
let index = indexHighlights(body);
let current = null; // id of the open claim
let pending = null; // the selection a new claim is being made from

const panel = new ClaimPanel(data, {
  onClaimChanged: (id) => refreshClaim(id),
  // An approval or rejection the panel just made: the chip and highlight change at once, not after a fetch.
  onPublished: (id, published) => {
    const claim = claims.get(id);
    if (!claim) return;
    claim.published = published;
    rerender();
    renderClaimList();
  },
  onClose: () => closeClaim(),
});

// ---------- claims and highlights ----------

function ordered() {
  return [...claims.values()].sort((a, b) => a.start - b.start || a.end - b.end || a.id - b.id);
}

function rerender() {
  renderHighlights(body, text, [...claims.values()]);
  index = buildIndex(body);
  markActive();
}

function renderClaimList() {
  const list = $("#claim-list");
  const items = ordered().map((claim) =>
    h("li", {},
      h("button", {
        type: "button",
        class: "claim-item",
        "data-claim": claim.id,
        "aria-current": claim.id === current ? "true" : null,
        onclick: () => openClaim(claim.id),
      },
      h("span", { class: "verdict-chip", "data-verdict": claim.published?.verdict || "none", text: panel.verdictLabel(claim.published?.verdict, claim.published?.label) || gettext("Unreviewed") }),
      // A verdict on words that changed since: never shown as if it were about the words now.
      claim.words_changed ? h("span", { class: "changed-badge", text: claim.published ? gettext("changed since approval") : gettext("words changed") }) : null,
      h("span", { class: "claim-text", lang: data.article.language, dir: "auto", text: claim.exact }),
      claim.claimant ? h("span", { class: "claimant", dir: "auto", text: claim.claimant }) : null,
      claim.assigned?.length
        ? h("span", { class: "assigned-names", dir: "auto", text: interpolate(gettext("Assigned: %s"), [claim.assigned.join(", ")]) })
        : null)),
  );
  list.replaceChildren(...items);
  $("#claim-count").textContent = formatNumber(claims.size);
  if (!items.length) list.append(h("li", { class: "hint", text: gettext("No claims yet.") }));
}

function markActive() {
  for (const span of body.querySelectorAll(".hl-active")) span.classList.remove("hl-active");
  for (const span of index.get(current) || []) span.classList.add("hl-active");
  for (const button of document.querySelectorAll("#claim-list .claim-item")) {
    if (Number(button.dataset.claim) === current) button.setAttribute("aria-current", "true");
    else button.removeAttribute("aria-current");
  }
}

async function openClaim(id, focusAnnotation = null) {
  const claim = claims.get(id);
  if (!claim) return;
  current = id;
  $("#new-claim-section").hidden = true;
  markActive();
  const first = (index.get(id) || [])[0];
  if (first) first.scrollIntoView({ block: "center", behavior: "instant" });
  const opening = panel.open(claim, focusAnnotation);
  $("#claim-panel").dataset.claim = String(id); // the discussion (discussion.js) follows the open claim
  document.dispatchEvent(new CustomEvent("claim-opened", { detail: { id } }));
  if (window.matchMedia("(max-width: 900px)").matches) $("#claim-panel").scrollIntoView({ block: "start" });
  await opening;
}

function closeClaim() {
  current = null;
  $("#claim-panel").hidden = true;
  markActive();
}

function step(direction) {
  const list = ordered();
  if (!list.length) return;
  const position = list.findIndex((claim) => claim.id === current);
  const next = position === -1 ? (direction > 0 ? 0 : list.length - 1) : (position + direction + list.length) % list.length;
  openClaim(list[next].id);
  document.querySelector(`#claim-list .claim-item[data-claim="${list[next].id}"]`)?.focus({ preventScroll: true });
}

function fromApi(claim) {
  const published = claim.published_verdict;
  return {
    id: claim.id,
    start: claim.start,
    end: claim.end,
    exact: claim.exact,
    claimant: claim.claimant,
    claim_date: claim.claim_date,
    statement: claim.statement,
    published: published ? { annotation: published.annotation, version: published.version, verdict: published.verdict, label: published.label } : null,
    words_changed: claim.words_changed,
  };
}

async function refreshClaim(id) {
  const response = await get(`/api/v1/claims/${id}/`);
  if (!response.ok) return;
  const before = claims.get(id)?.published?.verdict;
  claims.set(id, fromApi(response.data));
  if (before !== claims.get(id).published?.verdict) rerender();
  renderClaimList();
  if (current === id) {
    panel.claim = claims.get(id);
    panel.renderPublished();
    panel.renderWordsChanged();
  }
}

// ---------- making a claim ----------

const newClaimButton = $("#new-claim");
const status = $("#selection-status");

// The live region says what is selected and how long it is, for a screen reader as the selection grows.
function onSelectionChange() {
  if (!newClaimButton) return;
  const selection = selectionInside(body, text);
  newClaimButton.disabled = !selection;
  const announce = $("#selection-announce");
  if (!selection) {
    status.textContent = gettext("Select text to mark a claim.");
    announce.textContent = "";
    return;
  }
  const length = selection.end - selection.start;
  const shown = selection.exact.length > 160 ? `${selection.exact.slice(0, 80)} … ${selection.exact.slice(-60)}` : selection.exact;
  status.textContent = interpolate(ngettext("%(count)s character selected", "%(count)s characters selected", length), { count: formatNumber(length) }, true);
  announce.textContent = interpolate(ngettext("%(count)s character selected: “%(text)s”", "%(count)s characters selected: “%(text)s”", length), { count: formatNumber(length), text: shown }, true);
}

function startClaim() {
  const selection = selectionInside(body, text);
  if (!selection || !newClaimButton) return;
  pending = selection;
  $("#new-claim-quote").textContent = selection.exact;
  $("#new-claim-message").textContent = "";
  $("#new-claim-section").hidden = false;
  $("#new-claim-section").scrollIntoView({ block: "nearest" });
  $("#new-claimant").focus();
}

async function createClaim(event) {
  event.preventDefault();
  if (!pending) return;
  const message = $("#new-claim-message");
  const payload = {
    selector: [
      { type: "TextPositionSelector", start: pending.start, end: pending.end },
      { type: "TextQuoteSelector", exact: pending.exact },
    ],
    claimant: $("#new-claimant").value.trim(),
    statement: $("#new-statement").value.trim(),
  };
  if ($("#new-claim-date").value) payload.claim_date = $("#new-claim-date").value;
  message.textContent = gettext("Saving…");
  const response = await post(`/api/v1/articles/${data.article.id}/claims/`, payload);
  if (!response.ok) {
    message.textContent = errorLines(response.data).join(" ");
    message.classList.add("error");
    return;
  }
  message.classList.remove("error");
  const claim = fromApi(response.data);
  claims.set(claim.id, claim);
  pending = null;
  $("#new-claim-form").reset();
  $("#new-claim-section").hidden = true;
  window.getSelection()?.removeAllRanges();
  rerender();
  renderClaimList();
  await openClaim(claim.id);
}

// ---------- wiring ----------

document.addEventListener("selectionchange", () => requestAnimationFrame(onSelectionChange));
newClaimButton?.addEventListener("click", startClaim);
newClaimButton?.addEventListener("mousedown", (event) => event.preventDefault()); // keep the selection
$("#new-claim-form").addEventListener("submit", createClaim);
$("#new-claim-cancel").addEventListener("click", () => {
  pending = null;
  $("#new-claim-section").hidden = true;
});
$("#next-claim").addEventListener("click", () => step(1));
$("#previous-claim").addEventListener("click", () => step(-1));
const help = $("#help-dialog");
$("#help-button").addEventListener("click", () => help.showModal());

body.addEventListener("click", (event) => {
  const span = event.target.closest?.("span.hl");
  if (!span || !window.getSelection()?.isCollapsed) return;
  openClaim(Number(span.dataset.claim));
});

// ---------- the text read by caret ----------

// The body is contenteditable only for its caret, and only while it has the keyboard's focus: a mouse
// selects as on any page (a drag in contenteditable text would start a caret instead). Nothing may
// change its text.
for (const type of ["beforeinput", "paste", "drop", "cut"]) body.addEventListener(type, (event) => event.preventDefault());
let pointerDown = false;
body.addEventListener("pointerdown", () => {
  pointerDown = true;
  body.removeAttribute("contenteditable");
});
document.addEventListener("pointerup", () => { pointerDown = false; });
body.addEventListener("focus", () => {
  if (pointerDown) return;
  body.contentEditable = "true";
  const selection = window.getSelection();
  if (selection && selection.rangeCount === 0) selection.collapse(body, 0);
});
body.addEventListener("blur", () => body.removeAttribute("contenteditable"));

function claimAtCaret() {
  const node = window.getSelection()?.focusNode;
  const element = node?.nodeType === Node.TEXT_NODE ? node.parentElement : node;
  const span = element?.closest?.("span.hl");
  return span && body.contains(span) ? Number(span.dataset.claim) : null;
}

body.addEventListener("keydown", (event) => {
  const sideways = event.key === "ArrowLeft" || event.key === "ArrowRight";
  if (event.altKey && sideways && !event.ctrlKey && !event.metaKey) {
    // Sentence steps (the browser has word steps with Ctrl, not sentence ones).
    const forward = (event.key === "ArrowRight") !== (getComputedStyle(body).direction === "rtl");
    window.getSelection()?.modify(event.shiftKey ? "extend" : "move", forward ? "forward" : "backward", "sentence");
    event.preventDefault();
  } else if (event.key === "Enter") {
    const id = claimAtCaret();
    if (id !== null) openClaim(id);
    event.preventDefault();
  }
});

document.addEventListener("keydown", (event) => {
  if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") {
    if (panel.isOpen && !$("#annotation-form").hidden) {
      event.preventDefault();
      panel.save();
    }
    return;
  }
  if (event.key === "Escape" && !help.open) {
    if (!$("#new-claim-section").hidden) $("#new-claim-section").hidden = true;
    else if (current !== null) closeClaim();
    return;
  }
  // The article text takes the caret but no typing, so the shortcuts work there too.
  const typing = isTyping(event.target) && event.target !== body;
  if (event.ctrlKey || event.metaKey || event.altKey || typing || help.open) return;
  if (event.key === "?") help.showModal();
  else if (event.key === "n") startClaim();
  else if (event.key === "j") step(1);
  else if (event.key === "k") step(-1);
  else if (event.key === "h" && panel.editing) panel.toggleHistory();
  else if (/^[1-9]$/.test(event.key) && panel.isOpen) {
    if (panel.chooseVerdict(Number(event.key) - 1)) event.preventDefault();
    return;
  } else return;
  event.preventDefault();
});

// A full client-side re-render, for measuring (bench/page.py) and after bulk changes.
document.addEventListener("factcheck:rerender", rerender);

renderClaimList();
if (data.focus.claim && claims.has(data.focus.claim)) openClaim(data.focus.claim, data.focus.annotation);
document.documentElement.dataset.ready = "true";
