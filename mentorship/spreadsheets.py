"""Cells written to a CSV file that people open in a spreadsheet program.

A spreadsheet runs a cell that starts with = + - @ (or a tab or a carriage return) as a
formula, so text a person typed (a name, an answer, a cohort's name) could run as one on a
coordinator's machine. Every CSV the app writes passes its text cells through ``csv_safe``.
"""

import re

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def csv_safe(value: object) -> str:
    """The cell as text that will not run as a formula: text that starts with = + - @ (or a
    tab or carriage return) is prefixed with a quote. Plain numbers, negative ones too, stay."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text
