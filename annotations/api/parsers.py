"""Request parsers: JSON with a nesting limit, and JSON Lines bodies for bulk import."""

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser, get_encoding
from rest_framework.utils import json

from factcheck.lib import bounded_json


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with factcheck.lib.bounded_json's nesting limit: a body nested too deep
    (ten thousand `[`) is a 400 naming the limit, not a RecursionError and a 500.

    It is the API's one JSON parser (REST_FRAMEWORK's DEFAULT_PARSER_CLASSES and the import action)."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = get_encoding(parser_context or {})
        parse_constant = json.strict_constant if self.strict else None
        try:
            return bounded_json.loads(stream.read().decode(encoding), parse_constant=parse_constant)
        except bounded_json.TooDeep as error:
            raise ParseError(str(error)) from None
        except ValueError as error:  # malformed JSON, or bytes that are not in the charset
            raise ParseError(_("JSON parse error - %(error)s") % {"error": error}) from None


class PlainTextParser(BaseParser):
    """Hands JSON Lines (or any text) to the view as a string, to be parsed line by line."""

    media_type = "application/x-ndjson"

    def parse(self, stream, media_type=None, parser_context=None) -> str:
        try:
            return stream.read().decode("utf-8")
        except UnicodeDecodeError as error:
            raise ParseError(_("The request body is not valid UTF-8.")) from error


class JSONLinesParser(PlainTextParser):
    media_type = "application/jsonl"


class TextParser(PlainTextParser):
    media_type = "text/plain"
