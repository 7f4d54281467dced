"""API for verdict annotations: the rating scale, annotations and their versions, review, agreement.

An annotation's ETag is its current version number. Every change names the
version it was based on with If-Match (none: 428, stale: 412 with the current
state); the service re-checks it inside the database write, so the header check
is only a fast path.
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import exceptions, generics, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import agreement as agreement_service
from .. import review, roles, versioning
from ..exceptions import StaleVersion
from ..languages import clean_language_filter
from ..models import Annotation, Claim, ReviewTransition, Verdict
from ..selectors import annotation_queryset, current_state, published_queryset, writable_queryset
from ..versioning import AnnotationState
from . import preconditions
from .errors import error_responses
from .permissions import HasRole, IsEditor

# ---------------------------------------------------------------- rating scale


class VerdictSerializer(serializers.ModelSerializer):
    class Meta:
        model = Verdict
        fields = ["key", "label", "rating_value", "colour", "position"]


class VerdictViewSet(viewsets.ReadOnlyModelViewSet):
    """The desk's rating scale, in display order."""

    queryset = Verdict.objects.all()
    serializer_class = VerdictSerializer
    permission_classes = [HasRole]
    lookup_field = "key"
    filter_backends = []
    keyset_ordering = ("position", "id")


# ---------------------------------------------------------------- permissions


class AnnotationPermission(BasePermission):
    """Anyone with a role reads (what they may see is narrowed by review.visible_annotations);
    reviewers and editors write; only an annotation's reviewer or an editor changes or reverts it.
    Review transitions check their own rules in annotations.review."""

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return roles.is_viewer(request.user)
        return roles.is_reviewer(request.user)

    def has_object_permission(self, request, view, annotation) -> bool:
        if request.method in SAFE_METHODS or getattr(view, "action", None) in ("submit", "approve", "reject", "reopen"):
            return True
        return roles.is_editor(request.user) or annotation.reviewer_id == request.user.pk


# ---------------------------------------------------------------- representations


class EvidenceItemSerializer(serializers.Serializer):
    url = serializers.URLField(help_text="http or https only")
    title = serializers.CharField(required=False, allow_blank=True)
    publisher = serializers.CharField(required=False, allow_blank=True)
    quote = serializers.CharField(required=False, allow_blank=True)
    stance = serializers.ChoiceField(choices=versioning.STANCES)
    accessed = serializers.DateField(required=False, allow_null=True)


class VersionSerializer(serializers.Serializer):
    """One immutable version of an annotation (fields as they were in that version)."""

    number = serializers.IntegerField()
    version = serializers.IntegerField(source="number")
    based_on = serializers.IntegerField(allow_null=True)
    reverted_from = serializers.IntegerField(allow_null=True)
    verdict = serializers.CharField(source="verdict.key")
    verdict_label = serializers.CharField(source="verdict.label")
    verdict_colour = serializers.CharField(source="verdict.colour")
    rating_value = serializers.IntegerField(source="verdict.rating_value", allow_null=True)
    confidence = serializers.IntegerField()
    rationale = serializers.CharField()
    evidence = EvidenceItemSerializer(many=True)
    change_note = serializers.CharField()
    author = serializers.CharField(source="author.username")
    created_at = serializers.DateTimeField(help_text="When this version was saved")
    independent = serializers.BooleanField(
        help_text="False when written after its author could see other reviewers' verdicts (blind review)"
    )


class AnnotationSerializer(serializers.Serializer):
    """An annotation with the fields of one version at the top level: the current version, or for
    viewers the published one, or with ?as_of= the one current at that instant (an AnnotationState)."""

    id = serializers.IntegerField(source="annotation.pk")
    claim = serializers.IntegerField(source="annotation.claim_id")
    article = serializers.IntegerField(source="annotation.article_pk")
    reviewer = serializers.CharField(source="annotation.reviewer.username")
    status = serializers.ChoiceField(choices=Annotation.Status.choices)
    version = serializers.IntegerField(source="version.number")
    verdict = serializers.CharField(source="version.verdict.key")
    verdict_label = serializers.CharField(source="version.verdict.label")
    verdict_colour = serializers.CharField(source="version.verdict.colour")
    rating_value = serializers.IntegerField(source="version.verdict.rating_value", allow_null=True)
    confidence = serializers.IntegerField(source="version.confidence")
    rationale = serializers.CharField(source="version.rationale")
    evidence = EvidenceItemSerializer(source="version.evidence", many=True)
    change_note = serializers.CharField(source="version.change_note")
    author = serializers.CharField(source="version.author.username")
    created_at = serializers.DateTimeField(source="version.created_at", help_text="When this version was saved")
    independent = serializers.BooleanField(
        source="version.independent",
        help_text="False when this version was written after its author could see other reviewers' verdicts",
    )
    updated_at = serializers.DateTimeField(source="annotation.updated_at")
    is_published = serializers.BooleanField(help_text="The claim's published verdict is a version of this annotation")
    published_version = serializers.IntegerField(allow_null=True)


