"""Which verdicts an export holds: its filters, validated (`parse_filters`, a ValidationError naming the
field), and who may export what (`restrict_for`). The rows they select are read by annotations.exports.query."""

import dataclasses
import datetime
from collections.abc import Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from factcheck.lib.instants import is_bare_date, parse_instant

from .. import roles
from ..exceptions import NotAllowed
from ..languages import clean_language_filter
from ..models import Annotation, Article, Verdict

FILTER_NAMES = ("article", "language", "verdict", "status", "reviewer", "date_from", "date_to", "versions")


@dataclasses.dataclass(frozen=True)
class ExportFilters:
    """Validated export filters. `params` keeps the cleaned input, to be stored with a job and parsed again."""

    article: int | None = None
    language: str | None = None
    verdicts: tuple[str, ...] = ()
    status: str | None = None
    reviewer: str | None = None
    date_from: datetime.datetime | None = None
    date_before: datetime.datetime | None = None  # exclusive upper bound
    as_of: datetime.datetime | None = None
    all_versions: bool = False
    params: dict = dataclasses.field(default_factory=dict, compare=False)


def parse_filters(data: Mapping[str, Any], *, as_of: Any = None) -> ExportFilters:
    """Validate filters from a query string or a job; a bad value raises ValidationError naming the field."""
    errors: dict[str, str] = {}
    params = {name: str(data[name]).strip() for name in FILTER_NAMES if data.get(name) not in (None, "")}
    fields: dict[str, Any] = {}
    parsers = {
        "article": _parse_article,
        "language": _parse_language,
        "verdict": _parse_verdicts,
        "status": _parse_status,
        "reviewer": _parse_reviewer,
        "date_from": lambda value: _parse_instant(value, end_of_day=False),
        "date_to": lambda value: _parse_instant(value, end_of_day=True),
        "versions": _parse_versions,
    }
    targets = {"verdict": "verdicts", "date_to": "date_before", "versions": "all_versions"}
    for name, value in params.items():
        try:
            fields[targets.get(name, name)] = parsers[name](value)
        except ValueError as error:
            errors[name] = str(error)
    if as_of not in (None, ""):
        try:
            fields["as_of"] = _parse_as_of(as_of)
        except ValueError as error:
            errors["as_of"] = str(error)
    if fields.get("date_from") and fields.get("date_before") and fields["date_from"] >= fields["date_before"]:
        errors["date_to"] = _("date_to is before date_from.")
    if errors:
        raise ValidationError(errors)
    return ExportFilters(**fields, params=params)


def restrict_for(user, filters: ExportFilters) -> ExportFilters:
    """Who may export what: editors everything; reviewers published verdicts, and with `versions=all`
    the history of their own annotations only (other reviewers' drafts stay private, as in blind
    review); viewers published verdicts only."""
    if roles.is_editor(user):
        return filters
    if not roles.is_viewer(user):
        raise NotAllowed(_("Exports need a role (viewer, reviewer or editor)."))
    if not filters.all_versions:
        return filters
    if not roles.is_reviewer(user):
        raise NotAllowed(_("versions: viewers may export published verdicts only, not versions=all."))
    own = user.get_username()
    if filters.reviewer not in (None, own):
        raise NotAllowed(_("reviewer: with versions=all a reviewer may export only their own annotations."))
    return dataclasses.replace(filters, reviewer=own, params={**filters.params, "reviewer": own})


def _parse_article(value: str) -> int:
    if not value.isdigit():
        raise ValueError(_("Expected an article id (a whole number), got %(value)r.") % {"value": value})
    if not Article.objects.filter(pk=int(value)).exists():
        raise ValueError(_("There is no article %(value)s.") % {"value": value})
    return int(value)


def _parse_language(value: str) -> str:
    try:
        return clean_language_filter(value)
    except ValidationError as error:
        raise ValueError(error.message_dict["language"][0]) from None


def _parse_verdicts(value: str) -> tuple[str, ...]:
    keys = tuple(key.strip() for key in value.split(",") if key.strip())
    known = set(Verdict.objects.filter(key__in=keys).values_list("key", flat=True))
    unknown = [key for key in keys if key not in known]
    if unknown or not keys:
        scale = ", ".join(Verdict.objects.values_list("key", flat=True))
        unknown_keys = ", ".join(unknown) or value
        raise ValueError(
            _("Unknown verdict %(keys)r; the scale has: %(scale)s.") % {"keys": unknown_keys, "scale": scale}
        )
    return keys


def _parse_status(value: str) -> str:
    if value not in Annotation.Status.values:
        statuses = ", ".join(Annotation.Status.values)
        raise ValueError(_("Unknown status %(value)r; one of: %(statuses)s.") % {"value": value, "statuses": statuses})
    return value


def _parse_reviewer(value: str) -> str:
    if not get_user_model().objects.filter(username=value).exists():
        raise ValueError(_("There is no user %(value)r.") % {"value": value})
    return value


def _parse_versions(value: str) -> bool:
    if value != "all":
        raise ValueError(_("The only value is 'all' (one row per annotation version); leave it out for published."))
    return True


def _parse_instant(value: str, *, end_of_day: bool) -> datetime.datetime:
    """A date (a whole day, inclusive) or an ISO 8601 instant (inclusive)."""
    instant = parse_instant(value)
    if not end_of_day:
        return instant
    return instant + (datetime.timedelta(days=1) if is_bare_date(value) else datetime.timedelta(microseconds=1))


def _parse_as_of(value: Any) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        instant = value if timezone.is_aware(value) else value.replace(tzinfo=datetime.UTC)
    else:
        instant = parse_instant(str(value))
    if instant > timezone.now():
        raise ValueError(_("as_of is in the future; an export can only show what has been published."))
    return instant
