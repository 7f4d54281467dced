"""API for prior fact-checks: the list (searchable), imports as jobs, the rating mapping, and a claim's
links to the fact-checks that checked it before. Views and their serializers only; the work is in
annotations.priors."""

from django.db.models import BooleanField, F, Func, Q, Value
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import roles, search, selectors
from ..languages import clean_language_filter, language_filter
from ..models import PriorFactCheck, PriorImportJob, RatingMapping, Verdict
from ..priors import jobs as import_jobs
from ..priors import linking, ratings
from .errors import error_responses
from .permissions import HasRole, IsEditor, IsReviewer


class ReadByRoleWriteByEditor(BasePermission):
    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return roles.is_viewer(request.user)
        return roles.is_editor(request.user)


class PriorFactCheckBriefSerializer(serializers.ModelSerializer):
    """A prior fact-check as "Checked before?" shows it."""

    rating = serializers.CharField(source="rating_name", help_text="The rating as published (alternateName)")
    verdict = serializers.SlugRelatedField(
        slug_field="key", read_only=True, allow_null=True, help_text="The rating mapped onto the desk's scale"
    )
    verdict_label = serializers.CharField(source="verdict.label", read_only=True, allow_null=True, default=None)
    publisher = serializers.CharField(source="publisher_name")
    publisher_url = serializers.CharField(read_only=True, help_text="The fact-checker's site; blank when not given")
    date = serializers.DateField(source="review_date", allow_null=True)

    class Meta:
        model = PriorFactCheck
        fields = [
            "id", "claim_reviewed", "rating", "rating_value", "best_rating", "worst_rating", "verdict",
            "verdict_label", "publisher", "publisher_url", "url", "date", "language",
        ]  # fmt: skip
        read_only_fields = fields


class PriorSearchResultSerializer(PriorFactCheckBriefSerializer):
    """A prior fact-check in a claim search that includes them (`include=prior`), ranked among the claims."""

    type = serializers.ChoiceField(choices=["prior_factcheck"], read_only=True, default="prior_factcheck")
    rank = serializers.FloatField(read_only=True, help_text="Search rank, on the claims' scale, higher first")
    headline = serializers.CharField(
        read_only=True, help_text="The matching excerpt of the claim reviewed, matches between U+E000 and U+E001"
    )

    class Meta(PriorFactCheckBriefSerializer.Meta):
        fields = ["type", *PriorFactCheckBriefSerializer.Meta.fields, "rank", "headline"]
        read_only_fields = fields


class PriorFactCheckSerializer(PriorFactCheckBriefSerializer):
    verdict = serializers.SlugRelatedField(
        slug_field="key", queryset=Verdict.objects.all(), allow_null=True, required=False,
        help_text="The rating mapped onto the desk's scale (editors may correct it)",
    )  # fmt: skip
    appearance_urls = serializers.ListField(child=serializers.URLField(), read_only=True)

    class Meta(PriorFactCheckBriefSerializer.Meta):
        fields = [
            *PriorFactCheckBriefSerializer.Meta.fields, "verdict_corrected", "claim_author", "claim_date",
            "appearance_urls", "language_detected", "source_kind", "source", "imported_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = [f for f in fields if f not in linking.EDITABLE_FIELDS]
        extra_kwargs = {
            "verdict_corrected": {
                "help_text": "true once an editor changes the verdict: rating mappings and re-imports then leave "
                "it as it is. Send false to hand it back to the mapping (the verdict becomes the mapped one)."
            }
        }


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Words of the claim reviewed or its author (any language)"),
            OpenApiParameter("language", str, description="BCP 47 primary tag, e.g. it"),
            OpenApiParameter("publisher", str, description="The fact-checker's name, exactly"),
        ],
        responses={200: PriorFactCheckSerializer(many=True), **error_responses(400)},
    ),
    partial_update=extend_schema(responses={200: PriorFactCheckSerializer, **error_responses(400)}),
)
class PriorFactCheckViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin,
                            viewsets.GenericViewSet):  # fmt: skip
    """Prior fact-checks: read by everyone with a role, corrected by editors."""

    serializer_class = PriorFactCheckSerializer
    permission_classes = [ReadByRoleWriteByEditor]
    http_method_names = ["get", "patch", "head", "options"]
    keyset_ordering = ("id",)
    filter_backends: list = []

    def get_queryset(self):
        queryset = PriorFactCheck.objects.select_related("verdict").defer("search_vector", "match_vector")
        params = self.request.query_params
        if language := clean_language_filter(params.get("language")):
            queryset = queryset.filter(language_filter("language", language))
        if params.get("publisher"):
            queryset = queryset.filter(publisher_name=params["publisher"])
        if params.get("q") is not None:
            queryset = queryset.filter(_matching(search.clean_query(params["q"])))
        return queryset

    def perform_update(self, serializer):
        fields = serializer.validated_data
        serializer.instance = linking.update_prior(serializer.instance, actor=self.request.user, **fields)


