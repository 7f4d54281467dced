"""Same-claim links: a person confirms that two claims in different articles are one claim.

Linked claims form a group (annotations.models.ClaimGroup): "same claim" is an equivalence, so
a claim matches every other member of its group, both ways, without a closure to maintain.
Linking two claims of different groups merges the groups; unlinking takes a claim out of its
group (a group left with one claim is deleted). Both claim rows are locked, in id order, so
concurrent links of the same claims are serialised and never leave a claim in two groups
(ClaimGroupMember.claim is unique as well).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit
from .models import Claim, ClaimGroup, ClaimGroupMember


@transaction.atomic
def link_claims(claim: Claim, other: Claim, *, actor) -> ClaimGroupMember:
    """Record that `other` is the same claim as `claim`; returns `other`'s membership."""
    if other.pk == claim.pk:
        raise ValidationError({"claim": _("A claim cannot be linked to itself.")})
    locked = {c.pk: c for c in Claim.objects.select_for_update().filter(pk__in=[claim.pk, other.pk]).order_by("pk")}
    claim, other = locked[claim.pk], locked[other.pk]
    if other.article_id == claim.article_id:
        message = _("Claim %(other)s is in the same article; link claims of other articles.")
        raise ValidationError({"claim": message % {"other": other.pk}})
    memberships = {m.claim_id: m for m in ClaimGroupMember.objects.filter(claim_id__in=[claim.pk, other.pk])}
    mine, theirs = memberships.get(claim.pk), memberships.get(other.pk)
    if mine and theirs and mine.group_id == theirs.group_id:
        message = _("Claim %(other)s is already linked to claim %(claim)s.")
        raise ValidationError({"claim": message % {"other": other.pk, "claim": claim.pk}})
    now = timezone.now()
    audit.record("claims_linked", actor=actor, claim=claim, article=claim.article_id, data={"other": other.pk})
    if mine is None:
        group = theirs.group if theirs else ClaimGroup.objects.create()
        mine = ClaimGroupMember.objects.create(
            group=group, claim=claim, linked_to=other, linked_by=actor, linked_at=now
        )
    if theirs is None:
        return ClaimGroupMember.objects.create(
            group_id=mine.group_id, claim=other, linked_to=claim, linked_by=actor, linked_at=now
        )
    if theirs.group_id != mine.group_id:  # two groups become one
        old_group = theirs.group_id
        ClaimGroupMember.objects.filter(group_id=old_group).update(group_id=mine.group_id)
        ClaimGroupMember.objects.filter(pk=theirs.pk).update(linked_to=claim, linked_by=actor, linked_at=now)
        ClaimGroup.objects.filter(pk=old_group).delete()
    return ClaimGroupMember.objects.get(pk=theirs.pk)


@transaction.atomic
def unlink_claims(claim: Claim, other: Claim, *, actor=None) -> None:
    """Take `other` out of `claim`'s group of same claims."""
    Claim.objects.select_for_update().filter(pk__in=[claim.pk, other.pk]).order_by("pk").exists()
    memberships = {m.claim_id: m for m in ClaimGroupMember.objects.filter(claim_id__in=[claim.pk, other.pk])}
    mine, theirs = memberships.get(claim.pk), memberships.get(other.pk)
    if other.pk == claim.pk or not (mine and theirs and mine.group_id == theirs.group_id):
        message = _("Claim %(other)s is not linked to claim %(claim)s.")
        raise ValidationError({"claim": message % {"other": other.pk, "claim": claim.pk}})
    theirs.delete()
    audit.record("claims_unlinked", actor=actor, claim=claim, article=claim.article_id, data={"other": other.pk})
    remaining = ClaimGroupMember.objects.filter(group_id=mine.group_id)
    if remaining.count() < 2:
        ClaimGroup.objects.filter(pk=mine.group_id).delete()


def matches_of(claim: Claim) -> QuerySet:
    """The memberships of the claims linked to `claim` (its group without itself), oldest link first."""
    return (
        ClaimGroupMember.objects.filter(group__members__claim=claim)
        .exclude(claim=claim)
        .select_related("claim__published_version__verdict", "claim__article", "linked_by")
        .order_by("linked_at", "claim_id")
    )


def match_ids_subquery(outer: str = "pk") -> QuerySet:
    """For an ArraySubquery: ids of the claims linked to the outer claim."""
    return (
        ClaimGroupMember.objects.filter(group__members__claim=OuterRef(outer))
        .exclude(claim=OuterRef(outer))
        .order_by("claim_id")
        .values("claim_id")
    )
