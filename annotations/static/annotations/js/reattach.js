// Claims whose text changed: "Re-attach" points one at the selected text, "Confirm" accepts where it was found.

import { errorLines, patch } from "./api.js";
import { $ } from "./dom.js";
import { gettext } from "./i18n.js";
import { selectionInside } from "./text.js";

const body = $("#article-body");
const text = body.textContent;

async function send(item, selector) {
  const message = item.querySelector(".message");
  message.textContent = gettext("Saving…");
  const response = await patch(`/api/v1/claims/${item.dataset.claim}/`, { selector });
  if (!response.ok) {
    message.textContent = errorLines(response.data).join(" ");
    message.classList.add("error");
    return;
  }
  message.textContent = gettext("Re-attached.");
  window.location.reload();
}

for (const item of document.querySelectorAll(".to-check-list li")) {
  const reattach = item.querySelector(".reattach");
  reattach?.addEventListener("mousedown", (event) => event.preventDefault()); // keep the selection
  reattach?.addEventListener("click", () => {
    const selection = selectionInside(body, text);
    if (!selection) {
      item.querySelector(".message").textContent = gettext("Select the claim’s text in the article first, then press Re-attach.");
      return;
    }
    send(item, [
      { type: "TextPositionSelector", start: selection.start, end: selection.end },
      { type: "TextQuoteSelector", exact: selection.exact },
    ]);
  });
  item.querySelector(".confirm")?.addEventListener("click", () => {
    send(item, [
      { type: "TextPositionSelector", start: Number(item.dataset.start), end: Number(item.dataset.end) },
      { type: "TextQuoteSelector", exact: item.dataset.exact },
    ]);
  });
}
