"""Reads of article revisions for the reader: one revision's text, and the changes between two."""

from dataclasses import dataclass

from diff_match_patch import diff_match_patch

from .anchoring import DIFF_TIMEOUT_S
from .models import Article, ArticleRevision


@dataclass(frozen=True)
class Change:
    kind: str  # "same", "added", "removed"
    text: str


def revision_list(article: Article) -> list[ArticleRevision]:
    """The article's revisions without their bodies (numbers, sources, authors, times)."""
    return list(article.revisions.defer("body").select_related("created_by").order_by("number"))


def revision_diff(old: str, new: str) -> list[Change]:
    """The changes from `old` to `new`, cleaned up to whole words and phrases for reading."""
    dmp = diff_match_patch()
    dmp.Diff_Timeout = DIFF_TIMEOUT_S
    diffs = dmp.diff_main(old, new)
    dmp.diff_cleanupSemantic(diffs)
    kinds = {0: "same", 1: "added", -1: "removed"}
    return [Change(kinds[op], text) for op, text in diffs]
