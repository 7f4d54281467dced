"""The desk's rating scale."""

from django.db import models
from django.db.models import Q


class Verdict(models.Model):
    """One entry of the desk's rating scale ("true", "mostly-false", ...)."""

    key = models.SlugField(max_length=40, unique=True)
    label = models.CharField(max_length=80)
    # ClaimReview's ratingValue: 5 = true .. 1 = false; null where no order makes sense.
    rating_value = models.PositiveSmallIntegerField(null=True, blank=True)
    colour = models.CharField(max_length=7, help_text="CSS hex colour, e.g. #2e7d32")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating_value__isnull=True) | Q(rating_value__gte=1, rating_value__lte=5),
                name="verdict_rating_value_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return self.label
