// Small DOM helpers. User text only ever goes in through textContent, never innerHTML.

export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") element.className = value;
    else if (name === "text") element.textContent = value;
    else if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (name in element && typeof value !== "string") element[name] = value;
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

export function $(selector, root = document) {
  return root.querySelector(selector);
}

// Only http(s) addresses become links; anything else (javascript:, data:, ...) stays text.
export function safeHref(value) {
  if (typeof value !== "string") return null;
  try {
    const url = new URL(value.trim());
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

export function linkOrText(url, label) {
  const href = safeHref(url);
  if (!href) return h("span", { class: "plain-url", text: label || url || "" });
  return h("a", { href, rel: "noopener noreferrer nofollow", target: "_blank", text: label || href });
}

// Dates and numbers in the page's language (html lang), as the server writes them (CLDR both sides);
// Western digits everywhere, as the server's Babel formats write them.
export function pageLocale() {
  return `${document.documentElement.lang || "en"}-u-nu-latn`;
}

export function formatTime(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(pageLocale(), { dateStyle: "medium", timeStyle: "short" });
}

export function formatDate(iso) {
  if (!iso) return "";
  // A calendar date ("2026-12-04") is read as that day wherever the browser is.
  const date = /^\d{4}-\d{2}-\d{2}$/.test(iso) ? new Date(`${iso}T00:00:00Z`) : new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleDateString(pageLocale(), { dateStyle: "medium", timeZone: "UTC" });
}

// Grouping always, as the server writes numbers ("1.234,5" in Italian, where CLDR would leave 1234 ungrouped).
export function formatNumber(value) {
  return new Intl.NumberFormat(pageLocale(), { useGrouping: "always" }).format(value);
}

const NOT_TYPED = new Set(["radio", "checkbox", "button", "submit", "reset", "range"]);

// Whether a key press goes into a text field (then it is text, not a shortcut).
export function isTyping(target) {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target.tagName === "TEXTAREA" || target.tagName === "SELECT") return true;
  return target.tagName === "INPUT" && !NOT_TYPED.has(target.type);
}

// "3 hours ago" / "3 ore fa" in the page's language, for an ISO instant.
export function formatSince(iso, now = Date.now()) {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  if (Number.isNaN(seconds)) return "";
  const units = [["year", 31536000], ["month", 2592000], ["week", 604800], ["day", 86400], ["hour", 3600], ["minute", 60]];
  const [unit, size] = units.find(([, length]) => Math.abs(seconds) >= length) || ["second", 1];
  return new Intl.RelativeTimeFormat(pageLocale(), { numeric: "auto" }).format(Math.round(seconds / size), unit);
}
