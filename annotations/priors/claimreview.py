"""Read schema.org ClaimReview items into flat records, refusing a malformed one with its reason.

Pure functions, no database: `record_from_item` takes one ClaimReview object as JSON-LD, microdata or
RDFa give it (extruct's `uniform` shape: values may be strings, objects or arrays of either) and returns
a PriorRecord or raises ItemRefused naming what is wrong. `claimreviews_in` finds the ClaimReview
objects anywhere in a parsed document (`@graph`, arrays, nested `itemReviewed` / `review`).
"""

import datetime
import hashlib
import json
from dataclasses import dataclass, field, fields

import py3langid

from ..anchoring import normalise

MAX_CLAIM_LENGTH = 5000


class ItemRefused(Exception):
    """One item cannot be imported; the message says why in words."""


@dataclass
class PriorRecord:
    url: str
    claim_reviewed: str
    rating_name: str = ""
    rating_value: float | None = None
    best_rating: float | None = None
    worst_rating: float | None = None
    publisher_name: str = ""
    publisher_url: str = ""
    review_date: datetime.date | None = None
    claim_author: str = ""
    claim_date: datetime.date | None = None
    appearance_urls: list[str] = field(default_factory=list)
    language: str = ""
    language_detected: bool = False

    def values(self) -> dict:
        """The fields as a dict (dataclasses.asdict deep-copies: several times slower on a 100,000-item feed)."""
        return {name: getattr(self, name) for name in FIELDS}

    def content_hash(self) -> str:
        data = [getattr(self, name) for name in FIELDS]
        return hashlib.sha256(json.dumps(data, default=str, ensure_ascii=False).encode()).hexdigest()


FIELDS = tuple(f.name for f in fields(PriorRecord))


def _types(item: dict) -> set[str]:
    kind = item.get("@type", [])
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k).rsplit("/", 1)[-1] for k in kinds}


def claimreviews_in(data) -> list[dict]:
    """Every ClaimReview object in `data` (a JSON-LD document, a DataFeed, extruct's output ...)."""
    found: list[dict] = []
    _walk(data, found, depth=0)
    return found


def _walk(value, found: list[dict], depth: int) -> None:
    if depth > 12:  # a hostile document cannot make this recurse without end
        return
    if isinstance(value, list):
        for item in value:
            _walk(item, found, depth + 1)
    elif isinstance(value, dict):
        if "ClaimReview" in _types(value):
            found.append(value)
            return
        for key in ("@graph", "dataFeedElement", "item", "review", "mainEntity", "itemReviewed", "hasPart"):
            if key in value:
                _walk(value[key], found, depth + 1)


def _first(value):
    while isinstance(value, list):
        if not value:
            return None
        value = value[0]
    return value


def _text(value) -> str:
    value = _first(value)
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value") or ""
    if value is None:
        return ""
    return normalise(str(value)).strip()


def _url(value, where: str, *, required: bool = False) -> str:
    value = _first(value)
    if isinstance(value, dict):
        value = value.get("url") or value.get("@id") or ""
    text = str(value or "").strip()
    if not text:
        if required:
            raise ItemRefused(f"{where}: missing")
        return ""
    # A prefix test, not urlsplit: three URLs an item, 100,000 items a feed.
    scheme, _, rest = text.partition("://")
    if scheme.lower() not in ("http", "https") or not rest or rest[0] in "/?#" or any(c.isspace() for c in text):
        if required:
            raise ItemRefused(f"{where}: not an http(s) URL ({text[:100]})")
        return ""
    if len(text) > 2000:
        raise ItemRefused(f"{where}: longer than 2000 characters")
    return text


def _number(value, where: str) -> float | None:
    value = _first(value)
    if value in (None, ""):
        return None
    try:
        number = float(str(value).replace(",", "."))
    except ValueError:
        raise ItemRefused(f"{where}: not a number ({str(value)[:40]})") from None
    if number != number or abs(number) > 1e6:
        raise ItemRefused(f"{where}: not a usable number ({value})")
    return number


def _date(value, where: str) -> datetime.date | None:
    value = _text(value)
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        raise ItemRefused(f"{where}: not an ISO 8601 date ({value[:40]})") from None


def _language(item: dict, claim: str) -> tuple[str, bool]:
    tag = _text(item.get("inLanguage"))
    if isinstance(_first(item.get("inLanguage")), dict):
        tag = str(_first(item.get("inLanguage")).get("alternateName") or tag)
    tag = tag.replace("_", "-").strip()
    if tag and len(tag) <= 35 and tag.replace("-", "").isalnum():
        return tag.lower() if "-" not in tag else tag, False
    return py3langid.classify(claim)[0], True


