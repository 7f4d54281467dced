"""API for articles and claims: serializers that shape and validate input, and thin views."""

from django.db.models import Count
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from .. import articles as article_services
from .. import claims as claim_services
from ..anchoring import Anchor
from ..importing import ImportFailed, import_articles, parse_payload, records_from_items
from ..instants import parse_instant
from ..models import Article, Claim
from .errors import error_responses
from .filters import ArticleFilter, ClaimFilter
from .parsers import JSONLinesParser, PlainTextParser, TextParser
from .permissions import ReadByRoleWriteByEditor, ReadByRoleWriteByReviewer


class DateOrDateTimeField(serializers.DateTimeField):
    """Accepts an ISO 8601 instant or a bare date (taken as midnight UTC)."""

    def to_internal_value(self, value):
        if not isinstance(value, str):
            return super().to_internal_value(value)
        try:
            return parse_instant(value)
        except ValueError:
            self.fail("invalid", format="YYYY-MM-DD or an ISO 8601 instant")


class ArticleSerializer(serializers.ModelSerializer):
    """An article. Types only: the rules (blank titles, language tags, dates) are checked by
    annotations.articles.clean_article_fields when the service saves it."""

    published_at = DateOrDateTimeField(required=False, allow_null=True)
    claim_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Article
        fields = [
            "id", "title", "url", "publisher", "language", "published_at", "body",
            "claim_count", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["id", "created_at", "updated_at"]


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
    errors = ImportErrorSerializer(many=True)


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


class ClaimSerializer(serializers.ModelSerializer):
    selector = SelectorField(
        help_text="W3C selectors: a TextQuoteSelector {exact, prefix, suffix}, a TextPositionSelector "
        "{start, end} (code points), or both. Responses carry both."
    )
    published_verdict = PublishedVerdictSerializer(
        source="published_version", read_only=True, allow_null=True, help_text="null until an editor approves one"
    )

    class Meta:
        model = Claim
        fields = [
            "id", "article", "selector", "start", "end", "exact", "claimant", "claim_date", "statement",
            "published_verdict", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["id", "article", "start", "end", "exact", "created_at", "updated_at"]

    def validate_selector(self, value):
        if self.instance is not None:
            raise serializers.ValidationError("A claim's selector cannot be changed; delete and re-create the claim.")
        if not isinstance(value, list | dict):
            raise serializers.ValidationError("Expected a list of W3C selector objects.")
        return value


CLAIM_QUERYSET = Claim.objects.select_related("published_version__verdict")


@extend_schema_view(
    partial_update=extend_schema(responses={200: ArticleSerializer, **error_responses(409)}),
    destroy=extend_schema(responses={204: None, **error_responses(409)}),
)
class ArticleViewSet(viewsets.ModelViewSet):
    """News articles. Editors create, edit and delete; everyone with a role reads."""

    # Aggregating drops Meta.ordering, and pages need a stable order.
    queryset = Article.objects.annotate(claim_count=Count("claims")).order_by("-created_at", "-id")
    permission_classes = [ReadByRoleWriteByEditor]
    filterset_class = ArticleFilter
    search_fields = ["title", "body", "publisher"]
    ordering_fields = ["created_at", "published_at", "title"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_serializer_class(self):
        return ArticleListSerializer if self.action == "list" else ArticleSerializer

    def perform_create(self, serializer):
        article = article_services.create_article(created_by=self.request.user, **serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=article.pk)  # with its claim_count

    def perform_update(self, serializer):
        article = article_services.update_article(serializer.instance, **serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=article.pk)

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
            page = self.paginate_queryset(CLAIM_QUERYSET.filter(article=article))
            return self.get_paginated_response(ClaimSerializer(page, many=True).data)
        serializer = ClaimSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        claim = claim_services.create_claim(article, data.pop("selector"), created_by=request.user, **data)
        return Response(ClaimSerializer(claim).data, status=status.HTTP_201_CREATED)


@extend_schema_view(destroy=extend_schema(responses={204: None, **error_responses(409)}))
class ClaimViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Claims across articles. Create them under their article: POST /articles/{id}/claims/."""

    queryset = CLAIM_QUERYSET
    serializer_class = ClaimSerializer
    permission_classes = [ReadByRoleWriteByReviewer]
    filterset_class = ClaimFilter
    search_fields = ["exact", "claimant", "statement"]
    ordering_fields = ["created_at", "start"]
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def perform_update(self, serializer):
        serializer.instance = claim_services.update_claim(serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        claim_services.delete_claim(instance)
