"""What the catalogue tests read: messages marked in the code, and words a person reads that are not marked.

Both answer with "file:line" so that a string added without the catalogue is found at once. Extraction uses
Babel's extractors (Django's own `templatize` for templates), so the check needs no GNU gettext.
"""

import io
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.extract import extract, extract_javascript, extract_python
from django.utils.translation.template import templatize

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_DIRS = [ROOT / "templates", ROOT / "annotations" / "templates"]
SCRIPT_DIR = ROOT / "annotations" / "static" / "annotations" / "js"
PYTHON_DIRS = [ROOT / "annotations", ROOT / "factcheck"]
# Django's own message functions, as Babel keyword specs: argument positions of msgid, plural and context.
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


@dataclass(frozen=True)
class Marked:
    """A message marked for translation: its key in a catalogue and where it is."""

    context: str | None
    msgid: str
    where: str


def relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


def templates() -> list[Path]:
    # Pages, and the plain-text emails (the notification digest) that people read as well.
    return sorted(
        path
        for folder in TEMPLATE_DIRS
        if folder.exists()
        for pattern in ("*.html", "*.txt")
        for path in folder.rglob(pattern)
    )


def scripts() -> list[Path]:
    # i18n.js is the door to the catalogue itself; its fallbacks are English by design.
    return sorted(path for path in SCRIPT_DIR.glob("*.js") if path.name != "i18n.js")


def python_files() -> list[Path]:
    return sorted(
        path
        for folder in PYTHON_DIRS
        for path in folder.rglob("*.py")
        if "migrations" not in path.parts and "tests" not in path.parts
    )


def marked_in_templates_and_python() -> list[Marked]:
    """Messages of the `django` domain: templates (through Django's templatize) and Python modules."""
    found = []
    for path in templates():
        found += _extract_keyworded(extract_python, templatize(path.read_text(encoding="utf-8")), relative(path))
    for path in python_files():
        found += _extract_keyworded(extract_python, path.read_text(encoding="utf-8"), relative(path))
    return found


def marked_in_scripts() -> list[Marked]:
    """Messages of the `djangojs` domain: the pages' scripts."""
    found = []
    for path in scripts():
        found += _extract_keyworded(extract_javascript, path.read_text(encoding="utf-8"), relative(path))
    return found


def _extract_keyworded(extractor, source: str, where: str) -> list[Marked]:
    """Run a Babel extractor with the keyword specs, so contexts and plurals come out as Babel's own
    `extract` gives them."""
    buffer = io.BytesIO(source.encode("utf-8"))
    rows = extract(extractor, buffer, keywords=KEYWORDS, options={"encoding": "utf-8"})
    found = []
    for lineno, message, _comments, context in rows:
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.append(Marked(context, msgid, f"{where}:{lineno}"))
    return found


# ---------- words outside the catalogue: templates ----------

# Attributes a person reads or hears (screen readers) on a page.
VISIBLE_ATTRIBUTES = {"aria-label", "placeholder", "title", "alt", "aria-valuetext", "aria-description", "label"}
# Names that are the same in every language: the product's name.
PROPER_NAMES = {"factcheck", "UTC"}
_TEMPLATE_COMMENT = re.compile(r"{#.*?#}|{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", re.DOTALL)
_BLOCKTRANSLATE = re.compile(r"{%\s*blocktrans(?:late)?\b.*?%}.*?{%\s*endblocktrans(?:late)?\s*%}", re.DOTALL)
_TAG_OR_VARIABLE = re.compile(r"{%.*?%}|{{.*?}}", re.DOTALL)
# {% block main_class %}page{% endblock %} fills an attribute with CSS class names, not words.
_CLASS_BLOCK = re.compile(r"{%\s*block\s+\w*class\s*%}.*?{%\s*endblock\s*%}", re.DOTALL)


def _blank(match: re.Match) -> str:
    """The same number of lines, no words: line numbers stay right after a tag is taken out."""
    return re.sub(r"[^\n]", " ", match.group(0))


