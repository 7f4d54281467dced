"""A person's own preferences: the interface language and whether notifications also come by email."""

from django.conf import settings
from django.db import models


class Profile(models.Model):
    """One per user, created on first use (annotations.people.profile_of)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="profile"
    )
    # A code of settings.LANGUAGES; blank: follow the browser's Accept-Language, then the desk's default.
    language = models.CharField(max_length=16, blank=True, default="", db_default="")
    email_notifications = models.BooleanField(default=True, db_default=True)

    def __str__(self) -> str:
        return f"profile of user {self.user_id}"
