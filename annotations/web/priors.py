"""The prior fact-checks page: other fact-checkers' published verdicts, for everyone with a role; imports
and the rating mapping for editors. The page's script does the work through the API
(/api/v1/prior-factchecks/, .../imports/, /api/v1/rating-mappings/), which refuses non-editors on its own;
the page only leaves out the controls a person may not use."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_safe

from factcheck.middleware import refuse

from .. import rating_scale, roles
from ..languages import clean_language_filter, filter_choices
from ..priors.listing import prior_languages, prior_publishers
from .views import _require_role, _user_context

MAX_QUERY_LENGTH = 500


@login_required
@require_safe
def prior_factchecks(request):
    _require_role(request.user)
    try:
        language = clean_language_filter(request.GET.get("language"))
    except ValidationError as error:
        return refuse(request, error.message_dict["language"][0], field="language")
    can_edit = roles.is_editor(request.user)
    verdicts = rating_scale.scale_in(translation.get_language())
    page_data = {
        "user": _user_context(request.user),
        "can_edit": can_edit,
        "verdicts": [{"key": row["key"], "label": row["label"]} for row in verdicts],
    }
    return render(
        request,
        "annotations/prior_factchecks.html",
        {
            "query": request.GET.get("q", "")[:MAX_QUERY_LENGTH],
            "language": language,
            "languages": filter_choices(prior_languages()),
            "publisher": request.GET.get("publisher", ""),
            "publishers": prior_publishers(),
            "can_edit": can_edit,
            "verdicts": verdicts,
            "page_data": page_data,
        },
    )
