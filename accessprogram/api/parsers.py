"""The API's JSON parser: REST framework's, refusing with 400 what no field could store or no code should walk.

PostgreSQL text holds neither NUL nor an unpaired UTF-16 surrogate (`"\\ud800"` is valid JSON, but not
encodable as UTF-8), and a document nested thousands deep exhausts Python's recursion while it is parsed,
validated or stored. Each would otherwise surface as a 500 somewhere past the serializer.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32


def _is_unstorable(text: str) -> bool:
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def check_document(data) -> None:
    """Walk the parsed document without recursion; raise ParseError at the first value that cannot be kept."""
    stack = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ParseError(_("The JSON body is nested too deeply."), code="too_deep")
        if isinstance(value, str):
            if _is_unstorable(value):
                raise ParseError(_("The JSON body contains a NUL character or an unpaired surrogate."), code="bad_text")
        elif isinstance(value, dict):
            stack += [(key, depth + 1) for key in value] + [(item, depth + 1) for item in value.values()]
        elif isinstance(value, list):
            stack += [(item, depth + 1) for item in value]


class StrictJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("The JSON body is nested too deeply."), code="too_deep") from None
        check_document(data)
        return data
