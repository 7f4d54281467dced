// The prior fact-checks page: the list (filters in the page's address, keyset pages through the API's
// `next`/`previous` links) for everyone with a role; for editors, imports as jobs whose counts move while
// they run, the ratings no mapping covers (each mapped with one action, never guessed), the mappings,
// and correcting one fact-check's verdict. The API refuses anyone else; this page only leaves their
// controls out.

import { del, errorLines, get, getAll, patch, post, postForm } from "./api.js";
import { $, formatDate, formatNumber, formatTime, h, linkOrText } from "./dom.js";
import { fill, gettext, interpolate, ngettext, pgettext } from "./i18n.js";

const POLL_MS = 500;
const FINISHED = new Set(["succeeded", "failed"]);
const data = JSON.parse($("#page-data").textContent);
const LABELS = Object.fromEntries(data.verdicts.map((v) => [v.key, v.label]));
const STATUS_LABELS = {
  queued: () => pgettext("job status", "queued"),
  running: () => pgettext("job status", "running"),
  succeeded: () => pgettext("job status", "succeeded"),
  failed: () => pgettext("job status", "failed"),
};

function say(element, text, isError = false) {
  element.textContent = text;
  element.classList.toggle("error", isError);
}

function short(text, length = 60) {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

function verdictChip(key) {
  return h("span", { class: "verdict-chip", "data-verdict": key || "none", text: key ? LABELS[key] || key : gettext("Not mapped") });
}

function verdictSelect(selected, label, { blank } = {}) {
  const select = h("select", { "aria-label": label });
  if (blank) select.append(h("option", { value: "", text: blank }));
  for (const verdict of data.verdicts) select.append(h("option", { value: verdict.key, text: verdict.label }));
  select.value = selected || "";
  return select;
}

const anyOr = (value) => value || gettext("Any");

// ---------------------------------------------------------------- the list

const listMessage = $("#prior-message");
const FILTERS = ["q", "language", "publisher"];

function pageLink(apiLink) {
  if (!apiLink) return null;
  const cursor = new URL(apiLink, window.location.origin).searchParams.get("cursor");
  const params = new URLSearchParams(window.location.search);
  params.set("cursor", cursor);
  return `?${params}`;
}

function ratingText(prior) {
  const rating = prior.rating || "—";
  if (prior.rating_value === null || prior.rating_value === undefined) return rating;
  const scale = prior.best_rating !== null && prior.worst_rating !== null
    ? fill(gettext("%(value)s on %(worst)s–%(best)s"), { value: formatNumber(prior.rating_value), worst: formatNumber(prior.worst_rating), best: formatNumber(prior.best_rating) })
    : formatNumber(prior.rating_value);
  return `${rating} (${scale})`;
}

// An editor's verdict stays theirs (mappings leave it) until they hand it back to the mapping.
function correction(prior) {
  const cell = h("span", { class: "inline-form" });
  const send = async (button, change, saved) => {
    button.disabled = true;
    const response = await patch(`/api/v1/prior-factchecks/${prior.id}/`, change);
    button.disabled = false;
    if (!response.ok) return say(listMessage, errorLines(response.data).join(" "), true);
    Object.assign(prior, response.data);
    // A list load begun before this change (after a mapping's) would draw the row as it was: load it again.
    if (listLoading() || !cell.isConnected) await loadList({ keepMessage: true });
    else draw();
    const verdict = response.data.verdict;
    say(listMessage, verdict ? fill(saved.mapped, { claim: short(prior.claim_reviewed), verdict: LABELS[verdict] || verdict })
      : fill(saved.unmapped, { claim: short(prior.claim_reviewed) }));
  };
  const draw = () => {
    const select = verdictSelect(prior.verdict, fill(gettext("Verdict on our scale for “%(claim)s”"), { claim: short(prior.claim_reviewed) }), { blank: gettext("Not mapped") });
    const save = h("button", { type: "button", class: "small", text: gettext("Save") });
    save.addEventListener("click", () => send(save, { verdict: select.value || null }, {
      mapped: gettext("Saved: “%(claim)s” now maps to %(verdict)s."), unmapped: gettext("Saved: “%(claim)s” is not mapped."),
    }));
    cell.replaceChildren(select, " ", save);
    if (!prior.verdict_corrected) return;
    const back = h("button", { type: "button", class: "small", text: gettext("Use the mapping") });
    back.addEventListener("click", () => send(back, { verdict_corrected: false }, {
      mapped: gettext("“%(claim)s” follows the rating mapping again: %(verdict)s."),
      unmapped: gettext("“%(claim)s” follows the rating mapping again: no mapping covers its rating."),
    }));
    cell.append(" ", h("span", { class: "hint", text: gettext("Set by an editor; mappings leave it.") }), " ", back);
  };
  draw();
  return cell;
}

function priorRow(prior) {
  const language = /^[A-Za-z]{2,3}(-[A-Za-z0-9]+)*$/.test(prior.language || "") ? prior.language : null;
  return h("tr", { "data-prior": prior.id },
    h("td", {}, h("span", { class: "claim-text", dir: "auto", lang: language, text: prior.claim_reviewed })),
    h("td", {}, prior.publisher_url ? linkOrText(prior.publisher_url, prior.publisher || prior.publisher_url) : h("span", { text: prior.publisher || "—" })),
    h("td", { dir: "auto", text: ratingText(prior) }),
    h("td", {}, data.can_edit ? correction(prior) : verdictChip(prior.verdict)),
    h("td", { text: prior.date ? formatDate(prior.date) : "—" }),
    h("td", {}, linkOrText(prior.url, gettext("Read it"))),
  );
}

function showPager(previous, next) {
  const [before, after] = [pageLink(previous), pageLink(next)];
  $("#prior-previous").hidden = !before;
  $("#prior-next").hidden = !after;
  if (before) $("#prior-previous").href = before;
  if (after) $("#prior-next").href = after;
  $("#prior-pager").hidden = !before && !after;
}

// Loads are numbered: a response that a newer load has superseded is dropped, not drawn over it.
let listRequested = 0;
let listShown = 0;
const listLoading = () => listShown !== listRequested;

async function loadList({ keepMessage = false } = {}) {
  const load = ++listRequested;
  const page = new URLSearchParams(window.location.search);
  const params = new URLSearchParams();
  for (const name of [...FILTERS, "cursor"]) {
    const value = (page.get(name) || "").trim();
    if (value) params.set(name, value);
  }
  const response = await get(`/api/v1/prior-factchecks/?${params}`);
  if (load !== listRequested) return;
  listShown = load;
  const body = $("#prior-table tbody");
  if (!response.ok) {
    body.replaceChildren();
    showPager(null, null);
    return say(listMessage, errorLines(response.data).join(" "), true);
  }
  const rows = response.data.results.map(priorRow);
  body.replaceChildren(...(rows.length ? rows : [h("tr", {}, h("td", { colspan: "6", class: "empty", text: gettext("No prior fact-checks found.") }))]));
  showPager(response.data.previous, response.data.next);
  if (!keepMessage) say(listMessage, rows.length ? interpolate(ngettext("%s fact-check on this page.", "%s fact-checks on this page.", rows.length), [formatNumber(rows.length)]) : "");
}

// An empty filter stays out of the address (and out of the API's query: `q=` is a filter of its own).
$("#prior-filters").addEventListener("submit", (event) => {
  event.preventDefault();
  const params = new URLSearchParams();
  for (const name of FILTERS) {
    const value = event.target.elements[name].value.trim();
    if (value) params.set(name, value);
  }
  window.location.search = params.toString();
});

// ---------------------------------------------------------------- imports (editors)

const jobRows = new Map();

function refusedReport(job) {
  const id = `report-${job.id}`;
  let report = document.getElementById(id);
  if (!job.errors?.length && !job.error) {
    report?.remove();
    return;
  }
  if (!report) {
    report = h("details", { id, class: "card refused", open: true });
    $("#import-reports").prepend(report);
  }
  const source = job.file_name || job.url;
  const items = (job.errors || []).map((e) => h("li", {},
    h("span", { text: fill(gettext("Item %(item)s"), { item: formatNumber(e.item) }) }),
    e.url ? [" (", linkOrText(e.url, e.url), ")"] : null,
    h("span", { text: `: ${e.reason}` }),
  ));
  const more = job.refused > (job.errors || []).length
    ? h("p", { class: "hint", text: fill(gettext("The first %(shown)s of %(count)s refused items are listed."), { shown: formatNumber(job.errors.length), count: formatNumber(job.refused) }) })
    : null;
  report.replaceChildren(
    h("summary", { text: job.error && !job.errors?.length
      ? fill(gettext("Why the import of %(source)s failed"), { source })
      : fill(ngettext("%(count)s item refused in the import of %(source)s", "%(count)s items refused in the import of %(source)s", job.refused), { count: formatNumber(job.refused), source }) }),
    ...[job.error ? h("p", { class: "error", text: job.error }) : null, items.length ? h("ol", {}, items) : null, more].filter(Boolean),
  );
}

function renderJob(job) {
  let row = jobRows.get(job.id);
  if (!row) {
    document.getElementById("no-imports")?.remove();
    row = h("tr", { "data-job": job.id });
    jobRows.set(job.id, row);
    $("#import-jobs tbody").prepend(row);
  }
  const source = job.file_name ? h("span", { text: job.file_name }) : linkOrText(job.url, job.url);
  const status = h("span", { class: `status status-${job.status}`, text: STATUS_LABELS[job.status] ? STATUS_LABELS[job.status]() : job.status });
  const running = !FINISHED.has(job.status);
  const counts = job.counts || {};
  row.replaceChildren(
    h("td", { text: formatTime(job.created_at) }),
    h("td", {}, source),
    h("td", { text: job.created_by || "—" }),
    h("td", {}, status,
      running ? [" ", h("progress", { "aria-label": fill(gettext("Import progress (%(source)s)"), { source: job.file_name || job.url }) })] : null,
      job.not_modified ? h("span", { class: "hint", text: ` ${gettext("The feed has not changed since the last import.")}` }) : null,
      job.error ? h("span", { class: "error", text: ` ${job.error}` }) : null),
    h("td", { class: "num", text: formatNumber(job.items_done ?? 0) }),
    ...["new", "updated", "unchanged", "refused"].map((name) => h("td", { class: "num", "data-count": name, text: formatNumber(counts[name] ?? 0) })),
  );
  refusedReport({ ...job, refused: counts.refused ?? 0 });
}

async function poll(id) {
  const response = await get(`/api/v1/prior-factchecks/imports/${id}/`);
  if (!response.ok) return say($("#import-message"), errorLines(response.data).join(" "), true);
  renderJob(response.data);
  if (!FINISHED.has(response.data.status)) {
    setTimeout(() => poll(id), POLL_MS);
    return;
  }
  if (response.data.status === "succeeded") {
    const c = response.data.counts;
    say($("#import-message"), fill(gettext("Import finished: %(new)s new, %(updated)s updated, %(unchanged)s unchanged, %(refused)s refused."),
      { new: formatNumber(c.new), updated: formatNumber(c.updated), unchanged: formatNumber(c.unchanged), refused: formatNumber(c.refused) }));
  } else {
    say($("#import-message"), gettext("The import failed."), true);
  }
  await Promise.all([loadList(), loadUnmapped(), loadMappings()]);
}

function setUpImports() {
  const form = $("#import-form");
  const message = $("#import-message");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const file = form.elements.file.files[0];
    const url = form.elements.url.value.trim();
    if (Boolean(file) === Boolean(url)) {
      return say(message, gettext("Choose a file or enter an address: one of the two."), true);
    }
    say(message, gettext("Starting…"));
    let response;
    if (file) {
      const body = new FormData();
      body.set("file", file);
      response = await postForm("/api/v1/prior-factchecks/imports/", body);
    } else {
      response = await post("/api/v1/prior-factchecks/imports/", { url });
    }
    if (!response.ok) return say(message, errorLines(response.data).join(" "), true);
    say(message, gettext("Import started."));
    form.reset();
    renderJob(response.data);
    poll(response.data.id);
  });
  // Disabled in the HTML, so that a click before this module runs cannot submit the form natively.
  form.querySelector("button[type=submit]").disabled = false;
}

