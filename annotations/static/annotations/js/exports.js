// The exports page: start an export job, watch its progress, offer the file when it is done.

import { errorLines, get, post } from "./api.js";
import { $, formatNumber, formatTime, h } from "./dom.js";
import { gettext, interpolate, pgettext } from "./i18n.js";

const POLL_MS = 500;
const FINISHED = new Set(["succeeded", "failed", "expired"]);
// Format names are proper names; the page's format menu says them (the same words as here).
const FORMAT_LABELS = Object.fromEntries([...document.querySelectorAll("#export-format option")].map((o) => [o.value, o.textContent]));
const STATUS_LABELS = {
  queued: () => pgettext("job status", "queued"),
  running: () => pgettext("job status", "running"),
  succeeded: () => pgettext("job status", "succeeded"),
  failed: () => pgettext("job status", "failed"),
  expired: () => pgettext("job status", "expired"),
};
const fill = (format, values) => interpolate(format, values, true);
const rows = new Map();
const form = $("#export-form");
const message = $("#export-message");

// Download links come from the API; only same-origin paths are offered.
function sameOriginPath(value) {
  if (typeof value !== "string" || !value) return null;
  try {
    const url = new URL(value, window.location.origin);
    return url.origin === window.location.origin ? url.pathname + url.search : null;
  } catch {
    return null;
  }
}

function renderJob(job) {
  let row = rows.get(job.id);
  if (!row) {
    document.getElementById("no-exports")?.remove();
    row = h("tr", { "data-job": job.id });
    rows.set(job.id, row);
    $("#export-jobs tbody").prepend(row);
  }
  const total = job.rows_total ?? 0;
  const done = job.rows_done ?? 0;
  const progress = h("progress", { max: String(Math.max(total, 1)), "aria-label": fill(gettext("Export progress (%(format)s)"), { format: FORMAT_LABELS[job.format] || job.format }) });
  if (job.status === "succeeded") progress.value = Math.max(total, 1);
  else if (total > 0 || job.status === "running") progress.value = Math.min(done, Math.max(total, 1));
  else progress.removeAttribute("value"); // queued: indeterminate
  const percent = job.status === "succeeded" ? 100 : total ? Math.floor((100 * done) / total) : 0;
  progress.setAttribute("aria-valuetext", fill(gettext("%(percent)s% (%(done)s of %(total)s rows)"), { percent: formatNumber(percent), done: formatNumber(done), total: total ? formatNumber(total) : "?" }));
  const href = job.status === "succeeded" ? sameOriginPath(job.download_url) : null;
  row.replaceChildren(
    h("td", { text: formatTime(job.created_at) }),
    h("td", { text: FORMAT_LABELS[job.format] || job.format }),
    h("td", {}, h("span", { class: `status status-${job.status}`, text: STATUS_LABELS[job.status] ? STATUS_LABELS[job.status]() : job.status }), job.error ? h("span", { class: "error", text: ` ${job.error}` }) : null),
    h("td", {}, progress, h("span", { class: "hint", text: ` ${fill(gettext("%(percent)s%"), { percent: formatNumber(percent) })}` })),
    h("td", { class: "num", text: formatNumber(job.row_count ?? done) }),
    h("td", {}, href ? h("a", { href, download: "", class: "button small", text: gettext("Download") }) : null),
  );
}

async function poll(id) {
  const response = await get(`/api/v1/exports/${id}/`);
  if (!response.ok) {
    message.textContent = errorLines(response.data).join(" ");
    return;
  }
  renderJob(response.data);
  if (!FINISHED.has(response.data.status)) setTimeout(() => poll(id), POLL_MS);
}

function filters() {
  const values = {};
  for (const name of ["article", "language", "verdict", "status", "reviewer", "date_from", "date_to", "labels"]) {
    const value = form.elements[name].value.trim();
    if (value) values[name] = value;
  }
  return values;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const payload = { format: form.elements.format.value, filters: filters() };
  const asOf = form.elements.as_of.value;
  if (asOf) payload.as_of = new Date(asOf).toISOString();
  message.textContent = gettext("Starting…");
  message.classList.remove("error");
  const response = await post("/api/v1/exports/", payload);
  if (!response.ok) {
    message.textContent = errorLines(response.data).join(" ");
    message.classList.add("error");
    return;
  }
  message.textContent = gettext("Export started.");
  renderJob(response.data);
  poll(response.data.id);
});
// The button is disabled in the HTML so that a click before this module runs cannot submit the form natively.
form.querySelector("button[type=submit]").disabled = false;

(async () => {
  // The newest page only: a keyset list never walks every export a user has ever run.
  const response = await get("/api/v1/exports/?page_size=20");
  if (!response.ok) return;
  for (const job of response.data.results.slice().reverse()) {
    renderJob(job);
    if (!FINISHED.has(job.status)) poll(job.id);
  }
})();
