"""W3C Web Annotation (JSON-LD): each verdict as an Annotation targeting its claim by both selectors.

The file is one AnnotationCollection with its items inline. The verdict is an
`assessing` TextualBody, the rationale a `commenting` one, evidence URLs are
`linking` SpecificResources; the target carries a TextPositionSelector (code
point offsets) and a TextQuoteSelector (exact, prefix, suffix).
"""

import json
from collections.abc import Callable
from urllib.parse import urljoin

from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper

from ..anchoring import Anchor
from .blocks import BlockWriter
from .cells import evidence_urls, iso_instant
from .csv import Progress
from .query import ExportFilters, iter_rows

CONTEXT = "http://www.w3.org/ns/anno.jsonld"


def web_annotation(row: dict) -> dict:
    base = settings.FACTCHECK["ORGANIZATION_URL"]
    body = [
        {
            "type": "TextualBody",
            "purpose": "assessing",
            "value": row["verdict_label"],
            "format": "text/plain",
            "id": urljoin(base, f"verdicts/{row['verdict']}"),
        }
    ]
    if row["rationale"]:
        body.append({"type": "TextualBody", "purpose": "commenting", "value": row["rationale"], "format": "text/plain"})
    body += [
        {"type": "SpecificResource", "purpose": "linking", "source": url} for url in evidence_urls(row["evidence"])
    ]
    annotation = {
        "id": urljoin(base, f"annotations/{row['annotation_id']}/versions/{row['version']}"),
        "type": "Annotation",
        "motivation": "assessing",
        "created": iso_instant(row["annotated_at"]),
        "creator": {"type": "Person", "nickname": row["reviewer"]},
        "body": body,
        "target": {
            "source": row["article_url"] or urljoin(base, f"articles/{row['article_id']}/"),
            "selector": Anchor(
                row["claim_start"], row["claim_end"], row["claim_text"], row["claim_prefix"], row["claim_suffix"]
            ).as_selectors(),
        },
    }
    return annotation


def write_webannotation(
    filters: ExportFilters, write: Callable[[bytes], object], *, connection: BaseDatabaseWrapper, progress: Progress
) -> int:
    out = BlockWriter(write)
    out.text(f'{{"@context": "{CONTEXT}", "type": "AnnotationCollection", "label": "Verdicts", "items": [')
    for row in iter_rows(filters, connection):
        out.text(("\n" if not progress.rows else ",\n") + json.dumps(web_annotation(row), ensure_ascii=False))
        progress.add(1)
    out.text(f'\n], "total": {progress.rows}}}\n')
    out.flush()
    return progress.rows
