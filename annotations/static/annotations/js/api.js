// fetch() for the REST API: JSON in and out, the CSRF token on every request, errors as readable lines.

import { gettext, interpolate } from "./i18n.js";
import { fieldLabel } from "./labels.js";

const csrfToken = () => document.querySelector('meta[name="csrf-token"]')?.content || "";

export async function request(method, url, { body, headers = {} } = {}) {
  const init = {
    method,
    credentials: "same-origin",
    // The API's human messages in the page's language; its codes and field names stay English.
    headers: { Accept: "application/json", "Accept-Language": document.documentElement.lang || "en", "X-CSRFToken": csrfToken(), ...headers },
  };
  if (body instanceof FormData) {
    init.body = body; // multipart: the browser writes the Content-Type with its boundary
  } else if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    return { ok: false, status: 0, data: { detail: gettext("The server could not be reached.") }, etag: null };
  }
  let data = null;
  const type = response.headers.get("Content-Type") || "";
  if (type.includes("json")) data = await response.json().catch(() => null);
  return { ok: response.ok, status: response.status, data, etag: response.headers.get("ETag") };
}

export const get = (url) => request("GET", url);
export const post = (url, body, headers) => request("POST", url, { body, headers });
export const patch = (url, body, headers) => request("PATCH", url, { body, headers });
export const del = (url, headers) => request("DELETE", url, { headers });
// A file upload (multipart/form-data), e.g. an import.
export const postForm = (url, formData, headers) => request("POST", url, { body: formData, headers });

// Lists paginate ({count, next, results}); follow `next` so callers get every item.
export async function getAll(url) {
  const items = [];
  let next = url;
  while (next) {
    const response = await get(next);
    if (!response.ok) return { ...response, items };
    if (Array.isArray(response.data)) return { ...response, items: response.data };
    items.push(...(response.data?.results || []));
    next = response.data?.next || null;
  }
  return { ok: true, status: 200, items };
}

// Keys of an error body that describe the refusal for scripts (the field it names, the current version...),
// not reasons a person reads.
const NOT_REASONS = new Set(["current", "field", "code", "jobs_url"]);

// An error's field path in people's words (labels.js), e.g. "Evidence 1 › URL".
function fieldName(path) {
  return path.split(".").map((part) => {
    const [key, index] = part.split("[");
    const label = fieldLabel(key);
    return index ? `${label} ${index.replace("]", "")}` : label;
  }).join(" › ");
}

function line(prefix, text) {
  return prefix ? interpolate(gettext("%(field)s: %(reason)s"), { field: fieldName(prefix), reason: text }, true) : text;
}

// "Field: reason" lines from a DRF error body (nested dicts and lists included), with the fields' labels.
export function errorLines(data, prefix = "") {
  if (data === null || data === undefined) return [line(prefix, gettext("The request failed."))];
  if (typeof data === "string") return [line(prefix, data)];
  if (Array.isArray(data)) {
    if (data.every((item) => typeof item === "string")) return [line(prefix, data.join(" "))];
    return data.flatMap((item, index) => errorLines(item, `${prefix}[${index + 1}]`));
  }
  return Object.entries(data)
    .filter(([key]) => !NOT_REASONS.has(key))
    .flatMap(([key, value]) => errorLines(value, key === "detail" || key === "non_field_errors" ? prefix : prefix ? `${prefix}.${key}` : key));
}
