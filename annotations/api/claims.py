"""API for claims across articles: their serializers (selectors, published verdict, anchor), the claim
list and its search (with prior fact-checks when asked), "Checked before?" and same-claim links.
Claims are created under their article (annotations.api.articles)."""

from django.contrib.postgres.expressions import ArraySubquery
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from .. import claims as claim_services
from .. import same_claims, search, selectors
from ..anchoring import Anchor
from ..models import AnchorStatus, Claim, PriorFactCheck
from .errors import error_responses
from .filters import ClaimFilter, PriorSearchFilter
from .permissions import ReadByRoleWriteByReviewer
from .prior_factchecks import PriorFactCheckBriefSerializer, PriorSearchResultSerializer


class SelectorField(serializers.JSONField):
    """A list of W3C selector objects (TextPositionSelector and/or TextQuoteSelector).

    Claims have no `selector` attribute: the selectors are built from the stored anchor.
    """

    def get_attribute(self, claim: Claim) -> list[dict]:
        return Anchor(claim.start, claim.end, claim.exact, claim.prefix, claim.suffix).as_selectors()


class PublishedVerdictSerializer(serializers.Serializer):
    """A claim's published verdict in brief: the approved version and its verdict."""

    annotation = serializers.IntegerField(source="annotation_id")
    version = serializers.IntegerField(source="number")
    verdict = serializers.CharField(source="verdict.key")
    label = serializers.CharField(source="verdict.label")
    colour = serializers.CharField(source="verdict.colour")
    rating_value = serializers.IntegerField(source="verdict.rating_value", allow_null=True)


class AnchorSerializer(serializers.Serializer):
    """Where the claim stands in its article's newest revision."""

    status = serializers.ChoiceField(choices=AnchorStatus.choices, source="anchor_status")
    revision = serializers.IntegerField(source="anchor_revision")
    score = serializers.FloatField(source="anchor_score", allow_null=True)
    needs_review = serializers.BooleanField()


class WordsChangedSerializer(serializers.Serializer):
    """The claim's words changed under its verdict, and no editor has decided yet: exports publish `judged`."""

    judged = serializers.CharField(help_text="The words the verdict was written on (what exports publish)")
    current = serializers.CharField(help_text="The claim's words in the article's newest revision")
    revision = serializers.IntegerField(help_text="The revision the current words are in")


class ClaimSerializer(serializers.ModelSerializer):
    """A claim. `matches`: the ids of the claims linked to it as the same claim (both ways)."""

    selector = SelectorField(
        help_text="W3C selectors: a TextQuoteSelector {exact, prefix, suffix}, a TextPositionSelector "
        "{start, end} (code points), or both. Responses carry both."
    )
    published_verdict = PublishedVerdictSerializer(
        source="published_version", read_only=True, allow_null=True, help_text="null until an editor approves one"
    )
    anchor = AnchorSerializer(source="*", read_only=True)
    words_changed = WordsChangedSerializer(
        read_only=True,
        allow_null=True,
        help_text="null, or the judged and current words awaiting an editor's "
        "decision (POST /claims/{id}/words-decision/)",
    )
    matches = serializers.ListField(
        child=serializers.IntegerField(), source="match_ids", read_only=True, help_text="Ids of the same claims"
    )
    assigned = serializers.ListField(
        child=serializers.CharField(), source="assigned_names", read_only=True, default=list,
        help_text="Usernames of the reviewers asked to check it",
    )  # fmt: skip

    class Meta:
        model = Claim
        fields = [
            "id", "article", "selector", "start", "end", "exact", "claimant", "claim_date", "statement",
            "published_verdict", "anchor", "words_changed", "matches", "assigned", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["id", "article", "start", "end", "exact", "created_at", "updated_at"]

    def validate_selector(self, value):
        if not isinstance(value, list | dict):
            raise serializers.ValidationError(_("Expected a list of W3C selector objects."))
        return value


class WhySerializer(serializers.Serializer):
    """What a suggestion shares with the claim, in the claim's own words."""

    words = serializers.ListField(child=serializers.CharField(), help_text="Content words (across languages too)")
    figures = serializers.ListField(child=serializers.CharField())
    names = serializers.ListField(child=serializers.CharField())


class ClaimListSerializer(ClaimSerializer):
    """A claim in a list; with ?q= also its search `rank` and `headline`."""

    rank = serializers.FloatField(read_only=True, allow_null=True, help_text="Search rank (with q), higher first")
    headline = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text="With q: the matching excerpt; each match is between U+E000 and U+E001 (split on them, "
        "render as text)",
    )
    article_title = serializers.CharField(read_only=True, allow_null=True, help_text="With q: the article's title")
    type = serializers.ChoiceField(
        choices=["claim"], read_only=True, default="claim",
        help_text="`claim`; a search with include=prior also lists `prior_factcheck` results",
    )  # fmt: skip

    class Meta(ClaimSerializer.Meta):
        fields = ["type", *ClaimSerializer.Meta.fields, "rank", "headline", "article_title"]


