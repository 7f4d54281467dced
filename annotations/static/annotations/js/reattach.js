// Claims whose text changed: "Re-attach" points one at the selected text, "Confirm" accepts where it was found.
// A claim whose words changed under a verdict asks first which applies: the verdict still holds for the new
// words, or it is re-opened (editors decide: POST /claims/{id}/words-decision/).

import { errorLines, patch, post } from "./api.js";
import { $ } from "./dom.js";
import { gettext } from "./i18n.js";
import { selectionInside } from "./text.js";

const body = $("#article-body");
const text = body.textContent;

function say(item, words, isError = false) {
  const message = item.querySelector(".message");
  message.textContent = words;
  message.classList.toggle("error", isError);
}

async function send(item, selector) {
  say(item, gettext("Saving…"));
  const response = await patch(`/api/v1/claims/${item.dataset.claim}/`, { selector });
  if (!response.ok) {
    say(item, errorLines(response.data).join(" "), true);
    return;
  }
  say(item, gettext("Re-attached."));
  window.location.reload();
}

async function decide(item, decision) {
  const note = item.querySelector(".decision-note")?.value.trim() || "";
  const withdraw = Boolean(item.querySelector(".withdraw")?.checked);
  say(item, gettext("Saving…"));
  const response = await post(`/api/v1/claims/${item.dataset.claim}/words-decision/`, { decision, note, withdraw });
  if (!response.ok) {
    say(item, errorLines(response.data).join(" "), true);
    return;
  }
  say(item, decision === "holds" ? gettext("Recorded: the verdict still holds.") : gettext("Recorded: re-opened for the reviewer."));
  window.location.reload();
}

const confirmHere = (item) => [
  { type: "TextPositionSelector", start: Number(item.dataset.start), end: Number(item.dataset.end) },
  { type: "TextQuoteSelector", exact: item.dataset.exact },
];

for (const item of document.querySelectorAll(".to-check-list li")) {
  const reattach = item.querySelector(".reattach");
  reattach?.addEventListener("mousedown", (event) => event.preventDefault()); // keep the selection
  reattach?.addEventListener("click", () => {
    const selection = selectionInside(body, text);
    if (!selection) {
      say(item, gettext("Select the claim’s text in the article first, then press Re-attach."));
      return;
    }
    send(item, [
      { type: "TextPositionSelector", start: selection.start, end: selection.end },
      { type: "TextQuoteSelector", exact: selection.exact },
    ]);
  });
  const confirm = item.querySelector(".confirm");
  const question = item.querySelector(".words-decision");
  confirm?.addEventListener("click", () => {
    if (!question) {
      send(item, confirmHere(item));
      return;
    }
    // Changed words under a verdict: never confirmed blindly; show the verdict and both texts, ask which applies.
    question.hidden = !question.hidden;
    confirm.setAttribute("aria-expanded", String(!question.hidden));
    if (!question.hidden) question.querySelector("button, textarea, a")?.focus();
  });
  question?.querySelector(".holds")?.addEventListener("click", () => decide(item, "holds"));
  question?.querySelector(".reopen")?.addEventListener("click", () => decide(item, "reopen"));
  question?.querySelector(".applies")?.addEventListener("click", () => send(item, confirmHere(item)));
}