def _is_words(text: str) -> bool:
    text = " ".join(word for word in text.split() if word not in PROPER_NAMES)
    if not LETTER.search(text):
        return False
    if re.fullmatch(r"https?://\S*", text):
        return False
    return not re.fullmatch(r"[^\W\d_]", text)  # one letter: a key name (<kbd>n</kbd>), not a word


class _WordFinder(HTMLParser):
    def __init__(self, where: str):
        super().__init__(convert_charrefs=True)
        self.where = where
        self.found: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skipping += 1
        for name, value in attrs:
            if name in VISIBLE_ATTRIBUTES and value and _is_words(value):
                self.found.append(f"{self.where}:{self.getpos()[0]}: <{tag} {name}={value.strip()!r}>")

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if self.skipping or not _is_words(data):
            return
        line = self.getpos()[0] + data[: len(data) - len(data.lstrip())].count("\n")
        self.found.append(f"{self.where}:{line}: {data.strip()!r}")


def unmarked_words_in_templates() -> list[str]:
    """Text and visible attributes of every template that are words outside {% translate %} and friends."""
    return [found for path in templates() for found in words_in_template(path.read_text("utf-8"), relative(path))]


def words_in_template(source: str, where: str) -> list[str]:
    for pattern in (_TEMPLATE_COMMENT, _CLASS_BLOCK, _BLOCKTRANSLATE, _TAG_OR_VARIABLE):
        source = pattern.sub(_blank, source)
    finder = _WordFinder(where)
    finder.feed(source)
    finder.close()
    return finder.found


# ---------- words outside the catalogue: scripts ----------

_JS_COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.DOTALL)
_JS_STRING = re.compile(r"\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'|`(?:\\.|[^`\\])*`", re.DOTALL)
_INTERPOLATION = re.compile(r"\$\{[^}]*\}")
# Places whose text a person reads: h(..., { text: "..." }), .textContent = "...", aria labels, messages.
_SINK = re.compile(
    r"""(?:\btext|["']aria-label["']|["']aria-valuetext["']|\bplaceholder|\btitle)\s*:\s*$"""
    r"""|\.textContent\s*=\s*(?:[^;]*?[?:]\s*)?$"""
    r"""|setAttribute\(\s*["'](?:aria-label|aria-valuetext|title|placeholder)["']\s*,\s*$"""
    r"""|\b(?:message|fail|out|push|append|replaceChildren|reviewMessage)\(\s*$"""
)
_IN_GETTEXT = re.compile(
    r"""\b(?:n?gettext|pgettext)\(\s*$|\b(?:ngettext|pgettext)\(\s*(?:"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*')\s*,\s*$"""
)
# Prose: a capitalised word followed by another word, or a phrase ending like a sentence.
_PROSE = re.compile(r"\b[A-Z][a-z]+\s+[^\W\d_]{2,}|[^\W\d_]{2,}[.…!?]$", re.UNICODE)
_TECHNICAL = re.compile(r"^\s*(?:[/#.\[(@]|https?:|application/|text/)|[\[=]")


def _literal_text(literal: str) -> str:
    return _INTERPOLATION.sub("", literal[1:-1])


def unmarked_words_in_scripts() -> list[str]:
    """String literals of the pages' scripts that a person would read and that do not go through gettext."""
    return [found for path in scripts() for found in words_in_script(path.read_text("utf-8"), relative(path))]


def words_in_script(source: str, where: str) -> list[str]:
    found = []
    source = _JS_COMMENT.sub(_blank, source)
    for match in _JS_STRING.finditer(source):
        before = source[max(0, match.start() - 200) : match.start()]
        if _IN_GETTEXT.search(before):
            continue
        text = _literal_text(match.group(0)).strip()
        if not LETTER.search(text) or _TECHNICAL.search(text):
            continue
        if _SINK.search(before) or _PROSE.search(text):
            line = source.count("\n", 0, match.start()) + 1
            found.append(f"{where}:{line}: {match.group(0)[:80]}")
    return found