class CheckedBeforeSerializer(serializers.Serializer):
    """A suggestion of "Checked before?": `claim` (one of the desk's, with its published verdict) or
    `prior_factcheck` (another fact-checker's), never both; `why` it matches."""

    claim = ClaimListSerializer(required=False, help_text="A claim of this desk, with its published verdict")
    prior_factcheck = PriorFactCheckBriefSerializer(required=False, help_text="A published fact-check")
    score = serializers.FloatField(min_value=0, max_value=1)
    why = WhySerializer()

    def to_representation(self, suggestion):
        data = super().to_representation(suggestion)
        data.pop("prior_factcheck" if suggestion.claim is not None else "claim")
        return data


class MatchInputSerializer(serializers.Serializer):
    claim = serializers.IntegerField(help_text="The id of the claim that is the same claim")


class MatchSerializer(serializers.Serializer):
    """A claim linked as the same claim: who linked it, when."""

    claim = ClaimListSerializer(source="claim_with_title")
    linked_to = serializers.IntegerField(source="linked_to_id", allow_null=True)
    linked_by = serializers.CharField(source="linked_by.username", allow_null=True, default=None)
    linked_at = serializers.DateTimeField()


@extend_schema_view(destroy=extend_schema(responses={204: None, **error_responses(409)}))
class ClaimViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Claims across articles. Create them under their article: POST /articles/{id}/claims/."""

    serializer_class = ClaimSerializer
    permission_classes = [ReadByRoleWriteByReviewer]
    filterset_class = ClaimFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_keyset_ordering(self) -> tuple[str, ...]:
        # A ranked search pages best first; every other list by id.
        if self.action == "list" and self.request.query_params.get("q") is not None:
            return search.SEARCH_ORDER
        return ("id",)

    def get_queryset(self):
        return selectors.claims()

    def filter_queryset(self, queryset):
        return selectors.with_matches(super().filter_queryset(queryset))

    def get_serializer_class(self):
        return ClaimListSerializer if self.action == "list" else ClaimSerializer

    def _claim(self, pk) -> Claim:
        # Not self.get_object(): linking needs a reviewer, not the claim's creator.
        return get_object_or_404(selectors.claim_queryset(), pk=pk)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "q",
                str,
                description='Full-text search (websearch syntax: "a phrase", -word, or) in each claim\'s '
                "language over its text, restatement, claimant and published rationale; results best first "
                f"with `rank` and `headline`. At most {search.MAX_QUERY_LENGTH} characters; a blank q is "
                "refused with 400, stop words alone find nothing.",
            ),
            OpenApiParameter(
                "include",
                str,
                enum=["prior"],
                description="With q, `prior` also finds prior fact-checks (other fact-checkers' published "
                "verdicts, any language) and ranks them together with the claims, each result telling its "
                "`type`. The other filters mean the same for them: `language` is the fact-check's, `claimant` "
                "the claim's author; `article=` or `published=false` leaves them out.",
            ),
        ],
        responses={
            200: PolymorphicProxySerializer(
                component_name="ClaimSearchResult",
                serializers={"claim": ClaimListSerializer, "prior_factcheck": PriorSearchResultSerializer},
                resource_type_field_name="type",
                many=True,
            ),
            **error_responses(400),
        },
    )
    def list(self, request, *args, **kwargs):
        q = request.query_params.get("q")
        with_priors = _include_priors(request.query_params)
        if q is None:
            return super().list(request, *args, **kwargs)
        # The search comes after the other filters: it ranks what they leave; the page is picked from
        # the ranked candidates (selectors.search_claims), then only its rows are read.
        claims = super().filter_queryset(self.get_queryset())
        if not with_priors:
            found = selectors.search_claims(request.user, claims, q)
            rows = self.paginator.paginate_keys(found.keys, search.SEARCH_ORDER, fetch=found.rows_for, request=request)
            return self.get_paginated_response(self.get_serializer(rows, many=True).data)
        priors = PriorSearchFilter(request.query_params, queryset=PriorFactCheck.objects.all(), request=request)
        if not priors.is_valid():
            raise serializers.ValidationError(priors.errors)
        found = selectors.search_with_priors(request.user, claims, priors.qs, q)
        rows = self.paginator.paginate_keys(
            found.keys, selectors.SEARCH_WITH_PRIORS_ORDER, fetch=found.rows_for, request=request, identity=2
        )
        # One list serializer per kind (a serializer built per row costs more than the page's queries).
        context = self.get_serializer_context()
        serialized = {
            kind: iter(serializer([row for row in rows if row.kind == kind], many=True, context=context).data)
            for kind, serializer in (
                (selectors.CLAIM, ClaimListSerializer), (selectors.PRIOR_FACTCHECK, PriorSearchResultSerializer),
            )
        }  # fmt: skip
        return self.get_paginated_response([next(serialized[row.kind]) for row in rows])

    def perform_update(self, serializer):
        serializer.instance = claim_services.update_claim(serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        claim_services.delete_claim(instance)

    @extend_schema(
        request=ClaimSerializer,
        responses={200: ClaimSerializer},
        description="Change a claim's claimant, date or restatement. A `selector` re-attaches the claim to text "
        "of the article's newest revision (anchor status `manual`); its annotations are unchanged.",
    )
    def partial_update(self, request, *args, **kwargs):
        claim = self.get_object()
        serializer = ClaimSerializer(claim, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        claim_services.update_claim(claim, selectors=data.pop("selector", None), actor=request.user, **data)
        return Response(ClaimSerializer(selectors.claim_queryset().get(pk=claim.pk)).data)

    @extend_schema(
        responses={200: CheckedBeforeSerializer(many=True), **error_responses(404)},
        description=f'"Checked before?": claims from other articles that may be the same claim and prior '
        f"fact-checks (any language) that may have checked it, scored alike and ranked together, best first, at "
        f"most {search.SIMILAR_LIMIT}; each with `why` it matches. Suggestions only; orphaned claims are never "
        "suggested. Viewers get claims with a published verdict only.",
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def similar(self, request, pk=None):
        claim = self._claim(pk)
        suggestions = selectors.checked_before(request.user, claim)
        return Response(CheckedBeforeSerializer(suggestions, many=True).data)

    @extend_schema(
        methods=["GET"],
        responses={200: MatchSerializer(many=True), **error_responses(404)},
        description="The claims linked to this one as the same claim, with who linked them and when.",
    )
    @extend_schema(
        methods=["POST"],
        request=MatchInputSerializer,
        responses={201: MatchSerializer, **error_responses(400, 403, 404)},
        description="Link `claim` to this claim as the same claim (reviewers, editors). Their groups merge. "
        "Refused with 400 naming `claim`: itself, the same article, already linked.",
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def matches(self, request, pk=None):
        claim = self._claim(pk)
        if request.method == "GET":
            return Response(MatchSerializer(_with_titles(same_claims.matches_of(claim)), many=True).data)
        serializer = MatchInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        other_pk = serializer.validated_data["claim"]
        other = Claim.objects.filter(pk=other_pk).first()
        if other is None:
            raise serializers.ValidationError({"claim": [_("Claim %(claim)s does not exist.") % {"claim": other_pk}]})
        membership = same_claims.link_claims(claim, other, actor=request.user)
        (membership,) = _with_titles(same_claims.matches_of(claim).filter(pk=membership.pk))
        return Response(MatchSerializer(membership).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={204: None, **error_responses(400, 403, 404)},
        description="Unlink `other` from this claim's group of same claims.",
    )
    @action(detail=True, methods=["delete"], url_path=r"matches/(?P<other>\d+)", url_name="match-detail")
    def unlink(self, request, pk=None, other=None):
        same_claims.unlink_claims(self._claim(pk), self._claim(other), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _include_priors(params) -> bool:
    """`include=prior` (with q): whether a claim search also lists prior fact-checks; 400 naming `include`."""
    include = params.get("include")
    if include is None:
        return False
    if include != "prior":
        raise serializers.ValidationError({"include": [_("Expected “prior” (prior fact-checks).")]})
    if params.get("q") is None:
        raise serializers.ValidationError({"include": [_("Prior fact-checks are included in a search: add q.")]})
    return True


def _with_titles(memberships) -> list:
    """Memberships with their claim's match ids and article title, as the claim serializer reads them."""
    memberships = list(memberships.annotate(match_ids=ArraySubquery(same_claims.match_ids_subquery("claim_id"))))
    for membership in memberships:
        membership.claim.match_ids = membership.match_ids
        membership.claim.article_title = membership.claim.article.title
        membership.claim_with_title = membership.claim
    return memberships
