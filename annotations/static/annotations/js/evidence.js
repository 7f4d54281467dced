// Evidence in the claim panel: the sources listed on an annotation's card, and the form's editor of them
// (one numbered fieldset per source; its address must be http(s), and its stance is chosen, never assumed).

import { $, h, linkOrText, safeHref } from "./dom.js";
import { fill, gettext } from "./i18n.js";
import { STANCES, stanceLabel } from "./labels.js";

let evidenceCounter = 0;

export function evidenceView(evidence) {
  if (!evidence.length) return null;
  return h("ul", { class: "evidence-view" },
    evidence.map((item) => h("li", {},
      linkOrText(item.url, item.title || item.url),
      item.publisher ? h("span", { class: "hint", text: ` · ${item.publisher}` }) : null,
      item.stance ? h("span", { class: `stance stance-${item.stance}`, text: stanceLabel(item.stance) }) : null,
      item.quote ? h("q", { dir: "auto", text: item.quote }) : null,
    )));
}

function checkUrl(input) {
  const value = input.value.trim();
  const problem = !value ? gettext("Give the evidence’s address.") : safeHref(value) ? "" : gettext("Use an http:// or https:// address.");
  input.setCustomValidity(problem);
  input.setAttribute("aria-invalid", problem ? "true" : "false");
  $(`#${input.getAttribute("aria-describedby")}`).textContent = problem;
  return !problem;
}

function checkStance(select) {
  const problem = select.value ? "" : gettext("Choose the evidence's stance: supports, refutes or context.");
  select.setCustomValidity(problem);
  select.setAttribute("aria-invalid", problem ? "true" : "false");
  $(`#${select.getAttribute("aria-describedby")}`).textContent = problem;
  return !problem;
}

export class EvidenceEditor {
  constructor(list, addButton) {
    this.list = list;
    addButton.addEventListener("click", () => this.add({}, true));
  }

  // The form opened on an annotation (or a new one): its evidence, none focused.
  show(items) {
    this.list.replaceChildren();
    for (const item of items) this.add(item, false);
  }

  add(item, focus) {
    const n = ++evidenceCounter;
    const id = (name) => `ev${n}-${name}`;
    const field = (name, label, control) => h("div", { class: `field field-${name}` }, h("label", { for: id(name), text: label }), control);
    const li = h("li", { class: "evidence-item" });
    const legend = h("legend");
    // No stance is chosen for the person: evidence "supports" by default would mislabel a refutation.
    const stance = h("select", { id: id("stance"), name: "stance", "aria-describedby": id("stance-error") },
      [h("option", { value: "", text: gettext("Choose…") }), ...STANCES.map((s) => h("option", { value: s, text: stanceLabel(s) }))]);
    stance.value = STANCES.includes(item.stance) ? item.stance : "";
    stance.addEventListener("change", () => checkStance(stance));
    const url = h("input", { id: id("url"), name: "url", type: "url", required: true, placeholder: "https://", autocomplete: "off" });
    url.value = item.url || "";
    url.addEventListener("input", () => checkUrl(url));
    const input = (name, type = "text") => {
      const control = h("input", { id: id(name), name, type, autocomplete: "off" });
      control.value = item[name] || "";
      return control;
    };
    const quote = h("textarea", { id: id("quote"), name: "quote", rows: 2 });
    quote.value = item.quote || "";
    const remove = h("button", { type: "button", class: "small remove", text: gettext("Remove") });
    remove.addEventListener("click", () => {
      li.remove();
      this.renumber();
    });
    li.append(
      h("fieldset", {}, legend,
        field("url", gettext("URL"), url),
        h("p", { class: "field-error", id: id("url-error"), "aria-live": "polite" }),
        field("title", gettext("Title"), input("title")),
        h("div", { class: "row" }, field("publisher", gettext("Publisher"), input("publisher")), field("stance", gettext("Stance"), stance), field("accessed", gettext("Accessed"), input("accessed", "date"))),
        h("p", { class: "field-error", id: id("stance-error"), "aria-live": "polite" }),
        field("quote", gettext("Quote"), quote),
        remove),
    );
    url.setAttribute("aria-describedby", id("url-error"));
    this.list.append(li);
    this.renumber();
    if (focus) url.focus();
  }

  renumber() {
    [...this.list.children].forEach((li, index) => {
      li.querySelector("legend").textContent = fill(gettext("Evidence %(number)s"), { number: index + 1 });
      li.querySelector("button.remove").setAttribute("aria-label", fill(gettext("Remove evidence %(number)s"), { number: index + 1 }));
    });
  }

  // The items as the API takes them, and what is wrong with them; every item is checked, so each
  // problem is marked at its field.
  collect() {
    const items = [];
    let valid = true;
    let stanceMissing = false;
    for (const li of this.list.children) {
      const value = (name) => li.querySelector(`[name="${name}"]`).value.trim();
      if (!checkUrl(li.querySelector('[name="url"]'))) valid = false;
      if (!checkStance(li.querySelector('[name="stance"]'))) stanceMissing = true;
      const item = { url: value("url"), stance: value("stance") };
      for (const name of ["title", "publisher", "quote", "accessed"]) if (value(name)) item[name] = value(name);
      items.push(item);
    }
    const problems = [];
    if (!valid) problems.push(gettext("Fix the evidence addresses marked above."));
    if (stanceMissing) problems.push(gettext("Choose a stance for each evidence item."));
    return { items, problems };
  }
}
