"""The audit trail: `record(kind, ...)` appends one hash-chained event per decision; `verify` checks the chain.

Each event's hash covers its own fields and the previous event's hash, so an edited, deleted or
inserted row breaks the chain at that point (`manage.py verify_events`). Appends are serialised by
locking the chain's single head row (FOR UPDATE) inside the caller's transaction: two concurrent
events can never chain to the same predecessor, and an event rolled back with its decision leaves
no gap. Services call `record` last in their transaction, so the head is held as briefly as possible.

"From where" comes from the request (passed, or the one `AuditRequestMiddleware` is serving): the
user agent, truncated, and the address, truncated to its network or hashed, per
FACTCHECK["AUDIT_ADDRESSES"] ("truncate", "hash" or "full").
"""

import contextvars
import hashlib
import hmac
import ipaddress
import json
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import AuditChainHead, AuditEvent

# Every kind of event, in one place, with how a page names it. The lead wires other decisions in here.
KINDS = {
    "version_written": _("Version written"),
    "submitted": _("Submitted"),
    "approved": _("Approved"),
    "rejected": _("Rejected"),
    "reopened": _("Re-opened"),
    "withdrawn": _("Withdrawn"),
    "words_decided": _("Decided on changed words"),
    "claims_linked": _("Linked as same claim"),
    "claims_unlinked": _("Unlinked as same claim"),
    "revision_made": _("Article revision made"),
    "export_run": _("Export run"),
    "login_lockout": _("Login lockout"),
    "role_changed": _("Role change"),
}

USER_AGENT_CHARS = 256
_current_request: contextvars.ContextVar = contextvars.ContextVar("audit_request", default=None)


class AuditRequestMiddleware:
    """Makes the request being served known to `record`, so services need not pass it down."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


def record(kind: str, *, actor=None, request=None, claim=None, article=None, annotation=None, data=None) -> AuditEvent:
    """Append an event of `kind` (a key of KINDS); claim, article and annotation are instances or ids."""
    if kind not in KINDS:
        raise ValueError(f"Unknown audit event kind {kind!r}; add it to annotations.audit.KINDS.")
    request = request if request is not None else _current_request.get()
    address, user_agent = _origin(request)
    # No savepoint of its own: the event is part of the caller's transaction (and rolls back with it).
    with transaction.atomic(savepoint=False):
        head = _locked_head()
        event = AuditEvent(
            kind=kind,
            actor_id=getattr(actor, "pk", None),
            actor_name=actor.get_username() if actor is not None and actor.is_authenticated else "",
            at=timezone.now(),
            claim_id=_pk(claim),
            article_id=_pk(article),
            annotation_id=_pk(annotation),
            data=json.loads(json.dumps(data or {}, default=str)),
            address=address,
            user_agent=user_agent,
            previous_hash=head.last_hash,
        )
        event.hash = event_hash(event)
        event.save(force_insert=True)
        AuditChainHead.objects.filter(pk=head.pk).update(last_id=event.id, last_hash=event.hash)
    return event


def _pk(value) -> int | None:
    return getattr(value, "pk", value)


def _locked_head() -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:  # a flushed test database: the first event starts the chain again
        AuditChainHead.objects.bulk_create([AuditChainHead(pk=1)], ignore_conflicts=True)
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    return head


def event_hash(event: AuditEvent) -> str:
    """sha256 of the event's fields and its predecessor's hash, in a canonical JSON form. The id is not
    in it (it is assigned by the insert); the chain of previous hashes fixes each event's place."""
    fields = {
        "kind": event.kind,
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "at": event.at.isoformat(timespec="microseconds"),
        "claim_id": event.claim_id,
        "article_id": event.article_id,
        "annotation_id": event.annotation_id,
        "data": event.data,
        "address": event.address,
        "user_agent": event.user_agent,
        "previous_hash": event.previous_hash,
    }
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _origin(request) -> tuple[str, str]:
    if request is None:
        return "", ""
    user_agent = request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_CHARS]
    return kept_address(request.META.get("REMOTE_ADDR", "")), user_agent


def kept_address(address: str) -> str:
    """The address as the desk keeps it: its /24 (IPv4) or /48 (IPv6) network, a keyed hash, or whole."""
    mode = settings.FACTCHECK["AUDIT_ADDRESSES"]
    if not address or mode == "full":
        return address
    if mode == "hash":
        digest = hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()
        return f"sha256:{digest[:32]}"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return ""
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


@dataclass(frozen=True)
class Break:
    """Where the chain breaks: the event (or the head) and why."""

    event_id: int | None
    reason: str

    def __str__(self) -> str:
        where = f"event {self.event_id}" if self.event_id is not None else "the chain head"
        return f"{where}: {self.reason}"


def verify(batch: int = 5000) -> tuple[int, Break | None]:
    """Walk the chain from the first event: (events checked, the first break or None)."""
    previous_id, previous_hash, checked = 0, "", 0
    for event in _events(batch):
        if event.previous_hash != previous_hash:
            return checked, Break(
                event.id, f"its previous hash does not match event {previous_id or 'none'} (a row is missing or edited)"
            )
        if event_hash(event) != event.hash:
            return checked, Break(event.id, "its content does not match its hash (the row was edited)")
        previous_id, previous_hash, checked = event.id, event.hash, checked + 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_id, head.last_hash) != (previous_id, previous_hash):
        return checked, Break(None, f"it names event {head.last_id}, but the chain ends at event {previous_id}")
    return checked, None


def _events(batch: int) -> Iterator[AuditEvent]:
    after = 0
    while True:
        rows = list(AuditEvent.objects.filter(id__gt=after).order_by("id")[:batch])
        yield from rows
        if len(rows) < batch:
            return
        after = rows[-1].id
