// Words in the page's language: an annotation's review status, an evidence item's stance, and the
// fields of the API (those a version changes, those an error names). Functions, not values: the
// catalogue is read when the words are shown.

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
  url: () => gettext("URL"),
  title: () => gettext("Title"),
  body: () => gettext("Text"),
  language: () => gettext("Language"),
  publisher: () => gettext("Publisher"),
  claimant: () => gettext("Claimant"),
  claim_date: () => gettext("Claim date"),
  statement: () => gettext("Statement"),
  selector: () => gettext("Selected text"),
  verdict: () => gettext("Verdict"),
  confidence: () => gettext("Confidence"),
  rationale: () => gettext("Rationale"),
  evidence: () => gettext("Evidence"),
  change_note: () => gettext("Change note"),
  comment: () => gettext("Comment"),
  quote: () => gettext("Quote"),
  stance: () => gettext("Stance"),
  accessed: () => gettext("Accessed"),
  format: () => gettext("Format"),
  filters: () => gettext("Filters"),
  as_of: () => gettext("As of"),
  reviewer: () => gettext("Reviewer"),
  date_from: () => gettext("From date"),
  date_to: () => gettext("To date"),
  q: () => gettext("Words to find"),
  file: () => gettext("File"),
  rating_name: () => gettext("Rating as published"),
};
// A key the tables do not know (a newer server's) is shown as it is.
const label = (labels, key) => (labels[key] ? labels[key]() : key);

export const stanceLabel = (stance) => label(STANCE_LABELS, stance);
export const statusLabel = (status) => label(STATUS_LABELS, status);
export const fieldLabel = (field) => label(FIELD_LABELS, field);
