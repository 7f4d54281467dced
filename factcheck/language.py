"""The interface language of a request, and which way a language's text runs.

Order of choice: the person's own preference (Profile.language), then the language they picked on the login
page (a cookie), then the browser's Accept-Language, then FACTCHECK_DEFAULT_LANGUAGE. URLs carry no
language prefix. API paths skip the profile look-up: the API's human messages follow Accept-Language,
which the pages' scripts set to the page's language (js/api.js).
"""

from django.conf import settings
from django.db import DatabaseError
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

# Primary language subtags whose text runs right to left; a script subtag (az-Arab, pa-Arab) also decides.
RTL_LANGUAGES = frozenset({"ar", "he", "iw", "fa", "ur", "ps", "sd", "ug", "yi", "dv", "ckb"})
RTL_SCRIPTS = frozenset({"arab", "hebr", "thaa", "syrc", "nkoo", "adlm", "rohg"})


def direction_of(language_tag: str | None) -> str:
    """ "rtl" for a BCP 47 tag of a right-to-left language or script ("ar", "he-IL", "pa-Arab"), else "ltr"."""
    parts = (language_tag or "").strip().lower().replace("_", "-").split("-")
    if parts[0] in RTL_LANGUAGES:
        return "rtl"
    return "rtl" if any(part in RTL_SCRIPTS for part in parts[1:]) else "ltr"


def chosen_language(user) -> str:
    """The person's saved interface language, or "" when they have not chosen one."""
    if not getattr(user, "is_authenticated", False):
        return ""
    from annotations.models import Profile  # the app registry is ready by the first request

    language = Profile.objects.filter(user=user).values_list("language", flat=True).first() or ""
    return language if language in dict(settings.LANGUAGES) else ""


class PersonLanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware (cookie, Accept-Language, default; Vary and Content-Language on the
    answer), with the signed-in person's own choice first on the pages."""

    def process_request(self, request):
        language = ""
        if not request.path.startswith("/api/"):
            try:
                language = chosen_language(getattr(request, "user", None))
            except DatabaseError:
                # The database is away: the view will meet that too and answer 503 (factcheck.availability);
                # the language is not worth a different answer.
                language = ""
        if not language:
            return super().process_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        return None


def interface(request) -> dict:
    """Template context: the interface languages (for the switcher) and the page's direction."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    return {
        "interface_languages": settings.LANGUAGES,
        "interface_direction": direction_of(language),
    }
