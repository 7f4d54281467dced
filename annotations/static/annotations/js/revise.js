// Editors change an article's text from the reader: "Edit text" saves a typed revision with a change note,
// "Fetch again" fetches the page as a job. Either way the reader reloads on the new revision, whose
// summary (claims that stayed, moved, need review, orphaned) it shows; an unchanged page says so here.

import { errorLines, get, patch, post } from "./api.js";
import { $ } from "./dom.js";
import { gettext, interpolate } from "./i18n.js";

const POLL_MS = 400;
const data = JSON.parse($("#page-data").textContent);
const articleId = data.article.id;
const form = $("#edit-text-form");
const editButton = $("#edit-text");
const fetchButton = $("#fetch-again");
const progress = $("#revise-progress");
const status = $("#revise-status");

function say(text, isError = false) {
  status.textContent = text;
  status.classList.toggle("error", isError);
}

function summary(counts, revision) {
  return interpolate(
    gettext("Saved as revision %(revision)s: %(exact)s claims stayed, %(moved)s moved, %(review)s need review, %(orphaned)s orphaned."),
    { revision, exact: counts.exact, moved: counts.moved, review: counts.needs_review, orphaned: counts.orphaned },
    true,
  );
}

function openNewest(revision) {
  window.location.assign(`/articles/${articleId}/?revised=${revision}`);
}

editButton?.addEventListener("click", () => {
  form.hidden = !form.hidden;
  editButton.setAttribute("aria-expanded", String(!form.hidden));
  if (!form.hidden) $("#edit-body").focus();
});

$("#edit-cancel")?.addEventListener("click", () => {
  form.hidden = true;
  editButton.setAttribute("aria-expanded", "false");
  editButton.focus();
});

form?.addEventListener("submit", async (event) => {
  event.preventDefault();
  say(gettext("Saving…"));
  const response = await patch(`/api/v1/articles/${articleId}/`, { body: $("#edit-body").value, change_note: $("#edit-note").value.trim() });
  if (!response.ok) {
    say(errorLines(response.data).join(" "), true);
    return;
  }
  if (!response.data.reanchored) {
    say(gettext("The text is the same as the newest revision: no revision was added."));
    return;
  }
  say(summary(response.data.reanchored, response.data.revision));
  openNewest(response.data.revision);
});

async function watch(job) {
  const words = { queued: gettext("Waiting for a worker…"), running: gettext("Fetching and reading the page…") };
  while (job.status === "queued" || job.status === "running") {
    say(words[job.status]);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    const response = await get(`/api/v1/articles/fetches/${job.id}/`);
    if (!response.ok) return say(errorLines(response.data).join(" "), true);
    job = response.data;
  }
  return job;
}

fetchButton?.addEventListener("click", async () => {
  fetchButton.disabled = true;
  progress.hidden = false;
  say(gettext("Starting…"));
  const response = await post(`/api/v1/articles/${articleId}/refetch/`, {});
  const job = response.ok ? await watch(response.data) : null;
  progress.hidden = true;
  fetchButton.disabled = false;
  if (!response.ok) return say(errorLines(response.data).join(" "), true);
  if (!job) return;
  if (job.status !== "succeeded") return say(interpolate(gettext("The page could not be fetched: %(error)s."), { error: job.error }, true), true);
  if (job.revision === null) return say(gettext("The page has not changed since the newest revision: no revision was added."));
  say(interpolate(gettext("Fetched: revision %(revision)s. Opening it…"), { revision: job.revision }, true));
  openNewest(job.revision);
});
