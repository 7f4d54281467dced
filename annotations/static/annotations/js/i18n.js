// Translation for the pages' scripts: Django's JavaScript catalogue (the /jsi18n/ script in base.html
// defines window.gettext, ngettext and interpolate in the person's language). Every word a script
// shows goes through these; without the catalogue (a page that does not load it) they return the
// English text unchanged.

export function gettext(text) {
  return typeof window.gettext === "function" ? window.gettext(text) : text;
}

export function ngettext(singular, plural, count) {
  if (typeof window.ngettext === "function") return window.ngettext(singular, plural, count);
  return count === 1 ? singular : plural;
}

// interpolate("%(n)s claims", { n: 3 }, true) or interpolate("%s of %s", [1, 2]), as Django's.
export function interpolate(format, values, named = false) {
  if (typeof window.interpolate === "function") return window.interpolate(format, values, named);
  if (named) return format.replace(/%\(\w+\)s/g, (match) => String(values[match.slice(2, -2)]));
  const queue = [...values];
  return format.replace(/%s/g, () => String(queue.shift()));
}

// fill("%(n)s claims", { n: 3 }): interpolate with named values, the form every message with values uses.
export function fill(format, values) {
  return interpolate(format, values, true);
}

// pgettext("review status", "Draft"): the same English word may need different words elsewhere.
export function pgettext(context, text) {
  return typeof window.pgettext === "function" ? window.pgettext(context, text) : text;
}
