"""The rating scale in other languages: a verdict's label and description as a desk says them in each."""

from django.db import models


class VerdictTranslation(models.Model):
    """A verdict's label (and what it means) in one language; Verdict.label is the fallback."""

    verdict = models.ForeignKey("annotations.Verdict", on_delete=models.CASCADE, related_name="translations")
    # A BCP 47 tag: an interface language ("it") or any article language ("pt-BR") ClaimReview exports need.
    language = models.CharField(max_length=16)
    label = models.CharField(max_length=80)
    description = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["verdict_id", "language"]
        constraints = [
            models.UniqueConstraint(fields=["verdict", "language"], name="one_verdict_translation_per_language"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.language})"
