// A claim's discussion in the reader: the thread (replies nested), posting, replying, editing one's own
// comment, editors deleting one (a tombstone), and @mention suggestions.
//
// Comment HTML is rendered and sanitised by the server (annotations.comments: no raw HTML, http(s) links
// only). It is still rebuilt here from an allow-list of elements and attributes, never assigned as
// innerHTML, so a fault on either side alone cannot run a script. Names and dates go in as text.

import { errorLines, get, patch, post, request } from "./api.js";
import { $, h, safeHref } from "./dom.js";
import { gettext, interpolate } from "./i18n.js";

const data = JSON.parse($("#page-data").textContent);
const me = data.user;
const list = $("#comment-list");
const form = $("#comment-form");
const textarea = $("#comment-body");
const message = $("#comment-message");
const replying = $("#comment-replying");
const cancel = $("#comment-cancel");
const suggestions = $("#mention-suggestions");

let claimId = null;
let parent = null; // id of the comment replied to
let editing = null; // id of the own comment being edited

const ALLOWED = new Set(["P", "BR", "EM", "STRONG", "A", "BLOCKQUOTE", "UL", "OL", "LI", "CODE"]);

function safeNodes(html) {
  const parsed = new DOMParser().parseFromString(html, "text/html").body;
  const copy = (node) => {
    if (node.nodeType === Node.TEXT_NODE) return document.createTextNode(node.textContent);
    if (node.nodeType !== Node.ELEMENT_NODE) return null;
    const children = [...node.childNodes].map(copy).filter(Boolean);
    if (!ALLOWED.has(node.tagName)) return children; // unknown element: keep its text only
    const element = document.createElement(node.tagName.toLowerCase());
    if (node.tagName === "A") {
      const href = safeHref(node.getAttribute("href") || "");
      if (href) element.setAttribute("href", href);
      element.setAttribute("rel", "noopener noreferrer nofollow");
    }
    if (node.tagName === "STRONG" && node.classList.contains("mention")) element.className = "mention";
    element.append(...children.flat());
    return element;
  };
  return [...parsed.childNodes].flatMap((node) => [copy(node)].flat()).filter(Boolean);
}

function resetForm() {
  parent = null;
  editing = null;
  textarea.value = "";
  replying.hidden = true;
  cancel.hidden = true;
  suggestions.hidden = true;
}

function startReply(comment) {
  editing = null;
  parent = comment.id;
  replying.textContent = interpolate(gettext("Replying to %s"), [comment.author]);
  replying.hidden = false;
  cancel.hidden = false;
  textarea.focus();
}

function startEdit(comment) {
  parent = null;
  editing = comment.id;
  textarea.value = comment.body;
  replying.textContent = gettext("Editing your comment");
  replying.hidden = false;
  cancel.hidden = false;
  textarea.focus();
}

async function remove(comment) {
  if (!window.confirm(gettext("Delete this comment? Its place in the thread stays."))) return;
  const response = await request("DELETE", `/api/v1/comments/${comment.id}/`);
  message.textContent = response.ok ? gettext("Comment deleted.") : errorLines(response.data).join(" ");
  await load();
}

function commentItem(comment, children) {
  const when = new Date(comment.created_at);
  const actions = [];
  if (!comment.deleted) {
    const label = (text) => interpolate(text, [comment.author]);
    actions.push(h("button", { type: "button", class: "link-button", "aria-label": label(gettext("Reply to %s")), onclick: () => startReply(comment) }, gettext("Reply")));
    if (comment.author === me.username) actions.push(h("button", { type: "button", class: "link-button", onclick: () => startEdit(comment) }, gettext("Edit")));
    if (me.is_editor) actions.push(h("button", { type: "button", class: "link-button", "aria-label": label(gettext("Delete the comment by %s")), onclick: () => remove(comment) }, gettext("Delete")));
  }
  const body = comment.deleted
    ? h("p", { class: "tombstone", text: gettext("This comment was deleted by an editor.") })
    : h("div", { class: "comment-body" }, ...safeNodes(comment.html));
  return h("li", { class: "comment", "data-comment": comment.id },
    h("p", { class: "comment-meta" },
      h("span", { class: "comment-author", text: comment.author }), " · ",
      h("time", { datetime: comment.created_at, text: when.toLocaleString() }),
      comment.edited_at ? ` · ${gettext("edited")}` : ""),
    body,
    actions.length ? h("div", { class: "actions" }, ...actions) : null,
    children.length ? h("ol", { class: "comment-replies" }, ...children) : null);
}

function render(comments) {
  const byParent = new Map();
  for (const comment of comments) {
    const key = comments.some((c) => c.id === comment.parent) ? comment.parent : null;
    if (!byParent.has(key)) byParent.set(key, []);
    byParent.get(key).push(comment);
  }
  const build = (key) => (byParent.get(key) || []).map((comment) => commentItem(comment, build(comment.id)));
  const items = build(null);
  list.replaceChildren(...(items.length ? items : [h("li", { class: "hint", text: gettext("No comments yet.") })]));
}

async function load() {
  if (claimId === null) return;
  const comments = [];
  let next = `/api/v1/claims/${claimId}/comments/?page_size=200`;
  while (next) {
    const response = await get(next);
    if (!response.ok) {
      message.textContent = errorLines(response.data).join(" ");
      return;
    }
    comments.push(...response.data.results);
    next = response.data.next;
  }
  render(comments);
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const body = textarea.value;
  const response = editing
    ? await patch(`/api/v1/comments/${editing}/`, { body })
    : await post(`/api/v1/claims/${claimId}/comments/`, parent ? { body, parent } : { body });
  if (!response.ok) {
    message.textContent = errorLines(response.data).join(" ");
    return;
  }
  message.textContent = editing ? gettext("Comment saved.") : gettext("Comment posted.");
  resetForm();
  await load();
});

cancel.addEventListener("click", resetForm);

// @mention suggestions: the word being typed, if it starts with @, completed from the desk's people.
let asked = "";
textarea.addEventListener("input", async () => {
  const before = textarea.value.slice(0, textarea.selectionStart);
  const match = /(^|\s)@([\w.+-]{1,30})$/.exec(before);
  if (!match) {
    suggestions.hidden = true;
    return;
  }
  const prefix = match[2];
  asked = prefix;
  const response = await get(`/api/v1/people/?prefix=${encodeURIComponent(prefix)}&page_size=8`);
  if (asked !== prefix || !response.ok) return;
  const people = response.data.results.map((person) => person.username);
  suggestions.replaceChildren(...people.map((name) => h("li", {},
    h("button", { type: "button", "aria-label": interpolate(gettext("Mention %s"), [name]), onclick: () => {
      const start = textarea.selectionStart - prefix.length;
      textarea.value = `${textarea.value.slice(0, start)}${name} ${textarea.value.slice(textarea.selectionStart)}`;
      suggestions.hidden = true;
      textarea.focus();
    } }, `@${name}`))));
  suggestions.hidden = people.length === 0;
});

function follow(id) {
  claimId = id;
  message.textContent = "";
  resetForm();
  load();
}

document.addEventListener("claim-opened", (event) => follow(event.detail.id));
// A claim opened before this module ran (the page's address names one).
const already = $("#claim-panel").dataset.claim;
if (already) follow(Number(already));
