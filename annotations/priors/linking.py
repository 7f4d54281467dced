"""A person links a claim to a prior fact-check ("checked by ..."): nothing links itself.

Linking adds the fact-check as an evidence item (with a stance) to the linker's annotation of the claim.
With no annotation yet and a mapped rating, it starts one whose verdict is pre-filled from the mapping:
a draft, which the reviewer confirms by submitting it (never submitted here). An annotation already
submitted or approved is left as it is (a reviewer cannot change it); an existing draft keeps its verdict
and gains the evidence.
"""

import datetime
from dataclasses import dataclass

import langcodes
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import versioning
from ..exceptions import DomainConflict
from ..models import Annotation, Claim, ClaimPriorLink, PriorFactCheck, PriorFactCheckChange, Verdict
from ..versioning import STANCES

DRAFT_CONFIDENCE = 50
MAX_LANGUAGE_LENGTH = 35


@dataclass(frozen=True)
class LinkResult:
    link: ClaimPriorLink
    annotation: Annotation | None
    # "created": a new draft with the pre-filled verdict; "evidence_added": the evidence joined the caller's
    # draft; "unchanged": the caller's annotation is submitted or approved; "no_verdict": the rating is not
    # mapped, so no draft could be pre-filled.
    draft: str


def stance_for(prior: PriorFactCheck) -> str:
    """What the fact-check says about the claim, from its mapped verdict: a low rating refutes it."""
    value = prior.verdict.rating_value if prior.verdict_id else None
    if value is None:
        return "context"
    if value <= 2:
        return "refutes"
    return "supports" if value >= 4 else "context"


def evidence_item(prior: PriorFactCheck, stance: str) -> dict:
    rating = f"Rated \u201c{prior.rating_name}\u201d" if prior.rating_name else ""
    return {
        "url": prior.url,
        "title": prior.claim_reviewed[:300],
        "publisher": prior.publisher_name,
        "quote": rating,
        "stance": stance,
        "accessed": datetime.date.today().isoformat(),
    }


@transaction.atomic
def link_prior(claim: Claim, prior: PriorFactCheck, *, actor, stance: str | None = None) -> LinkResult:
    """Link `claim` to `prior` as checked by it, with the evidence and the draft described above."""
    stance = stance or stance_for(prior)
    if stance not in STANCES:
        raise ValidationError({"stance": _("Expected one of %(choices)s.") % {"choices": ", ".join(STANCES)}})
    try:
        with transaction.atomic():
            link = ClaimPriorLink.objects.create(
                claim=claim, prior=prior, stance=stance, linked_by=actor, linked_at=timezone.now()
            )
    except IntegrityError:
        raise DomainConflict(
            _("This claim is already linked to prior fact-check %(id)s.") % {"id": prior.pk}, field="prior_factcheck"
        ) from None
    item = evidence_item(prior, stance)
    note = f"Checked before by {prior.publisher_name or 'another fact-checker'}: {prior.url}"
    annotation = Annotation.objects.select_for_update().filter(claim=claim, reviewer=actor).first()
    if annotation is None:
        if prior.verdict_id is None:
            return LinkResult(link, None, "no_verdict")
        annotation = versioning.create_annotation(
            claim, reviewer=actor, verdict=prior.verdict, confidence=DRAFT_CONFIDENCE, evidence=[item],
            change_note=f"{note}. Verdict pre-filled from its rating: confirm it before submitting.",
        )  # fmt: skip
        return LinkResult(link, annotation, "created")
    if annotation.status not in (Annotation.Status.DRAFT, Annotation.Status.REJECTED):
        return LinkResult(link, annotation, "unchanged")
    current = annotation.versions.get(number=annotation.version)
    versioning.append_version(
        annotation, based_on=annotation.version, author=actor, evidence=[*current.evidence, item], change_note=note
    )
    return LinkResult(link, annotation, "evidence_added")


EDITABLE_FIELDS = ("claim_reviewed", "verdict", "verdict_corrected", "language", "claim_author", "claim_date")


@transaction.atomic
def update_prior(prior: PriorFactCheck, *, actor, **fields) -> PriorFactCheck:
    """An editor's correction of a prior fact-check, kept in its history like an import's change.

    A verdict the editor changes is theirs from then on (`verdict_corrected`): mappings and re-imports
    leave it. `verdict_corrected=False` hands it back: the verdict becomes what the mappings say."""
    from ..search import config_for_language
    from .ratings import MappingTable

    unknown = [name for name in fields if name not in EDITABLE_FIELDS]
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in unknown})
    verdict_changes = "verdict" in fields and fields["verdict"] != prior.verdict
    if fields.get("verdict_corrected") is False:
        if verdict_changes:
            message = _("Either choose a verdict or hand it back to the rating mapping, not both.")
            raise ValidationError({"verdict_corrected": message})
        language = clean_language(fields["language"]) if "language" in fields else prior.language
        mapped = MappingTable.load().verdict_for(prior.publisher_name, language, prior.rating_name)
        fields["verdict"] = Verdict.objects.filter(pk=mapped).first()
    elif verdict_changes:
        fields["verdict_corrected"] = True
    changes = {}
    for name, value in fields.items():
        if name == "claim_reviewed" and not (value or "").strip():
            raise ValidationError({"claim_reviewed": _("The claim cannot be blank.")})
        if name == "language":
            value = clean_language(value)
        before = getattr(prior, name)
        if before != value:
            changes[name] = [_plain(before), _plain(value)]
            setattr(prior, name, value)
    if not changes:
        return prior
    prior.search_config = config_for_language(prior.language)
    prior.updated_at = timezone.now()
    prior.save(update_fields=[*fields, "search_config", "updated_at"])
    PriorFactCheckChange.objects.create(prior=prior, changed_by=actor, changed_at=prior.updated_at, changes=changes)
    return prior


def clean_language(value) -> str:
    """A BCP 47 tag as imports store it (a primary tag in lower case); ValidationError naming the field."""
    tag = (value or "").strip().replace("_", "-")
    if not tag or len(tag) > MAX_LANGUAGE_LENGTH or not langcodes.tag_is_valid(tag):
        message = _("%(value)s is not a valid BCP 47 language tag (e.g. 'en', 'it', 'pt-BR').") % {
            "value": repr(tag[:40])
        }
        raise ValidationError({"language": message})
    return tag if "-" in tag else tag.lower()


def _plain(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    return getattr(value, "key", value)
