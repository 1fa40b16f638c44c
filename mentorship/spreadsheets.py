"""Cells written to a CSV file that people open in a spreadsheet program.

A spreadsheet runs a cell that starts with = + - @ (or a tab or a carriage return) as a
formula, so text a person typed (a name, an answer, a cohort's name) could run as one on a
coordinator's machine. Every CSV the app writes passes its text cells through ``csv_safe``.

Every CSV the app hands out also starts with a UTF-8 byte order mark: without it, spreadsheet
programs read the file in the machine's legacy encoding and mangle accented names. The
responses and files below add it; nothing else writes a CSV for people.
"""

import re
from collections.abc import Iterable

from django.http import HttpResponse, StreamingHttpResponse

BOM = "\ufeff"
CONTENT_TYPE = "text/csv; charset=utf-8"

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def csv_safe(value: object) -> str:
    """The cell as text that will not run as a formula: text that starts with = + - @ (or a
    tab or carriage return) is prefixed with a quote. Plain numbers, negative ones too, stay."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def _disposition(filename: str) -> str:
    return 'attachment; filename="{}"'.format(filename.replace('"', "").replace("\\", ""))


def csv_response(*, filename: str) -> HttpResponse:
    """An empty CSV download, its byte order mark written: hand it to ``csv.writer``."""
    response = HttpResponse(content_type=CONTENT_TYPE)
    response["Content-Disposition"] = _disposition(filename)
    response.write(BOM)
    return response


def csv_streaming_response(*, lines: Iterable[str], filename: str) -> StreamingHttpResponse:
    """A CSV download streamed line by line (for exports that grow with the cohort),
    starting with the byte order mark."""

    def with_bom():
        yield BOM
        yield from lines

    response = StreamingHttpResponse(with_bom(), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = _disposition(filename)
    return response


def csv_bytes(text: str) -> bytes:
    """A CSV file's content to store, byte order mark first."""
    return (BOM + text.removeprefix(BOM)).encode()
