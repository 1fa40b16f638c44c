"""A small RFC 5545 reader for the tests: strict about what our files must get right
(CRLF endings, 75-octet lines, folding, escaping), so that a slip fails a test."""

import re

CONTENT_LINE = re.compile(r"^(?P<name>[A-Z][A-Z0-9-]*)(?P<params>(;[^:]*)?):(?P<value>.*)$")


def unescape(value: str) -> str:
    out, i = [], 0
    while i < len(value):
        char = value[i]
        if char == "\\" and i + 1 < len(value):
            following = value[i + 1]
            out.append("\n" if following in "nN" else following)
            i += 2
            continue
        out.append(char)
        i += 1
    return "".join(out)


def parse(data: bytes) -> list[dict]:
    """The components of a calendar as dicts: {"type": "VEVENT", "props": {...}, "children": [...]}."""
    text = data.decode("utf-8")
    assert text.endswith("\r\n"), "a calendar ends with CRLF"
    physical = text[:-2].split("\r\n")
    for line in physical:
        assert "\n" not in line and "\r" not in line, f"bare line break in {line!r}"
        assert len(line.encode()) <= 75, f"line longer than 75 octets: {line!r}"
    logical: list[str] = []
    for line in physical:
        if line.startswith((" ", "\t")):
            logical[-1] += line[1:]
        else:
            logical.append(line)
    root = {"type": None, "props": {}, "children": []}
    stack = [root]
    for line in logical:
        match = CONTENT_LINE.match(line)
        assert match, f"not a content line: {line!r}"
        name, value = match["name"], match["value"]
        if name == "BEGIN":
            component = {"type": value, "props": {}, "children": []}
            stack[-1]["children"].append(component)
            stack.append(component)
        elif name == "END":
            assert stack[-1]["type"] == value, f"END:{value} closes {stack[-1]['type']}"
            stack.pop()
        else:
            stack[-1]["props"][name] = value
    assert len(stack) == 1, "unclosed component"
    return root["children"]


def events(data: bytes) -> list[dict]:
    (calendar,) = parse(data)
    assert calendar["type"] == "VCALENDAR"
    return [c["props"] for c in calendar["children"] if c["type"] == "VEVENT"]