def record_from_item(item) -> PriorRecord:
    """A ClaimReview object -> PriorRecord. Raises ItemRefused with the reason."""
    if not isinstance(item, dict):
        raise ItemRefused("not an object")
    if _types(item) and "ClaimReview" not in _types(item):
        raise ItemRefused(f"@type: not a ClaimReview ({', '.join(sorted(_types(item)))})")
    url = _url(item.get("url") or item.get("@id"), "url", required=True)
    claim = _text(item.get("claimReviewed"))
    reviewed = _first(item.get("itemReviewed")) or {}
    if not claim and isinstance(reviewed, dict):
        claim = _text(reviewed.get("text")) or _text(reviewed.get("name"))
    if not claim:
        raise ItemRefused("claimReviewed: missing")
    if len(claim) > MAX_CLAIM_LENGTH:
        raise ItemRefused(f"claimReviewed: longer than {MAX_CLAIM_LENGTH} characters")
    rating = _first(item.get("reviewRating")) or {}
    if not isinstance(rating, dict):
        rating = {"alternateName": rating}
    author = _first(item.get("author")) or {}
    if not isinstance(reviewed, dict):
        reviewed = {}
    claim_author = _first(reviewed.get("author")) or {}
    appearances = reviewed.get("appearance") or reviewed.get("firstAppearance") or []
    appearances = appearances if isinstance(appearances, list) else [appearances]
    language, detected = _language(item, claim)
    record = PriorRecord(
        url=url,
        claim_reviewed=claim,
        rating_name=(_text(rating.get("alternateName")) or _text(rating.get("name")))[:300],
        rating_value=_number(rating.get("ratingValue"), "reviewRating.ratingValue"),
        best_rating=_number(rating.get("bestRating"), "reviewRating.bestRating"),
        worst_rating=_number(rating.get("worstRating"), "reviewRating.worstRating"),
        publisher_name=_text(author)[:300],
        publisher_url=_url(author.get("url") if isinstance(author, dict) else "", "author.url"),
        review_date=_date(item.get("datePublished"), "datePublished"),
        claim_author=_text(claim_author)[:300],
        claim_date=_date(reviewed.get("datePublished"), "itemReviewed.datePublished"),
        appearance_urls=[u for u in (_url(a, "itemReviewed.appearance") for a in appearances[:20]) if u],
        language=language,
        language_detected=detected,
    )
    if not record.rating_name and record.rating_value is None:
        raise ItemRefused("reviewRating: neither alternateName nor ratingValue")
    return record


def item_from_flat_row(row: dict) -> dict:
    """A CSV row with dotted column names (`reviewRating.alternateName`, `itemReviewed.author.name`, as in
    the Fact-Check Insights CSV) -> the nested object the JSON readers give."""
    item: dict = {}
    for key, value in row.items():
        if not key or value in (None, ""):
            continue
        target = item
        parts = key.strip().split(".")
        for part in parts[:-1]:
            nested = target.get(part)
            if not isinstance(nested, dict):
                nested = target[part] = {}
            target = nested
        target[parts[-1]] = value
    return item


def compact_rdfa(nodes: list) -> list[dict]:
    """extruct's RDFa (expanded JSON-LD: full schema.org IRIs, `@value` objects, nodes referring to each
    other by `@id`) -> plain objects with short names, blank-node references inlined (to a bounded depth)."""
    by_id = {node["@id"]: node for node in nodes if isinstance(node, dict) and "@id" in node}

    def short(key: str) -> str:
        return key.rsplit("/", 1)[-1].rsplit("#", 1)[-1] if key.startswith("http") else key

    def compact(value, depth: int):
        if isinstance(value, list):
            items = [compact(v, depth) for v in value]
            return items[0] if len(items) == 1 else items
        if not isinstance(value, dict):
            return value
        if "@value" in value:
            return value["@value"]
        if set(value) == {"@id"}:
            # Blank nodes (a rating, an author) are inlined; a named node is its IRI (a url, a page).
            target = by_id.get(value["@id"]) if value["@id"].startswith("_:") else None
            if target is None or depth > 4:
                return value["@id"]
            value = target
        return {short(k): (v if k == "@id" else compact(v, depth + 1)) for k, v in value.items()}

    return [compact(node, 0) for node in nodes if isinstance(node, dict)]
