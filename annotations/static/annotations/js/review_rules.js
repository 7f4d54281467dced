// What the panel says before a person acts: a frozen annotation (blind review), editing the published
// verdict (it needs approval again; the published version stays until then), and four eyes (who may approve).

import { getAll } from "./api.js";
import { $ } from "./dom.js";
import { gettext, interpolate } from "./i18n.js";

// Once its reviewer has submitted it, an annotation is frozen for them until an editor re-opens it.
export function isFrozenFor(annotation, user) {
  return Boolean(annotation) && annotation.reviewer === user.username && ["submitted", "approved"].includes(annotation.status);
}

export function renderNotes(annotation, user) {
  const frozen = isFrozenFor(annotation, user);
  const frozenNote = $("#frozen-note");
  frozenNote.hidden = !frozen;
  frozenNote.textContent = frozen
    ? gettext("You submitted this verdict, so it is frozen: an editor can re-open it if it needs a change.")
    : "";
  const saveButton = $("#save-annotation");
  if (saveButton) saveButton.disabled = frozen;
  const published = Boolean(annotation?.is_published) && !frozen;
  const publishedNote = $("#published-note");
  publishedNote.hidden = !published;
  publishedNote.textContent = published
    ? interpolate(
        gettext("This is the published verdict. Saving a change makes it a draft that needs approval again; version %(version)s stays published until then."),
        { version: annotation.published_version },
        true,
      )
    : "";
}

// Four eyes: an editor who wrote any version of a verdict may not approve it; say who else can.
export async function renderApprovers(annotation, data) {
  const note = $("#four-eyes-note");
  const approve = $("#approve");
  note.hidden = true;
  if (!annotation || !data.four_eyes || !data.user.is_editor) return;
  const response = await getAll(`/api/v1/annotations/${annotation.id}/versions/`);
  if (!response.ok) return;
  const authors = new Set(response.items.map((version) => version.author));
  const others = (data.editors || []).filter((name) => !authors.has(name));
  if (!authors.has(data.user.username)) {
    note.textContent = interpolate(gettext("Editors who may approve this verdict: %(names)s."), { names: others.join(", ") || "—" }, true);
    note.hidden = false;
    return;
  }
  approve.disabled = true;
  note.textContent = others.length
    ? interpolate(gettext("Four eyes: you wrote a version of this verdict, so another editor must approve it: %(names)s."), { names: others.join(", ") }, true)
    : gettext("Four eyes: you wrote a version of this verdict, and no other editor can approve it.");
  note.hidden = false;
}
