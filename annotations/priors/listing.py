"""What the prior fact-checks page offers as filters: the languages and fact-checkers present, each a
loose index scan (factcheck.lib.distinct, on `prior_language_id` and `prior_rating_key`), so the page
costs the same with a thousand fact-checks or ten million."""

from factcheck.lib.distinct import distinct_values

from ..models import PriorFactCheck

MAX_LANGUAGES = 1000
MAX_PUBLISHERS = 500


def prior_languages() -> list[str]:
    """The language tags of the prior fact-checks, in order."""
    return distinct_values(PriorFactCheck, "language", limit=MAX_LANGUAGES)


def prior_publishers() -> list[str]:
    """The fact-checkers' names, in order (the first MAX_PUBLISHERS)."""
    return distinct_values(PriorFactCheck, "publisher_name", limit=MAX_PUBLISHERS)
