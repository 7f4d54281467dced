"""Request parsers beyond DRF's JSON: JSON Lines bodies for bulk import."""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser


class PlainTextParser(BaseParser):
    """Hands JSON Lines (or any text) to the view as a string, to be parsed line by line."""

    media_type = "application/x-ndjson"

    def parse(self, stream, media_type=None, parser_context=None) -> str:
        try:
            return stream.read().decode("utf-8")
        except UnicodeDecodeError as error:
            raise ParseError("The request body is not valid UTF-8.") from error


class JSONLinesParser(PlainTextParser):
    media_type = "application/jsonl"


class TextParser(PlainTextParser):
    media_type = "text/plain"
