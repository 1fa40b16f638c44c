import re
from pathlib import Path

import pytest
from django.conf import settings

from mentorship.spreadsheets import csv_bytes, csv_response, csv_safe, csv_streaming_response


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+1", "'+1"),
        ("-cmd", "'-cmd"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("-3", "-3"),
        ("-3.5", "-3.5"),
        ("-3e5", "'-3e5"),
        ("plain", "plain"),
        ("a=b", "a=b"),
        (None, ""),
        (7, "7"),
    ],
)
def test_csv_safe_neutralises_formulas(value, expected):
    assert csv_safe(value) == expected


# --- The byte order mark -------------------------------------------------------------------------


def test_every_csv_helper_starts_with_the_byte_order_mark():
    response = csv_response(filename='a "b".csv')
    response.write("Zoë,1\r\n")
    streamed = csv_streaming_response(lines=iter(["Zoë,1\r\n"]), filename="x.csv")

    assert response.content == "\ufeffZoë,1\r\n".encode()
    assert b"".join(streamed.streaming_content) == "\ufeffZoë,1\r\n".encode()
    assert csv_bytes("Zoë\n") == csv_bytes("\ufeffZoë\n") == "\ufeffZoë\n".encode()
    assert response["Content-Disposition"] == 'attachment; filename="a b.csv"'
    assert response["Content-Type"] == streamed["Content-Type"] == "text/csv; charset=utf-8"


def test_no_view_writes_a_csv_without_the_helpers():
    """A CSV response built by hand would miss the byte order mark (a stored export is
    served as written, with it)."""
    by_hand = re.compile(r"HttpResponse\([^)]*text/csv")
    offenders = [
        str(path.relative_to(settings.BASE_DIR))
        for app in ("cohorts", "matching", "meetings", "mentorship", "questionnaires", "showcase")
        for path in (Path(settings.BASE_DIR) / app).rglob("*.py")
        if by_hand.search(path.read_text()) and path.name != "spreadsheets.py"
    ]
    assert offenders == []