async function loadJobs() {
  const response = await get("/api/v1/prior-factchecks/imports/?page_size=10");
  if (!response.ok) return;
  for (const job of response.data.results.slice().reverse()) {
    renderJob(job);
    if (!FINISHED.has(job.status)) poll(job.id);
  }
}

// ---------------------------------------------------------------- the rating mapping (editors)

const mappingMessage = $("#mapping-message");

async function afterMappingChange(response, success) {
  if (!response.ok) return say(mappingMessage, errorLines(response.data).join(" "), true);
  say(mappingMessage, success);
  await Promise.all([loadUnmapped(), loadMappings(), loadList()]);
}

function scopeText(row) {
  return fill(gettext("%(publisher)s, %(language)s"), { publisher: anyOr(row.publisher), language: anyOr(row.language) });
}

function unmappedRow(rating) {
  const label = fill(gettext("Verdict for “%(rating)s” (%(scope)s)"), { rating: rating.rating_name, scope: scopeText(rating) });
  const select = verdictSelect(rating.suggested_verdict, label, { blank: gettext("Choose a verdict…") });
  const map = h("button", { type: "button", class: "small primary", text: gettext("Map") });
  map.addEventListener("click", async () => {
    if (!select.value) return say(mappingMessage, fill(gettext("Choose a verdict for “%(rating)s” first."), { rating: rating.rating_name }), true);
    map.disabled = true;
    const verdict = select.value;
    const response = await post("/api/v1/rating-mappings/", {
      publisher: rating.publisher, language: rating.language, rating_name: rating.rating_name, verdict,
    });
    map.disabled = false;
    await afterMappingChange(response, fill(gettext("“%(rating)s” (%(scope)s) is now mapped to %(verdict)s."), { rating: rating.rating_name, scope: scopeText(rating), verdict: LABELS[verdict] || verdict }));
  });
  const suggestion = rating.suggested_verdict
    ? [verdictChip(rating.suggested_verdict), rating.suggestion_reason ? h("span", { class: "hint", text: ` ${rating.suggestion_reason}` }) : null]
    : h("span", { class: "hint", text: gettext("No suggestion") });
  return h("tr", {},
    h("td", { text: rating.publisher || "—" }),
    h("td", { text: rating.language || "—" }),
    h("td", { dir: "auto", text: rating.rating_name }),
    h("td", { class: "num", text: formatNumber(rating.count) }),
    h("td", {}, suggestion),
    h("td", {}, h("span", { class: "inline-form" }, select, " ", map)),
  );
}