def _matching(q: str) -> Q:
    """Fact-checks whose words match `q`: stemmed in each fact-check's own language, or word for word."""
    return Q(_Match(F("match_vector"), "simple", q)) | search.matching(q)


class _Match(Func):
    """vector @@ websearch_to_tsquery(config, q)."""

    output_field = BooleanField()

    def __init__(self, vector, config: str, q: str):
        super().__init__(vector, Value(config), Value(q))

    def as_sql(self, compiler, connection, **extra_context):
        vector, config, q = (compiler.compile(e) for e in self.source_expressions)
        return f"{vector[0]} @@ websearch_to_tsquery({config[0]}::regconfig, {q[0]})", (*vector[1], *config[1], *q[1])


class CountsSerializer(serializers.Serializer):
    new = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    refused = serializers.IntegerField()


class RefusedItemSerializer(serializers.Serializer):
    item = serializers.IntegerField(help_text="1-based position of the item (or line, or row) in the input")
    url = serializers.CharField(help_text="The item's url when it had one")
    reason = serializers.CharField()


class PriorImportJobSerializer(serializers.ModelSerializer):
    """An import: `counts` so far, `items_done` read, `errors` the first refused items with their reason,
    `error` why the whole import failed."""

    counts = CountsSerializer(source="*")
    errors = RefusedItemSerializer(many=True)
    url = serializers.CharField(help_text="The feed or page imported; blank for a file")
    created_by = serializers.CharField(
        source="created_by.username", allow_null=True, default=None,
        help_text="Who started it; null for the scheduled refresh of a configured feed",
    )  # fmt: skip

    class Meta:
        model = PriorImportJob
        fields = [
            "id", "status", "url", "file_name", "items_done", "counts", "errors", "error", "not_modified",
            "created_by", "created_at", "started_at", "finished_at",
        ]  # fmt: skip
        read_only_fields = fields


class ImportRequestSerializer(serializers.Serializer):
    """One way in: an uploaded `file`, or the `url` of a feed or a fact-check page."""

    file = serializers.FileField(
        required=False, help_text="A DataFeed or JSON array (.json), JSON Lines (.jsonl) or CSV (.csv)"
    )
    url = serializers.URLField(
        required=False, max_length=2000, help_text="A feed (JSON, JSON Lines, CSV) or a fact-check page"
    )

    def validate(self, data):
        if ("file" in data) == ("url" in data):
            message = _("Send a file or a url, one of the two.")
            raise serializers.ValidationError({"file": [message], "url": [message]})
        return data


