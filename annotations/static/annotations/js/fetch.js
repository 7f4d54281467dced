// "Add article" from a URL: start a fetch job, show its progress, open the article or say why it failed.

import { errorLines, get, post } from "./api.js";
import { $ } from "./dom.js";
import { gettext, interpolate } from "./i18n.js";

const POLL_MS = 400;
const form = $("#fetch-form");
const progress = $("#fetch-progress");
const status = $("#fetch-status");
const failure = $("#fetch-error");
const button = form.querySelector("button[type=submit]");
const STATUS_WORDS = { queued: () => gettext("Waiting for a worker…"), running: () => gettext("Fetching and reading the page…") };

function fail(message, article = null) {
  progress.hidden = true;
  failure.textContent = message;
  if (article) {
    failure.append(" ");
    const link = document.createElement("a");
    link.href = `/articles/${article}/`;
    link.textContent = interpolate(gettext("Open article %(id)s"), { id: article }, true);
    failure.append(link);
  }
  failure.hidden = false;
  button.disabled = false;
}

async function watch(job) {
  while (job.status === "queued" || job.status === "running") {
    status.textContent = STATUS_WORDS[job.status]();
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    const response = await get(`/api/v1/articles/fetches/${job.id}/`);
    if (!response.ok) return fail(errorLines(response.data).join(" "));
    job = response.data;
  }
  if (job.status === "succeeded") {
    status.textContent = gettext("Done. Opening the article…");
    window.location.assign(`/articles/${job.article}/`);
    return;
  }
  fail(interpolate(gettext("The article could not be added: %(reason)s."), { reason: job.error }, true), job.article);
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  failure.hidden = true;
  button.disabled = true;
  progress.hidden = false;
  status.textContent = gettext("Starting…");
  const response = await post("/api/v1/articles/fetch/", { url: $("#fetch-url").value.trim() });
  if (!response.ok) {
    const data = response.data || {};
    return fail(errorLines(data.url ? data.url : data).join(" "), data.article || null);
  }
  await watch(response.data);
});
