// The exports page: start an export job, watch its progress, offer the file when it is done.
// Each file's link names what it is ("Download CSV (7 rows, 4 Dec 14:02)"), so a screen reader's
// list of links tells them apart; each row says the format and the filters it was made with.

import { errorLines, get, post } from "./api.js";
import { $, formatNumber, formatTime, h } from "./dom.js";
import { fill, gettext, interpolate, ngettext, pgettext } from "./i18n.js";

const POLL_MS = 500;
const FINISHED = new Set(["succeeded", "failed", "expired"]);
// Format names are proper names; the page's format menu says them (the same words as here).
const FORMAT_LABELS = {
  evidence: gettext("Evidence CSV"),
  ...Object.fromEntries([...document.querySelectorAll("#export-format option")].map((o) => [o.value, o.textContent])),
};
const STATUS_LABELS = {
  queued: () => pgettext("job status", "queued"),
  running: () => pgettext("job status", "running"),
  succeeded: () => pgettext("job status", "succeeded"),
  failed: () => pgettext("job status", "failed"),
  expired: () => pgettext("job status", "expired"),
};
const FILTER_LABELS = {
  article: gettext("article"),
  language: gettext("language"),
  verdict: gettext("verdict"),
  status: gettext("status"),
  reviewer: gettext("reviewer"),
  date_from: gettext("from"),
  date_to: gettext("to"),
  versions: gettext("versions"),
};
const OPTION_LABELS = { excel: gettext("for Excel"), labels: gettext("labels"), dates: gettext("local dates"), bom: gettext("byte order mark") };
const FILTER_NAMES = ["article", "language", "verdict", "status", "reviewer", "date_from", "date_to"];
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

// "4 Dec 14:02": short enough for a link's name; seconds only when two links would read the same.
function shortTime(iso, seconds = false) {
  const options = { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hour12: false };
  if (seconds) options.second = "2-digit";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(document.documentElement.lang || undefined, options).replace(",", "");
}

function downloadName(job) {
  const format = FORMAT_LABELS[job.format] || job.format;
  const count = job.row_count ?? 0;
  const at = job.finished_at || job.created_at;
  const name = (seconds) =>
    interpolate(gettext("Download %(format)s (%(rows)s, %(time)s)"), {
      format,
      rows: interpolate(ngettext("%s row", "%s rows", count), [formatNumber(count)]),
      time: shortTime(at, seconds),
    }, true);
  const taken = new Set([...document.querySelectorAll("#export-jobs a")].filter((a) => a.closest("tr")?.dataset.job !== String(job.id)).map((a) => a.textContent));
  return taken.has(name(false)) ? name(true) : name(false);
}

// "language: it, verdict: false; for Excel, labels" or "all published verdicts".
function describeFilters(filters = {}) {
  const parts = Object.keys(FILTER_LABELS).filter((name) => filters[name]).map((name) => `${FILTER_LABELS[name]}: ${filters[name]}`);
  const options = Object.keys(OPTION_LABELS).filter((name) => filters[name] && filters[name] !== "0").map((name) => OPTION_LABELS[name]);
  const scope = parts.length ? parts.join(", ") : gettext("all published verdicts");
  return options.length ? `${scope}; ${options.join(", ")}` : scope;
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
    h("td", { text: describeFilters(job.filters) }),
    h("td", {}, h("span", { class: `status status-${job.status}`, text: STATUS_LABELS[job.status] ? STATUS_LABELS[job.status]() : job.status }), job.error ? h("span", { class: "error", text: ` ${job.error}` }) : null),
    h("td", {}, progress, h("span", { class: "hint", text: ` ${fill(gettext("%(percent)s%"), { percent: formatNumber(percent) })}` })),
    h("td", { class: "num", text: formatNumber(job.row_count ?? done) }),
    h("td", {}, href ? h("a", { href, download: "", class: "button small", text: downloadName(job) }) : null),
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

const SHEET_FORMATS = new Set(["csv", "evidence"]);

function filters(format) {
  const values = {};
  for (const name of FILTER_NAMES) {
    const value = form.elements[name].value.trim();
    if (value) values[name] = value;
  }
  if (SHEET_FORMATS.has(format)) {
    for (const name of ["excel", "labels", "dates"]) {
      if (form.elements[name].checked) values[name] = form.elements[name].value;
    }
  }
  return values;
}

async function startJob(format) {
  const payload = { format, filters: filters(format) };
  const asOf = form.elements.as_of.value;
  if (asOf) payload.as_of = new Date(asOf).toISOString();
  const response = await post("/api/v1/exports/", payload);
  if (response.ok) {
    renderJob(response.data);
    poll(response.data.id);
  }
  return response;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const format = form.elements.format.value;
  message.textContent = gettext("Starting…");
  message.classList.remove("error");
  // The evidence sheet is offered with the verdicts: a second job with the same filters.
  const formats = format === "csv" && form.elements.evidence.checked ? ["csv", "evidence"] : [format];
  for (const each of formats) {
    const response = await startJob(each);
    if (!response.ok) {
      message.textContent = errorLines(response.data).join(" ");
      message.classList.add("error");
      return;
    }
  }
  message.textContent = ngettext("Export started.", "Exports started.", formats.length);
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