@extend_schema_field({"type": "integer", "minimum": 0, "maximum": 100})
class ConfidenceField(serializers.IntegerField):
    """An integer; its range (0-100) is the service's rule (versioning), documented here for clients."""


class AnnotationWriteSerializer(serializers.Serializer):
    """The content of a new version. On create, verdict and confidence are required; a PATCH sends
    any of the fields and the rest carry over from the version it is based on."""

    verdict = serializers.CharField(help_text="A key of the rating scale, see /verdicts/")
    confidence = ConfidenceField()
    rationale = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    evidence = serializers.JSONField(required=False, help_text="[{url, title, publisher, quote, stance, accessed}]")
    change_note = serializers.CharField(required=False, allow_blank=True)

    def validate_verdict(self, key: str) -> Verdict:
        verdict = Verdict.objects.filter(key=key).first()
        if verdict is None:
            keys = ", ".join(Verdict.objects.values_list("key", flat=True))
            message = _("%(key)r is not on the rating scale; use one of: %(keys)s.") % {"key": key, "keys": keys}
            raise serializers.ValidationError(message)
        return verdict

    def validate(self, attrs: dict) -> dict:
        unknown = sorted(set(self.initial_data) - set(self.fields)) if isinstance(self.initial_data, dict) else []
        if unknown:
            raise serializers.ValidationError({name: [_("Unknown field.")] for name in unknown})
        if not attrs:
            raise serializers.ValidationError({"non_field_errors": [_("Send at least one field to change.")]})
        # Types only: rationale, evidence and confidence are cleaned and checked by the service
        # (versioning), whose ValidationError keyed `evidence[0].url` becomes the response's field name.
        return attrs


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class RevertSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)
    change_note = serializers.CharField(required=False, allow_blank=True, default="")


class TransitionSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ReviewTransition
        fields = ["from_status", "to_status", "version", "comment", "actor", "created_at"]


_stale = inline_serializer("Stale", {"detail": serializers.CharField(), "current": AnnotationSerializer()})
_if_match = OpenApiParameter(
    "If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, description='The ETag you read, e.g. "3"'
)
_required_if_match = OpenApiParameter(
    "If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True, description='The ETag you read, e.g. "3"'
)
# The ETag of the version shown; a past state (?as_of=) has none, as it cannot be changed.
_etag = OpenApiParameter(
    "ETag", OpenApiTypes.STR, OpenApiParameter.HEADER, response=[200, 201, 412], required=True,
    description='The version shown, e.g. "3": send it back in If-Match to change the annotation',
)  # fmt: skip
_optional_etag = OpenApiParameter(
    "ETag", OpenApiTypes.STR, OpenApiParameter.HEADER, response=[200], description="Sent unless ?as_of= is given"
)
# A change of an annotation: the new state with its ETag, or 412 with the current one.
_change_responses = {200: AnnotationSerializer, 412: _stale, **error_responses(428)}
_review_responses = {200: AnnotationSerializer, 412: _stale, **error_responses(409)}
_frozen = "409 with `code: frozen`: its reviewer submitted it, so they may not change it until an editor re-opens it."


# ---------------------------------------------------------------- annotations


class AnnotationFilter(filters.FilterSet):
    # "claim_id__exact" would read as the Claim.exact text field; name the primary key explicitly.
    claim = filters.NumberFilter(field_name="claim__id")
    article = filters.NumberFilter(field_name="claim__article__id")
    reviewer = filters.CharFilter(field_name="reviewer__username")
    status = filters.ChoiceFilter(choices=Annotation.Status.choices)

    class Meta:
        model = Annotation
        fields = ["claim", "article", "reviewer", "status"]


