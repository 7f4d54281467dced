"""What the pages call the stored choice values (review status, export format, revision source).

The API keeps the values ("submitted", "csv"); people read these words, in their language.
"""

from django.utils.translation import pgettext_lazy

REVIEW_STATUS_LABELS = {
    "draft": pgettext_lazy("review status", "Draft"),
    "submitted": pgettext_lazy("review status", "Submitted"),
    "approved": pgettext_lazy("review status", "Approved"),
    "rejected": pgettext_lazy("review status", "Rejected"),
}

# Format names are proper names (CSV, JSON Lines...), the same in every language but one.
EXPORT_FORMAT_LABELS = {
    "csv": "CSV",
    "jsonl": "JSON Lines",
    "claimreview": "ClaimReview JSON-LD",
    "webannotation": "Web Annotation JSON-LD",
}

REVISION_SOURCE_LABELS = {
    "typed": pgettext_lazy("revision source", "typed in"),
    "imported": pgettext_lazy("revision source", "imported"),
    "fetched": pgettext_lazy("revision source", "fetched"),
}
