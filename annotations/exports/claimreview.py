"""schema.org ClaimReview (JSON-LD): one ClaimReview per published verdict, as a `@graph` or a DataFeed.

The claimant is the Claim's `author` (as a Person: the data does not say
whether a claimant is a person or an organisation); the claim's
`datePublished` is its claim date, or the article's date when it has none; the
review's `url` points at the claim's page in this tool, under the
organisation's URL. The claim's `appearance` is the article's own URL, or, for
an article pasted without one, its page in this tool under
FACTCHECK["PUBLIC_URL"] (where readers of the export can open it).

Every Rating has `ratingValue`, `bestRating` and `worstRating`, as Google's
fact-check markup asks. The bounds are the scale's own highest and lowest
`rating_value` (5 and 1 by default). A verdict the scale leaves unrated
(Misleading, Unproven: `rating_value` null) is not a point between true and
false, so it is not given one: it gets the value the public ClaimReview feeds
use for "not on the numeric scale", -1, with bestRating and worstRating -1
too, so the three stay consistent and no reader mistakes it for "Mixed";
its `alternateName` (the verdict's label) says what it is.

`feed=True` writes the same reviews as a schema.org DataFeed (`dataFeedElement`,
each element with its own `@context`): the shape of the public ClaimReview
feeds that aggregators read in bulk.
"""

import json
from collections.abc import Callable
from urllib.parse import urljoin

from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Max, Min
from django.urls import reverse
from django.utils import timezone

from ..models import Verdict
from .blocks import BlockWriter
from .cells import iso_instant
from .csv import Progress
from .filters import ExportFilters
from .query import iter_rows

UNRATED = -1
CONTEXT = "https://schema.org"


def scale_bounds() -> tuple[int, int]:
    """(bestRating, worstRating): the scale's highest and lowest rating_value (5 and 1 when none is set)."""
    bounds = Verdict.objects.aggregate(best=Max("rating_value"), worst=Min("rating_value"))
    return bounds["best"] or 5, bounds["worst"] or 1


def article_url(row: dict) -> str:
    """The article's own URL, or its page here when it was pasted without one."""
    if row["article_url"]:
        return row["article_url"]
    path = reverse("article-detail", args=[row["article_id"]])
    return urljoin(settings.FACTCHECK["PUBLIC_URL"], path.lstrip("/"))


def claim_review(row: dict, bounds: tuple[int, int] = (5, 1)) -> dict:
    organisation = settings.FACTCHECK
    claim_date = row["claim_date"] or row["published_at"]
    best, worst = bounds if row["rating_value"] is not None else (UNRATED, UNRATED)
    rating = {
        "@type": "Rating",
        # In the article's language when the scale has a translation for it (the review's inLanguage).
        "alternateName": row.get("verdict_label_in_language") or row["verdict_label"],
        "ratingValue": row["rating_value"] if row["rating_value"] is not None else UNRATED,
        "bestRating": best,
        "worstRating": worst,
    }
    appearance = {"@type": "CreativeWork", "url": article_url(row), "headline": row["article_title"]}
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
    filters: ExportFilters,
    write: Callable[[bytes], object],
    *,
    connection: BaseDatabaseWrapper,
    progress: Progress,
    feed: bool = False,
) -> int:
    out = BlockWriter(write)
    bounds = scale_bounds()
    if feed:
        head = {
            "@context": CONTEXT,
            "@type": "DataFeed",
            "name": f"{settings.FACTCHECK['ORGANIZATION_NAME']}: fact checks",
            "url": settings.FACTCHECK["ORGANIZATION_URL"],
            "dateModified": iso_instant(timezone.now()),
        }
        out.text(json.dumps(head, ensure_ascii=False)[:-1] + ', "dataFeedElement": [')
    else:
        out.text(f'{{"@context": "{CONTEXT}", "@graph": [')
    for row in iter_rows(filters, connection):
        review = claim_review(row, bounds)
        if feed:  # a feed element is read on its own by aggregators: it names its vocabulary
            review = {"@context": CONTEXT, **review}
        out.text(("\n" if not progress.rows else ",\n") + json.dumps(review, ensure_ascii=False))
        progress.add(1)
    out.text("\n]}\n")
    out.flush()
    return progress.rows


def _date(value) -> str:
    """schema.org dates: YYYY-MM-DD."""
    if hasattr(value, "hour"):
        return iso_instant(value)[:10]
    return value.isoformat() if hasattr(value, "isoformat") else str(value)[:10]