class PriorImportsView(mixins.ListModelMixin, generics.GenericAPIView):
    """The desk's imports, newest first, and starting one (editors)."""

    permission_classes = [IsEditor]
    parser_classes = [MultiPartParser, JSONParser]
    serializer_class = PriorImportJobSerializer
    queryset = PriorImportJob.objects.select_related("created_by")
    keyset_ordering = ("-created_at", "-id")
    filter_backends: list = []

    @extend_schema(
        responses={200: PriorImportJobSerializer(many=True)},
        description="Every import of the desk (uploads, URLs and the scheduled feed refreshes), newest first.",
    )
    def get(self, request):
        return self.list(request)

    @extend_schema(
        # One documented content type: a client generated from the schema (openapi-python-client) cannot
        # import an operation whose body has two. A script may also send `{"url"}` as application/json.
        request={"multipart/form-data": ImportRequestSerializer},
        responses={202: PriorImportJobSerializer, **error_responses(400)},
        description="Import prior fact-checks from an uploaded `file` or from a `url` (a feed or a fact-check "
        'page, fetched safely; also accepted as a JSON body `{"url"}`), as a job: poll `imports/{id}/`. '
        "A malformed item is refused with its reason; the rest are imported. One fact-check per URL: a "
        "re-import updates it and keeps what changed.",
    )
    def post(self, request):
        data = ImportRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if "file" in data.validated_data:
            job = import_jobs.start_import(created_by=request.user, upload=data.validated_data["file"])
        else:
            job = import_jobs.start_import(created_by=request.user, url=data.validated_data["url"])
        job = PriorImportJob.objects.select_related("created_by").get(pk=job.pk)
        return Response(PriorImportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class PriorImportDetailView(APIView):
    permission_classes = [IsEditor]

    @extend_schema(responses={200: PriorImportJobSerializer, **error_responses(404)})
    def get(self, request, job_id):
        """An import job's status, counts and refused items."""
        job = get_object_or_404(PriorImportJob.objects.select_related("created_by"), pk=job_id)
        return Response(PriorImportJobSerializer(job).data)


class RatingMappingSerializer(serializers.ModelSerializer):
    verdict = serializers.SlugRelatedField(slug_field="key", queryset=Verdict.objects.all())
    publisher = serializers.CharField(required=False, allow_blank=True, max_length=300, help_text="Blank: any")
    language = serializers.CharField(required=False, allow_blank=True, max_length=35, help_text="Blank: any")

    class Meta:
        model = RatingMapping
        fields = ["id", "publisher", "language", "rating_name", "verdict", "updated_at"]
        read_only_fields = ["id", "updated_at"]


class UnmappedRatingSerializer(serializers.Serializer):
    publisher = serializers.CharField()
    language = serializers.CharField()
    rating_name = serializers.CharField()
    count = serializers.IntegerField(help_text="Prior fact-checks with this rating")
    suggested_verdict = serializers.CharField(allow_null=True, help_text="A proposal, never applied by itself")
    suggestion_reason = serializers.CharField()


@extend_schema_view(
    create=extend_schema(responses={201: RatingMappingSerializer, **error_responses(400)}),
    partial_update=extend_schema(responses={200: RatingMappingSerializer, **error_responses(400)}),
    destroy=extend_schema(responses={204: None}),
)
class RatingMappingViewSet(viewsets.ModelViewSet):
    """Editors map published ratings onto the desk's verdicts; saving one re-maps the fact-checks it covers."""

    queryset = RatingMapping.objects.select_related("verdict")
    serializer_class = RatingMappingSerializer
    permission_classes = [IsEditor]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    keyset_ordering = ("id",)
    filter_backends: list = []

    def perform_create(self, serializer):
        serializer.instance = ratings.save_mapping(None, actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = ratings.save_mapping(
            serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        ratings.delete_mapping(instance)

    @extend_schema(
        responses={200: UnmappedRatingSerializer(many=True)},
        description=f"Published ratings no mapping covers, most frequent first (at most {ratings.UNMAPPED_LIMIT}), "
        "each with a suggested verdict from its words or its ratingValue.",
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def unmapped(self, request):
        return Response(UnmappedRatingSerializer(ratings.unmapped_ratings(), many=True).data)


class LinkInputSerializer(serializers.Serializer):
    prior_factcheck = serializers.IntegerField(help_text="The prior fact-check that checked this claim")
    stance = serializers.ChoiceField(
        choices=["supports", "refutes", "context"], required=False,
        help_text="The evidence's stance; by default from the mapped verdict (a false rating refutes)",
    )  # fmt: skip


class PriorLinkSerializer(serializers.Serializer):
    prior_factcheck = PriorFactCheckBriefSerializer(source="prior")
    stance = serializers.CharField()
    linked_by = serializers.CharField(source="linked_by.username", allow_null=True, default=None)
    linked_at = serializers.DateTimeField()


class LinkResultSerializer(serializers.Serializer):
    link = PriorLinkSerializer()
    annotation = serializers.IntegerField(source="annotation.pk", allow_null=True, default=None)
    draft = serializers.ChoiceField(
        choices=["created", "evidence_added", "unchanged", "no_verdict"],
        help_text="created: a draft with the verdict pre-filled from the mapped rating, to confirm; "
        "evidence_added: the fact-check joined your draft's evidence; unchanged: your annotation is "
        "submitted; no_verdict: the rating is not mapped yet, so nothing was pre-filled",
    )


class ClaimPriorLinksView(APIView):
    """The prior fact-checks a claim is linked to ("checked by ...")."""

    def get_permissions(self):
        return [HasRole()] if self.request.method in SAFE_METHODS else [IsReviewer()]

    @extend_schema(responses={200: PriorLinkSerializer(many=True), **error_responses(404)})
    def get(self, request, claim_pk):
        claim = get_object_or_404(selectors.claim_queryset(), pk=claim_pk)
        links = claim.prior_links.select_related("prior__verdict", "linked_by").order_by("linked_at", "id")
        return Response(PriorLinkSerializer(links, many=True).data)

    @extend_schema(
        request=LinkInputSerializer,
        responses={201: LinkResultSerializer, **error_responses(400, 404, 409)},
        description="Link this claim to a prior fact-check. It becomes evidence in your annotation; with none "
        "yet, a draft is started with the verdict pre-filled from the mapped rating, for you to confirm.",
    )
    def post(self, request, claim_pk):
        claim = get_object_or_404(selectors.claim_queryset(), pk=claim_pk)
        data = LinkInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        prior_id = data.validated_data["prior_factcheck"]
        prior = PriorFactCheck.objects.select_related("verdict").filter(pk=prior_id).first()
        if prior is None:
            raise serializers.ValidationError(
                {"prior_factcheck": [_("Prior fact-check %(id)s does not exist.") % {"id": prior_id}]}
            )
        result = linking.link_prior(claim, prior, actor=request.user, stance=data.validated_data.get("stance"))
        return Response(LinkResultSerializer(result).data, status=status.HTTP_201_CREATED)