async function loadUnmapped() {
  const body = $("#unmapped-ratings tbody");
  const response = await get("/api/v1/rating-mappings/unmapped/");
  if (!response.ok) return say(mappingMessage, errorLines(response.data).join(" "), true);
  const rows = response.data.map(unmappedRow);
  body.replaceChildren(...(rows.length ? rows : [h("tr", {}, h("td", { colspan: "6", class: "empty", text: gettext("Every published rating is mapped.") }))]));
}

function mappingRow(mapping) {
  const select = verdictSelect(mapping.verdict, fill(gettext("Verdict for “%(rating)s” (%(scope)s)"), { rating: mapping.rating_name, scope: scopeText(mapping) }));
  const save = h("button", { type: "button", class: "small", text: gettext("Save") });
  const remove = h("button", { type: "button", class: "small", text: gettext("Remove") });
  save.addEventListener("click", async () => {
    save.disabled = true;
    const response = await patch(`/api/v1/rating-mappings/${mapping.id}/`, { verdict: select.value });
    save.disabled = false;
    await afterMappingChange(response, fill(gettext("“%(rating)s” (%(scope)s) is now mapped to %(verdict)s."), { rating: mapping.rating_name, scope: scopeText(mapping), verdict: LABELS[select.value] || select.value }));
  });
  remove.addEventListener("click", async () => {
    remove.disabled = true;
    const response = await del(`/api/v1/rating-mappings/${mapping.id}/`);
    await afterMappingChange(response, fill(gettext("The mapping of “%(rating)s” (%(scope)s) is removed."), { rating: mapping.rating_name, scope: scopeText(mapping) }));
  });
  return h("tr", { "data-mapping": mapping.id },
    h("td", { text: anyOr(mapping.publisher) }),
    h("td", { text: anyOr(mapping.language) }),
    h("td", { dir: "auto", text: mapping.rating_name }),
    h("td", {}, h("span", { class: "inline-form" }, select, " ", save)),
    h("td", {}, remove),
  );
}

async function loadMappings() {
  const body = $("#rating-mappings tbody");
  const response = await getAll("/api/v1/rating-mappings/?page_size=200");
  if (!response.ok) return say(mappingMessage, errorLines(response.data).join(" "), true);
  const rows = response.items.map(mappingRow);
  body.replaceChildren(...(rows.length ? rows : [h("tr", {}, h("td", { colspan: "5", class: "empty", text: gettext("No mappings yet.") }))]));
}

// ---------------------------------------------------------------- start

(async () => {
  const loads = [loadList()];
  if (data.can_edit) {
    setUpImports();
    loads.push(loadJobs(), loadUnmapped(), loadMappings());
  }
  await Promise.all(loads);
  document.documentElement.dataset.ready = "true";
})();
