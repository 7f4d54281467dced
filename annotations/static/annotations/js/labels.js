// An annotation's words in the page's language: its review status, an evidence item's stance, the fields
// a version changes. Functions, not values: the catalogue is read when the words are shown.

import { gettext, pgettext } from "./i18n.js";

export const STANCES = ["supports", "refutes", "context"];
const STANCE_LABELS = { supports: () => gettext("supports"), refutes: () => gettext("refutes"), context: () => gettext("context") };
const STATUS_LABELS = {
  draft: () => pgettext("review status", "Draft"),
  submitted: () => pgettext("review status", "Submitted"),
  approved: () => pgettext("review status", "Approved"),
  rejected: () => pgettext("review status", "Rejected"),
};
const FIELD_LABELS = {
  verdict: () => gettext("Verdict"),
  confidence: () => gettext("Confidence"),
  rationale: () => gettext("Rationale"),
  evidence: () => gettext("Evidence"),
  change_note: () => gettext("Change note"),
};
// A key the tables do not know (a newer server's) is shown as it is.
const label = (labels, key) => (labels[key] ? labels[key]() : key);

export const stanceLabel = (stance) => label(STANCE_LABELS, stance);
export const statusLabel = (status) => label(STATUS_LABELS, status);
export const fieldLabel = (field) => label(FIELD_LABELS, field);
