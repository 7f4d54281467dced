"""API for articles: serializers that shape and validate input, and thin views. An article's claims are
listed and marked here; claims across articles are in annotations.api.claims."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from factcheck.lib.instants import parse_instant

from .. import articles as article_services
from .. import claims as claim_services
from .. import selectors
from ..fetching import jobs as fetch_jobs
from ..importing import ImportFailed, import_articles, parse_payload, records_from_items
from ..models import Article, ArticleRevision, FetchJob
from .claims import ClaimSerializer
from .errors import error_responses
from .filters import ArticleFilter
from .parsers import JSONLinesParser, JSONParser, PlainTextParser, TextParser
from .permissions import ReadByRoleWriteByEditor, ReadByRoleWriteByReviewer


class DateOrDateTimeField(serializers.DateTimeField):
    """Accepts an ISO 8601 instant or a bare date (taken as midnight UTC)."""

    def to_internal_value(self, value):
        if not isinstance(value, str):
            return super().to_internal_value(value)
        try:
            return parse_instant(value)
        except ValueError:
            self.fail("invalid", format=_("YYYY-MM-DD or an ISO 8601 instant"))


class ArticleSerializer(serializers.ModelSerializer):
    """An article. Types only: the rules (blank titles, language tags, dates) are checked by
    annotations.articles.clean_article_fields when the service saves it."""

    published_at = DateOrDateTimeField(required=False, allow_null=True)
    claim_count = serializers.IntegerField(read_only=True)
    unreviewed_count = serializers.IntegerField(read_only=True, help_text="Claims without a published verdict")

    class Meta:
        model = Article
        fields = [
            "id", "title", "url", "publisher", "author", "language", "published_at", "body",
            "claim_count", "unreviewed_count", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["id", "created_at", "updated_at"]


class ArticleUpdateSerializer(ArticleSerializer):
    """A change of an article; with a new `body`, `change_note` says why (kept with the revision)."""

    change_note = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=2000,
        help_text="Why the text changed (a correction, an update); kept with the new revision",
    )  # fmt: skip

    class Meta(ArticleSerializer.Meta):
        fields = [*ArticleSerializer.Meta.fields, "change_note"]


class ReanchoredSerializer(serializers.Serializer):
    """How many claims a new revision left in each anchor status."""

    exact = serializers.IntegerField()
    moved = serializers.IntegerField()
    fuzzy = serializers.IntegerField()
    orphaned = serializers.IntegerField()
    needs_review = serializers.IntegerField(
        help_text="Claims a person must look at now: an ambiguous or low-score match, or changed words under a verdict"
    )


class ArticleUpdateResultSerializer(ArticleSerializer):
    """The article after a change: with a new body, the revision it became and the re-anchoring."""

    revision = serializers.IntegerField(read_only=True)
    reanchored = ReanchoredSerializer(read_only=True, allow_null=True)

    class Meta(ArticleSerializer.Meta):
        fields = [*ArticleSerializer.Meta.fields, "revision", "reanchored"]

    def to_representation(self, update):
        """`update`: the articles.ArticleUpdate the service returned."""
        data = super().to_representation(update.article)
        result = update.revision
        data["reanchored"] = result.reanchored if result is not None and result.created else None
        return data


class RevisionSerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username", allow_null=True, default=None)
    length = serializers.IntegerField()

    class Meta:
        model = ArticleRevision
        fields = ["number", "source", "created_at", "created_by", "sha256", "html_sha256", "length", "note"]


class RevisionDetailSerializer(RevisionSerializer):
    class Meta(RevisionSerializer.Meta):
        fields = [*RevisionSerializer.Meta.fields, "body"]


class FetchRequestSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=2000, help_text="http or https address of the article")
    language = serializers.CharField(required=False, allow_blank=True, help_text="BCP 47; guessed when absent")
    publisher = serializers.CharField(required=False, allow_blank=True, max_length=200)

    def validate_language(self, value: str) -> str:
        # The article rules' one home is the service; the job is refused before it is queued.
        if not value:
            return ""
        try:
            return article_services.clean_article_fields({"language": value}, partial=True)["language"]
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict["language"]) from None


class FetchJobSerializer(serializers.ModelSerializer):
    """A fetch job: `article` is the new (or refetched) article's id once known, `error` says why it failed."""

    class Meta:
        model = FetchJob
        fields = ["id", "status", "url", "article", "error", "refetch", "revision", "created_at", "finished_at"]
        read_only_fields = fields


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    field = serializers.CharField()
    article = serializers.IntegerField()


class ArticleListSerializer(ArticleSerializer):
    """Articles in lists carry no body (it can be long); retrieve one for its text."""

    class Meta(ArticleSerializer.Meta):
        fields = [name for name in ArticleSerializer.Meta.fields if name != "body"]


class ImportReportSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    ids = serializers.ListField(child=serializers.IntegerField())


class ImportErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="1-based line (JSON Lines) or array position; 0: the whole payload")
    field = serializers.CharField()
    message = serializers.CharField()
    source = serializers.CharField(required=False)


class ImportFailedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = ImportErrorSerializer(
        many=True, required=False, help_text="Each bad record's line and field; absent when the body is unreadable"
    )


