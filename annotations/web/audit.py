"""The editors' audit page: every decision, newest first, filtered by person, claim, article, kind and dates,
a keyset page at a time, with links to the same selection as CSV and JSON Lines."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render
from django.utils.translation import gettext as _

from factcheck.lib import keyset

from .. import events, roles
from ..audit import KINDS

PER_PAGE = 50
FILTERS = ("actor", "claim", "article", "kind", "date_from", "date_to")


@login_required
def audit_events(request):
    if not roles.is_editor(request.user):
        raise PermissionDenied(_("The audit trail is for editors."))
    form = {name: request.GET.get(name, "").strip() for name in FILTERS}
    errors = {}
    try:
        filters = events.parse_filters(form)
    except ValidationError as error:
        errors = {name: " ".join(messages) for name, messages in error.message_dict.items()}
        filters = events.EventFilters()
    try:
        page = keyset.page(events.events(filters), events.ORDER, cursor=request.GET.get("cursor"), size=PER_PAGE)
    except keyset.InvalidCursor:
        errors["cursor"] = _("Invalid page link; start again from the first page.")
        page = keyset.page(events.events(filters), events.ORDER, cursor=None, size=PER_PAGE)
    chosen = {name: value for name, value in form.items() if value and not errors}

    def link(cursor):
        return urlencode({**chosen, "cursor": cursor}) if cursor else ""

    context = {
        "rows": [(event, KINDS.get(event.kind, event.kind)) for event in page.rows],
        "form": form,
        "errors": errors,
        "kinds": list(KINDS.items()),
        "query": urlencode(chosen),
        "pager": {
            "previous": link(page.previous_cursor),
            "next": link(page.next_cursor),
            "previous_label": _("Newer"),
            "next_label": _("Older"),
        },
    }
    return render(request, "annotations/audit.html", context, status=400 if errors else 200)
