"""Turn a fetched HTML page into an article: main text, title, author, publisher, date, language.

trafilatura finds the main text (navigation, cookie banners, related links and footers stay
out), htmldate the publication date, extruct the JSON-LD and Open Graph metadata (extruct
leaves JSON-LD `@graph` nested: it is flattened here), and py3langid guesses the language
when the page does not say it.

The body is the article as a reader sees it below the headline: trafilatura keeps the headline
(and on some pages the standfirst twice) at the top of the text; a headline line is dropped, and a
standfirst repeated right after itself is kept once. The byline becomes the article's `author`.
"""

import datetime
from dataclasses import dataclass

import extruct
import htmldate
import langcodes
import py3langid
import trafilatura
from lxml import html as lxml_html

from ..anchoring import normalise

ARTICLE_TYPES = {"Article", "NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle", "BlogPosting", "WebPage"}


class ExtractionFailed(Exception):
    """The page holds no article text that could be found."""


@dataclass(frozen=True)
class Extracted:
    title: str
    body: str
    author: str
    publisher: str
    language: str
    published_at: datetime.datetime | None
    canonical_url: str


def _text(html: bytes | str, encoding: str | None) -> str:
    if isinstance(html, str):
        return html
    try:
        return html.decode(encoding or "utf-8")
    except (LookupError, UnicodeDecodeError):
        return html.decode("utf-8", errors="replace")


def json_ld_items(data: list) -> list[dict]:
    """JSON-LD objects with any `@graph` flattened into the list."""
    items = []
    for item in data:
        if isinstance(item, dict) and isinstance(item.get("@graph"), list):
            items.extend(json_ld_items(item["@graph"]))
        elif isinstance(item, dict):
            items.append(item)
        elif isinstance(item, list):
            items.extend(json_ld_items(item))
    return items


def _types(item: dict) -> set[str]:
    kind = item.get("@type", [])
    return set(kind if isinstance(kind, list) else [kind])


def _name(value) -> str:
    if isinstance(value, list):
        return ", ".join(filter(None, (_name(v) for v in value)))
    if isinstance(value, dict):
        return str(value.get("name") or "")
    return str(value or "")


def _metadata(text: str, url: str) -> tuple[dict, dict]:
    try:
        data = extruct.extract(text, base_url=url, syntaxes=["json-ld", "opengraph"], uniform=True)
    except Exception:  # broken metadata (any parser error) must not lose the article text
        return {}, {}
    articles = [i for i in json_ld_items(data.get("json-ld", [])) if _types(i) & ARTICLE_TYPES]
    article = next((i for i in articles if _types(i) != {"WebPage"}), articles[0] if articles else {})
    og = (data.get("opengraph") or [{}])[0]
    return article, og


def _canonical(tree, url: str) -> str:
    for href in tree.xpath("//link[@rel='canonical']/@href"):
        if href.strip():
            from urllib.parse import urljoin

            return urljoin(url, href.strip())
    return url


def _language(tree, article: dict, og: dict, body: str) -> str:
    candidates = [article.get("inLanguage"), *tree.xpath("/html/@lang"), og.get("og:locale")]
    for candidate in candidates:
        if isinstance(candidate, str) and candidate.strip():
            tag = candidate.strip().replace("_", "-")
            if langcodes.tag_is_valid(tag):
                return langcodes.standardize_tag(tag)
    return py3langid.classify(body)[0]


def _date(text: str, article: dict, url: str) -> datetime.datetime | None:
    value = article.get("datePublished") or htmldate.find_date(
        text, original_date=True, extensive_search=False, url=url
    )
    if not value:
        return None
    try:
        parsed = datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.UTC)


def _line_key(line: str) -> str:
    return " ".join(line.split()).casefold().rstrip(".:")


def without_repeated_heading(body: str, titles) -> str:
    """`body` without the headline lines at its top, and with a standfirst repeated there kept once."""
    keys = {_line_key(title) for title in titles if title and _line_key(title)}
    lines = body.split("\n")
    while lines and (not lines[0].strip() or _line_key(lines[0]) in keys):
        lines.pop(0)
    while len(lines) >= 2 and lines[0].strip() and _line_key(lines[0]) == _line_key(lines[1]):
        lines.pop(0)
    return "\n".join(lines).strip()


def extract_article(html: bytes | str, url: str, *, encoding: str | None = None) -> Extracted:
    """The article in a page. Raises ExtractionFailed when no main text is found."""
    text = _text(html, encoding)
    document = trafilatura.bare_extraction(
        text, url=url, with_metadata=True, include_comments=False, include_tables=False, favor_precision=True
    )
    body = normalise(getattr(document, "text", None) or "").strip() if document is not None else ""
    if not body:
        raise ExtractionFailed("no article text was found on the page")
    tree = lxml_html.fromstring(text.encode("utf-8") if isinstance(text, str) else text)
    article, og = _metadata(text, url)
    title = _name(article.get("headline")) or og.get("og:title") or getattr(document, "title", None) or url
    publisher = _name(article.get("publisher")) or og.get("og:site_name") or getattr(document, "sitename", None) or ""
    author = _name(article.get("author")) or getattr(document, "author", None) or ""
    headings = [title, og.get("og:title"), getattr(document, "title", None)]
    headings += [heading.text_content() for heading in tree.xpath("//h1")]
    body = without_repeated_heading(body, [normalise(str(heading)) for heading in headings if heading]) or body
    return Extracted(
        title=normalise(str(title)).strip()[:500],
        body=body,
        author=normalise(str(author)).strip()[:300],
        publisher=normalise(str(publisher)).strip()[:200],
        language=_language(tree, article, og, body),
        published_at=_date(text, article, url),
        canonical_url=_canonical(tree, url),
    )
