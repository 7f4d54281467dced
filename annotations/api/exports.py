"""API for verdict exports: the streamed CSV, and export jobs run by Celery workers.

Who may export what (annotations.exports.filters.restrict_for): editors
everything; reviewers published verdicts, and `versions=all` for their own
annotations only; viewers published verdicts only. A job's file is served only
to the user who started the job.
"""

import datetime
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import audit
from ..exports import jobs, slots
from ..exports.csv import stream_csv
from ..exports.filters import FILTER_NAMES, parse_filters, restrict_for
from ..exports.sheets import SHEET_OPTION_NAMES, evidence_csv_statement, parse_sheet_options, verdicts_csv_statement
from ..models import ExportJob
from .errors import Conflict, ErrorSerializer, error_responses
from .permissions import HasRole

_TRUE, _FALSE = ("1", "true", "yes"), ("", "0", "false", "no")


class JSONOnlyNegotiation(BaseContentNegotiation):
    """Answer errors in JSON whatever the client accepts (a CSV client sends Accept: text/csv)."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def _bom(value) -> bool:
    text = str(value or "").strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise serializers.ValidationError({"bom": [_("Expected 1 (add a byte order mark for Excel) or 0.")]})


def filename_for(export_format: str, extension: str, filters: dict | None = None) -> str:
    """`<format>-<scope>-<time>.<ext>`: what the file is, which verdicts, and when it was made."""
    stem = jobs.FILE_STEMS.get(export_format, export_format)
    scope = jobs.scope_name(filters or {})
    return f"{stem}-{scope}-{datetime.datetime.now(datetime.UTC):%Y%m%dT%H%M%SZ}.{extension}"


FILTER_PARAMETERS = [
    OpenApiParameter("article", int, description="Article id."),
    OpenApiParameter("language", str, description="BCP 47 tag; 'en' also matches 'en-GB'."),
    OpenApiParameter("verdict", str, description="Verdict key(s), comma-separated."),
    OpenApiParameter("status", str, description="Review status of the row (always 'approved' when published)."),
    OpenApiParameter("reviewer", str, description="Reviewer username."),
    OpenApiParameter(
        "date_from", str, description="Date or instant, inclusive: approved_at (annotated_at with versions=all)."
    ),
    OpenApiParameter("date_to", str, description="Date (whole day) or instant, inclusive."),
    OpenApiParameter("as_of", str, description="ISO 8601 instant: the verdicts as published then."),
    OpenApiParameter("versions", str, enum=["all"], description="One row per annotation version (not viewers)."),
    OpenApiParameter("bom", str, enum=["0", "1"], description="1: start with a UTF-8 byte order mark (Excel)."),
    OpenApiParameter("excel", str, enum=["0", "1"], description="1: for Excel (UTF-8 with a byte order mark, CRLF)."),
]
SHEET_PARAMETERS = [
    OpenApiParameter(
        "labels",
        str,
        description="A language (e.g. 'it'): add a `verdict_label` column after `verdict`, the verdict's label "
        "in that language (its own label where the scale has no translation). Interface languages, or any "
        "language the rating scale has translations in; also a filter of export jobs.",
    ),
    OpenApiParameter(
        "dates",
        str,
        enum=["utc", "local"],
        description="local: instants as YYYY-MM-DD HH:MM:SS in the desk's time zone; utc (default): ISO 8601 UTC.",
    ),
]


class ExportsBusySerializer(serializers.Serializer):
    """429: every streamed-export slot is taken; start an export job instead, or retry later."""

    detail = serializers.CharField()
    retry_after = serializers.IntegerField(help_text="Seconds; also sent as the Retry-After header.")
    jobs_url = serializers.URLField(help_text="POST here to run the same export as a job (format csv).")


def exports_busy_response(request) -> Response:
    retry_after = settings.FACTCHECK.get("STREAMED_EXPORTS_RETRY_AFTER", 10)
    body = {
        "detail": ngettext(
            "%(count)d streamed export is running, the most allowed at once. "
            "Retry later, or start an export job (POST jobs_url with the same filters) and download its file.",
            "%(count)d streamed exports are running, the most allowed at once. "
            "Retry later, or start an export job (POST jobs_url with the same filters) and download its file.",
            slots.slot_limit(),
        )
        % {"count": slots.slot_limit()},
        "retry_after": retry_after,
        "jobs_url": request.build_absolute_uri(reverse("api:export-list")),
    }
    return Response(body, status=status.HTTP_429_TOO_MANY_REQUESTS, headers={"Retry-After": str(retry_after)})


class VerdictsCsvView(APIView):
    """The verdicts as CSV, streamed (PostgreSQL COPY block by block); columns as in DESIGN.md.

    At most FACTCHECK["STREAMED_EXPORTS_MAX"] run at once across all web processes
    (annotations.exports.slots); beyond that the answer is 429 pointing to the job API.
    """

    permission_classes = [HasRole]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = JSONOnlyNegotiation
    export_format = ExportJob.Format.CSV

    @extend_schema(
        operation_id="exports_verdicts_csv",
        parameters=FILTER_PARAMETERS + SHEET_PARAMETERS,
        responses={
            (200, "text/csv"): OpenApiTypes.STR,
            429: OpenApiResponse(
                ExportsBusySerializer,
                description="Too many streamed exports at once: retry after Retry-After seconds, or use jobs_url.",
            ),
        },
    )
    def get(self, request):
        params = request.query_params
        bom = _bom(params.get("bom"))
        options, excel = parse_sheet_options(params)
        filters = restrict_for(request.user, parse_filters(params, as_of=params.get("as_of")))
        slot = slots.acquire_slot(connection)
        if slot is None:
            return exports_busy_response(request)
        audit.record("export_run", actor=request.user, data={"format": self.export_format, "filters": filters.params})
        statement = self.statement(filters, options)
        blocks = stream_csv(filters, connection=connection, bom=bom or excel, statement=statement)
        response = StreamingHttpResponse(
            slots.holding_slot(blocks, connection, slot), content_type="text/csv; charset=utf-8"
        )
        filename = filename_for(self.export_format, "csv", filters.params)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response

    def statement(self, filters, options) -> str:
        return verdicts_csv_statement(filters, options, connection)


class EvidenceCsvView(VerdictsCsvView):
    """The evidence sheet: one row per evidence item of the exported versions (`claim_id, version, url,
    title, publisher, quote, stance, accessed`), same filters and neutralised cells as verdicts.csv."""

    export_format = ExportJob.Format.EVIDENCE

    @extend_schema(
        operation_id="exports_evidence_csv",
        parameters=FILTER_PARAMETERS,
        responses={
            (200, "text/csv"): OpenApiTypes.STR,
            429: OpenApiResponse(
                ExportsBusySerializer,
                description="Too many streamed exports at once: retry after Retry-After seconds, or use jobs_url.",
            ),
        },
    )
    def get(self, request):
        return super().get(request)

    def statement(self, filters, options) -> str:
        return evidence_csv_statement(filters, connection)


class ExportJobSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ExportJob
        fields = [
            "id",
            "format",
            "filters",
            "as_of",
            "status",
            "rows_done",
            "rows_total",
            "row_count",
            "checksum",
            "error",
            "attempts",
            "download_url",
            "created_at",
            "started_at",
            "finished_at",
            "expires_at",
        ]
        read_only_fields = fields

    def get_download_url(self, job: ExportJob) -> str | None:
        if job.status != ExportJob.Status.SUCCEEDED:
            return None
        path = reverse("api:export-download", args=[job.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class ExportJobRequestSerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=ExportJob.Format.choices)
    filters = serializers.DictField(
        required=False,
        default=dict,
        help_text="The export's filters by name, as the streamed CSV's query parameters (article, language, verdict, "
        "status, reviewer, date_from, date_to, versions, bom), and `labels` (a language: a `verdict_label` column).",
    )
    as_of = serializers.CharField(required=False, allow_null=True, allow_blank=True)

    def validate(self, data):
        filters = data["filters"]
        known = (*FILTER_NAMES, "bom", *SHEET_OPTION_NAMES)
        unknown = sorted(set(filters) - set(known))
        if unknown:
            raise serializers.ValidationError(
                {
                    "filters": {
                        name: [_("Unknown filter; known: %(known)s.") % {"known": ", ".join(known)}] for name in unknown
                    }
                }
            )
        try:
            data["bom"] = _bom(filters.get("bom"))
            excel = parse_sheet_options(filters)[1]
        except serializers.ValidationError as error:
            raise serializers.ValidationError({"filters": error.detail}) from error
        except ValidationError as error:
            raise serializers.ValidationError({"filters": error.message_dict}) from error
        data["bom"] = data["bom"] or excel
        spreadsheet = [name for name in ("bom", *SHEET_OPTION_NAMES) if str(filters.get(name) or "") not in ("", "0")]
        csv_formats = (ExportJob.Format.CSV, ExportJob.Format.EVIDENCE)
        if spreadsheet and data["format"] not in csv_formats:
            raise serializers.ValidationError(
                {"filters": {name: [_("A spreadsheet option, for csv and evidence only.")] for name in spreadsheet}}
            )
        parsed = _parse(filters, data.get("as_of"))
        if parsed.all_versions and data["format"] in (ExportJob.Format.CLAIMREVIEW, ExportJob.Format.CLAIMREVIEW_FEED):
            raise serializers.ValidationError(
                {"filters": {"versions": [_("ClaimReview describes published verdicts; versions=all is not offered.")]}}
            )
        data["parsed"] = parsed
        return data


def _parse(filters: dict, as_of):
    try:
        return parse_filters(filters, as_of=as_of)
    except ValidationError as error:
        messages = error.message_dict
        body = {"filters": {k: v for k, v in messages.items() if k != "as_of"}} if set(messages) - {"as_of"} else {}
        if "as_of" in messages:
            body["as_of"] = messages["as_of"]
        raise serializers.ValidationError(body) from error


class ExportJobViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Export jobs: POST starts one (202), GET polls its progress, `download/` serves the finished file.
    Users see their own jobs only."""

    serializer_class = ExportJobSerializer
    permission_classes = [HasRole]
    content_negotiation_class = JSONOnlyNegotiation
    filterset_fields = ["status", "format"]
    keyset_ordering = ("-created_at", "-id")

    queryset = ExportJob.objects.all()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return ExportJob.objects.none()
        return ExportJob.objects.filter(created_by=self.request.user)

    @extend_schema(
        request=ExportJobRequestSerializer,
        parameters=[
            OpenApiParameter(
                "Location", str, OpenApiParameter.HEADER, response=[202], required=True, description="The job's URL"
            )
        ],
        responses={
            202: ExportJobSerializer,
            503: OpenApiResponse(
                ErrorSerializer, description="The task queue is unreachable; the job is failed. Retry-After."
            ),
        },
    )
    def create(self, request, *args, **kwargs):
        incoming = ExportJobRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        filters = restrict_for(request.user, data["parsed"])
        sheet = {name: str(data["filters"][name]) for name in SHEET_OPTION_NAMES if data["filters"].get(name)}
        job = jobs.start_export(
            user=request.user, export_format=data["format"], filters=filters, bom=data["bom"], sheet=sheet
        )
        body = ExportJobSerializer(job, context={"request": request}).data
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body_location(request, job)})

    @extend_schema(
        responses={
            **{(200, content_type): OpenApiTypes.BINARY for _, content_type in jobs.FILE_TYPES.values()},
            **error_responses(409, 410),
        }
    )
    @action(detail=True, methods=["get"], url_path="download", url_name="download")
    def download(self, request, pk=None):
        job = self.get_object()
        if job.status == ExportJob.Status.EXPIRED:
            return Response(
                {"detail": _("The export file has expired; start a new export."), "status": job.status},
                status=status.HTTP_410_GONE,
            )
        path = jobs.file_path(job)
        if job.status != ExportJob.Status.SUCCEEDED or path is None:
            raise Conflict(
                {
                    "detail": _("The export is %(status)s; the file is offered once it has succeeded.")
                    % {"status": job.status},
                    "status": job.status,
                }
            )
        if not path.exists():
            return Response(
                {"detail": _("The export file is gone; start a new export."), "status": job.status},
                status=status.HTTP_410_GONE,
            )
        extension, content_type = jobs.FILE_TYPES[job.format]
        response = _file_response(path, filename_for(job.format, extension, job.filters))
        response["Content-Type"] = content_type
        response["X-Checksum-SHA256"] = job.checksum
        response["Cache-Control"] = "no-store"
        return response


def _file_response(path, filename: str) -> HttpResponse:
    """The finished file: by the front proxy when FACTCHECK["EXPORT_SENDFILE"] says so, else from Python.

    "x-accel-redirect" (nginx) answers with an empty body and a header naming an
    `internal` location under EXPORT_SENDFILE_PREFIX that maps to EXPORT_DIR;
    "x-sendfile" (Apache mod_xsendfile, lighttpd) names the file's absolute path.
    Either way no Python thread is held while the file is sent.
    """
    mode = settings.FACTCHECK.get("EXPORT_SENDFILE", "")
    if not mode:
        return FileResponse(path.open("rb"), as_attachment=True, filename=filename)
    response = HttpResponse()
    if mode == "x-accel-redirect":
        prefix = settings.FACTCHECK.get("EXPORT_SENDFILE_PREFIX", "/protected-exports/").rstrip("/")
        response["X-Accel-Redirect"] = f"{prefix}/{quote(path.name)}"
    else:
        response["X-Sendfile"] = str(path)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def body_location(request, job: ExportJob) -> str:
    return request.build_absolute_uri(reverse("api:export-detail", args=[job.pk]))
