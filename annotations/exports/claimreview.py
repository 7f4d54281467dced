"""schema.org ClaimReview (JSON-LD): one ClaimReview per published verdict, in one `@graph` document.

The claimant is the Claim's `author` (as a Person: the data does not say
whether a claimant is a person or an organisation); the claim's
`datePublished` is its claim date, or the article's date when it has none; the
review's `url` points at the claim's page in this tool, under the
organisation's URL.
"""

import json
from collections.abc import Callable
from urllib.parse import urljoin

from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper

from .blocks import BlockWriter
from .cells import iso_instant
from .csv import Progress
from .query import ExportFilters, iter_rows

BEST_RATING = 5
WORST_RATING = 1


def claim_review(row: dict) -> dict:
    organisation = settings.FACTCHECK
    claim_date = row["claim_date"] or row["published_at"]
    rating = {
        "@type": "Rating",
        # In the article's language when the scale has a translation for it (the review's inLanguage).
        "alternateName": row.get("verdict_label_in_language") or row["verdict_label"],
        "bestRating": BEST_RATING,
        "worstRating": WORST_RATING,
    }
    if row["rating_value"] is not None:
        rating["ratingValue"] = row["rating_value"]
    appearance = {"@type": "CreativeWork", "url": row["article_url"], "headline": row["article_title"]}
    if row["publisher"]:
        appearance["publisher"] = {"@type": "Organization", "name": row["publisher"]}
    item = {"@type": "Claim", "appearance": appearance}
    if row["claimant"]:
        item["author"] = {"@type": "Person", "name": row["claimant"]}
    if claim_date:
        item["datePublished"] = _date(claim_date)
    return {
        "@type": "ClaimReview",
        "url": urljoin(organisation["ORGANIZATION_URL"], f"claims/{row['claim_id']}/"),
        "claimReviewed": row["claim_statement"] or row["claim_text"],
        "reviewRating": rating,
        "itemReviewed": item,
        "author": {
            "@type": "Organization",
            "name": organisation["ORGANIZATION_NAME"],
            "url": organisation["ORGANIZATION_URL"],
        },
        "datePublished": _date(row["approved_at"] or row["annotated_at"]),
        "inLanguage": row["language"],
        "reviewBody": row["rationale"],
    }


def write_claimreview(
    filters: ExportFilters, write: Callable[[bytes], object], *, connection: BaseDatabaseWrapper, progress: Progress
) -> int:
    out = BlockWriter(write)
    out.text('{"@context": "https://schema.org", "@graph": [')
    for row in iter_rows(filters, connection):
        out.text(("\n" if not progress.rows else ",\n") + json.dumps(claim_review(row), ensure_ascii=False))
        progress.add(1)
    out.text("\n]}\n")
    out.flush()
    return progress.rows


def _date(value) -> str:
    """schema.org dates: YYYY-MM-DD."""
    if hasattr(value, "hour"):
        return iso_instant(value)[:10]
    return value.isoformat() if hasattr(value, "isoformat") else str(value)[:10]