class AnnotationResponses:
    """Shared by the annotation views: read back what the user may see, with its ETag."""

    request = None

    def published_only(self) -> bool:
        return review.shows_published_only(self.request.user)

    def visible(self):
        queryset = published_queryset() if self.published_only() else annotation_queryset()
        return review.visible_annotations(self.request.user, queryset)

    def prepare(self, annotations) -> list[AnnotationState]:
        """Viewers are shown the published version, not a later unpublished edit."""
        if self.published_only():
            return [current_state(annotation, annotation.claim.published_version) for annotation in annotations]
        return [current_state(annotation) for annotation in annotations]

    def represent(self, annotation_id: int, *, code: int = status.HTTP_200_OK, **extra) -> Response:
        return self.respond(self.prepare([get_object_or_404(self.visible(), pk=annotation_id)])[0], code, **extra)

    def respond(self, state: AnnotationState, code: int = status.HTTP_200_OK, **extra) -> Response:
        data = AnnotationSerializer(state).data
        body = {**extra, "current": data} if extra else data
        return Response(body, status=code, headers={"ETag": f'"{state.version.number}"'})

    def stale(self, annotation_id: int, based_on: int) -> Response:
        """The answer to StaleVersion (see errors.exception_handler): 412 with the current state."""
        return self.represent(
            annotation_id,
            code=status.HTTP_412_PRECONDITION_FAILED,
            detail=_(
                "Version %(version)s is not the current version; your change was not saved. "
                "The current version is in `current`: merge your change into it and send its ETag."
            )
            % {"version": based_on},
        )


