"""What the pages call the stored choice values (review status, export format, revision source).

The API keeps the values ("submitted", "csv"); people read these words, in their language.
"""

from django.utils.translation import gettext_lazy, pgettext_lazy

REVIEW_STATUS_LABELS = {
    "draft": pgettext_lazy("review status", "Draft"),
    "submitted": pgettext_lazy("review status", "Submitted"),
    "approved": pgettext_lazy("review status", "Approved"),
    "rejected": pgettext_lazy("review status", "Rejected"),
}

# Format names are proper names (CSV, JSON Lines...), the same in every language; the two that
# describe themselves are translated.
EXPORT_FORMAT_LABELS = {
    "csv": "CSV",
    "evidence": gettext_lazy("Evidence CSV"),
    "jsonl": "JSON Lines",
    "claimreview": "ClaimReview JSON-LD",
    "claimreview_feed": gettext_lazy("ClaimReview feed (DataFeed)"),
    "webannotation": "Web Annotation JSON-LD",
}

REVISION_SOURCE_LABELS = {
    "typed": pgettext_lazy("revision source", "typed in"),
    "imported": pgettext_lazy("revision source", "imported"),
    "fetched": pgettext_lazy("revision source", "fetched"),
}
