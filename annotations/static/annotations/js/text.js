// Offsets: the browser counts UTF-16 code units, the API counts Unicode code points.

export function utf16ToCodePoints(text, utf16Offset) {
  let points = 0;
  for (let i = 0; i < utf16Offset && i < text.length; i++) {
    const unit = text.charCodeAt(i);
    // A low surrogate completes a pair already counted at its high surrogate.
    if (unit >= 0xdc00 && unit <= 0xdfff && i > 0) {
      const previous = text.charCodeAt(i - 1);
      if (previous >= 0xd800 && previous <= 0xdbff) continue;
    }
    points++;
  }
  return points;
}

// UTF-16 offset of a DOM boundary point (node, offset) inside `container`'s text.
export function textOffset(container, node, offset) {
  const range = document.createRange();
  range.setStart(container, 0);
  range.setEnd(node, offset);
  return range.toString().length;
}

// The current selection inside `container` as code point offsets, trimmed of surrounding whitespace;
// null when nothing (or only whitespace) is selected there.
export function selectionInside(container, text) {
  const selection = window.getSelection();
  if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
  const range = selection.getRangeAt(0);
  if (!container.contains(range.commonAncestorContainer) && !range.intersectsNode(container)) return null;
  let start = container.contains(range.startContainer) ? textOffset(container, range.startContainer, range.startOffset) : 0;
  let end = container.contains(range.endContainer) ? textOffset(container, range.endContainer, range.endOffset) : text.length;
  while (start < end && /\s/.test(text[start])) start++;
  while (end > start && /\s/.test(text[end - 1])) end--;
  if (end <= start) return null;
  return {
    start: utf16ToCodePoints(text, start),
    end: utf16ToCodePoints(text, end),
    exact: text.slice(start, end),
  };
}

// The same segmentation as the server (annotations/highlighting.py): split at every claim boundary,
// wrap each covered segment once, colour it by its innermost claim.
export function renderHighlights(container, text, claims) {
  performance.mark("highlight-start");
  const starts = new Map();
  const ends = new Map();
  for (const claim of claims) {
    if (!starts.has(claim.start)) starts.set(claim.start, []);
    if (!ends.has(claim.end)) ends.set(claim.end, []);
    starts.get(claim.start).push(claim);
    ends.get(claim.end).push(claim);
  }
  const length = codePointLength(text);
  const bounds = [...new Set([0, length, ...starts.keys(), ...ends.keys()])].filter((n) => n <= length).sort((a, b) => a - b);
  const units = utf16Offsets(text, bounds);
  const active = new Map();
  const fragment = document.createDocumentFragment();
  for (let i = 0; i < bounds.length - 1; i++) {
    const from = bounds[i];
    for (const claim of ends.get(from) || []) active.delete(claim.id);
    for (const claim of starts.get(from) || []) active.set(claim.id, claim);
    const piece = text.slice(units[i], units[i + 1]);
    if (active.size === 0) {
      fragment.append(piece);
      continue;
    }
    let innermost = null;
    for (const claim of active.values()) {
      if (!innermost || claim.end - claim.start < innermost.end - innermost.start ||
          (claim.end - claim.start === innermost.end - innermost.start && claim.start > innermost.start)) innermost = claim;
    }
    const span = document.createElement("span");
    span.className = active.size > 1 ? "hl hl-overlap" : "hl";
    span.dataset.claims = [...active.keys()].join(" ");
    span.dataset.claim = String(innermost.id);
    span.dataset.verdict = innermost.published?.verdict || "none";
    span.textContent = piece;
    fragment.append(span);
  }
  container.replaceChildren(fragment);
  performance.mark("highlight-end");
  performance.measure("highlight", "highlight-start", "highlight-end");
}

function codePointLength(text) {
  let points = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) i++;
    points++;
  }
  return points;
}

// The UTF-16 offsets of ascending code point offsets, in one pass over the text.
function utf16Offsets(text, sortedPoints) {
  const offsets = new Array(sortedPoints.length);
  let point = 0;
  let unit = 0;
  sortedPoints.forEach((target, index) => {
    while (point < target && unit < text.length) {
      const code = text.charCodeAt(unit);
      unit += code >= 0xd800 && code <= 0xdbff && unit + 1 < text.length ? 2 : 1;
      point++;
    }
    offsets[index] = unit;
  });
  return offsets;
}

// Index the highlights: claim id -> its segments.
export function buildIndex(container) {
  const index = new Map();
  for (const span of container.querySelectorAll("span.hl")) {
    for (const id of span.dataset.claims.split(" ")) {
      const key = Number(id);
      if (!index.has(key)) index.set(key, []);
      index.get(key).push(span);
    }
  }
  return index;
}

// The page's load-time highlighting work on the server-rendered segments, measured like a re-render.
export function indexHighlights(container) {
  performance.mark("highlight-start");
  const index = buildIndex(container);
  performance.mark("highlight-end");
  performance.measure("highlight", "highlight-start", "highlight-end");
  return index;
}
