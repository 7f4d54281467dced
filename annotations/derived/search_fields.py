"""The claim's search fields that come from elsewhere: its article language's text-search
configuration and its published verdict's rationale, copied onto the claim because its stored
generated `search_vector` can read only its own row (see annotations.search)."""

from django.db import connection

from ..models import AnnotationVersion, Article, Claim
from ..search import LANGUAGE_CONFIGS, SIMPLE, config_for_language


def new_claim_fields(article: Article) -> dict:
    """A new claim has no published rationale yet; it is stemmed in its article's language."""
    return {"search_config": config_for_language(article.language)}


def sync_published_rationale(claim: Claim) -> None:
    """Copy the claim's published verdict's rationale (or nothing) onto the claim, for its search vector.

    Called (through annotations.derived) inside the transaction that publishes or withdraws the verdict.
    """
    version = claim.published_version
    claim.published_rationale = version.rationale if version is not None else ""
    Claim.objects.filter(pk=claim.pk).update(published_rationale=claim.published_rationale)


def sync_article_language(article: Article) -> None:
    """After an article's language changed: re-stem its claims in the new language."""
    Claim.objects.filter(article=article).update(search_config=config_for_language(article.language))


def rebuild() -> int:
    """Set every claim's search fields from its article and published verdict where they differ;
    returns the number of claims changed."""
    claims, articles = Claim._meta.db_table, Article._meta.db_table
    versions = AnnotationVersion._meta.db_table
    configs = " ".join(f"WHEN '{primary}' THEN '{config}'" for primary, config in sorted(LANGUAGE_CONFIGS.items()))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {claims} c SET search_config = s.config, published_rationale = s.rationale
            FROM (
                SELECT c2.id,
                       (CASE lower(split_part(a.language, '-', 1)) {configs} ELSE '{SIMPLE}' END)::regconfig AS config,
                       COALESCE(v.rationale, '') AS rationale
                FROM {claims} c2
                JOIN {articles} a ON a.id = c2.article_id
                LEFT JOIN {versions} v ON v.id = c2.published_version_id
            ) s
            WHERE c.id = s.id AND (c.search_config <> s.config OR c.published_rationale <> s.rationale)
            """
        )
        return cursor.rowcount
