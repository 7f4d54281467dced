// fetch() for the REST API: JSON in and out, the CSRF token on every request, errors as readable lines.

const csrfToken = () => document.querySelector('meta[name="csrf-token"]')?.content || "";

export async function request(method, url, { body, headers = {} } = {}) {
  const init = {
    method,
    credentials: "same-origin",
    headers: { Accept: "application/json", "X-CSRFToken": csrfToken(), ...headers },
  };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    return { ok: false, status: 0, data: { detail: "The server could not be reached." }, etag: null };
  }
  let data = null;
  const type = response.headers.get("Content-Type") || "";
  if (type.includes("json")) data = await response.json().catch(() => null);
  return { ok: response.ok, status: response.status, data, etag: response.headers.get("ETag") };
}

export const get = (url) => request("GET", url);
export const post = (url, body, headers) => request("POST", url, { body, headers });
export const patch = (url, body, headers) => request("PATCH", url, { body, headers });

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

// "field: reason" lines from a DRF error body (nested dicts and lists included).
export function errorLines(data, prefix = "") {
  if (data === null || data === undefined) return [prefix ? `${prefix}: request failed` : "The request failed."];
  if (typeof data === "string") return [prefix ? `${prefix}: ${data}` : data];
  if (Array.isArray(data)) {
    if (data.every((item) => typeof item === "string")) return [prefix ? `${prefix}: ${data.join(" ")}` : data.join(" ")];
    return data.flatMap((item, index) => errorLines(item, `${prefix}[${index + 1}]`));
  }
  return Object.entries(data)
    .filter(([key]) => key !== "current")
    .flatMap(([key, value]) => errorLines(value, key === "detail" || key === "non_field_errors" ? prefix : prefix ? `${prefix}.${key}` : key));
}
