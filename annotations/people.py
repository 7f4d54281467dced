"""A person's preferences (annotations.models.Profile): read with defaults, changed with checks."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Profile


def profile_of(user) -> Profile:
    """The user's profile; one with the defaults is created the first time it is asked for."""
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile


@transaction.atomic
def update_profile(user, **fields) -> Profile:
    """Change `language` (a code of settings.LANGUAGES, or "" to follow the browser) and
    `email_notifications`. Raises ValidationError({field: message})."""
    unknown = set(fields) - {"language", "email_notifications"}
    if unknown:
        raise TypeError(f"Unknown profile fields: {sorted(unknown)}")
    language = fields.get("language")
    if language is not None and language != "" and language not in dict(settings.LANGUAGES):
        codes = ", ".join(dict(settings.LANGUAGES))
        message = _("%(language)r is not an interface language; choose one of %(codes)s.")
        raise ValidationError({"language": message % {"language": language, "codes": codes}})
    profile = Profile.objects.select_for_update().filter(user=user).first() or Profile(user=user)
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.save()
    return profile