@extend_schema_view(
    partial_update=extend_schema(responses={200: ArticleSerializer, **error_responses(409)}),
    destroy=extend_schema(responses={204: None, **error_responses(409)}),
)
class ArticleViewSet(viewsets.ModelViewSet):
    """News articles. Editors create, edit and delete; everyone with a role reads."""

    # claim_count is a counter kept with the claims (annotations.derived.counters), not a GROUP BY.
    queryset = Article.objects.all()
    permission_classes = [ReadByRoleWriteByEditor]
    filterset_class = ArticleFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_keyset_ordering(self) -> tuple[str, ...]:
        # An article's claims page in text order, its revisions oldest first; articles newest first.
        return {"claims": ("start", "end", "id"), "revisions": ("number", "id")}.get(
            self.action, ("-created_at", "-id")
        )

    def get_serializer_class(self):
        return ArticleListSerializer if self.action == "list" else ArticleSerializer

    def perform_create(self, serializer):
        article = article_services.create_article(created_by=self.request.user, **serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=article.pk)  # with its claim_count

    def perform_update(self, serializer):
        return article_services.update_article(
            serializer.instance, edited_by=self.request.user, **serializer.validated_data
        )

    @extend_schema(
        request=ArticleUpdateSerializer,
        responses={200: ArticleUpdateResultSerializer},
        description="Change an article. A new `body` becomes a new revision (the same text adds none) and "
        "every claim is re-anchored in the same transaction; `reanchored` counts the claims by anchor status.",
    )
    def partial_update(self, request, *args, **kwargs):
        article = self.get_object()
        serializer = ArticleUpdateSerializer(article, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        return Response(ArticleUpdateResultSerializer(self.perform_update(serializer)).data)

    def perform_destroy(self, instance):
        article_services.delete_article(instance)

    @extend_schema(
        request=FetchRequestSerializer,
        responses={202: FetchJobSerializer, 400: None, 409: ConflictSerializer},
        description="Add an article from its URL, as a job (poll `fetches/{id}/`). A URL refused without "
        "fetching (scheme, a private address) is 400 naming `url`; one already imported is 409 naming the article.",
    )
    @action(detail=False, methods=["post"], url_path="fetch", url_name="fetch")
    def fetch(self, request):
        serializer = FetchRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        job = fetch_jobs.start_fetch(created_by=request.user, **serializer.validated_data)
        job.refresh_from_db()
        return Response(FetchJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={200: FetchJobSerializer, 404: None})
    @action(detail=False, methods=["get"], url_path=r"fetches/(?P<job_id>[0-9a-fA-F-]{36})", url_name="fetch-detail")
    def fetch_detail(self, request, job_id=None):
        """A fetch job's status."""
        return Response(FetchJobSerializer(get_object_or_404(FetchJob, pk=job_id)).data)

    @extend_schema(request=None, responses={202: FetchJobSerializer, 400: None})
    @action(detail=True, methods=["post"])
    def refetch(self, request, pk=None):
        """Fetch the article's URL again; a changed text becomes a new revision, claims re-anchored."""
        job = fetch_jobs.start_refetch(self.get_object(), created_by=request.user)
        job.refresh_from_db()
        return Response(FetchJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={200: RevisionSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def revisions(self, request, pk=None):
        """The article's body revisions, oldest first."""
        article = get_object_or_404(Article, pk=pk)
        page = self.paginate_queryset(article.revisions.select_related("created_by").order_by("number"))
        return self.get_paginated_response(RevisionSerializer(page, many=True).data)

    @extend_schema(responses={200: RevisionDetailSerializer, 404: None})
    @action(detail=True, methods=["get"], url_path=r"revisions/(?P<number>[0-9]+)", url_name="revision-detail")
    def revision(self, request, pk=None, number=None):
        """One revision with its body."""
        revision = get_object_or_404(ArticleRevision.objects.select_related("created_by"), article_id=pk, number=number)
        return Response(RevisionDetailSerializer(revision).data)

    @extend_schema(
        request={"application/json": ArticleSerializer(many=True), "application/x-ndjson": str},
        responses={201: ImportReportSerializer, 400: ImportFailedSerializer},
        description="Import many articles from a JSON array or JSON Lines, all or nothing. "
        "On error nothing is written and `errors` lists each bad record's line and field.",
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        url_name="import",
        parser_classes=[JSONParser, PlainTextParser, JSONLinesParser, TextParser],
    )
    def import_(self, request):
        payload = request.data
        try:
            if isinstance(payload, str):
                records = parse_payload(payload)
            else:
                records = records_from_items(payload if isinstance(payload, list) else [payload])
            created = import_articles(records, created_by=request.user)
        except ImportFailed as failure:
            return Response(
                {"detail": str(failure), "errors": [error.as_dict() for error in failure.errors]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response({"created": len(created), "ids": [a.pk for a in created]}, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses=ClaimSerializer(many=True))
    @extend_schema(methods=["POST"], request=ClaimSerializer, responses={201: ClaimSerializer})
    @action(detail=True, methods=["get", "post"], permission_classes=[ReadByRoleWriteByReviewer])
    def claims(self, request, pk=None):
        """List an article's claims, or mark a new claim in it by W3C selectors."""
        # Not self.get_object(): the claim permission's ownership rule is about claims, not their article.
        article = get_object_or_404(Article, pk=pk)
        if request.method == "GET":
            page = self.paginate_queryset(selectors.claim_queryset().filter(article=article))
            return self.get_paginated_response(ClaimSerializer(page, many=True).data)
        serializer = ClaimSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        claim = claim_services.create_claim(article, data.pop("selector"), created_by=request.user, **data)
        claim = selectors.claim_queryset().get(pk=claim.pk)
        return Response(ClaimSerializer(claim).data, status=status.HTTP_201_CREATED)
