"""Bulk import of articles: JSON arrays, JSON Lines and .txt files, all-or-nothing.

The API's import endpoint and the `import_articles` command both go through
`import_articles`, which validates every record with the article service's rules.
"""

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from factcheck.lib import bounded_json

from .articles import clean_article_fields, create_article
from .models import Article, ArticleRevision

TITLE_MAX_LENGTH = Article._meta.get_field("title").max_length
HEADLINE_LENGTH = 150


@dataclass
class RecordError:
    line: int  # 1-based line (JSON Lines, .txt) or array index + 1 (JSON array)
    field: str
    message: str
    source: str = ""

    def as_dict(self) -> dict:
        data = {"line": self.line, "field": self.field, "message": self.message}
        if self.source:
            data["source"] = self.source
        return data


def _invalid_json(error: json.JSONDecodeError) -> str:
    return _("Invalid JSON: %(reason)s") % {"reason": error.msg}


def _unsupported(suffix: str) -> str:
    return _("Unsupported file type %(suffix)s; use .txt, .json or .jsonl.") % {"suffix": repr(suffix)}


class ImportFailed(Exception):
    """Nothing was imported; `errors` names each bad record's line and field."""

    def __init__(self, errors: list[RecordError]):
        message = ngettext(
            "%(count)d invalid record; nothing was imported.",
            "%(count)d invalid records; nothing was imported.",
            len(errors),
        )
        super().__init__(message % {"count": len(errors)})
        self.errors = errors


@dataclass
class Record:
    line: int
    data: object
    source: str = ""


def parse_payload(text: str, source: str = "") -> list[Record]:
    """Parse a JSON array (or one object), or else JSON Lines, into numbered records."""
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            items = bounded_json.loads(text)
        except json.JSONDecodeError as error:
            raise ImportFailed([RecordError(error.lineno, "json", _invalid_json(error), source)]) from error
        except bounded_json.TooDeep as error:
            raise ImportFailed([RecordError(1, "json", str(error), source)]) from None
        return records_from_items(items if isinstance(items, list) else [items], source)
    records, errors = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append(Record(number, bounded_json.loads(line), source))
        except json.JSONDecodeError as error:
            errors.append(RecordError(number, "json", _invalid_json(error), source))
        except bounded_json.TooDeep as error:
            errors.append(RecordError(number, "json", str(error), source))
    if errors:
        raise ImportFailed(errors)
    return records


def records_from_items(items: list, source: str = "") -> list[Record]:
    """Number already-decoded JSON items as records (1-based, as a person counts)."""
    return [Record(index + 1, item, source) for index, item in enumerate(items)]


def parse_text_file(text: str, source: str = "") -> Record:
    """A .txt article: the first non-empty line is the title, the rest is the body.

    A first line too long for a title is the article's opening paragraph (some
    sources have no headline): it stays in the body, and its first sentence,
    shortened if need be, becomes the title.
    """
    lines = text.lstrip("\ufeff").splitlines()
    while lines and not lines[0].strip():
        lines.pop(0)
    title = lines[0].strip() if lines else ""
    body = "\n".join(lines[1:]).strip("\n")
    if len(title) > TITLE_MAX_LENGTH:
        body = "\n".join(lines).strip("\n")
        title = headline_from(title)
    return Record(1, {"title": title, "body": body}, source)


def headline_from(paragraph: str, limit: int = HEADLINE_LENGTH) -> str:
    """The paragraph's first sentence, cut at a word boundary (with an ellipsis) if longer than `limit`."""
    sentence = re.split(r"(?<=[.!?])\s", paragraph, maxsplit=1)[0]
    if len(sentence) <= limit:
        return sentence
    return sentence[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "\u2026"


def parse_file(path: Path, defaults: dict | None = None) -> list[Record]:
    """Records from a .txt, .json or .jsonl file; `defaults` fill fields a record leaves out."""
    return parse_document(path.read_text(encoding="utf-8-sig"), path.name, defaults, source=str(path))


def parse_document(text: str, name: str, defaults: dict | None = None, *, source: str = "") -> list[Record]:
    """Records from the text of a file called `name` (.txt, .json, .jsonl), as a file or an upload."""
    source = source or name
    suffix = Path(name).suffix.lower()
    if suffix == ".txt":
        records = [parse_text_file(text, source)]
    elif suffix in (".json", ".jsonl", ".ndjson"):
        records = parse_payload(text, source)
    else:
        raise ImportFailed([RecordError(0, "file", _unsupported(suffix), source)])
    for record in records:
        if defaults and isinstance(record.data, dict):
            record.data = {**defaults, **record.data}
    return records


def import_articles(
    records: Iterable[Record],
    *,
    created_by=None,
    progress: Callable[[int], None] | None = None,
    source: str = ArticleRevision.Source.IMPORTED,
) -> list[Article]:
    """Validate every record, then create all articles in one transaction, or none.

    `source` is what their first revisions record (imported; typed for text pasted into the page)."""
    records = list(records)
    validated, errors = [], []
    for record in records:
        if not isinstance(record.data, dict):
            errors.append(RecordError(record.line, "record", _("Expected a JSON object."), record.source))
            continue
        try:
            validated.append(clean_article_fields(record.data))
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.append(RecordError(record.line, field, " ".join(messages), record.source))
    if errors:
        raise ImportFailed(errors)
    if not validated:
        raise ImportFailed([RecordError(0, "records", _("No articles to import."))])
    articles = []
    with transaction.atomic():
        for data in validated:
            articles.append(create_article(created_by=created_by, source=source, **data))
            if progress:
                progress(1)
    return articles