class AnnotationViewSet(AnnotationResponses, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Verdict annotations. Create one under its claim: POST /claims/{id}/annotations/."""

    serializer_class = AnnotationSerializer
    permission_classes = [AnnotationPermission]
    filterset_class = AnnotationFilter
    http_method_names = ["get", "patch", "post", "head", "options"]

    def get_queryset(self):
        return self.visible()

    def get_keyset_ordering(self) -> tuple[str, ...]:
        """Each list's order, ending with a unique field (see api/pagination.py)."""
        return {"versions": ("number",), "transitions": ("created_at", "id")}.get(self.action, ("id",))

    def get_object_for_change(self) -> Annotation:
        """The annotation a PATCH or revert changes, from one light query.

        The annotation's reviewer and editors may always see it, so they skip the
        read path's blind-review filter and joined current version (saves are the
        hot path, see bench/save.py). Anyone else goes through get_object() and is
        answered as before: 404 if they may not see it, 403 if they may see it but
        not change it. The list's query-string filters do not apply to a change.
        """
        annotation = generics.get_object_or_404(writable_queryset(), pk=self.kwargs["pk"])
        user = self.request.user
        if not (roles.is_editor(user) or annotation.reviewer_id == user.pk):
            return self.get_object()
        self.check_object_permissions(self.request, annotation)
        return annotation

    def list(self, request, *args, **kwargs):
        page = self.prepare(self.paginate_queryset(self.filter_queryset(self.get_queryset())))
        return self.get_paginated_response(AnnotationSerializer(page, many=True).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("as_of", OpenApiTypes.DATETIME, description="The annotation as of this instant"),
            _optional_etag,
        ]
    )
    def retrieve(self, request, *args, **kwargs):
        annotation = self.get_object()
        instant = preconditions.as_of(request)
        if instant is None:
            return self.respond(self.prepare([annotation])[0])
        state = versioning.annotation_as_of(annotation, instant, published_only=self.published_only())
        if state is None:
            raise exceptions.NotFound({"as_of": _("The annotation had no visible version at that instant.")})
        return Response(AnnotationSerializer(state).data)

    @extend_schema(
        request=AnnotationWriteSerializer,
        parameters=[_required_if_match, _etag],
        responses={**_change_responses, **error_responses(409)},
        description=_frozen,
    )
    def partial_update(self, request, *args, **kwargs):
        annotation = self.get_object_for_change()
        based_on = preconditions.if_match(request, required=True)
        if based_on != annotation.version:
            raise StaleVersion(annotation, based_on)
        serializer = AnnotationWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        note = changes.pop("change_note", "")
        # Brings annotation.version, status and updated_at up to date with the save.
        version = versioning.append_version(
            annotation, based_on=based_on, author=request.user, change_note=note, **changes
        )
        # Answer from what this request holds (the save path is the hot path, see bench/save.py):
        # the new version comes back with its verdict, and its author is the user.
        version.author = request.user
        return self.respond(current_state(annotation, version))

    @extend_schema(responses=VersionSerializer(many=True))
    @action(detail=True, methods=["get"], filter_backends=[])
    def versions(self, request, pk=None):
        """Every version, oldest first (viewers: the published version only)."""
        annotation = self.get_object()
        versions = annotation.versions.select_related("verdict", "author")
        if self.published_only():
            versions = versions.filter(pk=annotation.claim.published_version_id)
        page = self.paginate_queryset(versions)
        return self.get_paginated_response(VersionSerializer(page, many=True).data)

    @extend_schema(responses=VersionSerializer)
    @action(
        detail=True,
        methods=["get"],
        url_path=r"versions/(?P<number>[0-9]+)",
        url_name="version-detail",
        filter_backends=[],
    )
    def version_detail(self, request, pk=None, number=None):
        annotation = self.get_object()
        versions = annotation.versions.select_related("verdict", "author")
        if self.published_only():
            versions = versions.filter(pk=annotation.claim.published_version_id)
        return Response(VersionSerializer(get_object_or_404(versions, number=int(number))).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("from", OpenApiTypes.INT, required=True),
            OpenApiParameter("to", OpenApiTypes.INT, required=True),
        ],
        responses=inline_serializer(
            "Diff",
            {"from": serializers.IntegerField(), "to": serializers.IntegerField(), "changes": OpenApiTypes.OBJECT},
        ),
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def diff(self, request, pk=None):
        """Field-level differences between two versions: {field: {from, to}}."""
        annotation = self.get_object()
        if self.published_only():
            raise exceptions.PermissionDenied(_("Viewers read published verdicts only."))
        numbers = {name: self._version_number(request, name) for name in ("from", "to")}
        versions = {
            version.number: version
            for version in annotation.versions.select_related("verdict").filter(number__in=numbers.values())
        }
        for name, number in numbers.items():
            if number not in versions:
                message = _("Annotation %(annotation)s has no version %(number)s.")
                raise exceptions.ValidationError({name: [message % {"annotation": annotation.pk, "number": number}]})
        changes = versioning.diff_versions(versions[numbers["from"]], versions[numbers["to"]])
        return Response({"from": numbers["from"], "to": numbers["to"], "changes": changes})

    @staticmethod
    def _version_number(request, name: str) -> int:
        value = request.query_params.get(name, "")
        if not value.isdigit():
            raise exceptions.ValidationError({name: [_("Expected a version number.")]})
        return int(value)

    @extend_schema(
        request=RevertSerializer,
        parameters=[_required_if_match, _etag],
        responses={**_change_responses, **error_responses(409)},
        description=_frozen,
    )
    @action(detail=True, methods=["post"])
    def revert(self, request, pk=None):
        """Append a new version equal in content to an older one."""
        annotation = self.get_object_for_change()
        based_on = preconditions.if_match(request, required=True)
        if based_on != annotation.version:
            raise StaleVersion(annotation, based_on)
        serializer = RevertSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        versioning.revert(
            annotation.pk,
            to=serializer.validated_data["version"],
            based_on=based_on,
            author=request.user,
            change_note=serializer.validated_data["change_note"],
        )
        return self.represent(annotation.pk)

    def _review(self, request, step) -> Response:
        annotation = self.get_object()
        expected = preconditions.if_match(request, required=False)
        serializer = CommentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        step(annotation, actor=request.user, comment=serializer.validated_data["comment"], expected_version=expected)
        return self.represent(annotation.pk)

    @extend_schema(request=CommentSerializer, parameters=[_if_match, _etag], responses=_review_responses)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """The annotation's reviewer sends it for review."""
        return self._review(request, review.submit)

    @extend_schema(request=CommentSerializer, parameters=[_if_match, _etag], responses=_review_responses)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """An editor makes the current version the claim's published verdict. With four eyes on
        (FACTCHECK_FOUR_EYES), an editor who wrote any of its versions gets 403 naming the rule."""
        return self._review(request, review.approve)

    @extend_schema(request=CommentSerializer, parameters=[_if_match, _etag], responses=_review_responses)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """An editor rejects the annotation (withdrawing the claim's verdict if it was the published one)."""
        return self._review(request, review.reject)

    @extend_schema(
        request=CommentSerializer,
        parameters=[_if_match, _etag],
        responses=_review_responses,
        description="Editors: a submitted or approved annotation goes back to draft, editable by its "
        "reviewer again (`comment`: why). A published verdict stays published until approved again. "
        "Versions written after this are marked `independent: false`.",
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        """An editor re-opens an annotation (the "reopened" transition: to draft, with a note)."""
        return self._review(request, review.reopen)

    @extend_schema(responses=TransitionSerializer(many=True))
    @action(detail=True, methods=["get"], filter_backends=[])
    def transitions(self, request, pk=None):
        """The review history, oldest first."""
        annotation = self.get_object()
        if self.published_only():
            raise exceptions.PermissionDenied(_("Viewers read published verdicts only."))
        page = self.paginate_queryset(annotation.transitions.select_related("actor"))
        return self.get_paginated_response(TransitionSerializer(page, many=True).data)


class ClaimAnnotationsView(AnnotationResponses, generics.GenericAPIView):
    """A claim's annotations visible to the user (blind review applies), and a reviewer's new annotation."""

    serializer_class = AnnotationSerializer
    permission_classes = [AnnotationPermission]
    filter_backends = []
    keyset_ordering = ("id",)

    @extend_schema(responses=AnnotationSerializer(many=True))
    def get(self, request, claim_pk: int):
        claim = get_object_or_404(Claim, pk=claim_pk)
        page = self.prepare(self.paginate_queryset(self.visible().filter(claim=claim)))
        return self.get_paginated_response(AnnotationSerializer(page, many=True).data)

    @extend_schema(
        request=AnnotationWriteSerializer,
        parameters=[_etag],
        responses={201: AnnotationSerializer, **error_responses(409)},
    )
    def post(self, request, claim_pk: int):
        claim = get_object_or_404(Claim, pk=claim_pk)
        serializer = AnnotationWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        content = dict(serializer.validated_data)
        annotation = versioning.create_annotation(
            claim, reviewer=request.user, change_note=content.pop("change_note", ""), **content
        )
        return self.represent(annotation.pk, code=status.HTTP_201_CREATED)


# ---------------------------------------------------------------- agreement


class AgreementView(APIView):
    """Inter-reviewer agreement (Krippendorff's alpha, nominal) and the claims where reviewers disagree.
    Editors only: it shows every reviewer's verdict. Any scope is read from maintained sums
    (annotations.derived.agreement), so "everything" costs what one article costs."""

    permission_classes = [IsEditor]

    @extend_schema(
        parameters=[
            OpenApiParameter("article", OpenApiTypes.INT, description="One article's claims."),
            OpenApiParameter(
                "date_from",
                OpenApiTypes.STR,
                description="Claims whose newest submitted annotation changed at or after (date or instant).",
            ),
            OpenApiParameter("date_to", OpenApiTypes.STR, description="... and before this date or instant."),
            OpenApiParameter("language", OpenApiTypes.STR, description="Articles in this language (BCP 47)."),
        ],
        responses={
            200: inline_serializer(
                "Agreement",
                {
                    "basis": serializers.CharField(
                        help_text="first_submissions: each reviewer's first submitted verdict counts"
                    ),
                    "alpha": serializers.FloatField(allow_null=True),
                    "claims": serializers.IntegerField(),
                    "annotations": serializers.IntegerField(),
                    "disagreement_count": serializers.IntegerField(),
                    "disagreements": inline_serializer(
                        "Disagreement",
                        {
                            "claim": serializers.IntegerField(),
                            "exact": serializers.CharField(),
                            "verdicts": serializers.DictField(child=serializers.CharField()),
                        },
                        many=True,
                    ),
                },
            ),
            400: OpenApiTypes.OBJECT,
        },
        description="`disagreements` lists the first 100 disagreeing claims by id; `disagreement_count` counts "
        "them all. A claim is in a date range when the newest of its submitted annotations changed within it.",
    )
    def get(self, request):
        params = request.query_params
        article = params.get("article")
        if article is not None and not article.isdigit():
            raise exceptions.ValidationError({"article": [_("Expected an article id.")]})
        bounds = {
            name: preconditions.instant_param(params[name], name)
            for name in ("date_from", "date_to")
            if params.get(name)
        }
        if len(bounds) == 2 and bounds["date_from"] >= bounds["date_to"]:
            raise exceptions.ValidationError({"date_to": [_("Must be after date_from.")]})
        language = clean_language_filter(params.get("language")) or None
        report = agreement_service.agreement(int(article) if article else None, language=language, **bounds)
        return Response(report.as_dict())
